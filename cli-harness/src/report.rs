//! `tcplens report`: one self-contained HTML page about a capture.
//!
//! The page is well-formed XHTML (it parses as XML as well as HTML), with its CSS, the
//! script that sorts the tables and the pictures (inline SVG) all inside: nothing is
//! fetched. Sections: the connections table, each connection's diagnosis (likely causes
//! with their evidence frames), the anomaly counts per connection, the ladder diagram and
//! time-sequence graph of the connections with the most anomalies, and the explanation of
//! every anomalous packet. `--lang zh` writes the page, the diagnosis and the
//! explanations in Chinese.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tcplens_core::analysis::Verdict;
use tcplens_core::diagnosis::{Finding, TimeOrigin};
use tcplens_core::explain::{explain, Lang};
use tcplens_core::{Analyzer, Counters, Side};

use crate::conns::{secs, ConnRow};
use crate::error::CliError;
use crate::svg::esc;
use crate::trace::{scan, Packet, Stream};
use crate::{diagram, graph};

/// What a report shows.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How many connections get their pictures (those with the most anomalies).
    pub pictures: usize,
    pub lang: Lang,
    pub diagram: diagram::Options,
}

/// Anomalous packets explained in full; past this many the page says how many more there were.
pub const MAX_EXPLAINED: usize = 5_000;
/// Findings kept for the diagnosis section; past this many the page says how many more.
pub const MAX_FINDINGS: usize = 5_000;

/// One anomalous packet, as the report lists it.
#[derive(Debug, Clone)]
pub struct Explained {
    pub frame: u32,
    pub t_ns: i64,
    pub stream: u32,
    pub from: Side,
    pub verdicts: Vec<Verdict>,
    pub text: String,
}

/// Everything the first pass over the capture learns.
#[derive(Debug, Default)]
pub struct Facts {
    pub counters: Counters,
    pub conns: Vec<ConnRow>,
    /// Anomalous packets per stream, and per verdict.
    pub anomalies: BTreeMap<u32, [u64; Verdict::ALL.len()]>,
    /// Anomalous packets per stream (a packet with several verdicts counts once).
    pub anomalous: BTreeMap<u32, u64>,
    pub explained: Vec<Explained>,
    /// Anomalous packets past [`MAX_EXPLAINED`].
    pub unexplained: u64,
    /// The likely causes, in the order the diagnoser found them.
    pub findings: Vec<Finding>,
    /// Findings past [`MAX_FINDINGS`].
    pub more_findings: u64,
    /// Why the capture ended early, when it did.
    pub broke: Option<CliError>,
}

impl Facts {
    /// Reads the capture once: conversations, diagnosis, anomaly counts and explanations.
    pub fn gather(path: &str, lang: Lang) -> Result<Facts, CliError> {
        let mut analyzer = Analyzer::new();
        analyzer.diagnose(TimeOrigin::FirstFrame);
        let mut found: Vec<Finding> = Vec::new();
        let mut facts = Facts::default();
        let mut text = String::with_capacity(256);
        let end = scan(path, &mut analyzer, |n, t, seg, rec, an| {
            let p = Packet::new(n, t, seg, *rec, *an);
            if !p.is_anomalous() {
                return;
            }
            *facts.anomalous.entry(rec.stream).or_insert(0) += 1;
            let counts = facts
                .anomalies
                .entry(rec.stream)
                .or_insert([0; Verdict::ALL.len()]);
            for (i, v) in Verdict::ALL.iter().enumerate() {
                if p.anomalies().any(|s| s == *v) {
                    counts[i] += 1;
                }
            }
            if facts.explained.len() >= MAX_EXPLAINED {
                facts.unexplained += 1;
                return;
            }
            text.clear();
            let _ = explain(lang, rec, an, &mut text);
            facts.explained.push(Explained {
                frame: n,
                t_ns: t,
                stream: rec.stream,
                from: rec.sender(),
                verdicts: p.anomalies().collect(),
                text: text.clone(),
            });
        })?;
        analyzer.finish_diagnosis(&mut found);
        facts.keep_findings(&mut found);
        // Connection times count from the capture's first frame, as in `conns`.
        let start = end.first_ns.unwrap_or(0);
        facts.conns = analyzer
            .conversations()
            .iter()
            .map(|c| ConnRow::new(c, start))
            .collect();
        facts.counters = *analyzer.counters();
        facts.broke = end.broke;
        Ok(facts)
    }

