//! `tcplens conns`: one row per conversation, as an aligned table or JSON.

use std::io::{self, Write};

use serde::Serialize;
use tcplens_core::diagnosis::Finding;
use tcplens_core::explain::Lang;
use tcplens_core::flow::{Conversation, Endpoint};
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
    #[serde(serialize_with = "as_display")]
    pub client: Endpoint,
    #[serde(serialize_with = "as_display")]
    pub server: Endpoint,
    /// Nanoseconds since the first frame of the capture (seconds in JSON).
    #[serde(rename = "first", serialize_with = "as_secs")]
    pub first_ns: i64,
    #[serde(rename = "last", serialize_with = "as_secs")]
    pub last_ns: i64,
    #[serde(rename = "duration", serialize_with = "as_secs")]
    pub duration_ns: i64,
    pub packets_client: u64,
    pub bytes_client: u64,
    pub packets_server: u64,
    pub bytes_server: u64,
    /// SYN to the ACK completing the handshake, in nanoseconds (seconds in JSON).
    #[serde(rename = "handshake_rtt", serialize_with = "as_opt_secs")]
    pub handshake_rtt_ns: Option<i64>,
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
/// have no row are dropped. The rows are in stream order (as [`ConnRow`]s of the
/// conversation table are), so each finding finds its row by binary search.
pub fn attach_diagnosis(rows: &mut [ConnRow], findings: &[Finding], lang: Lang) {
    for row in rows.iter_mut() {
        row.diagnosis = Some(Vec::new());
    }
    debug_assert!(rows.windows(2).all(|w| w[0].stream < w[1].stream));
    for f in findings {
        let Ok(i) = rows.binary_search_by_key(&f.stream, |r| r.stream) else {
            continue;
        };
        let row = &mut rows[i];
        let mut text = String::new();
        let _ = f.write_text(lang, &mut text);
        if let Some(list) = row.diagnosis.as_mut() {
            list.push(DiagnosisRow {
                cause: f.cause().name(),
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

/// Nanoseconds as seconds.
pub fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

fn as_secs<S: serde::Serializer>(ns: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(secs(*ns))
}

fn as_opt_secs<S: serde::Serializer>(ns: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match ns {
        Some(ns) => s.serialize_f64(secs(*ns)),
        None => s.serialize_none(),
    }
}

fn as_display<S: serde::Serializer>(v: &Endpoint, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

impl ConnRow {
    pub fn new(c: &Conversation, capture_start_ns: i64) -> ConnRow {
        let s = &c.stats;
        let (ci, si) = (Side::Client.idx(), Side::Server.idx());
        ConnRow {
            stream: c.stream,
            client: c.endpoints[0],
            server: c.endpoints[1],
            first_ns: s.first_ns - capture_start_ns,
            last_ns: s.last_ns - capture_start_ns,
            duration_ns: s.last_ns - s.first_ns,
            packets_client: s.packets[ci],
            bytes_client: s.bytes[ci],
            packets_server: s.packets[si],
            bytes_server: s.bytes[si],
            handshake_rtt_ns: s.handshake_rtt_ns,
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

const TABLE_HEAD: [&str; 14] = [
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

/// One table row's cells, formatted into one reused buffer.
struct Cells {
    buf: Vec<u8>,
    /// Where each cell ends in `buf`.
    ends: [usize; 14],
}

impl Cells {
    fn fill(&mut self, r: &ConnRow) {
        use crate::digits::{push_endpoint, push_secs6, push_u64};
        let b = &mut self.buf;
        b.clear();
        let mut cell = 0;
        let mut end = |b: &Vec<u8>| {
            self.ends[cell] = b.len();
            cell += 1;
        };
        push_u64(b, r.stream.into());
        end(b);
        push_endpoint(b, r.client.addr, r.client.port);
        end(b);
        push_endpoint(b, r.server.addr, r.server.port);
        end(b);
        for ns in [r.first_ns, r.last_ns, r.duration_ns] {
            push_secs6(b, ns);
            end(b);
        }
        for n in [
            r.packets_client,
            r.bytes_client,
            r.packets_server,
            r.bytes_server,
        ] {
            push_u64(b, n);
            end(b);
        }
        match r.handshake_rtt_ns {
            Some(ns) => push_secs6(b, ns),
            None => b.push(b'-'),
        }
        end(b);
        b.extend_from_slice(r.client_state.as_bytes());
        b.push(b'/');
        b.extend_from_slice(r.server_state.as_bytes());
        end(b);
        b.extend_from_slice(if r.history.is_empty() {
            b"-"
        } else {
            r.history.as_bytes()
        });
        end(b);
        b.extend_from_slice(r.conn_state.as_bytes());
        end(b);
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }
}

/// The aligned table: each row is formatted twice into one reused buffer (widths, then
/// lines), so a table of millions of rows costs no memory beyond the rows themselves. All
/// cells are ASCII, so bytes are columns.
fn write_table(out: &mut impl Write, rows: &[ConnRow]) -> io::Result<()> {
    let mut cells = Cells {
        buf: Vec::with_capacity(256),
        ends: [0; 14],
    };
    let mut width = TABLE_HEAD.map(str::len);
    for r in rows {
        cells.fill(r);
        for (i, w) in width.iter_mut().enumerate() {
            *w = (*w).max(cells.get(i).len());
        }
    }
    let mut line = Vec::with_capacity(512);
    push_line(&mut line, &width, |i| TABLE_HEAD[i].as_bytes());
    out.write_all(&line)?;
    for r in rows {
        cells.fill(r);
        push_line(&mut line, &width, |i| cells.get(i));
        out.write_all(&line)?;
    }
    write_diagnosis(out, rows)
}

/// One table line: text columns left-aligned, numbers right-aligned, the last column not
/// padded.
fn push_line<'a>(line: &mut Vec<u8>, width: &[usize; 14], cell: impl Fn(usize) -> &'a [u8]) {
    let left = |i: usize| matches!(i, 1 | 2 | 11 | 12 | 13);
    line.clear();
    for (i, &w) in width.iter().enumerate() {
        let v = cell(i);
        if i > 0 {
            line.extend_from_slice(b"  ");
        }
        let pad = w.saturating_sub(v.len());
        if left(i) {
            line.extend_from_slice(v);
            if i < width.len() - 1 {
                line.resize(line.len() + pad, b' ');
            }
        } else {
            line.resize(line.len() + pad, b' ');
            line.extend_from_slice(v);
        }
    }
    line.push(b'\n');
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
