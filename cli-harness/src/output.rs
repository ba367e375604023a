//! Per-frame output: text lines, JSON Lines and CSV, written without per-frame allocation
//! (one scratch `String` is reused for the generated explanation).

use std::io::{self, Write};

use tcplens_core::explain::{explain_en, step_label};
use tcplens_core::flow::Endpoint;
use tcplens_core::lifecycle::Event;
use tcplens_core::record::RecordBits;
use tcplens_core::{DecodeError, FrameRecord, TcpSegment};

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
pub const COLUMNS: [&str; 25] = [
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
    "handshake",
    "teardown",
    "event",
    "rst_by",
    "rst_from",
    "client_state",
    "server_state",
    "flags",
    "explain",
    "error",
];

pub struct FrameWriter<W: Write> {
    out: W,
    format: Format,
    /// Reused for the explanation and the step label: no allocation per frame.
    scratch: String,
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
            scratch: String::with_capacity(256),
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

    /// Writes one TCP frame. `time_ns` is relative to the first frame of the capture.
    pub fn tcp(
        &mut self,
        frame: u64,
        time_ns: i64,
        seg: &TcpSegment<'_>,
        rec: &FrameRecord,
    ) -> io::Result<()> {
        self.scratch.clear();
        let _ = explain_en(rec, &mut self.scratch);
        match self.format {
            Format::Text => self.tcp_text(frame, time_ns, seg, rec),
            Format::Jsonl => self.tcp_jsonl(frame, time_ns, seg, rec),
            Format::Csv => self.tcp_csv(frame, time_ns, seg, rec),
        }
    }

    /// Writes a frame that could not be decoded.
    pub fn undecodable(&mut self, frame: u64, time_ns: i64, err: DecodeError) -> io::Result<()> {
        let t = Secs(time_ns);
        match self.format {
            Format::Text => writeln!(
                self.out,
                "{frame:>7} {t:>12} undecodable: {err} [{}]",
                err.code()
            ),
            Format::Jsonl => {
                write!(self.out, "{{\"frame\":{frame},\"time\":{t}")?;
                for key in &COLUMNS[2..23] {
                    write!(self.out, ",\"{key}\":null")?;
                }
                writeln!(
                    self.out,
                    ",\"explain\":\"{err}\",\"error\":\"{}\"}}",
                    err.code()
                )
            }
            Format::Csv => {
                write!(self.out, "{frame},{t}")?;
                for _ in &COLUMNS[2..23] {
                    self.out.write_all(b",")?;
                }
                writeln!(self.out, ",\"{err}\",{}", err.code())
            }
        }
    }

    fn tcp_text(
        &mut self,
        frame: u64,
        time_ns: i64,
        seg: &TcpSegment<'_>,
        rec: &FrameRecord,
    ) -> io::Result<()> {
        let src = Endpoint {
            addr: seg.src,
            port: seg.src_port,
        };
        let dst = Endpoint {
            addr: seg.dst,
            port: seg.dst_port,
        };
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
        writeln!(
            self.out,
            "  client={} server={}",
            rec.client_state, rec.server_state
        )
    }

    fn tcp_jsonl(
        &mut self,
        frame: u64,
        time_ns: i64,
        seg: &TcpSegment<'_>,
        rec: &FrameRecord,
    ) -> io::Result<()> {
        let o = &mut self.out;
        write!(
            o,
            "{{\"frame\":{frame},\"time\":{},\"stream\":{},\"src\":\"{}\",\"dst\":\"{}\",\"sport\":{},\"dport\":{},\"tcp_flags\":\"{}\",\"seq\":{},",
            Secs(time_ns), rec.stream, seg.src, seg.dst, seg.src_port, seg.dst_port, rec.tcp_flags, rec.seq
        )?;
        write_opt_u32(o, "ack", rec.ack())?;
        write!(
            o,
            "\"seq_raw\":{},\"ack_raw\":{},",
            rec.seq_raw, rec.ack_raw
        )?;
        write_opt_u32(o, "len", rec.seg_len())?;
        write_opt_u32(o, "next_seq", rec.next_seq())?;
        write!(o, "\"window\":{},", rec.window)?;
        write_opt_num(o, "handshake", rec.handshake.map(|h| h as u8))?;
        write_opt_num(o, "teardown", rec.teardown.map(|t| t as u8))?;
        write_opt_str(o, "event", rec.event.code())?;
        let rst = rec.event == Event::Rst;
        write_opt_str(o, "rst_by", rst.then(|| rec.sender().name()))?;
        write_opt_str(
            o,
            "rst_from",
            rec.rst_from.filter(|_| rst).map(|s| s.name()),
        )?;
        write!(
            o,
            "\"client_state\":\"{}\",\"server_state\":\"{}\",\"flags\":[],\"explain\":\"",
            rec.client_state, rec.server_state
        )?;
        write_json_escaped(o, &self.scratch)?;
        match error_code(rec) {
            Some(code) => writeln!(o, "\",\"error\":\"{code}\"}}"),
            None => writeln!(o, "\",\"error\":null}}"),
        }
    }

    fn tcp_csv(
        &mut self,
        frame: u64,
        time_ns: i64,
        seg: &TcpSegment<'_>,
        rec: &FrameRecord,
    ) -> io::Result<()> {
        let o = &mut self.out;
        write!(
            o,
            "{frame},{},{},{},{},{},{},\"{}\",{},",
            Secs(time_ns),
            rec.stream,
            seg.src,
            seg.dst,
            seg.src_port,
            seg.dst_port,
            rec.tcp_flags,
            rec.seq
        )?;
        write_csv_opt(o, rec.ack())?;
        write!(o, "{},{},", rec.seq_raw, rec.ack_raw)?;
        write_csv_opt(o, rec.seg_len())?;
        write_csv_opt(o, rec.next_seq())?;
        write!(o, "{},", rec.window)?;
        if let Some(h) = rec.handshake {
            write!(o, "{}", h as u8)?;
        }
        o.write_all(b",")?;
        if let Some(t) = rec.teardown {
            write!(o, "{}", t as u8)?;
        }
        write!(o, ",{},", rec.event.code().unwrap_or(""))?;
        if rec.event == Event::Rst {
            write!(
                o,
                "{},{}",
                rec.sender().name(),
                rec.rst_from.map_or("", |s| s.name())
            )?;
        } else {
            o.write_all(b",")?;
        }
        write!(o, ",{},{},,\"", rec.client_state, rec.server_state)?;
        write_csv_escaped(o, &self.scratch)?;
        writeln!(o, "\",{}", error_code(rec).unwrap_or(""))
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

fn write_opt_u32(o: &mut impl Write, key: &str, v: Option<u32>) -> io::Result<()> {
    match v {
        Some(v) => write!(o, "\"{key}\":{v},"),
        None => write!(o, "\"{key}\":null,"),
    }
}

fn write_csv_opt(o: &mut impl Write, v: Option<u32>) -> io::Result<()> {
    match v {
        Some(v) => write!(o, "{v},"),
        None => o.write_all(b","),
    }
}

fn write_opt_num(o: &mut impl Write, key: &str, v: Option<u8>) -> io::Result<()> {
    match v {
        Some(v) => write!(o, "\"{key}\":{v},"),
        None => write!(o, "\"{key}\":null,"),
    }
}

fn write_opt_str(o: &mut impl Write, key: &str, v: Option<&str>) -> io::Result<()> {
    match v {
        Some(v) => write!(o, "\"{key}\":\"{v}\","),
        None => write!(o, "\"{key}\":null,"),
    }
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
