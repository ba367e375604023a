//! `tcplens conns`: one row per conversation, as an aligned table or JSON.

use std::io::{self, Write};

use serde::Serialize;
use tcplens_core::diagnosis::Finding;
use tcplens_core::explain::Lang;
use tcplens_core::flow::Conversation;
use tcplens_core::{Counters, DecodeError, Side};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConnsFormat {
    /// An aligned table.
    Table,
    /// One JSON document: capture counters and a list of conversations.
    Json,
}

/// One conversation, as printed.
#[derive(Debug, Serialize)]
pub struct ConnRow {
    pub stream: u32,
    pub client: String,
    pub server: String,
    /// Seconds since the first frame of the capture.
    pub first: f64,
    pub last: f64,
    pub duration: f64,
    pub packets_client: u64,
    pub bytes_client: u64,
    pub packets_server: u64,
    pub bytes_server: u64,
    /// SYN to the ACK completing the handshake, in seconds.
    pub handshake_rtt: Option<f64>,
    pub client_state: &'static str,
    pub server_state: &'static str,
    pub history: String,
    pub conn_state: &'static str,
    /// With `--diagnose`: the likely causes, in frame order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<Vec<DiagnosisRow>>,
}

/// One finding, as printed.
#[derive(Debug, Serialize)]
pub struct DiagnosisRow {
    pub cause: &'static str,
    /// The frame where the cause shows.
    pub frame: u32,
    /// The evidence frames.
    pub frames: Vec<u32>,
    pub text: String,
}

/// Gives every row its findings (an empty list when none); findings of conversations that
/// have no row are dropped.
pub fn attach_diagnosis(rows: &mut [ConnRow], findings: &[Finding], lang: Lang) {
    for row in rows.iter_mut() {
        row.diagnosis = Some(Vec::new());
    }
    for f in findings {
        let Some(row) = rows.iter_mut().find(|r| r.stream == f.stream) else {
            continue;
        };
        let mut text = String::new();
        let _ = f.write_text(lang, &mut text);
        if let Some(list) = row.diagnosis.as_mut() {
            list.push(DiagnosisRow {
                cause: f.cause.name(),
                frame: f.frame,
                frames: f.frames.clone(),
                text,
            });
        }
    }
    for row in rows.iter_mut() {
        if let Some(list) = row.diagnosis.as_mut() {
            list.sort_by_key(|d| d.frame);
        }
    }
}

fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

impl ConnRow {
    pub fn new(c: &Conversation, capture_start_ns: i64) -> ConnRow {
        let s = &c.stats;
        let (ci, si) = (Side::Client.idx(), Side::Server.idx());
        ConnRow {
            stream: c.stream,
            client: c.endpoints[0].to_string(),
            server: c.endpoints[1].to_string(),
            first: secs(s.first_ns - capture_start_ns),
            last: secs(s.last_ns - capture_start_ns),
            duration: secs(s.last_ns - s.first_ns),
            packets_client: s.packets[ci],
            bytes_client: s.bytes[ci],
            packets_server: s.packets[si],
            bytes_server: s.bytes[si],
            handshake_rtt: s.handshake_rtt_ns.map(secs),
            client_state: c.lifecycle.state(Side::Client).name(),
            server_state: c.lifecycle.state(Side::Server).name(),
            history: s.history.as_str().to_string(),
            conn_state: s.conn_state(),
            diagnosis: None,
        }
    }
}

#[derive(Serialize)]
struct CountersJson {
    frames: u64,
    tcp: u64,
    not_tcp: u64,
    icmp_quoted_tcp: u64,
    undecodable: std::collections::BTreeMap<&'static str, u64>,
}

#[derive(Serialize)]
struct ConnsJson<'a> {
    capture: CountersJson,
    conversations: &'a [ConnRow],
}

pub fn write(
    out: &mut impl Write,
    rows: &[ConnRow],
    counters: &Counters,
    format: ConnsFormat,
) -> io::Result<()> {
    match format {
        ConnsFormat::Json => {
            let undecodable = DecodeError::ALL_CODES
                .iter()
                .zip(counters.undecodable)
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| (*c, n))
                .collect();
            let doc = ConnsJson {
                capture: CountersJson {
                    frames: counters.frames,
                    tcp: counters.tcp,
                    not_tcp: counters.not_tcp,
                    icmp_quoted_tcp: counters.icmp_quoted,
                    undecodable,
                },
                conversations: rows,
            };
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
            writeln!(out)
        }
        ConnsFormat::Table => write_table(out, rows),
    }
}

