//! Simplified Chinese: every sentence tcplens prints, in Simplified Chinese.

// ---------------------------------------------------------------------------------------
// Explanations of frames (chosen by `explain`).
// ---------------------------------------------------------------------------------------

/// The terms are those Chinese TCP tutorials use (三次握手, 四次挥手, 重传, 快速重传, 虚假重传,
/// 乱序, 重复确认, 零窗口 ...). A nested module so that its imports cannot clash with another
/// section's.
mod explanations {
    use core::fmt::{self, Write};

    use crate::analysis::Verdict;
    use crate::lifecycle::{Side, TcpState, Teardown};
    use crate::text::{put, us, ExplainWords, Mine, Ms, Piece::N, Piece::S, Theirs};
    use crate::verdict::{Basis, Clock, Evidence, OwnVerdict, Trigger};
    use crate::wire::{DecodeError, TcpFlags};

    use crate::text::Zh;

    /// 客户端 / 服务器.
    fn side(s: Side) -> &'static str {
        match s {
            Side::Client => "客户端",
            Side::Server => "服务器",
        }
    }

    /// The sender and its peer.
    fn sides(who: Side) -> (&'static str, &'static str) {
        (side(who), side(who.other()))
    }

    /// The Chinese ordinal of a teardown step ("第一次挥手" ...).
    fn wave(t: Teardown) -> &'static str {
        match t {
            Teardown::Fin => "第一次挥手",
            Teardown::AckOfFin => "第二次挥手",
            Teardown::SecondFin => "第三次挥手",
            Teardown::LastAck => "第四次挥手",
            Teardown::AckAndFin => "第二、三次挥手",
        }
    }

    impl ExplainWords for Zh {
        /// Chinese sentences follow the full stop directly.
        fn sentence_break<W: Write + ?Sized>(_out: &mut W) -> fmt::Result {
            Ok(())
        }

        fn full_stop<W: Write + ?Sized>(out: &mut W) -> fmt::Result {
            out.write_char('。')
        }

        fn states<W: Write + ?Sized>(
            out: &mut W,
            client: TcpState,
            server: TcpState,
        ) -> fmt::Result {
            // "此时：客户端 {}，服务器 {}。"
            put(
                out,
                &[
                    S("此时：客户端 "),
                    S(client.name()),
                    S("，服务器 "),
                    S(server.name()),
                    S("。"),
                ],
            )
        }

        fn decode_error<W: Write + ?Sized>(out: &mut W, reason: DecodeError) -> fmt::Result {
            match reason {
                DecodeError::UnsupportedLinkType(l) => write!(out, "不支持链路类型 {l}"),
                DecodeError::TruncatedLink => out.write_str("帧在链路层头部内就结束了"),
                DecodeError::BadIpVersion(v) => write!(out, "IP 版本号 {v} 既不是 4 也不是 6"),
                DecodeError::TruncatedIp => out.write_str("帧在 IP 头部内就结束了"),
                DecodeError::BadIpHeaderLength(ihl) => {
                    write!(out, "IPv4 头部长度 {ihl} 个字（32 位），小于最小值 5")
                }
                DecodeError::IpLengthTooSmall => {
                    out.write_str("IP 长度字段小于它必须包含的各个头部")
                }
                DecodeError::BadIpExtension => out.write_str("IP 扩展头部格式错误"),
                DecodeError::IpFragment => out.write_str(
                    "TCP 分段的 IP 分片被抓包长度（snaplen）截断，无法重组；TCP 头部在另一帧中",
                ),
                DecodeError::TruncatedTcp => out.write_str("帧在 TCP 头部内就结束了"),
                DecodeError::BadTcpDataOffset(d) => {
                    write!(out, "TCP 数据偏移 {d} 个字（32 位），小于最小值 5")
                }
                DecodeError::TcpHeaderBeyondIp => {
                    out.write_str("TCP 头部长度超出了 IP 载荷的末尾")
                }
                DecodeError::BadLinkHeader => out.write_str("链路层头部中的某个长度不可能成立"),
                DecodeError::WlanProtected => out.write_str(
                    "802.11 受保护帧：帧体已加密（请先解密抓包，例如在 Wireshark 中配置 802.11 密钥）",
                ),
                DecodeError::WlanAmsdu => {
                    out.write_str("802.11 A-MSDU：一个帧中包含多个子帧，不做解码")
                }
            }
        }

        fn icmp_quote<W: Write + ?Sized>(out: &mut W, who: Side, seq_raw: u32) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "一个 ICMP 差错报文引用了{who}所发分段的头部（seq {seq_raw}），该分段本身不做分析。"
            )
        }

        fn icmp_quote_cut<W: Write + ?Sized>(
            out: &mut W,
            v6: bool,
            quoted: u8,
            (sport, dport): (u16, u16),
            seq: Option<u32>,
        ) -> fmt::Result {
            let icmp = if v6 { "ICMPv6" } else { "ICMP" };
            write!(
                out,
                "一个 {icmp} 差错报文只引用了 TCP 头部的前 {quoted} 个字节（端口 {sport} 到端口 {dport}"
            )?;
            if let Some(seq) = seq {
                write!(out, "，seq {seq}")?;
            }
            out.write_str(
                "），不足以确定所属连接；与 Wireshark 一样，它不归入任何连接，也不做分析。",
            )
        }

        fn malformed<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            reason: DecodeError,
            stream: u32,
        ) -> fmt::Result {
            write!(out, "{}发来的 TCP 头部格式错误（", side(who))?;
            Self::decode_error(out, reason)?;
            write!(
                out,
                "）：归入流 {stream}，但和 Wireshark 一样不再进一步分析。"
            )
        }

        fn refused<W: Write + ?Sized>(out: &mut W) -> fmt::Result {
            out.write_str(
                "服务器用 RST 拒绝连接（这个端口上没有程序接受连接），双方都进入 CLOSED。",
            )
        }

        fn reset<W: Write + ?Sized>(out: &mut W, who: Side, from: Option<TcpState>) -> fmt::Result {
            let who = side(who);
            let from = from.map_or("未知状态", |s| s.name());
            write!(
                out,
                "{who}发送 RST 重置连接（此前处于 {from}），双方都进入 CLOSED。"
            )
        }

        fn syn<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "第一次握手（三次握手）：{who}发送 SYN 请求建立连接，seq = {seq}，进入 {state}。"
            )
        }

        fn syn_repeat<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "第一次握手（重发）：{who}再次发送 SYN（seq = {seq}），因为之前的 SYN 还没有得到应答。"
            )
        }

        fn syn_copy<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "第一次握手（再次出现）：{who}的 SYN（seq = {seq}）在抓包中再次出现。"
            )
        }

        fn simultaneous_open<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "同时打开：{who}在{peer}的 SYN 尚未确认时也发送了自己的 SYN（seq = {seq}），进入 {state}。"
            )
        }

        fn syn_ack<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            ack: u32,
            acked: u32,
            state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "第二次握手：{who}回复 SYN+ACK，seq = {seq}，ack = {peer}的 seq + 1 = {acked} + 1 = {ack}（SYN 占用一个序号），进入 {state}。"
            )
        }

        fn syn_ack_repeat<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "第二次握手（重发）：{who}再次发送 SYN+ACK（ack = {ack}），因为之前的 SYN+ACK 还没有被确认。"
            )
        }

        fn late_syn<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            syn_ack: bool,
            seq: u32,
            ack: u32,
        ) -> fmt::Result {
            let who = side(who);
            write!(out, "迟到的副本：{who}已进入 ESTABLISHED 后又出现它的 ")?;
            if syn_ack {
                write!(out, "SYN+ACK（seq = {seq}，ack = {ack}）")?;
            } else {
                write!(out, "SYN（seq = {seq}）")?;
            }
            write!(
                out,
                "，这是重复或延迟到达的副本，不是新的连接请求，双方状态不变（接收方只会回复 ACK）。"
            )
        }

        fn handshake_ack<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            ack: u32,
            acked: u32,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "第三次握手：{who}发送 ACK 确认{peer}的 SYN，ack = {acked} + 1 = {ack}，连接建立。"
            )
        }

        fn fin_repeat<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            step: Teardown,
            seq: u32,
        ) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "{}（重发）：{who}再次发送 FIN（seq = {seq}），因为之前的 FIN 还没有被确认。",
                wave(step)
            )
        }

        fn fin<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            fin_seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "第一次挥手（四次挥手）：{who}发送 FIN 关闭自己的发送方向，seq = {fin_seq}，进入 {state}"
            )
        }

        fn ack_of_fin<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            ack: u32,
            acked: u32,
            state: TcpState,
            peer_state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "第二次挥手：{who}发送 ACK 确认{peer}的 FIN，ack = {acked} + 1 = {ack}（FIN 占用一个序号），{who}进入 {state}，{peer}进入 {peer_state}"
            )
        }

        fn simultaneous_close<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "同时关闭：{who}在确认{peer}的 FIN 之前也发送了 FIN（seq = {seq}），进入 {state}。"
            )
        }

        fn second_fin<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            fin_seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "第三次挥手：{who}也发送 FIN 关闭自己的方向，seq = {fin_seq}，进入 {state}"
            )
        }

        fn last_ack<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            ack: u32,
            acked: u32,
            state: TcpState,
            peer_state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "第四次挥手：{who}发送 ACK 确认最后一个 FIN，ack = {acked} + 1 = {ack}，{who}进入 {state}，{peer}进入 {peer_state}"
            )
        }

        fn ack_and_fin<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            ack: u32,
            acked: u32,
            fin_seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "第二、三次挥手合并为一个包：{who}确认{peer}的 FIN（ack = {acked} + 1 = {ack}）并发送自己的 FIN（seq = {fin_seq}），进入 {state}"
            )
        }

        fn carrying<W: Write + ?Sized>(out: &mut W, len: u32, from: u32, to: u32) -> fmt::Result {
            write!(out, "，同时携带 {len} 字节数据（seq {from} 到 {to}）")
        }

        fn half_close_data<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            len: u32,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "半关闭：{peer}已经发送了 FIN，{who}仍在发送 {len} 字节数据（seq {seq} 到 {next}）。"
            )
        }

        fn data<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            len: u32,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            // "{who}发送 {len} 字节数据，seq = {seq}，下一个序号 = {seq} + {len} = {next}。"
            put(
                out,
                &[
                    S(side(who)),
                    S("发送 "),
                    N(len),
                    S(" 字节数据，seq = "),
                    N(seq),
                    S("，下一个序号 = "),
                    N(seq),
                    S(" + "),
                    N(len),
                    S(" = "),
                    N(next),
                    S("。"),
                ],
            )
        }

        fn pure_ack<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            // "{who}确认收到{peer}在 {ack} 之前的所有字节（ack = {ack}）。"
            let (who, peer) = sides(who);
            put(
                out,
                &[
                    S(who),
                    S("确认收到"),
                    S(peer),
                    S("在 "),
                    N(ack),
                    S(" 之前的所有字节（ack = "),
                    N(ack),
                    S("）。"),
                ],
            )
        }

        fn other<W: Write + ?Sized>(out: &mut W, who: Side, flags: TcpFlags) -> fmt::Result {
            write!(out, "{}发送标志为 [{flags}] 的分段。", side(who))
        }

        fn retransmission_bytes<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            write!(out, "重传：{}再次发送字节 {seq} 到 {next}", side(who))
        }

        fn retransmission_seq<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            write!(out, "重传：{}再次发送 seq = {seq} 的分段", side(who))
        }

        fn after_timeout<W: Write + ?Sized>(out: &mut W, rto_ns: i64, frame: u32) -> fmt::Result {
            write!(
                out,
                "，距第 {frame} 帧 {} 仍未收到确认（超时重传）",
                Ms(rto_ns)
            )
        }

        fn fast_retransmission<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "快速重传：{peer}的重复确认在索要字节 {seq}，{who}不等超时立即重传。"
            )
        }

        fn spurious_retransmission<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            let peer = side(who.other());
            write!(
                out,
                "虚假重传：这个包已经发送过，{peer}已经确认了字节 {seq} 到 {next}，这次重传并不需要（ACK 可能丢失或迟到）。"
            )
        }

        fn out_of_order<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "乱序：seq {seq} 在{who}更大的序号之后才出现（网络中发生了乱序）。"
            )
        }

        fn lost_segment_gap<W: Write + ?Sized>(
            out: &mut W,
            seq: u32,
            expected: u32,
            gap: u32,
        ) -> fmt::Result {
            write!(
                out,
                "前一个分段未捕获：seq = {seq}，但期望的是 {expected}：之前的 {gap} 字节没有被捕获。"
            )
        }

        fn lost_segment_beyond<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "前一个分段未捕获：seq = {seq} 超出了目前看到的{who}的字节。"
            )
        }

        fn ack_lost_segment<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            let peer = side(who.other());
            write!(
                out,
                "确认了未捕获的分段：ack = {ack} 确认了抓包中从未出现过的{peer}字节。"
            )
        }

        fn dup_ack_numbered<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            n: u32,
            frame: u32,
            ack: u32,
        ) -> fmt::Result {
            let who = side(who);
            write!(
                out,
                "重复确认：TCP Dup ACK {frame}#{n} 表示这是第 {frame} 帧 ACK 的第 {n} 次重复，{who}仍在等待字节 {ack}。"
            )
        }

        fn dup_ack<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            write!(out, "重复确认：{}仍在等待字节 {ack}。", side(who))
        }

        fn zero_window<W: Write + ?Sized>(out: &mut W, who: Side) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "零窗口：{who}的接收缓冲区已满（窗口为 0），{peer}必须暂停发送。"
            )
        }

        fn zero_window_probe<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "零窗口探测：{who}发送 1 字节（seq = {seq}）探测{peer}的窗口是否重新打开。"
            )
        }

        fn zero_window_probe_ack<W: Write + ?Sized>(out: &mut W, who: Side) -> fmt::Result {
            write!(out, "零窗口探测确认：{}回应探测，窗口仍然为 0。", side(who))
        }

        fn window_full_in_flight<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            bytes: u32,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "窗口已满：在途字节 {bytes} 已占满{peer}通告的接收窗口，{who}必须等待确认。"
            )
        }

        fn window_full<W: Write + ?Sized>(out: &mut W, who: Side) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "窗口已满：{who}已占满{peer}通告的接收窗口，必须等待确认。"
            )
        }

        fn window_update<W: Write + ?Sized>(out: &mut W, who: Side, window: u32) -> fmt::Result {
            write!(
                out,
                "窗口更新：{}只通告新的接收窗口 {window} 字节。",
                side(who)
            )
        }

        fn keep_alive<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            let (who, peer) = sides(who);
            write!(
                out,
                "保活：seq = {seq} 比下一个序号 {next} 小 1，{who}借此探测空闲的{peer}是否还在。"
            )
        }

        fn keep_alive_ack<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            write!(
                out,
                "保活确认：{}以 ack = {ack} 回应保活，连接仍然存活。",
                side(who)
            )
        }

        fn reused_ports<W: Write + ?Sized>(out: &mut W) -> fmt::Result {
            out.write_str("端口复用：在旧连接用过的地址和端口上开始了新连接。")
        }

        fn own_verdict<W: Write + ?Sized>(out: &mut W, v: OwnVerdict) -> fmt::Result {
            out.write_str(match v {
                OwnVerdict::OutOfOrder => {
                    "tcplens 判定：乱序，这是首次发送的分段，在网络中被之后发送的数据超过"
                }
                OwnVerdict::Retransmission => "tcplens 判定：重传，接收端仍缺少其中的字节",
                OwnVerdict::SpuriousRetransmission => {
                    "tcplens 判定：虚假重传，这些字节接收端都已收到"
                }
                OwnVerdict::Duplicate => "tcplens 判定：重复的包",
            })
        }

        fn own_evidence<W: Write + ?Sized>(out: &mut W, ev: Evidence) -> fmt::Result {
            for (i, k) in ev.kinds().enumerate() {
                out.write_str(if i == 0 { "（依据：" } else { "、" })?;
                out.write_str(super::evidence_name(k))?;
            }
            if ev.is_empty() {
                Ok(())
            } else {
                out.write_str("）")
            }
        }

        fn own_trigger<W: Write + ?Sized>(out: &mut W, t: Trigger) -> fmt::Result {
            out.write_str(match t {
                Trigger::DupAcks => "，由重复确认触发（快速重传）",
                Trigger::Sack => "，由 SACK 块显示的空洞触发",
                Trigger::Timeout => "，由重传超时触发",
                Trigger::TailProbe => "，是连接静默后的尾部丢包探测",
            })
        }

        fn own_duplicate<W: Write + ?Sized>(
            out: &mut W,
            copy: Option<(u32, i64)>,
            identified: bool,
        ) -> fmt::Result {
            out.write_str("tcplens 判定：重复的包，同一个包被抓到了两次")?;
            if let Some((frame, gap)) = copy {
                write!(out, "：是第 {frame} 帧的副本，晚 {}，", Ms(gap))?;
            } else {
                out.write_str("，")?;
            }
            out.write_str(if identified {
                "IP ID、头部和载荷都相同，并不是重传"
            } else {
                "头部和载荷都相同，间隔短到不可能是重传"
            })?;
            out.write_str("（常见于 SPAN 端口或两个分光器）。")
        }

        fn own_basis<W: Write + ?Sized>(
            out: &mut W,
            v: OwnVerdict,
            b: Basis,
            base: u32,
        ) -> fmt::Result {
            let rel = |x: u32| x.wrapping_sub(base);
            match b {
                Basis::AfterHigher { frame, clock } => {
                    write!(
                        out,
                        "它的 {} 比第 {frame} 帧的 {} 新，而第 {frame} 帧携带的是更高的序列号，所以它是在那些数据之后发送的",
                        Mine(clock),
                        Theirs(clock)
                    )?;
                    out.write_str(if v == OwnVerdict::SpuriousRetransmission {
                        "，而这些字节都已到达：是虚假重传。"
                    } else {
                        "：是重传。"
                    })
                }
                Basis::Before { frame, clock } => write!(
                    out,
                    "它的 {} 比先到达的第 {frame} 帧的 {} 旧，所以它发送在前、在路上被超过：是乱序。",
                    Mine(clock),
                    Theirs(clock)
                ),
                Basis::BeforeItsResend { frame, clock } => write!(
                    out,
                    "它的 {} 比先送来同样字节的第 {frame} 帧的 {} 旧，所以这是原始分段，在其重传（第 {frame} 帧）之后才到达：是乱序。",
                    Mine(clock),
                    Theirs(clock)
                ),
                Basis::OriginalLater { frame, clock } => write!(
                    out,
                    "第 {frame} 帧携带同样的字节，其 {} 比这次重传的 {} 旧：原始分段在这次重传之后才到达，所以这次重传并不需要：是虚假重传。",
                    Mine(Clock::swapped(clock)),
                    Theirs(Clock::swapped(clock))
                ),
                Basis::SentBefore { frame, clock } => {
                    let spurious = v == OwnVerdict::SpuriousRetransmission;
                    match (clock, spurious) {
                        (Some(c), false) => write!(
                            out,
                            "它的 {} 比携带同样字节的第 {frame} 帧的 {} 新，所以它是第 {frame} 帧的重传。",
                            Mine(c),
                            Theirs(c)
                        ),
                        (None, false) => write!(
                            out,
                            "第 {frame} 帧之前已发送过这些字节，所以它是第 {frame} 帧的重传。"
                        ),
                        (Some(c), true) => write!(
                            out,
                            "它的 {} 比携带同样字节的第 {frame} 帧的 {} 新，而这些字节已经到达，所以它是第 {frame} 帧的虚假重传。",
                            Mine(c),
                            Theirs(c)
                        ),
                        (None, true) => write!(
                            out,
                            "第 {frame} 帧已经送来了这些字节，所以它是第 {frame} 帧的虚假重传。"
                        ),
                    }
                }
                Basis::Acked { frame, ack } => write!(
                    out,
                    "第 {frame} 帧的 ack = {} 已经确认了这些字节，所以是虚假重传。",
                    rel(ack)
                ),
                Basis::Sacked { frame, left, right } => write!(
                    out,
                    "第 {frame} 帧的 SACK 块 {}-{} 已经表明这些字节已收到，所以是虚假重传。",
                    rel(left),
                    rel(right)
                ),
                Basis::Dsack { frame, left, right } => write!(
                    out,
                    "第 {frame} 帧的 D-SACK 块 {}-{} 报告这些字节收到了两次，所以是虚假重传。",
                    rel(left),
                    rel(right)
                ),
                Basis::EchoesOriginal {
                    frame,
                    tsecr,
                    tsval,
                } => write!(
                    out,
                    "覆盖它的第一个 ACK（第 {frame} 帧）回显的 TSval {tsecr} 比这次重传的 {tsval} 旧：是原始分段引发了该 ACK，所以是虚假重传。"
                ),
                Basis::AckTooSoon {
                    frame,
                    since_us,
                    rtt_us,
                } => write!(
                    out,
                    "覆盖它的第一个 ACK（第 {frame} 帧）在它之后仅 {} 就到达，而 RTT 为 {}，来不及是对它的回应，所以是虚假重传。",
                    us(since_us),
                    us(rtt_us)
                ),
                Basis::Gap { gap_us, rtt_us } => {
                    write!(out, "它上方的数据比它早 {} 到达，", us(gap_us))?;
                    let ooo = v == OwnVerdict::OutOfOrder;
                    match (rtt_us, ooo) {
                        (Some(r), true) => write!(
                            out,
                            "不到 RTT（{}）的四分之三，来不及重传：是乱序。",
                            us(r.get())
                        ),
                        (None, true) => {
                            out.write_str("在 Wireshark 的 3 ms 窗口之内，来不及重传：是乱序。")
                        }
                        (Some(r), false) => write!(
                            out,
                            "至少为 RTT（{}）的四分之三，足够发生重传：是重传。",
                            us(r.get())
                        ),
                        (None, false) => {
                            out.write_str("超出 Wireshark 的 3 ms 窗口，足够发生重传：是重传。")
                        }
                    }
                }
                Basis::ClosedWindow { frame } => write!(
                    out,
                    "它是在接收端窗口关闭时发送的（第 {frame} 帧通告零窗口）：这是零窗口探测，接收端按设计会丢弃它，并不是重传。"
                ),
            }
        }

        fn wireshark_differs<W: Write + ?Sized>(
            out: &mut W,
            ws: Option<Verdict>,
            own: Option<OwnVerdict>,
        ) -> fmt::Result {
            let Some(ws) = ws else {
                return out.write_str("Wireshark 未标记此包：它的时间规则看不出证据所表明的情况。");
            };
            let name = match ws {
                Verdict::FastRetransmission => "快速重传",
                Verdict::SpuriousRetransmission => "虚假重传",
                Verdict::OutOfOrder => "乱序",
                _ => "重传",
            };
            match own {
                Some(_) => write!(out, "Wireshark 按时间规则将其标记为{name}，但证据表明并非如此。"),
                None => write!(
                    out,
                    "Wireshark 按时间规则将其标记为{name}，但没有证据表明重传或乱序：tcplens 认为这是按序的首次发送。"
                ),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Diagnosis findings (chosen by `diagnosis`).
// ---------------------------------------------------------------------------------------

/// An evidence kind's name, as the explanations and the diagnosis give it.
fn evidence_name(k: crate::verdict::EvidenceKind) -> &'static str {
    use crate::verdict::EvidenceKind;
    match k {
        EvidenceKind::Tsval => "TSval 的先后",
        EvidenceKind::IpId => "IP ID 的先后",
        EvidenceKind::Sack => "接收端的 SACK 块",
        EvidenceKind::Dsack => "报告重复收到字节的 D-SACK 块",
        EvidenceKind::Ack => "接收端的累计确认",
        EvidenceKind::Vantage => "抓包位置",
        EvidenceKind::Timing => "相对 RTT 的时间",
        EvidenceKind::SamePacket => "完全相同的头部和载荷",
    }
}

pub use diagnosis::Diagnosis;

/// The diagnosis's words (`crate::text::DiagnosisWords`), in a module of their own so their
/// imports stay theirs.
mod diagnosis {
    use core::fmt::{self, Write};

    use core::net::IpAddr;

    use crate::diagnosis::{Cause, FrameList, Micros, Parties, Secs};
    use crate::lifecycle::Side;
    use crate::verdict::{Evidence, Trigger};
    use crate::wire::Unreachable;

    /// The diagnosis's words in Simplified Chinese.
    pub struct Diagnosis;

    impl crate::text::DiagnosisWords for Diagnosis {
        fn section(&self) -> &'static str {
            "诊断："
        }

        fn section_stream(
            &self,
            out: &mut dyn Write,
            stream: u32,
            client: &dyn fmt::Display,
            server: &dyn fmt::Display,
        ) -> fmt::Result {
            write!(out, "  流 {stream}（{client} -> {server}）：")
        }

        fn section_finding(
            &self,
            out: &mut dyn Write,
            frame: u32,
            cause: &str,
            text: &str,
            frames: &[u32],
        ) -> fmt::Result {
            let frames = FrameList(frames, "、");
            write!(
                out,
                "    第 {frame} 帧 [{cause}] {text}（证据：第 {frames} 帧）"
            )
        }

        fn section_more(
            &self,
            out: &mut dyn Write,
            more: usize,
            cause: &str,
            frames: &[u32],
            cut: bool,
        ) -> fmt::Result {
            let rest = if cut { "、……" } else { "" };
            let frames = FrameList(frames, "、");
            write!(
                out,
                "      另有 {more} 处 [{cause}]，在第 {frames}{rest} 帧"
            )
        }

        fn section_nothing(&self) -> &'static str {
            "  没有发现问题"
        }

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
                Cause::CaptureDuplicates => "抓包重复",
                Cause::IcmpUnreachable => "目的不可达（ICMP）",
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

        fn resent(&self, trigger: Option<Trigger>) -> &'static str {
            match trigger {
                Some(Trigger::DupAcks) => "在重复确认之后快速重传",
                Some(Trigger::Sack) => "在 SACK 块显示空洞之后快速重传",
                Some(Trigger::Timeout) => "超时重传",
                Some(Trigger::TailProbe) => "以尾部丢失探测重传",
                None => "重传",
            }
        }

        fn evidence(&self, out: &mut dyn Write, ev: Evidence) -> fmt::Result {
            for (i, k) in ev.kinds().enumerate() {
                out.write_str(if i == 0 {
                    "tcplens 的依据："
                } else {
                    "、"
                })?;
                out.write_str(super::evidence_name(k))?;
            }
            if ev.is_empty() {
                Ok(())
            } else {
                out.write_char('。')
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
            write!(out, "{who}从 seq {seq} 开始的字节在第 {fr} 帧才到达，晚于第 {later_frame} 帧中更靠后的字节，但它们先发出且不是重传：网络把它们的顺序打乱了（乱序）。")
        }

        fn reordering(&self, out: &mut dyn Write, p: Parties, seq: u32, bytes: u32) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "{who}从 seq {seq} 开始的 {bytes} 字节在第 {fr} 帧才到达，晚于更大的序号，但它们先发出且不是重传：网络把它们的顺序打乱了（乱序）。")
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

        fn mid_connection_start_ports(&self, out: &mut dyn Write, server_port: u16) -> fmt::Result {
            write!(out, "哪一端是客户端是根据端口推测的：把知名端口或较小的端口 {server_port} 当作服务器的端口。")
        }

        fn unreachable(&self, why: Unreachable) -> &'static str {
            match why {
                Unreachable::Net => "网络不可达",
                Unreachable::Host => "主机不可达",
                Unreachable::Protocol => "协议不可达",
                Unreachable::Port => "端口不可达",
                Unreachable::Prohibited => "被管理策略禁止",
                Unreachable::Other => "目的不可达",
            }
        }

        fn icmp_unreachable_syn(
            &self,
            out: &mut dyn Write,
            p: Parties,
            why: &str,
            from: IpAddr,
            frames: &[u32],
        ) -> fmt::Result {
            let (who, peer) = (p.who, p.peer);
            let frames = FrameList(frames, "、");
            write!(
                out,
                "{who}发往{peer}的 SYN 收到了来自 {from} 的 ICMP“{why}”（第 {frames} 帧）"
            )
        }

        fn icmp_unreachable_data(
            &self,
            out: &mut dyn Write,
            p: Parties,
            why: &str,
            from: IpAddr,
            frames: &[u32],
        ) -> fmt::Result {
            let (who, peer) = (p.who, p.peer);
            let frames = FrameList(frames, "、");
            write!(
                out,
                "{who}发往{peer}的分段收到了来自 {from} 的 ICMP“{why}”（第 {frames} 帧）"
            )
        }

        fn icmp_unreachable_meaning(
            &self,
            out: &mut dyn Write,
            p: Parties,
            why: Unreachable,
            syn: bool,
        ) -> fmt::Result {
            let peer = p.peer;
            let meaning = match why {
                Unreachable::Port => {
                    format!("{peer}的端口上没有程序在监听，或者防火墙用这个差错拒绝了连接")
                }
                Unreachable::Prohibited => "防火墙或路由器的策略禁止这条连接".to_string(),
                Unreachable::Net => format!("没有路由器知道去往{peer}所在网络的路由"),
                Unreachable::Host => {
                    format!("{peer}的主机在最后一跳没有应答（已关机，或地址错误）")
                }
                Unreachable::Protocol => format!("{peer}的主机不支持 TCP"),
                Unreachable::Other => format!("{peer}无法到达"),
            };
            if syn {
                write!(out, "：{meaning}；连接从未建立。")
            } else {
                write!(out, "：{meaning}；在此期间连接无法继续。")
            }
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

        fn capture_duplicates(
            &self,
            out: &mut dyn Write,
            p: Parties,
            copies: u32,
            data: u32,
            first_of: u32,
            gap: Micros,
        ) -> fmt::Result {
            let fr = p.frame;
            write!(out, "本次抓包把该连接的 {copies} 个数据包又记录了一次（其中 {data} 个带数据），第一个在第 {fr} 帧，是第 {first_of} 帧的副本：IP ID、TCP 头部和载荷完全相同，比前一份晚 {gap}。这是 SPAN 端口或两个分光器（TAP）的典型现象；这些副本不是重传，诊断不把它们计入。")
        }
    }
}

