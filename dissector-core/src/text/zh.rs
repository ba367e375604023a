//! Simplified Chinese: every sentence tcplens prints, in Simplified Chinese.

// ---------------------------------------------------------------------------------------
// Explanations of frames (chosen by `explain`).
// ---------------------------------------------------------------------------------------



// ---------------------------------------------------------------------------------------
// Diagnosis findings (chosen by `diagnosis`).
// ---------------------------------------------------------------------------------------

pub use diagnosis::Diagnosis;

/// The diagnosis's words (`crate::text::DiagnosisWords`), in a module of their own so their
/// imports stay theirs.
mod diagnosis {
    use core::fmt::{self, Write};

    use crate::diagnosis::{Cause, FrameList, Parties, Secs};
    use crate::lifecycle::Side;

    /// The diagnosis's words in Simplified Chinese.
    pub struct Diagnosis;

    impl crate::text::DiagnosisWords for Diagnosis {
        fn title(&self, cause: Cause) -> &'static str {
            match cause {
                Cause::SegmentLostBeforeCapture => "分段在抓包点之前丢失",
                Cause::SegmentLostAfterCapture => "分段在抓包点之后丢失",
                Cause::AckLost => "ACK 丢失或迟到",
                Cause::Reordering => "网络乱序",
                Cause::CaptureMissedPackets => "抓包点漏抓了数据包",
                Cause::MidConnectionStart => "抓包从连接中途开始",
                Cause::ReceiverWindowExhausted => "接收窗口耗尽",
                Cause::KeepAliveIdle => "空闲连接的保活",
                Cause::ResetWithUnackedData => "带着未确认数据的重置",
                Cause::PortReuse => "端口复用",
                Cause::HandshakeNoAnswer => "三次握手无应答",
                Cause::HandshakeRefused => "连接被拒绝",
                Cause::HandshakeUnfinished => "三次握手未完成",
            }
        }

