//! Per-frame output: text lines, JSON Lines and CSV, written without per-frame allocation
//! (the caller's explanation buffer and one label buffer are reused).

use std::io::{self, Write};

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

/// One row of JSONL or CSV, written field by field in [`COLUMNS`] order.
trait Row {
    fn num(&mut self, key: &str, v: Option<u64>) -> io::Result<()>;
    fn text(&mut self, key: &str, v: Option<&str>) -> io::Result<()>;
    /// Any `Display` value that is a JSON number (seconds).
    fn number(&mut self, key: &str, v: Option<&dyn std::fmt::Display>) -> io::Result<()>;
    fn list(&mut self, key: &str, items: &mut dyn Iterator<Item = &'static str>) -> io::Result<()>;
    fn end(&mut self) -> io::Result<()>;
}

struct JsonRow<'w, W: Write> {
    out: &'w mut W,
    first: bool,
}

impl<W: Write> JsonRow<'_, W> {
    fn key(&mut self, key: &str) -> io::Result<()> {
        let lead: &[u8] = if self.first { b"{\"" } else { b",\"" };
        self.first = false;
        self.out.write_all(lead)?;
        self.out.write_all(key.as_bytes())?;
        self.out.write_all(b"\":")
    }
}

impl<W: Write> Row for JsonRow<'_, W> {
    fn num(&mut self, key: &str, v: Option<u64>) -> io::Result<()> {
        self.key(key)?;
        match v {
            Some(v) => write!(self.out, "{v}"),
            None => self.out.write_all(b"null"),
        }
    }
    fn text(&mut self, key: &str, v: Option<&str>) -> io::Result<()> {
        self.key(key)?;
        match v {
            Some(v) => {
                self.out.write_all(b"\"")?;
                write_json_escaped(self.out, v)?;
                self.out.write_all(b"\"")
            }
            None => self.out.write_all(b"null"),
        }
    }
    fn number(&mut self, key: &str, v: Option<&dyn std::fmt::Display>) -> io::Result<()> {
        self.key(key)?;
        match v {
            Some(v) => write!(self.out, "{v}"),
            None => self.out.write_all(b"null"),
        }
    }
    fn list(&mut self, key: &str, items: &mut dyn Iterator<Item = &'static str>) -> io::Result<()> {
        self.key(key)?;
        self.out.write_all(b"[")?;
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            write!(self.out, "\"{item}\"")?;
        }
        self.out.write_all(b"]")
    }
    fn end(&mut self) -> io::Result<()> {
        self.out.write_all(b"}\n")
    }
}

struct CsvRow<'w, W: Write> {
    out: &'w mut W,
    first: bool,
}

impl<W: Write> CsvRow<'_, W> {
    fn sep(&mut self) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        Ok(())
    }
}

impl<W: Write> Row for CsvRow<'_, W> {
    fn num(&mut self, _: &str, v: Option<u64>) -> io::Result<()> {
        self.sep()?;
        match v {
            Some(v) => write!(self.out, "{v}"),
            None => Ok(()),
        }
    }
    fn text(&mut self, _: &str, v: Option<&str>) -> io::Result<()> {
        self.sep()?;
        match v {
            // Quote only what needs it (RFC 4180 §2).
            Some(v) if v.contains([',', '"', '\n']) => {
                self.out.write_all(b"\"")?;
                write_csv_escaped(self.out, v)?;
                self.out.write_all(b"\"")
            }
            Some(v) => self.out.write_all(v.as_bytes()),
            None => Ok(()),
        }
    }
    fn number(&mut self, _: &str, v: Option<&dyn std::fmt::Display>) -> io::Result<()> {
        self.sep()?;
        match v {
            Some(v) => write!(self.out, "{v}"),
            None => Ok(()),
        }
    }
    fn list(&mut self, _: &str, items: &mut dyn Iterator<Item = &'static str>) -> io::Result<()> {
        self.sep()?;
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.out.write_all(b";")?;
            }
            self.out.write_all(item.as_bytes())?;
        }
        Ok(())
    }
    fn end(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n")
    }
}