// ---------------------------------------------------------------------------------------
// Picture labels (chosen by the render crate).
// ---------------------------------------------------------------------------------------

use super::{en, DiagramWords, GraphWords, PictureWords, ReportWords};
use crate::analysis::Verdict;

/// The pictures' words in Simplified Chinese, in the terms of the Chinese TCP tutorials as
/// the explanations use them. The tooltips of packets, folds and segments are not
/// translated yet: they read as in English.
pub const PICTURES: PictureWords = PictureWords {
    client: "客户端",
    server: "服务器",
    idle: |s| format!("… 空闲 {s:.1} s …"),
    shown: |t0, t1, f0, f1| format!("显示：{t0:.6} s 至 {t1:.6} s，帧 {f0} 至 {f1}"),
    diagram: DiagramWords {
        title: |n, c, s| format!("TCP 流 {n}：{c} ⇄ {s}"),
        frame: "帧",
        time: "时间 (s)",
        handshake: "三次握手",
        teardown: "四次挥手",
        packet_tooltip: en::PICTURES.diagram.packet_tooltip,
        fold: |n| format!("… {n} 个数据包 …"),
        fold_bytes: |b| format!("{b} 字节数据及其确认"),
        fold_tooltip: en::PICTURES.diagram.fold_tooltip,
        rest: |n| format!("… 另有 {n} 个数据包未画出 …"),
        rest_hint: "时序图到此为止；`tcplens analyze` 列出全部数据包",
        dup_ack: |n, f| format!("重复确认 #{n}（帧 {f}）"),
        reset_by: |who| format!("{who}重置连接"),
        reset_by_in: |who, state| format!("{who}在 {state} 状态重置连接"),
        malformed: "畸形报文",
        list_sep: "，",
        verdict: |v| match v {
            Verdict::Retransmission => "重传",
            Verdict::FastRetransmission => "快速重传",
            Verdict::SpuriousRetransmission => "虚假重传",
            Verdict::OutOfOrder => "乱序",
            Verdict::LostSegment => "前一个分段未捕获",
            Verdict::AckLostSegment => "确认了未捕获的分段",
            Verdict::DuplicateAck => "重复确认",
            Verdict::ZeroWindow => "零窗口",
            Verdict::ZeroWindowProbe => "零窗口探测",
            Verdict::ZeroWindowProbeAck => "零窗口探测确认",
            Verdict::WindowFull => "窗口已满",
            Verdict::WindowUpdate => "窗口更新",
            Verdict::KeepAlive => "保活",
            Verdict::KeepAliveAck => "保活确认",
            Verdict::ReusedPorts => "端口复用",
        },
    },
    graph: GraphWords {
        title: |stream, kind, from, to, who| {
            format!("TCP 流 {stream}：{from} → {to} 的{kind}（{who}的数据）")
        },
        kinds: ["时间-序号图", "吞吐量图", "往返时间图", "窗口图"],
        time_axis: |u| format!("自连接第一个数据包起的时间 ({u})"),
        seq_axis: |u| format!("相对序号 ({u})"),
        throughput_axis: |w, u| format!("载荷吞吐量，{w} 滑动窗口 ({u})"),
        rtt_axis: |u| format!("往返时间 ({u})"),
        window_axis: |u| format!("窗口与在途字节 ({u})"),
        legend: ["分段", "重传", "乱序", "SACK 块", "ACK", "接收窗口"],
        direction: |from, to| format!("{from} → {to}"),
        rtt_legend: "ACK：距它所确认分段的时间",
        window_legend: ["接收窗口（通告值）", "在途字节"],
        zero_window: "零窗口",
        probe: "探测",
        probes: |n| format!("{n} 次探测"),
        zero_window_tooltip: en::PICTURES.graph.zero_window_tooltip,
        probe_tooltip: en::PICTURES.graph.probe_tooltip,
        no_data: |who| format!("{who}在这个连接中没有发送数据"),
        no_rtt: |who| format!("没有 ACK 确认{who}发送的数据，无往返时间可画"),
        segment_tooltip: en::PICTURES.graph.segment_tooltip,
        merged_segments: en::PICTURES.graph.merged_segments,
    },
    report: ReportWords {
        html_lang: "zh-CN",
        title: "tcplens 报告",
        summary: |[frames, tcp, not_tcp, bad, conns, anomalous]| {
            format!(
                "共 {frames} 帧：TCP {tcp}，非 TCP {not_tcp}，无法解码 {bad}；{conns} 个连接，{anomalous} 个异常数据包。"
            )
        },
        nav: ["连接", "诊断", "异常统计", "图示", "异常数据包"],
        sort_hint: "点击列标题即可排序。→ 表示客户端到服务器。",
        conn_heads: [
            "流",
            "客户端",
            "服务器",
            "开始 (s)",
            "时长 (s)",
            "包 →",
            "字节 →",
            "包 ←",
            "字节 ←",
            "握手 RTT (ms)",
            "状态（客户端/服务器）",
            "历史",
            "连接状态",
            "重传 → (%)",
            "重传 ← (%)",
            "ACK RTT → 平均 (ms)",
            "ACK RTT ← 平均 (ms)",
            "异常包",
        ],
        diagnosis_intro: "跨数据包推断出的可能原因，以及能说明它的帧。",
        no_findings: "没有发现问题的可能原因。",
        stream: "流",
        evidence: "帧",
        more: |n| format!("……另有 {n} 条。"),
        counts_intro: "每个连接中各个 Wireshark tcp.analysis 判定的数据包数。",
        no_anomalies: "没有数据包带有 tcp.analysis 判定。",
        no_tcp: "抓包中没有 TCP 连接。",
        diagram_caption:
            "时序图：每个数据包一支箭头，连续的普通数据已折叠。鼠标悬停在箭头上可看解释。",
        graph_caption: "时间-序号图（tcptrace 风格），画的是发送数据较多的方向。",
        zoom: ["缩小", "适应页宽", "放大", "打开原图"],
        packet_heads: ["帧", "时间 (s)", "流", "发送方", "判定", "解释"],
        no_anomalous: "没有异常数据包。",
    },
};