    /// Moves new findings into the facts, up to [`MAX_FINDINGS`].
    fn keep_findings(&mut self, new: &mut Vec<Finding>) {
        for f in new.drain(..) {
            if self.findings.len() < MAX_FINDINGS {
                self.findings.push(f);
            } else {
                self.more_findings += 1;
            }
        }
    }

    /// Anomalous packets of `stream`.
    pub fn anomalous_packets(&self, stream: u32) -> u64 {
        self.anomalous.get(&stream).copied().unwrap_or(0)
    }

    /// The streams that get pictures: the most anomalous packets first, then the lower
    /// stream number; at most `n`, and only streams with an anomaly unless none has one.
    pub fn picture_streams(&self, n: usize) -> Vec<u32> {
        let mut ranked: Vec<(u64, u32)> = self
            .conns
            .iter()
            .map(|c| (self.anomalous_packets(c.stream), c.stream))
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let any = ranked.first().is_some_and(|r| r.0 > 0);
        ranked
            .into_iter()
            .filter(|r| !any || r.0 > 0)
            .take(n)
            .map(|r| r.1)
            .collect()
    }
}

/// Builds the report of the capture at `path`. It reads the capture twice (facts, then the
/// packets of the pictured streams), so `path` must be a file. A file that breaks off
/// part-way gets the report of what came before, and the break is returned beside it.
pub fn build(path: &str, opts: &Options) -> Result<(String, Option<CliError>), CliError> {
    if path == "-" {
        return Err(CliError::Unreadable {
            name: "<stdin>".into(),
            reason: "`report` reads the capture twice; give it a file".into(),
        });
    }
    let mut facts = Facts::gather(path, opts.lang)?;
    let pictured = facts.picture_streams(opts.pictures);
    let (streams, _) = Stream::load_many(path, &pictured)?;
    let page = render(path, &facts, &streams, opts);
    Ok((page, facts.broke.take()))
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 24px auto; max-width: 1240px; color: #1c2430; background: #ffffff; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 19px; margin-top: 32px; border-bottom: 2px solid #d8dee6; padding-bottom: 4px; }
h3 { font-size: 16px; }
p.capture { color: #55606e; margin-top: 0; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #d8dee6; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: ' \\2195'; color: #9aa3ad; }
table.sortable th[aria-sort='ascending']::after { content: ' \\2191'; color: #1c2430; }
table.sortable th[aria-sort='descending']::after { content: ' \\2193'; color: #1c2430; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.anomalous td.anom { color: #b00020; font-weight: bold; }
span.verdict { display: inline-block; border-radius: 3px; padding: 0 5px; margin: 1px 2px; background: #fde8e8; color: #8a1020; font-size: 12px; }
figure { margin: 12px 0; overflow-x: auto; }
figcaption { color: #55606e; font-size: 13px; margin-bottom: 4px; }
nav a { margin-right: 16px; }
";

const SCRIPT: &str = "
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = table.querySelectorAll('th');
  heads.forEach(function (th, col) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var numeric = th.getAttribute('data-type') === 'num';
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[col];
        var v = cell.getAttribute('data-v');
        if (v === null) { v = cell.textContent; }
        return numeric ? parseFloat(v) : v;
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = numeric ? x - y : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
";

/// A number cell that sorts by `v` and shows `shown`.
fn num_cell(out: &mut String, v: impl std::fmt::Display, shown: &str) {
    let _ = write!(out, "<td class=\"num\" data-v=\"{v}\">{}</td>", esc(shown));
}

fn text_cell(out: &mut String, s: &str) {
    let _ = write!(out, "<td>{}</td>", esc(s));
}

/// The words of a page in one language.
struct Words {
    html_lang: &'static str,
    title: &'static str,
    /// frames, TCP, not TCP, undecodable, connections, anomalous packets
    summary: fn([u64; 6]) -> String,
    nav: [&'static str; 5],
    sort_hint: &'static str,
    conn_heads: [&'static str; 14],
    diagnosis_intro: &'static str,
    no_findings: &'static str,
    stream: &'static str,
    evidence: &'static str,
    more: fn(u64) -> String,
    counts_intro: &'static str,
    no_anomalies: &'static str,
    no_tcp: &'static str,
    diagram_caption: &'static str,
    graph_caption: &'static str,
    packet_heads: [&'static str; 6],
    no_anomalous: &'static str,
    client: &'static str,
    server: &'static str,
}

const EN: Words = Words {
    html_lang: "en",
    title: "tcplens report",
    summary: |[frames, tcp, not_tcp, bad, conns, anomalous]| {
        let s = |n: u64| if n == 1 { "" } else { "s" };
        format!(
            "{frames} frames, {tcp} TCP, {not_tcp} not TCP, {bad} undecodable; {conns} connection{}, {anomalous} anomalous packet{}.",
            s(conns),
            s(anomalous)
        )
    },
    nav: [
        "Connections",
        "Diagnosis",
        "Anomaly counts",
        "Pictures",
        "Anomalous packets",
    ],
    sort_hint: "Click a column to sort by it. → is client to server.",
    conn_heads: [
        "stream",
        "client",
        "server",
        "first (s)",
        "duration (s)",
        "packets →",
        "bytes →",
        "packets ←",
        "bytes ←",
        "handshake RTT (ms)",
        "states (client/server)",
        "history",
        "conn_state",
        "anomalous packets",
    ],
    diagnosis_intro: "Likely causes, reasoned across packets, each with the frames that show it.",
    no_findings: "No likely cause of trouble found.",
    stream: "Stream",
    evidence: "frames",
    more: |n| format!("… and {n} more."),
    counts_intro: "Packets per Wireshark tcp.analysis verdict, per connection.",
    no_anomalies: "No packet has a tcp.analysis verdict.",
    no_tcp: "The capture has no TCP connection.",
    diagram_caption: "Ladder diagram: one arrow per packet; plain data runs folded. Hover an arrow for its explanation.",
    graph_caption: "Time-sequence graph (tcptrace style) of the direction that sent more data.",
    packet_heads: ["frame", "time (s)", "stream", "from", "verdicts", "explanation"],
    no_anomalous: "No anomalous packet.",
    client: "client",
    server: "server",
};

const ZH: Words = Words {
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
    diagram_caption: "时序图：每个数据包一支箭头，连续的普通数据已折叠。鼠标悬停在箭头上可看解释。",
    graph_caption: "时间-序号图（tcptrace 风格），画的是发送数据较多的方向。",
    packet_heads: ["帧", "时间 (s)", "流", "发送方", "判定", "解释"],
    no_anomalous: "没有异常数据包。",
    client: "客户端",
    server: "服务器",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

const SECTION_IDS: [&str; 5] = [
    "connections",
    "diagnosis",
    "anomalies",
    "pictures",
    "packets",
];

/// The page, from what the passes found.
pub fn render(path: &str, facts: &Facts, streams: &[Stream], opts: &Options) -> String {
    let w = words(opts.lang);
    let mut out = String::with_capacity(64 << 10);
    let name = std::path::Path::new(path)
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().into_owned());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"{l}\" xml:lang=\"{l}\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"generator\" content=\"tcplens {v}\"/>\n<title>{t}: {n}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        l = w.html_lang,
        v = env!("CARGO_PKG_VERSION"),
        t = w.title,
        n = esc(&name)
    );
    let c = &facts.counters;
    let summary = (w.summary)([
        c.frames,
        c.tcp,
        c.not_tcp,
        c.undecodable_total(),
        facts.conns.len() as u64,
        facts.explained.len() as u64 + facts.unexplained,
    ]);
    let _ = write!(
        out,
        "<h1>{}: {}</h1>\n<p class=\"capture\">{}</p>\n",
        w.title,
        esc(&name),
        esc(&summary)
    );
    if let Some(b) = &facts.broke {
        let _ = writeln!(out, "<p class=\"warning\">{}</p>", esc(&b.to_string()));
    }
    out.push_str("<nav>");
    for (id, label) in SECTION_IDS.iter().zip(w.nav) {
        let _ = write!(out, "<a href=\"#{id}\">{label}</a>");
    }
    out.push_str("</nav>\n");
    connections_table(&mut out, w, facts);
    diagnosis(&mut out, w, opts.lang, facts);
    anomaly_table(&mut out, w, facts);
    pictures(&mut out, w, streams, opts);
    explanations(&mut out, w, facts);
    let _ = write!(
        out,
        "<script>//<![CDATA[{SCRIPT}//]]></script>\n</body>\n</html>\n"
    );
    out
}

fn section(out: &mut String, w: &Words, i: usize) {
    let _ = write!(
        out,
        "<section id=\"{}\">\n<h2>{}</h2>\n",
        SECTION_IDS[i], w.nav[i]
    );
}

fn connections_table(out: &mut String, w: &Words, facts: &Facts) {
    // Which columns sort as numbers.
    const NUMERIC: [bool; 14] = [
        true, false, false, true, true, true, true, true, true, true, false, false, false, true,
    ];
    section(out, w, 0);
    let _ = write!(
        out,
        "<p>{}</p>\n<table class=\"sortable\" id=\"conns\">\n<thead><tr>",
        w.sort_hint
    );
    for (h, num) in w.conn_heads.iter().zip(NUMERIC) {
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if num { " data-type=\"num\"" } else { "" },
            esc(h)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in &facts.conns {
        let anomalous = facts.anomalous_packets(r.stream);
        let _ = write!(
            out,
            "<tr data-stream=\"{}\"{}>",
            r.stream,
            if anomalous > 0 {
                " class=\"anomalous\""
            } else {
                ""
            }
        );
        num_cell(out, r.stream, &r.stream.to_string());
        text_cell(out, &r.client.to_string());
        text_cell(out, &r.server.to_string());
        let (first, duration) = (secs(r.first_ns), secs(r.duration_ns));
        num_cell(out, first, &format!("{first:.6}"));
        num_cell(out, duration, &format!("{duration:.6}"));
        num_cell(out, r.packets_client, &r.packets_client.to_string());
        num_cell(out, r.bytes_client, &r.bytes_client.to_string());
        num_cell(out, r.packets_server, &r.packets_server.to_string());
        num_cell(out, r.bytes_server, &r.bytes_server.to_string());
        match r.handshake_rtt_ns.map(secs) {
            Some(v) => num_cell(out, v * 1e3, &format!("{:.3}", v * 1e3)),
            None => num_cell(out, -1, "-"),
        }
        text_cell(out, &format!("{}/{}", r.client_state, r.server_state));
        text_cell(
            out,
            if r.history.is_empty() {
                "-"
            } else {
                &r.history
            },
        );
        text_cell(out, r.conn_state);
        let _ = write!(
            out,
            "<td class=\"num anom\" data-v=\"{anomalous}\">{anomalous}</td>"
        );
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Each connection's likely causes, in frame order, with their evidence frames.
fn diagnosis(out: &mut String, w: &Words, lang: Lang, facts: &Facts) {
    section(out, w, 1);
    let _ = writeln!(out, "<p>{}</p>", w.diagnosis_intro);
    if facts.findings.is_empty() {
        let _ = write!(out, "<p class=\"none\">{}</p>\n</section>\n", w.no_findings);
        return;
    }
    let mut by_stream: BTreeMap<u32, Vec<&Finding>> = BTreeMap::new();
    for f in &facts.findings {
        by_stream.entry(f.stream).or_default().push(f);
    }
    let mut text = String::with_capacity(256);
    for (stream, mut list) in by_stream {
        list.sort_by_key(|f| f.frame);
        // The rows are in stream order.
        let ends = facts
            .conns
            .binary_search_by_key(&stream, |c| c.stream)
            .ok()
            .and_then(|i| facts.conns.get(i))
            .map(|c| format!(": {} ⇄ {}", c.client, c.server))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<div class=\"diagnosis\" data-stream=\"{stream}\">\n<h3>{} {stream}{}</h3>\n<ul>\n",
            w.stream,
            esc(&ends)
        );
        for f in list {
            text.clear();
            let _ = f.write_text(lang, &mut text);
            let frames: Vec<String> = f.frames.iter().map(u32::to_string).collect();
            // The text opens with the cause's title: set the title in bold.
            let title = f.cause().title(lang);
            let rest = text
                .strip_prefix(title)
                .map_or_else(|| format!(": {text}"), str::to_string);
            let _ = writeln!(
                out,
                "<li data-cause=\"{}\" data-frame=\"{}\"><strong>{}</strong>{} <span class=\"frames\">({} {})</span></li>",
                f.cause().name(),
                f.frame,
                esc(title),
                esc(&rest),
                w.evidence,
                frames.join(", ")
            );
        }
        out.push_str("</ul>\n</div>\n");
    }
    if facts.more_findings > 0 {
        let _ = writeln!(
            out,
            "<p class=\"more\">{}</p>",
            esc(&(w.more)(facts.more_findings))
        );
    }
    out.push_str("</section>\n");
}

fn anomaly_table(out: &mut String, w: &Words, facts: &Facts) {
    section(out, w, 2);
    // Only the verdicts that occur get a column.
    let seen: Vec<usize> = (0..Verdict::ALL.len())
        .filter(|&i| facts.anomalies.values().any(|c| c[i] > 0))
        .collect();
    if seen.is_empty() {
        let _ = write!(
            out,
            "<p class=\"none\">{}</p>\n</section>\n",
            w.no_anomalies
        );
        return;
    }
    let _ = write!(
        out,
        "<p>{}</p>\n<table class=\"sortable\" id=\"anomaly-counts\">\n<thead><tr><th data-type=\"num\">{}</th>",
        w.counts_intro, w.conn_heads[0]
    );
    for &i in &seen {
        let _ = write!(
            out,
            "<th data-type=\"num\" data-verdict=\"{0}\">{0}</th>",
            Verdict::ALL[i].name()
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (stream, counts) in &facts.anomalies {
        let _ = write!(out, "<tr data-stream=\"{stream}\">");
        num_cell(out, stream, &stream.to_string());
        for &i in &seen {
            num_cell(out, counts[i], &counts[i].to_string());
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn pictures(out: &mut String, w: &Words, streams: &[Stream], opts: &Options) {
    section(out, w, 3);
    if streams.is_empty() {
        let _ = writeln!(out, "<p class=\"none\">{}</p>", w.no_tcp);
    }
    for s in streams {
        let _ = write!(
            out,
            "<div class=\"pictures\" data-stream=\"{0}\">\n<h3>{1} {0}: {2} ⇄ {3}</h3>\n",
            s.stream,
            w.stream,
            esc(&s.endpoints[0]),
            esc(&s.endpoints[1])
        );
        let _ = write!(
            out,
            "<figure class=\"diagram\">\n<figcaption>{}</figcaption>\n{}\n</figure>\n",
            w.diagram_caption,
            diagram::render(s, &opts.diagram)
        );
        let _ = write!(
            out,
            "<figure class=\"graph\">\n<figcaption>{}</figcaption>\n{}\n</figure>\n</div>\n",
            w.graph_caption,
            graph::render(
                s,
                &graph::Options {
                    from: None,
                    lang: opts.lang,
                }
            )
        );
    }
    out.push_str("</section>\n");
}

fn explanations(out: &mut String, w: &Words, facts: &Facts) {
    section(out, w, 4);
    if facts.explained.is_empty() {
        let _ = write!(
            out,
            "<p class=\"none\">{}</p>\n</section>\n",
            w.no_anomalous
        );
        return;
    }
    let [frame, time, stream, from, verdicts, explanation] = w.packet_heads;
    let _ = write!(
        out,
        "<table class=\"sortable\" id=\"explanations\">\n<thead><tr><th data-type=\"num\">{frame}</th><th data-type=\"num\">{time}</th><th data-type=\"num\">{stream}</th><th>{from}</th><th>{verdicts}</th><th>{explanation}</th></tr></thead>\n<tbody>\n"
    );
    for e in &facts.explained {
        let names: Vec<&str> = e.verdicts.iter().map(|v| v.name()).collect();
        let _ = write!(
            out,
            "<tr data-frame=\"{}\" data-verdicts=\"{}\">",
            e.frame,
            names.join(",")
        );
        num_cell(out, e.frame, &e.frame.to_string());
        let t = e.t_ns as f64 / 1e9;
        num_cell(out, t, &format!("{t:.6}"));
        num_cell(out, e.stream, &e.stream.to_string());
        text_cell(
            out,
            match e.from {
                Side::Client => w.client,
                Side::Server => w.server,
            },
        );
        out.push_str("<td>");
        for n in &names {
            let _ = write!(out, "<span class=\"verdict\">{n}</span>");
        }
        out.push_str("</td>");
        text_cell(out, &e.text);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if facts.unexplained > 0 {
        let _ = writeln!(
            out,
            "<p class=\"more\">{}</p>",
            esc(&(w.more)(facts.unexplained))
        );
    }
    out.push_str("</section>\n");
}
