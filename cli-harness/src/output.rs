//! Per-frame output: text lines, JSON Lines and CSV, written without per-frame allocation
//! (the caller's explanation buffer and one label buffer are reused), and Parquet through
//! `tcplens-columnar`.

use std::fs::File;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::Path;

use crate::digits;

use tcplens_core::analysis::FrameAnalysis;
use tcplens_core::explain::step_label;
use tcplens_core::flow::Endpoint;
use tcplens_core::schema::{self, Body, FrameKey, FrameVisitor, TcpFrame, FRAME_KEYS};
use tcplens_core::{DecodeError, FrameRecord, TcpQuote};

/// A frame's sender and receiver.
pub type Endpoints = (Endpoint, Endpoint);

/// A frame's row without its explanation, owned: for a row that waits (`settle`) or goes
/// to another thread (`pipeline`).
#[derive(Debug, Clone, Copy)]
pub struct OwnedFrame {
    pub number: u64,
    pub time_ns: i64,
    pub body: OwnedBody,
}

#[derive(Debug, Clone, Copy)]
pub enum OwnedBody {
    Tcp {
        ends: Endpoints,
        rec: FrameRecord,
        an: FrameAnalysis,
    },
    Quote(TcpQuote),
    Undecodable(DecodeError),
}

impl OwnedFrame {
    pub fn of(f: &schema::Frame<'_>) -> OwnedFrame {
        OwnedFrame {
            number: f.number,
            time_ns: f.time_ns,
            body: match f.body {
                Body::Tcp(t) => OwnedBody::Tcp {
                    ends: *t.ends,
                    rec: *t.rec,
                    an: *t.an,
                },
                Body::Quote(q) => OwnedBody::Quote(*q),
                Body::Undecodable(e) => OwnedBody::Undecodable(e),
            },
        }
    }

    /// The frame, with `explain`.
    pub fn frame<'a>(&'a self, explain: Option<&'a str>) -> schema::Frame<'a> {
        schema::Frame {
            number: self.number,
            time_ns: self.time_ns,
            body: match &self.body {
                OwnedBody::Tcp { ends, rec, an } => Body::Tcp(TcpFrame { ends, rec, an }),
                OwnedBody::Quote(q) => Body::Quote(q),
                OwnedBody::Undecodable(e) => Body::Undecodable(*e),
            },
            explain,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per TCP frame, in the spirit of tshark's summary line.
    Text,
    /// One JSON object per TCP frame.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet: one row per frame, one typed column per JSONL key (needs -o FILE).
    Parquet,
}

/// The formats written as lines of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    Text,
    Jsonl,
    Csv,
}

/// Where `analyze` writes its frames: lines of text, or a Parquet file.
pub enum FrameSink<'a> {
    Lines(FrameWriter<io::BufWriter<Box<dyn Write + 'a>>>),
    Parquet(Box<tcplens_columnar::FrameTable>),
}

/// Creates `path` for writing, saying which file could not be created.
pub fn create(path: &Path) -> io::Result<File> {
    File::create(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

impl FrameSink<'_> {
    /// The sink for `format`, writing to `path` or else standard output (the caller refuses
    /// Parquet without a file).
    pub fn open(format: Format, path: Option<&Path>) -> io::Result<Self> {
        let lines = match format {
            Format::Text => Lines::Text,
            Format::Jsonl => Lines::Jsonl,
            Format::Csv => Lines::Csv,
            Format::Parquet => {
                let file = match path {
                    Some(p) => create(p)?,
                    None => {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidInput,
                            "Parquet is written to a file (-o FILE), not standard output",
                        ))
                    }
                };
                let out = Box::new(io::BufWriter::with_capacity(1 << 16, file));
                let table = tcplens_columnar::FrameTable::new(out)?;
                return Ok(FrameSink::Parquet(Box::new(table)));
            }
        };
        let out: Box<dyn Write> = match path {
            Some(p) => Box::new(create(p)?),
            None => Box::new(io::stdout().lock()),
        };
        let mut w = FrameWriter::new(io::BufWriter::with_capacity(1 << 16, out), lines);
        w.header()?;
        Ok(FrameSink::Lines(w))
    }