// ---------------------------------------------------------------------------------------
// The Wireshark plugin's expert-info summaries.
// ---------------------------------------------------------------------------------------

/// A nested module so that its imports cannot clash with another section's.
mod plugin_summaries {
    use crate::analysis::Verdict;
    use crate::lifecycle::{Event, Handshake, Teardown};
    use crate::text::{ExpertStep, PluginWords};
    use crate::verdict::OwnVerdict;

    use crate::text::Zh;

    impl PluginWords for Zh {
        /// The terms of the Chinese explanations (重传, 乱序, 重复确认 ...).
        fn verdict_summary(v: Verdict) -> &'static str {
            match v {
                Verdict::Retransmission => "该帧（疑似）是重传",
                Verdict::FastRetransmission => "该帧（疑似）是快速重传",
                Verdict::SpuriousRetransmission => "该帧（疑似）是虚假重传",
                Verdict::OutOfOrder => "该帧（疑似）是乱序分段",
                Verdict::LostSegment => "前一个分段未捕获（常见于抓包开始时）",
                Verdict::AckLostSegment => "确认了未捕获的分段（常见于抓包开始时）",
                Verdict::DuplicateAck => "重复确认",
                Verdict::ZeroWindow => "TCP 零窗口分段",
                Verdict::ZeroWindowProbe => "TCP 零窗口探测",
                Verdict::ZeroWindowProbeAck => "对 TCP 零窗口探测的确认",
                Verdict::WindowFull => "接收方通告的 TCP 窗口现已完全占满",
                Verdict::WindowUpdate => "TCP 窗口更新",
                Verdict::KeepAlive => "TCP 保活分段",
                Verdict::KeepAliveAck => "对 TCP 保活分段的确认",
                Verdict::ReusedPorts => "在本抓包中以与先前会话相同的端口开始了新的 TCP 会话",
            }
        }