/// Writes every column of a TCP frame, or of an undecodable one (`tcp` is `None`).
fn write_row(
    row: &mut dyn Row,
    frame: u64,
    time_ns: i64,
    tcp: Option<(&Endpoints, &FrameRecord, &FrameAnalysis)>,
    explain: &str,
    error: Option<&str>,
) -> io::Result<()> {
    row.num("frame", Some(frame))?;
    row.number("time", Some(&Secs(time_ns)))?;
    let Some(((src, dst), rec, an)) = tcp else {
        for key in &COLUMNS[2..34] {
            row.num(key, None)?;
        }
        row.text("explain", Some(explain))?;
        row.text("error", error)?;
        return row.end();
    };
    let n = |v: Option<u32>| v.map(u64::from);
    row.num("stream", Some(rec.stream.into()))?;
    row.text("src", Some(&Addr(src.addr).to_string_buf()))?;
    row.text("dst", Some(&Addr(dst.addr).to_string_buf()))?;
    row.num("sport", Some(src.port.into()))?;
    row.num("dport", Some(dst.port.into()))?;
    row.text("tcp_flags", Some(FlagsBuf::new(rec.tcp_flags).as_str()))?;
    row.num("seq", Some(rec.seq.into()))?;
    row.num("ack", n(rec.ack()))?;
    row.num("seq_raw", Some(rec.seq_raw.into()))?;
    row.num("ack_raw", Some(rec.ack_raw.into()))?;
    row.num("len", n(rec.seg_len()))?;
    row.num("next_seq", n(rec.next_seq()))?;
    row.num("window", Some(rec.window.into()))?;
    row.num("window_scaled", n(an.window_scaled))?;
    row.num("handshake", rec.handshake.map(|h| h as u64))?;
    row.num("teardown", rec.teardown.map(|t| t as u64))?;
    row.text("event", rec.event.code())?;
    let rst = rec.event == Event::Rst;
    row.text("rst_by", rst.then(|| rec.sender().name()))?;
    row.text("rst_from", rec.rst_from.filter(|_| rst).map(|s| s.name()))?;
    row.text("client_state", Some(rec.client_state.name()))?;
    row.text("server_state", Some(rec.server_state.name()))?;
    row.list("flags", &mut an.verdicts.shown().map(|v| v.name()))?;
    row.num("dup_ack_num", n(an.dup_ack_num))?;
    row.num("dup_ack_frame", n(an.dup_ack_frame))?;
    row.num("acks_frame", n(an.acks_frame))?;
    row.number(
        "ack_rtt",
        an.ack_rtt_ns
            .map(Secs9)
            .as_ref()
            .map(|s| s as &dyn std::fmt::Display),
    )?;
    row.number(
        "initial_rtt",
        an.initial_rtt_ns
            .map(Secs9)
            .as_ref()
            .map(|s| s as &dyn std::fmt::Display),
    )?;
    row.num("bytes_in_flight", n(an.bytes_in_flight))?;
    row.num("push_bytes_sent", n(an.push_bytes_sent))?;
    row.number(
        "rto",
        an.rto_ns
            .map(Secs9)
            .as_ref()
            .map(|s| s as &dyn std::fmt::Display),
    )?;
    row.num("rto_frame", n(an.rto_frame))?;
    row.num("completeness", an.completeness.map(u64::from))?;
    row.text("explain", Some(explain))?;
    row.text("error", error)?;
    row.end()
}

/// An IP address formatted on the stack.
struct Addr(std::net::IpAddr);

impl Addr {
    fn to_string_buf(&self) -> StackStr<46> {
        let mut b = StackStr::<46>::new();
        let _ = std::fmt::Write::write_fmt(&mut b, format_args!("{}", self.0));
        b
    }
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
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:09}",
            abs / 1_000_000_000,
            abs % 1_000_000_000
        )
    }
}

pub struct FrameWriter<W: Write> {
    out: W,
    format: Format,
    /// Reused for the step label: no allocation per frame.
    label: String,
}

/// Seconds with nanosecond resolution, trailing zeros beyond microseconds trimmed.
struct Secs(i64);

impl std::fmt::Display for Secs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (s, ns) = (abs / 1_000_000_000, abs % 1_000_000_000);
        if ns % 1000 == 0 {
            write!(f, "{sign}{s}.{:06}", ns / 1000)
        } else {
            write!(f, "{sign}{s}.{ns:09}")
        }
    }
}

impl<W: Write> FrameWriter<W> {
    pub fn new(out: W, format: Format) -> Self {
        FrameWriter {
            out,
            format,
            label: String::with_capacity(64),
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
        let out = &mut self.out;
        if self.format == Format::Csv {
            write_row(
                &mut CsvRow { out, first: true },
                frame,
                time_ns,
                tcp,
                explain,
                error,
            )
        } else {
            write_row(
                &mut JsonRow { out, first: true },
                frame,
                time_ns,
                tcp,
                explain,
                error,
            )
        }
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

/// JSON string escaping (RFC 8259 §7) for generated text, without allocating.
pub fn write_json_escaped(o: &mut impl Write, s: &str) -> io::Result<()> {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'"' || b == b'\\' || b < 0x20 {
            o.write_all(&bytes[start..i])?;
            match b {
                b'"' => o.write_all(b"\\\"")?,
                b'\\' => o.write_all(b"\\\\")?,
                _ => write!(o, "\\u{b:04x}")?,
            }
            start = i + 1;
        }
    }
    o.write_all(&bytes[start..])
}

/// CSV field body: double quotes doubled (RFC 4180 §2).
fn write_csv_escaped(o: &mut impl Write, s: &str) -> io::Result<()> {
    let mut parts = s.split('"');
    if let Some(first) = parts.next() {
        o.write_all(first.as_bytes())?;
    }
    for part in parts {
        o.write_all(b"\"\"")?;
        o.write_all(part.as_bytes())?;
    }
    Ok(())
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
    fn json_escaping() {
        let mut v = Vec::new();
        write_json_escaped(&mut v, "a\"b\\c\n").unwrap();
        assert_eq!(String::from_utf8(v).unwrap(), "a\\\"b\\\\c\\u000a");
    }
}
