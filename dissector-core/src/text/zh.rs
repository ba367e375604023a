//! Simplified Chinese: every sentence tcplens prints, in Simplified Chinese.

// ---------------------------------------------------------------------------------------
// Explanations of frames (chosen by `explain`).
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Diagnosis findings (chosen by `diagnosis`).
// ---------------------------------------------------------------------------------------

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
        title: |stream, from, to, who| {
            format!("TCP 流 {stream}：{from} → {to} 的时间-序号图（{who}的数据）")
        },
        time_axis: |u| format!("自抓包开始的时间 ({u})"),
        seq_axis: |u| format!("相对序号 ({u})"),
        legend: ["分段", "重传", "乱序", "SACK 块", "ACK", "接收窗口"],
        no_data: |who| format!("{who}在这个连接中没有发送数据"),
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
        packet_heads: ["帧", "时间 (s)", "流", "发送方", "判定", "解释"],
        no_anomalous: "没有异常数据包。",
    },
};

// ---------------------------------------------------------------------------------------
// The Wireshark plugin's expert-info summaries.
// ---------------------------------------------------------------------------------------