fn write_table(out: &mut impl Write, rows: &[ConnRow]) -> io::Result<()> {
    const HEAD: [&str; 14] = [
        "stream",
        "client",
        "server",
        "first",
        "last",
        "duration",
        "pkts>",
        "bytes>",
        "pkts<",
        "bytes<",
        "hs_rtt",
        "states (client/server)",
        "history",
        "conn_state",
    ];
    let cells: Vec<[String; 14]> = rows
        .iter()
        .map(|r| {
            [
                r.stream.to_string(),
                r.client.clone(),
                r.server.clone(),
                format!("{:.6}", r.first),
                format!("{:.6}", r.last),
                format!("{:.6}", r.duration),
                r.packets_client.to_string(),
                r.bytes_client.to_string(),
                r.packets_server.to_string(),
                r.bytes_server.to_string(),
                r.handshake_rtt.map_or("-".into(), |v| format!("{:.6}", v)),
                format!("{}/{}", r.client_state, r.server_state),
                if r.history.is_empty() {
                    "-".into()
                } else {
                    r.history.clone()
                },
                r.conn_state.to_string(),
            ]
        })
        .collect();
    let mut width = HEAD.map(str::len);
    for row in &cells {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    // Text columns are left-aligned, numbers right-aligned.
    let left = |i: usize| matches!(i, 1 | 2 | 11 | 12 | 13);
    let line = |out: &mut dyn Write, vals: &[&str]| -> io::Result<()> {
        for (i, v) in vals.iter().enumerate() {
            if i > 0 {
                out.write_all(b"  ")?;
            }
            if left(i) {
                if i == vals.len() - 1 {
                    write!(out, "{v}")?;
                } else {
                    write!(out, "{v:<w$}", w = width[i])?;
                }
            } else {
                write!(out, "{v:>w$}", w = width[i])?;
            }
        }
        writeln!(out)
    };
    line(out, &HEAD)?;
    for row in &cells {
        let vals: Vec<&str> = row.iter().map(String::as_str).collect();
        line(out, &vals)?;
    }
    write_diagnosis(out, rows)
}

/// At most this many frames listed for the repeats of one cause.
const MORE_FRAMES: usize = 12;

/// The findings under the table, grouped by conversation and cause.
fn write_diagnosis(out: &mut impl Write, rows: &[ConnRow]) -> io::Result<()> {
    if rows.iter().all(|r| r.diagnosis.is_none()) {
        return Ok(());
    }
    let with = rows
        .iter()
        .filter_map(|r| r.diagnosis.as_ref().map(|d| (r, d)));
    writeln!(out)?;
    writeln!(out, "diagnosis:")?;
    let mut any = false;
    for (row, list) in with {
        if list.is_empty() {
            continue;
        }
        any = true;
        writeln!(
            out,
            "  stream {} ({} -> {}):",
            row.stream, row.client, row.server
        )?;
        // One cause at a time, in order of first appearance: its first finding in full,
        // then only where the others show (the JSON has every one in full).
        let mut causes: Vec<&str> = Vec::new();
        for d in list {
            if !causes.contains(&d.cause) {
                causes.push(d.cause);
            }
        }
        for cause in causes {
            let mut same = list.iter().filter(|d| d.cause == cause);
            let Some(first) = same.next() else { continue };
            let frames: Vec<String> = first.frames.iter().map(u32::to_string).collect();
            writeln!(
                out,
                "    frame {} [{}] {} (frames {})",
                first.frame,
                first.cause,
                first.text,
                frames.join(", ")
            )?;
            let more: Vec<u32> = same.map(|d| d.frame).collect();
            if !more.is_empty() {
                let shown: Vec<String> =
                    more.iter().take(MORE_FRAMES).map(u32::to_string).collect();
                let rest = if more.len() > MORE_FRAMES {
                    ", ..."
                } else {
                    ""
                };
                let noun = if more.len() == 1 { "frame" } else { "frames" };
                writeln!(
                    out,
                    "      and {} more [{cause}] at {noun} {}{rest}",
                    more.len(),
                    shown.join(", ")
                )?;
            }
        }
    }
    if !any {
        writeln!(out, "  nothing to report")?;
    }
    Ok(())
}
