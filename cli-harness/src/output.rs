//! Per-frame output: text lines, JSON Lines and CSV, written without per-frame allocation
//! (the caller's explanation buffer and one label buffer are reused).

use std::io::{self, Write};
use std::net::IpAddr;

use crate::digits;

use tcplens_core::analysis::FrameAnalysis;
use tcplens_core::explain::step_label;
use tcplens_core::flow::Endpoint;
use tcplens_core::lifecycle::Event;
use tcplens_core::record::RecordBits;
use tcplens_core::{DecodeError, FrameRecord};

/// A frame's sender and receiver.
pub type Endpoints = (Endpoint, Endpoint);

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per TCP frame, in the spirit of tshark's summary line.
    Text,
    /// One JSON object per TCP frame.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

/// The columns of the JSONL and CSV formats, in order.
pub const COLUMNS: [&str; 36] = [
    "frame",
    "time",
    "stream",
    "src",
    "dst",
    "sport",
    "dport",
    "tcp_flags",
    "seq",
    "ack",
    "seq_raw",
    "ack_raw",
    "len",
    "next_seq",
    "window",
    "window_scaled",
    "handshake",
    "teardown",
    "event",
    "rst_by",
    "rst_from",
    "client_state",
    "server_state",
    "flags",
    "dup_ack_num",
    "dup_ack_frame",
    "acks_frame",
    "ack_rtt",
    "initial_rtt",
    "bytes_in_flight",
    "push_bytes_sent",
    "rto",
    "rto_frame",
    "completeness",
    "explain",
    "error",
];

/// One row of JSONL or CSV, appended field by field in [`COLUMNS`] order to a byte buffer
/// that is written out whole (one `write_all` per frame).
trait Row {
    fn num(&mut self, key: &str, v: Option<u64>);
    fn text(&mut self, key: &str, v: Option<&str>);
    /// Seconds from nanoseconds: all nine decimals, or six when the rest are zeros.
    fn secs(&mut self, key: &str, ns: Option<i64>, all_nine: bool);
    fn ip(&mut self, key: &str, addr: IpAddr);
    fn list(&mut self, key: &str, items: &mut dyn Iterator<Item = &'static str>);
    fn end(&mut self);
}

fn push_seconds(buf: &mut Vec<u8>, ns: i64, all_nine: bool) {
    if all_nine {
        digits::push_secs9(buf, ns);
    } else {
        digits::push_secs(buf, ns);
    }
}

struct JsonRow<'b> {
    buf: &'b mut Vec<u8>,
    /// `{"frame":`, `,"time":` …: the lead of every column, in [`COLUMNS`] order.
    keys: &'b [Lead],
    /// The next column.
    col: usize,
}

/// A column's JSON lead in a fixed-size array, so that appending it is a copy of
/// [`Lead::CAP`] bytes the compiler inlines (then cut to `len`), not a `memcpy` call.
#[derive(Clone, Copy)]
struct Lead {
    bytes: [u8; Lead::CAP],
    len: usize,
}

impl Lead {
    const CAP: usize = 32;
}

/// The JSON lead of every column: `{"frame":` for the first, `,"name":` for the rest.
fn json_keys() -> Vec<Lead> {
    COLUMNS
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let text = format!("{}\"{k}\":", if i == 0 { '{' } else { ',' });
            let mut lead = Lead {
                bytes: [b' '; Lead::CAP],
                len: text.len(),
            };
            // Column names are short and fixed; a test checks that they all fit.
            lead.bytes[..text.len()].copy_from_slice(text.as_bytes());
            lead
        })
        .collect()
}

impl JsonRow<'_> {
    /// Columns are written in [`COLUMNS`] order, so the lead is the next one's.
    fn key(&mut self, key: &str) {
        debug_assert_eq!(COLUMNS.get(self.col), Some(&key));
        if let Some(lead) = self.keys.get(self.col) {
            let at = self.buf.len();
            self.buf.extend_from_slice(&lead.bytes);
            self.buf.truncate(at + lead.len);
        }
        self.col += 1;
    }
}