        fn step_summary(s: ExpertStep) -> &'static str {
            match s {
                ExpertStep::Handshake(Handshake::Syn) => "第一次握手：客户端请求建立连接（SYN）",
                ExpertStep::Handshake(Handshake::SynAck) => "第二次握手：服务器接受连接（SYN+ACK）",
                ExpertStep::Handshake(Handshake::Ack) => "第三次握手：客户端确认（ACK）",
                ExpertStep::Teardown(Teardown::Fin) => "第一次挥手：第一个 FIN",
                ExpertStep::Teardown(Teardown::AckOfFin) => "第二次挥手：确认第一个 FIN 的 ACK",
                ExpertStep::Teardown(Teardown::SecondFin) => "第三次挥手：第二个 FIN",
                ExpertStep::Teardown(Teardown::LastAck) => "第四次挥手：确认第二个 FIN 的 ACK",
                ExpertStep::Teardown(Teardown::AckAndFin) => {
                    "第二、三次挥手：确认第一个 FIN 的 ACK 与第二个 FIN 合并为一个分段"
                }
                ExpertStep::Rst => "连接被重置",
            }
        }

        fn event_summary(e: Event) -> &'static str {
            match e {
                Event::None => "无生命周期事件",
                Event::SimultaneousOpen => "同时打开：双方都发送了 SYN",
                Event::SynRepeat => "再次发送 SYN（相同的初始序号）",
                Event::SynAckRepeat => "再次发送 SYN+ACK（相同的初始序号）",
                Event::SimultaneousClose => "同时关闭：双方都发送了 FIN",
                Event::FinRepeat => "再次发送 FIN（相同的序号）",
                Event::HalfCloseData => "对端 FIN 之后仍发送数据（半关闭）",
                Event::LateSyn => "连接建立后迟到的 SYN 或 SYN+ACK 副本（状态不变）",
                // The reset is also a step, with the same words.
                Event::Rst => Self::step_summary(ExpertStep::Rst),
            }
        }

        fn internal_error() -> &'static str {
            "tcplens 处理该帧时失败（已捕获内部错误）"
        }

        fn tree_states(out: &mut String, client: &str, server: &str) -> core::fmt::Result {
            core::fmt::Write::write_fmt(out, format_args!("客户端 {client}，服务器 {server}"))
        }

        fn tree_stream(out: &mut String, stream: u32) -> core::fmt::Result {
            core::fmt::Write::write_fmt(out, format_args!("流 {stream}"))
        }

        fn tree_quote(out: &mut String, quoted: u8) -> core::fmt::Result {
            core::fmt::Write::write_fmt(
                out,
                format_args!("ICMP 差错报文引用的 TCP 头部前 {quoted} 个字节 · 不属于任何流"),
            )
        }

        fn tree_tcp_values() -> &'static str {
            "TCP 首部的值（与 TCP 树相同）"
        }
        fn verdict_differs_summary() -> &'static str {
            "tcplens 自己的判定与 Wireshark 的不同"
        }
        fn segment_class(v: Option<OwnVerdict>) -> &'static str {
            match v {
                None => "按序的首次发送",
                Some(OwnVerdict::OutOfOrder) => "乱序",
                Some(OwnVerdict::Retransmission) => "重传",
                Some(OwnVerdict::SpuriousRetransmission) => "虚假重传",
                Some(OwnVerdict::Duplicate) => "重复的包",
            }
        }
        fn verdict_differs(
            out: &mut String,
            wireshark: Option<OwnVerdict>,
            own: Option<OwnVerdict>,
        ) -> core::fmt::Result {
            use core::fmt::Write as _;
            write!(
                out,
                "tcplens 自己的判定与 Wireshark 的不同：Wireshark 判为{}，tcplens 判为{}（tcplens.verdict）",
                Self::segment_class(wireshark),
                Self::segment_class(own)
            )
        }
    }
}