    /// Writes one frame's row.
    pub fn frame(&mut self, f: &schema::Frame<'_>) -> io::Result<()> {
        match self {
            FrameSink::Lines(w) => w.frame(f),
            FrameSink::Parquet(t) => t.push(f),
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        match self {
            FrameSink::Lines(w) => w.flush(),
            FrameSink::Parquet(_) => Ok(()),
        }
    }

    /// A writer of the same lines into memory, for rows held back and written later with
    /// [`FrameSink::rendered`]; none for Parquet, whose rows wait as they are.
    pub fn renderer(&self) -> Option<FrameWriter<Vec<u8>>> {
        match self {
            FrameSink::Lines(w) => Some(FrameWriter::new(Vec::with_capacity(1 << 16), w.format)),
            FrameSink::Parquet(_) => None,
        }
    }

    /// Writes lines a [`FrameSink::renderer`] made.
    pub fn rendered(&mut self, lines: &[u8]) -> io::Result<()> {
        match self {
            FrameSink::Lines(w) => w.out.write_all(lines),
            FrameSink::Parquet(_) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "lines of text cannot go into a Parquet file",
            )),
        }
    }

    /// Writes what is left (Parquet: the last rows and the footer).
    pub fn finish(self) -> io::Result<()> {
        match self {
            FrameSink::Lines(mut w) => w.flush(),
            FrameSink::Parquet(t) => t.finish(),
        }
    }
}

fn push_seconds(buf: &mut Vec<u8>, ns: i64, all_nine: bool) {
    if all_nine {
        digits::push_secs9(buf, ns);
    } else {
        digits::push_secs(buf, ns);
    }
}

/// One JSONL row, appended key by key in schema order to a byte buffer that is written out
/// whole (one `write_all` per frame).
struct JsonRow<'b> {
    buf: &'b mut Vec<u8>,
    /// `{"frame":`, `,"time":` …: the lead of every key, indexed by [`FrameKey`].
    keys: &'b [Lead],
}

/// A key's JSON lead in a fixed-size array, so that appending it is a copy of
/// [`Lead::CAP`] bytes the compiler inlines (then cut to `len`), not a `memcpy` call.
#[derive(Clone, Copy)]
struct Lead {
    bytes: [u8; Lead::CAP],
    len: usize,
}

impl Lead {
    const CAP: usize = 32;
}

/// The JSON lead of every key: `{"frame":` for the first, `,"name":` for the rest.
fn json_keys() -> Vec<Lead> {
    FRAME_KEYS
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let text = format!("{}\"{}\":", if i == 0 { '{' } else { ',' }, k.name);
            let mut lead = Lead {
                bytes: [b' '; Lead::CAP],
                len: text.len(),
            };
            // Key names are short and fixed; a test checks that they all fit.
            lead.bytes[..text.len()].copy_from_slice(text.as_bytes());
            lead
        })
        .collect()
}

impl JsonRow<'_> {
    #[inline]
    fn key(&mut self, key: FrameKey) {
        if let Some(lead) = self.keys.get(key as usize) {
            let at = self.buf.len();
            self.buf.extend_from_slice(&lead.bytes);
            self.buf.truncate(at + lead.len);
        }
    }
}

impl FrameVisitor for JsonRow<'_> {
    fn integer(&mut self, key: FrameKey, v: Option<u64>) {
        self.key(key);
        match v {
            Some(v) => digits::push_u64(self.buf, v),
            None => self.buf.extend_from_slice(b"null"),
        }
    }
    fn seconds(&mut self, key: FrameKey, ns: Option<i64>, all_nine: bool) {
        self.key(key);
        match ns {
            Some(ns) => push_seconds(self.buf, ns, all_nine),
            None => self.buf.extend_from_slice(b"null"),
        }
    }
    fn text(&mut self, key: FrameKey, v: Option<&str>) {
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
    fn address(&mut self, key: FrameKey, v: Option<IpAddr>) {
        self.key(key);
        match v {
            Some(addr) => {
                self.buf.push(b'"');
                digits::push_ip(self.buf, addr);
                self.buf.push(b'"');
            }
            None => self.buf.extend_from_slice(b"null"),
        }
    }
    fn names<I: Iterator<Item = &'static str>>(&mut self, key: FrameKey, v: Option<I>) {
        self.key(key);
        let Some(items) = v else {
            return self.buf.extend_from_slice(b"null");
        };
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
}

/// One CSV row (RFC 4180), cells in schema order.
struct CsvRow<'b> {
    buf: &'b mut Vec<u8>,
}

impl CsvRow<'_> {
    #[inline]
    fn sep(&mut self, key: FrameKey) {
        if key as usize != 0 {
            self.buf.push(b',');
        }
    }
}