impl Row for JsonRow<'_> {
    fn num(&mut self, key: &str, v: Option<u64>) {
        self.key(key);
        match v {
            Some(v) => digits::push_u64(self.buf, v),
            None => self.buf.extend_from_slice(b"null"),
        }
    }
    fn text(&mut self, key: &str, v: Option<&str>) {
        self.key(key);
        match v {
            Some(v) => {
                self.buf.push(b'"');
                push_json_escaped(self.buf, v);
                self.buf.push(b'"');
            }
            None => self.buf.extend_from_slice(b"null"),
        }
    }
    fn secs(&mut self, key: &str, ns: Option<i64>, all_nine: bool) {
        self.key(key);
        match ns {
            Some(ns) => push_seconds(self.buf, ns, all_nine),
            None => self.buf.extend_from_slice(b"null"),
        }
    }
    fn ip(&mut self, key: &str, addr: IpAddr) {
        self.key(key);
        self.buf.push(b'"');
        digits::push_ip(self.buf, addr);
        self.buf.push(b'"');
    }
    fn list(&mut self, key: &str, items: &mut dyn Iterator<Item = &'static str>) {
        self.key(key);
        self.buf.push(b'[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.buf.push(b'"');
            self.buf.extend_from_slice(item.as_bytes());
            self.buf.push(b'"');
        }
        self.buf.push(b']');
    }
    fn end(&mut self) {
        self.buf.extend_from_slice(b"}\n");
    }
}

struct CsvRow<'b> {
    buf: &'b mut Vec<u8>,
    first: bool,
}

impl CsvRow<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
    }
}

impl Row for CsvRow<'_> {
    fn num(&mut self, _: &str, v: Option<u64>) {
        self.sep();
        if let Some(v) = v {
            digits::push_u64(self.buf, v);
        }
    }
    fn text(&mut self, _: &str, v: Option<&str>) {
        self.sep();
        match v {
            // Quote only what needs it (RFC 4180 §2).
            Some(v) if v.contains([',', '"', '\n']) => {
                self.buf.push(b'"');
                push_csv_escaped(self.buf, v);
                self.buf.push(b'"');
            }
            Some(v) => self.buf.extend_from_slice(v.as_bytes()),
            None => {}
        }
    }
    fn secs(&mut self, _: &str, ns: Option<i64>, all_nine: bool) {
        self.sep();
        if let Some(ns) = ns {
            push_seconds(self.buf, ns, all_nine);
        }
    }
    fn ip(&mut self, _: &str, addr: IpAddr) {
        self.sep();
        digits::push_ip(self.buf, addr);
    }
    fn list(&mut self, _: &str, items: &mut dyn Iterator<Item = &'static str>) {
        self.sep();
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.buf.push(b';');
            }
            self.buf.extend_from_slice(item.as_bytes());
        }
    }
    fn end(&mut self) {
        self.buf.push(b'\n');
    }
}

