//! `conns --format zeek`: the conversations as a Zeek `conn.log` in Zeek's TSV format
//! (the `#separator`, `#fields`, `#types` header; Zeek's field names, types and units), so
//! Zeek's tools (zeek-cut and the log readers) read it. Fields tcplens has no value for are
//! Zeek's unset `-`.
//!
//! `uid` is not Zeek's random one: "C" and the base62 of 96 bits of a SHA-1 over the
//! Community ID, the stream number and the first packet's time, so the same capture gives
//! the same uids every run.

use std::io::{self, Write};

use tcplens_core::community_id::sha1;
use tcplens_core::record::ConnRecord;
use tcplens_core::Side;

/// Zeek's type of a field.
#[derive(Clone, Copy)]
enum Ty {
    Time,
    Str,
    Addr,
    Port,
    Enum,
    Interval,
    Count,
    Bool,
    SetStr,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Time => "time",
            Ty::Str => "string",
            Ty::Addr => "addr",
            Ty::Port => "port",
            Ty::Enum => "enum",
            Ty::Interval => "interval",
            Ty::Count => "count",
            Ty::Bool => "bool",
            Ty::SetStr => "set[string]",
        }
    }
}

/// One value of a row.
enum Val {
    Unset,
    Text(String),
    Count(u64),
    /// Nanoseconds, printed as seconds with six decimals (Zeek's `time` and `interval`).
    Secs(i64),
}

/// One field: its name, its Zeek type, and how tcplens fills it.
type Field = (&'static str, Ty, fn(&ConnRecord) -> Val);

/// The fields of Zeek's conn.log, in its order.
const FIELDS: &[Field] = &[
    ("ts", Ty::Time, |r| Val::Secs(r.first_epoch_ns)),
    ("uid", Ty::Str, |r| Val::Text(uid(r))),
    ("id.orig_h", Ty::Addr, |r| {
        Val::Text(r.client.addr.to_string())
    }),
    ("id.orig_p", Ty::Port, |r| Val::Count(r.client.port.into())),
    ("id.resp_h", Ty::Addr, |r| {
        Val::Text(r.server.addr.to_string())
    }),
    ("id.resp_p", Ty::Port, |r| Val::Count(r.server.port.into())),
    ("proto", Ty::Enum, |_| Val::Text("tcp".into())),
    ("service", Ty::Str, |_| Val::Unset),
    // Zeek sets duration and the byte counts only when the duration is not zero.
    ("duration", Ty::Interval, |r| {
        if r.duration_ns > 0 {
            Val::Secs(r.duration_ns)
        } else {
            Val::Unset
        }
    }),
    ("orig_bytes", Ty::Count, |r| seq_bytes(r, Side::Client)),
    ("resp_bytes", Ty::Count, |r| seq_bytes(r, Side::Server)),
    ("conn_state", Ty::Str, |r| Val::Text(r.conn_state.into())),
    ("local_orig", Ty::Bool, |_| Val::Unset),
    ("local_resp", Ty::Bool, |_| Val::Unset),
    ("missed_bytes", Ty::Count, |r| Val::Count(r.missed_bytes())),
    ("history", Ty::Str, |r| {
        if r.history.is_empty() {
            Val::Unset
        } else {
            Val::Text(r.history.clone())
        }
    }),
    ("orig_pkts", Ty::Count, |r| Val::Count(r.packets_client)),
    ("orig_ip_bytes", Ty::Count, |r| {
        Val::Count(r.dirs[0].ip_bytes)
    }),
    ("resp_pkts", Ty::Count, |r| Val::Count(r.packets_server)),
    ("resp_ip_bytes", Ty::Count, |r| {
        Val::Count(r.dirs[1].ip_bytes)
    }),
    ("tunnel_parents", Ty::SetStr, |_| Val::Unset),
    ("community_id", Ty::Str, |r| {
        Val::Text(r.community_id().to_string())
    }),
];

/// Zeek's `orig_bytes`/`resp_bytes`: the size of the sequence space the side used (Zeek
/// takes it from sequence numbers), i.e. the unique bytes plus the missed ones.
fn seq_bytes(r: &ConnRecord, side: Side) -> Val {
    if r.duration_ns <= 0 {
        return Val::Unset;
    }
    let d = &r.dirs[side.idx()];
    Val::Count(d.unique_bytes + d.missed_bytes)
}

/// A deterministic uid in Zeek's shape: "C" and base62 of 96 bits.
pub fn uid(r: &ConnRecord) -> String {
    let mut input = Vec::with_capacity(64);
    input.extend_from_slice(r.community_id().as_bytes());
    input.extend_from_slice(&r.stream.to_be_bytes());
    input.extend_from_slice(&r.first_epoch_ns.to_be_bytes());
    let digest = sha1(&input);
    let mut n = digest[..12]
        .iter()
        .fold(0u128, |n, &b| (n << 8) | u128::from(b));
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 62) as usize]);
        n /= 62;
        if n == 0 {
            break;
        }
    }
    out.push(b'C');
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Seconds since the epoch as Zeek writes `time` and `interval`: six decimals.
fn push_secs(line: &mut String, ns: i64) {
    use std::fmt::Write as _;
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    let micros = (abs + 500) / 1000;
    let _ = write!(
        line,
        "{sign}{}.{:06}",
        micros / 1_000_000,
        micros % 1_000_000
    );
}