impl FrameVisitor for CsvRow<'_> {
    fn integer(&mut self, key: FrameKey, v: Option<u64>) {
        self.sep(key);
        if let Some(v) = v {
            digits::push_u64(self.buf, v);
        }
    }
    fn seconds(&mut self, key: FrameKey, ns: Option<i64>, all_nine: bool) {
        self.sep(key);
        if let Some(ns) = ns {
            push_seconds(self.buf, ns, all_nine);
        }
    }
    fn text(&mut self, key: FrameKey, v: Option<&str>) {
        self.sep(key);
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
    fn address(&mut self, key: FrameKey, v: Option<IpAddr>) {
        self.sep(key);
        if let Some(addr) = v {
            digits::push_ip(self.buf, addr);
        }
    }
    fn names<I: Iterator<Item = &'static str>>(&mut self, key: FrameKey, v: Option<I>) {
        self.sep(key);
        for (i, item) in v.into_iter().flatten().enumerate() {
            if i > 0 {
                self.buf.push(b';');
            }
            self.buf.extend_from_slice(item.as_bytes());
        }
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
    format: Lines,
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

impl FrameWriter<Vec<u8>> {
    /// The lines written so far.
    pub fn lines(&mut self) -> &mut Vec<u8> {
        &mut self.out
    }
}

impl<W: Write> FrameWriter<W> {
    fn new(out: W, format: Lines) -> Self {
        FrameWriter {
            out,
            format,
            label: String::with_capacity(64),
            row: Vec::with_capacity(1024),
            json_keys: json_keys(),
        }
    }

    fn header(&mut self) -> io::Result<()> {
        if self.format == Lines::Csv {
            let names: Vec<&str> = FRAME_KEYS.iter().map(|k| k.name).collect();
            writeln!(self.out, "{}", names.join(","))?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Writes one frame's row. `time_ns` is relative to the first frame of the capture.
    pub fn frame(&mut self, f: &schema::Frame<'_>) -> io::Result<()> {
        if self.format != Lines::Text {
            return self.row(f);
        }
        let explain = f.explain.unwrap_or("");
        match f.body {
            Body::Tcp(t) => self.tcp_text(f.number, f.time_ns, t.ends, t.rec, t.an, explain),
            Body::Quote(q) => self.quote_text(f.number, f.time_ns, q, explain),
            Body::Undecodable(err) => writeln!(
                self.out,
                "{:>7} {:>12} undecodable: {explain} [{}]",
                f.number,
                Secs(f.time_ns),
                err.code()
            ),
        }
    }

    /// An ICMP error quoting a TCP header cut before 16 bytes: no stream, no state.
    fn quote_text(
        &mut self,
        frame: u64,
        time_ns: i64,
        q: &TcpQuote,
        explain: &str,
    ) -> io::Result<()> {
        let src = Endpoint {
            addr: q.src,
            port: q.src_port,
        };
        let dst = Endpoint {
            addr: q.dst,
            port: q.dst_port,
        };
        write!(
            self.out,
            "{frame:>7} {:>12} no stream: {src} → {dst}",
            Secs(time_ns)
        )?;
        if let Some(seq) = q.shown_seq() {
            write!(self.out, " Seq={seq}")?;
        }
        writeln!(
            self.out,
            " ({} bytes of TCP header quoted in ICMP) [malformed: {}]",
            q.quoted_len,
            DecodeError::TruncatedTcp.code()
        )?;
        if !explain.is_empty() {
            writeln!(self.out, "{:>21}{explain}", "")?;
        }
        Ok(())
    }

    /// One JSONL or CSV row.
    fn row(&mut self, f: &schema::Frame<'_>) -> io::Result<()> {
        let buf = &mut self.row;
        buf.clear();
        if self.format == Lines::Csv {
            schema::visit_frame(&mut CsvRow { buf }, f);
            buf.push(b'\n');
        } else {
            schema::visit_frame(
                &mut JsonRow {
                    buf,
                    keys: &self.json_keys,
                },
                f,
            );
            buf.extend_from_slice(b"}\n");
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
        if let Some(code) = rec.error_code() {
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
                    buf.extend_from_slice(b"\\u00");
                    buf.push(digits::HEX_DIGITS[usize::from(b >> 4)]);
                    buf.push(digits::HEX_DIGITS[usize::from(b & 15)]);
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
        for (lead, key) in json_keys().iter().zip(FRAME_KEYS) {
            assert!(lead.len <= Lead::CAP, "{}", key.name);
            let text = std::str::from_utf8(&lead.bytes[..lead.len]).unwrap();
            assert!(text.ends_with(&format!("\"{}\":", key.name)), "{text}");
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