/// Writes every column of a TCP frame, or of an undecodable one (`tcp` is `None`).
/// Generic rather than `&mut dyn Row`: each format gets its own copy with the two dozen
/// column writers inlined, instead of an indirect call per column.
fn write_row<R: Row>(
    row: &mut R,
    frame: u64,
    time_ns: i64,
    tcp: Option<(&Endpoints, &FrameRecord, &FrameAnalysis)>,
    explain: &str,
    error: Option<&str>,
) {
    row.num("frame", Some(frame));
    row.secs("time", Some(time_ns), false);
    let Some(((src, dst), rec, an)) = tcp else {
        for key in &COLUMNS[2..34] {
            row.num(key, None);
        }
        row.text("explain", Some(explain));
        row.text("error", error);
        return row.end();
    };
    let n = |v: Option<u32>| v.map(u64::from);
    row.num("stream", Some(rec.stream.into()));
    row.ip("src", src.addr);
    row.ip("dst", dst.addr);
    row.num("sport", Some(src.port.into()));
    row.num("dport", Some(dst.port.into()));
    row.text("tcp_flags", Some(FlagsBuf::new(rec.tcp_flags).as_str()));
    row.num("seq", Some(rec.seq.into()));
    row.num("ack", n(rec.ack()));
    row.num("seq_raw", Some(rec.seq_raw.into()));
    row.num("ack_raw", Some(rec.ack_raw.into()));
    row.num("len", n(rec.seg_len()));
    row.num("next_seq", n(rec.next_seq()));
    row.num("window", Some(rec.window.into()));
    row.num("window_scaled", n(an.window_scaled));
    row.num("handshake", rec.handshake.map(|h| h as u64));
    row.num("teardown", rec.teardown.map(|t| t as u64));
    row.text("event", rec.event.code());
    let rst = rec.event == Event::Rst;
    row.text("rst_by", rst.then(|| rec.sender().name()));
    row.text("rst_from", rec.rst_from.filter(|_| rst).map(|s| s.name()));
    row.text("client_state", Some(rec.client_state.name()));
    row.text("server_state", Some(rec.server_state.name()));
    row.list("flags", &mut an.verdicts.shown().map(|v| v.name()));
    row.num("dup_ack_num", n(an.dup_ack_num));
    row.num("dup_ack_frame", n(an.dup_ack_frame));
    row.num("acks_frame", n(an.acks_frame));
    row.secs("ack_rtt", an.ack_rtt_ns, true);
    row.secs("initial_rtt", an.initial_rtt_ns, true);
    row.num("bytes_in_flight", n(an.bytes_in_flight));
    row.num("push_bytes_sent", n(an.push_bytes_sent));
    row.secs("rto", an.rto_ns, true);
    row.num("rto_frame", n(an.rto_frame));
    row.num("completeness", an.completeness.map(u64::from));
    row.text("explain", Some(explain));
    row.text("error", error);
    row.end();
}

/// TCP flag names ("FIN,SYN,...") formatted on the stack.
struct FlagsBuf(StackStr<40>);

impl FlagsBuf {
    fn new(f: tcplens_core::wire::TcpFlags) -> Self {
        let mut b = StackStr::<40>::new();
        let _ = f.write_names(&mut b, ",");
        FlagsBuf(b)
    }
    fn as_str(&self) -> &str {
        &self.0
    }
}

/// A small fixed-capacity string, so row writing allocates nothing.
struct StackStr<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackStr<N> {
    fn new() -> Self {
        StackStr {
            buf: [0; N],
            len: 0,
        }
    }
}

impl<const N: usize> std::ops::Deref for StackStr<N> {
    type Target = str;
    fn deref(&self) -> &str {
        // Only whole UTF-8 strings are ever appended.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl<const N: usize> std::fmt::Write for StackStr<N> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > N {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Seconds with all nine decimals, as tshark prints relative times.
pub(crate) struct Secs9(pub i64);

impl std::fmt::Display for Secs9 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_bytes(f, |b| digits::push_secs9(b, self.0))
    }
}

/// Formats through a `digits` writer (width and alignment are not applied).
fn write_bytes(
    f: &mut std::fmt::Formatter<'_>,
    write: impl FnOnce(&mut Vec<u8>),
) -> std::fmt::Result {
    let mut b = Vec::with_capacity(24);
    write(&mut b);
    // The digits writers emit ASCII only.
    f.write_str(std::str::from_utf8(&b).unwrap_or(""))
}

pub struct FrameWriter<W: Write> {
    out: W,
    format: Format,
    /// Reused for the step label: no allocation per frame.
    label: String,
    /// Reused for one JSONL or CSV row, written out whole.
    row: Vec<u8>,
    /// See [`json_keys`].
    json_keys: Vec<Lead>,
}

/// Seconds with nanosecond resolution, trailing zeros beyond microseconds trimmed.
struct Secs(i64);