        fn title_end(&self) -> &'static str {
            "："
        }

        fn side(&self, side: Side) -> &'static str {
            match side {
                Side::Client => "客户端",
                Side::Server => "服务器",
            }
        }

        fn resent(&self, fast: bool) -> &'static str {
            if fast {
                "快速重传"
            } else {
                "超时重传"
            }
        }

        fn lost_before_capture(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
            gap_frame: u32,
        ) -> fmt::Result {
            let who = p.who;
            write!(
                out,
                "{who}从 seq {seq} 开始的 {bytes} 字节没有经过抓包点（第 {gap_frame} 帧出现缺口）"
            )
        }

        fn lost_before_capture_dup_acks(
            &self,
            out: &mut dyn Write,
            p: Parties,
            dup_acks: u32,
            seq: u32,
        ) -> fmt::Result {
            let peer = p.peer;
            write!(out, "，{peer}发送了 {dup_acks} 个重复确认索要字节 {seq}")
        }

        fn lost_before_capture_resent(
            &self,
            out: &mut dyn Write,
            p: Parties,
            how: &str,
        ) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "，{who}在第 {fr} 帧{how}了这些字节。")
        }

        fn lost_after_capture_dup_acks(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            dup_acks: u32,
            how: &str,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "抓包点看到了{who}从 seq {seq} 开始的字节，但{peer}发送了 {dup_acks} 个重复确认索要它们，说明它们在抓包点和{peer}之间丢失；第 {fr} 帧{how}。")
        }

        fn lost_after_capture(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
            how: &str,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "第 {fr} 帧{how}{who}从 seq {seq} 开始的 {bytes} 字节；抓包点看到原始分段发出，但在此之前没有看到确认，说明分段在抓包点之后丢失，或{peer}的 ACK 丢失或迟到。")
        }

        fn ack_lost(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
            ack_frame: u32,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "第 {fr} 帧重传了{who}从 seq {seq} 开始的 {bytes} 字节，但{peer}已在第 {ack_frame} 帧确认过；这个 ACK 很可能在回到{who}的路上丢失或迟到了（虚假重传）。")
        }

        fn ack_lost_ack_unseen(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
        ) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "第 {fr} 帧重传了{who}从 seq {seq} 开始的 {bytes} 字节，而它们已经被确认；ACK 很可能在回到{who}的路上丢失或迟到了（虚假重传）。")
        }

        fn reordering_into_gap(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            later_frame: u32,
        ) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "{who}从 seq {seq} 开始的字节在第 {fr} 帧才到达，晚于第 {later_frame} 帧中更靠后的字节，间隔太短不可能是重传：网络把它们的顺序打乱了（乱序）。")
        }

        fn reordering(&self, out: &mut dyn Write, p: Parties, seq: u32, bytes: u32) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "{who}从 seq {seq} 开始的 {bytes} 字节在第 {fr} 帧才到达，晚于更大的序号，间隔太短不可能是重传：网络把它们的顺序打乱了（乱序）。")
        }

        fn capture_missed(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
            gap_frame: u32,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "{peer}在第 {fr} 帧确认了{who}从 seq {seq} 开始的 {bytes} 字节，而抓包中从未出现过它们（第 {gap_frame} 帧出现缺口）；这些字节已经送达，是抓包点漏抓了。")
        }

        fn capture_missed_beyond(&self, out: &mut dyn Write, p: Parties, ack: u32) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "{peer}在第 {fr} 帧确认了{who}到 {ack} 为止的字节，超出了抓包中看到的范围；这些字节已经送达，是抓包点漏抓了。")
        }

        fn mid_connection_start(&self, out: &mut dyn Write, p: Parties) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "这条连接的第一个包（第 {fr} 帧，来自{who}）不是 SYN，三次握手和初始序号没有被捕获，相对序号从这一帧开始计算。")
        }

        fn zero_window(&self, out: &mut dyn Write, p: Parties, zero_frame: u32) -> fmt::Result {
            let who = p.who;
            write!(out, "{who}在第 {zero_frame} 帧通告零窗口")
        }

        fn zero_window_probes(&self, out: &mut dyn Write, p: Parties, probes: u32) -> fmt::Result {
            let peer = p.peer;
            write!(out, "，{peer}发送了 {probes} 个零窗口探测")
        }

        fn zero_window_still_closed(
            &self,
            out: &mut dyn Write,
            _: Parties,
            after: Secs,
        ) -> fmt::Result {
            write!(out, "；直到抓包结束（{after} 之后）窗口仍未打开。")
        }

        fn zero_window_reopened(
            &self,
            out: &mut dyn Write,
            p: Parties,
            closed: Secs,
        ) -> fmt::Result {
            let fr = p.frame;
            write!(out, "；窗口关闭了 {closed}，在第 {fr} 帧重新打开。")
        }

        fn keep_alive_idle(
            &self,
            out: &mut dyn Write,
            p: Parties,
            idle: Secs,
            last_data: u32,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "连接已经 {idle} 没有数据（最后的数据在第 {last_data} 帧），{who}在第 {fr} 帧发送保活探测{peer}是否还在；连接只是空闲，并没有断开。")
        }

        fn keep_alive_no_data(&self, out: &mut dyn Write, p: Parties) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(
                out,
                "连接没有传输过数据，{who}在第 {fr} 帧发送保活探测{peer}是否还在。"
            )
        }

        fn reset(&self, out: &mut dyn Write, p: Parties) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "{who}在第 {fr} 帧用 RST 中止连接时，")
        }

        fn reset_unacked_sent(&self, out: &mut dyn Write, _: Parties, bytes: u32) -> fmt::Result {
            write!(out, "它发送的 {bytes} 字节还没有被确认")
        }

        fn reset_unacked_received(
            &self,
            out: &mut dyn Write,
            p: Parties,
            bytes: u32,
        ) -> fmt::Result {
            let peer = p.peer;
            write!(out, "{peer}发来的 {bytes} 字节它还没有确认")
        }

        fn reset_unacked_both(
            &self,
            out: &mut dyn Write,
            p: Parties,
            sent: u32,
            received: u32,
        ) -> fmt::Result {
            let peer = p.peer;
            write!(
                out,
                "它发送的 {sent} 字节和{peer}发来的 {received} 字节都还没有被确认"
            )
        }

        fn reset_end(&self, out: &mut dyn Write, _: Parties) -> fmt::Result {
            out.write_str("；在途数据随之丢失。")
        }

        fn port_reuse(&self, out: &mut dyn Write, p: Parties, stream: u32) -> fmt::Result {
            let (peer, fr) = (p.peer, p.frame);
            write!(out, "第 {fr} 帧在旧连接用过的地址和端口上建立新连接（流 {stream}）；如果{peer}上的旧连接还没有完全关闭，新的 SYN 可能会按旧状态处理。")
        }

        fn handshake_no_answer(
            &self,
            out: &mut dyn Write,
            p: Parties,
            syns: u32,
            frames: &[u32],
            over: Secs,
        ) -> fmt::Result {
            let (who, peer) = (p.who, p.peer);
            let frames = FrameList(frames, "、");
            write!(out, "{who}在 {over} 内发送了 {syns} 个 SYN（第 {frames} 帧），没有得到任何应答：{peer}不可达，或防火墙丢弃了 SYN 或应答。")
        }

        fn handshake_refused(
            &self,
            out: &mut dyn Write,
            p: Parties,
            syn_frame: u32,
        ) -> fmt::Result {
            let (peer, fr) = (p.peer, p.frame);
            write!(out, "{peer}在第 {fr} 帧用 RST 回应了 SYN（第 {syn_frame} 帧）：该端口上没有程序接受连接，或被防火墙拒绝。")
        }

        fn handshake_unfinished(
            &self,
            out: &mut dyn Write,
            p: Parties,
            syn_frame: u32,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "{peer}在第 {fr} 帧用 SYN+ACK 回应了 SYN（第 {syn_frame} 帧），但{who}一直没有发送三次握手的最后一个 ACK。")
        }
    }
}

// ---------------------------------------------------------------------------------------
// Picture labels (chosen by the render crate).
// ---------------------------------------------------------------------------------------



// ---------------------------------------------------------------------------------------
// The Wireshark plugin's expert-info summaries.
// ---------------------------------------------------------------------------------------