/// `#open`/`#close` stamps: Zeek's `%Y-%m-%d-%H-%M-%S` (UTC here).
fn stamp(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}-{:02}-{:02}-{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Writes the conn.log: header, one line per conversation, `#close`. The `#open` and
/// `#close` stamps are the first and last packets' times, so the output is reproducible.
/// `rows` gives the records, each time it is called (twice: the stamps, then the lines).
pub fn write_conn_log<I: Iterator<Item = ConnRecord>>(
    out: &mut impl Write,
    rows: impl Fn() -> I,
) -> io::Result<()> {
    let span = rows().fold(None, |span: Option<(i64, i64)>, r| {
        let (first, last) = (
            r.first_epoch_ns,
            r.first_epoch_ns.saturating_add(r.duration_ns),
        );
        Some(span.map_or((first, last), |(a, b)| (a.min(first), b.max(last))))
    });
    let (first, last) = span.unwrap_or((0, 0));
    let names: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
    let types: Vec<&str> = FIELDS.iter().map(|f| f.1.name()).collect();
    writeln!(out, "#separator \\x09")?;
    writeln!(out, "#set_separator\t,")?;
    writeln!(out, "#empty_field\t(empty)")?;
    writeln!(out, "#unset_field\t-")?;
    writeln!(out, "#path\tconn")?;
    writeln!(out, "#open\t{}", stamp(first))?;
    writeln!(out, "#fields\t{}", names.join("\t"))?;
    writeln!(out, "#types\t{}", types.join("\t"))?;
    let mut line = String::with_capacity(256);
    for r in rows() {
        line.clear();
        for (i, (_, _, get)) in FIELDS.iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            match get(&r) {
                Val::Unset => line.push('-'),
                Val::Text(t) if t.is_empty() => line.push_str("(empty)"),
                Val::Text(t) => line.push_str(&t),
                Val::Count(n) => line.push_str(&n.to_string()),
                Val::Secs(ns) => push_secs(&mut line, ns),
            }
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    writeln!(out, "#close\t{}", stamp(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_and_seconds_in_zeeks_formats() {
        assert_eq!(stamp(0), "1970-01-01-00-00-00");
        // 2009-11-18 08:00:21 UTC.
        assert_eq!(stamp(1_258_531_221_486_539_000), "2009-11-18-08-00-21");
        assert_eq!(stamp(951_782_400 * 1_000_000_000), "2000-02-29-00-00-00");
        let mut s = String::new();
        push_secs(&mut s, 1_258_531_221_486_539_400);
        assert_eq!(s, "1258531221.486539");
    }
}