impl std::fmt::Display for Secs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_bytes(f, |b| digits::push_secs(b, self.0))
    }
}

impl<W: Write> FrameWriter<W> {
    pub fn new(out: W, format: Format) -> Self {
        FrameWriter {
            out,
            format,
            label: String::with_capacity(64),
            row: Vec::with_capacity(1024),
            json_keys: json_keys(),
        }
    }

    pub fn header(&mut self) -> io::Result<()> {
        if self.format == Format::Csv {
            writeln!(self.out, "{}", COLUMNS.join(","))?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Writes one TCP frame. `time_ns` is relative to the first frame of the capture;
    /// `explain` is the frame's explanation.
    pub fn tcp(
        &mut self,
        frame: u64,
        time_ns: i64,
        ends: &Endpoints,
        rec: &FrameRecord,
        an: &FrameAnalysis,
        explain: &str,
    ) -> io::Result<()> {
        let error = error_code(rec);
        match self.format {
            Format::Text => self.tcp_text(frame, time_ns, ends, rec, an, explain),
            Format::Jsonl | Format::Csv => {
                self.row(frame, time_ns, Some((ends, rec, an)), explain, error)
            }
        }
    }

    /// Writes a frame that could not be decoded; `explain` says why in words.
    pub fn undecodable(
        &mut self,
        frame: u64,
        time_ns: i64,
        err: DecodeError,
        explain: &str,
    ) -> io::Result<()> {
        match self.format {
            Format::Text => writeln!(
                self.out,
                "{frame:>7} {:>12} undecodable: {explain} [{}]",
                Secs(time_ns),
                err.code()
            ),
            Format::Jsonl | Format::Csv => {
                self.row(frame, time_ns, None, explain, Some(err.code()))
            }
        }
    }

    /// One JSONL or CSV row.
    fn row(
        &mut self,
        frame: u64,
        time_ns: i64,
        tcp: Option<(&Endpoints, &FrameRecord, &FrameAnalysis)>,
        explain: &str,
        error: Option<&str>,
    ) -> io::Result<()> {
        let buf = &mut self.row;
        buf.clear();
        if self.format == Format::Csv {
            write_row(
                &mut CsvRow { buf, first: true },
                frame,
                time_ns,
                tcp,
                explain,
                error,
            );
        } else {
            write_row(
                &mut JsonRow {
                    buf,
                    keys: &self.json_keys,
                    col: 0,
                },
                frame,
                time_ns,
                tcp,
                explain,
                error,
            );
        }
        self.out.write_all(&self.row)
    }

    fn tcp_text(
        &mut self,
        frame: u64,
        time_ns: i64,
        (src, dst): &Endpoints,
        rec: &FrameRecord,
        an: &FrameAnalysis,
        explain: &str,
    ) -> io::Result<()> {
        write!(
            self.out,
            "{frame:>7} {:>12} #{:<4} {src} → {dst} [{}] Seq={}",
            Secs(time_ns),
            rec.stream,
            rec.tcp_flags,
            rec.seq,
        )?;
        if let Some(ack) = rec.ack() {
            write!(self.out, " Ack={ack}")?;
        }
        match rec.seg_len() {
            Some(len) => write!(self.out, " Win={} Len={len}", rec.window)?,
            None if rec.is_icmp_quote() => write!(self.out, " (quoted in ICMP)")?,
            None => {}
        }
        if let Some(code) = error_code(rec) {
            write!(self.out, " [malformed: {code}]")?;
        }
        self.label.clear();
        let _ = step_label(rec, &mut self.label);
        if !self.label.is_empty() {
            write!(self.out, "  {}", self.label)?;
        }
        for v in an.verdicts.shown() {
            write!(self.out, " [{}]", v.name())?;
        }
        writeln!(
            self.out,
            "  client={} server={}",
            rec.client_state, rec.server_state
        )?;
        // The explanation on its own indented line, in the chosen language.
        if !explain.is_empty() {
            writeln!(self.out, "{:>21}{explain}", "")?;
        }
        Ok(())
    }
}

/// The `error` key of a TCP frame: a malformed header, else a malformed option.
fn error_code(rec: &FrameRecord) -> Option<&'static str> {
    if let Some(e) = rec.malformed {
        return Some(e.code());
    }
    rec.bits
        .has(RecordBits::OPTION_ERROR)
        .then_some("malformed_tcp_option")
}

/// JSON string escaping (RFC 8259 §7) into a byte buffer; runs of plain bytes are copied
/// whole, and eight bytes at a time are checked for anything to escape.
pub fn push_json_escaped(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let (mut i, mut start) = (0, 0);
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
            if !word_needs_json_escape(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b == b'"' || b == b'\\' || b < 0x20 {
            buf.extend_from_slice(&bytes[start..i]);
            match b {
                b'"' => buf.extend_from_slice(b"\\\""),
                b'\\' => buf.extend_from_slice(b"\\\\"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    buf.extend_from_slice(b"\\u00");
                    buf.push(HEX[usize::from(b >> 4)]);
                    buf.push(HEX[usize::from(b & 15)]);
                }
            }
            start = i + 1;
        }
        i += 1;
    }
    buf.extend_from_slice(&bytes[start..]);
}

/// Whether any of the eight bytes is a control character, `"` or `\`: the classic
/// "has a byte less than n" and "has a zero byte" word tests, exact for the word as a whole.
fn word_needs_json_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0;
    below_space || has_zero(w ^ (ONES * u64::from(b'"'))) || has_zero(w ^ (ONES * u64::from(b'\\')))
}

/// CSV field body: double quotes doubled (RFC 4180 §2).
fn push_csv_escaped(buf: &mut Vec<u8>, s: &str) {
    let mut parts = s.split('"');
    if let Some(first) = parts.next() {
        buf.extend_from_slice(first.as_bytes());
    }
    for part in parts {
        buf.extend_from_slice(b"\"\"");
        buf.extend_from_slice(part.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_keep_microseconds_and_nanoseconds() {
        assert_eq!(Secs(1_500_000).to_string(), "0.001500");
        assert_eq!(Secs(2_000_000_123).to_string(), "2.000000123");
        assert_eq!(Secs(-1_000).to_string(), "-0.000001");
    }

    #[test]
    fn every_json_lead_fits_its_fixed_array() {
        for (lead, key) in json_keys().iter().zip(COLUMNS) {
            assert!(lead.len <= Lead::CAP, "{key}");
            let text = std::str::from_utf8(&lead.bytes[..lead.len]).unwrap();
            assert!(text.ends_with(&format!("\"{key}\":")), "{text}");
        }
    }

    #[test]
    fn json_escaping() {
        let mut v = Vec::new();
        push_json_escaped(&mut v, "a\"b\\c\n\u{1f}");
        assert_eq!(String::from_utf8(v).unwrap(), "a\\\"b\\\\c\\u000a\\u001f");
    }

    #[test]
    fn json_escaping_word_by_word_equals_byte_by_byte() {
        // Every byte that needs escaping, at every offset of a 20-byte text, among
        // multi-byte UTF-8 and bytes just around the escaped ones.
        let specials = ['"', '\\', '\n', '\u{0}', '\u{1f}'];
        let plain = ['!', '#', '[', ']', ' ', '~', '\u{7f}', '中', 'é'];
        for &sp in &specials {
            for at in 0..20 {
                for &p in &plain {
                    let text: String = (0..20).map(|i| if i == at { sp } else { p }).collect();
                    let mut fast = Vec::new();
                    push_json_escaped(&mut fast, &text);
                    let slow: String = text
                        .chars()
                        .map(|c| match c {
                            '"' => "\\\"".to_string(),
                            '\\' => "\\\\".to_string(),
                            c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32),
                            c => c.to_string(),
                        })
                        .collect();
                    assert_eq!(String::from_utf8(fast).unwrap(), slow, "{text:?}");
                }
            }
        }
    }
}
