//! `tcplens conns`: one row per conversation, as an aligned table or JSON.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;
use tcplens_core::diagnosis::Finding;
use tcplens_core::explain::Lang;
use tcplens_core::flow::{Conversation, Endpoint};
use tcplens_core::record::ConnRecord;
use tcplens_core::schema::{visit_conn, Column, ConnKey, ConnVisitor, KeyType, CONN_KEYS};
use tcplens_core::{Counters, DecodeError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConnsFormat {
    /// An aligned table.
    Table,
    /// One JSON document: capture counters and a list of conversations.
    Json,
    /// A Zeek conn.log (TSV with its `#fields`/`#types` header), for Zeek's tools.
    Zeek,
    /// Apache Parquet: one row per conversation, one typed column per JSON key (needs -o
    /// FILE).
    Parquet,
}

/// One conversation, as printed: its record, and with `--diagnose` its findings.
#[derive(Debug)]
pub struct ConnRow {
    pub record: ConnRecord,
    /// With `--diagnose`: the likely causes, in frame order.
    pub diagnosis: Option<Vec<DiagnosisRow>>,
}

impl std::ops::Deref for ConnRow {
    type Target = ConnRecord;
    fn deref(&self) -> &ConnRecord {
        &self.record
    }
}

/// The JSON object of a row: every conversation key in schema order (seconds as numbers),
/// then `diagnosis` when there is one.
impl Serialize for ConnRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Json<M: SerializeMap> {
            map: M,
            err: Option<M::Error>,
        }
        impl<M: SerializeMap> Json<M> {
            fn entry<T: Serialize + ?Sized>(&mut self, key: ConnKey, v: &T) {
                if self.err.is_none() {
                    self.err = self.map.serialize_entry(key.name(), v).err();
                }
            }
        }
        impl<M: SerializeMap> ConnVisitor for Json<M> {
            fn integer(&mut self, key: ConnKey, v: Option<u64>) {
                self.entry(key, &v);
            }
            fn seconds(&mut self, key: ConnKey, ns: Option<i64>) {
                self.entry(key, &ns.map(secs));
            }
            fn decimal(&mut self, key: ConnKey, v: Option<f64>) {
                self.entry(key, &v);
            }
            fn flag(&mut self, key: ConnKey, v: Option<bool>) {
                self.entry(key, &v);
            }
            fn text(&mut self, key: ConnKey, v: &str) {
                self.entry(key, v);
            }
            fn endpoint(&mut self, key: ConnKey, v: &Endpoint) {
                self.entry(key, &v.to_string());
            }
        }
        let mut json = Json {
            map: s.serialize_map(None)?,
            err: None,
        };
        visit_conn(&mut json, &self.record);
        if let Some(e) = json.err {
            return Err(e);
        }
        let mut map = json.map;
        if let Some(d) = &self.diagnosis {
            map.serialize_entry("diagnosis", d)?;
        }
        map.end()
    }
}

/// One finding, as printed.
#[derive(Debug, Serialize, Clone)]
pub struct DiagnosisRow {
    pub cause: &'static str,
    /// The frame where the cause shows.
    pub frame: u32,
    /// The evidence frames.
    pub frames: Vec<u32>,
    pub text: String,
}

/// The findings of each conversation, by stream, each list in frame order.
pub type Diagnoses = BTreeMap<u32, Vec<DiagnosisRow>>;

/// The findings, as each conversation's row shows them: by stream, in frame order (the
/// order they were made in where two share a frame).
pub fn diagnoses(findings: &[Finding], lang: Lang) -> Diagnoses {
    let mut by_stream = Diagnoses::new();
    for f in findings {
        let mut text = String::new();
        let _ = f.write_text(lang, &mut text);
        by_stream.entry(f.stream).or_default().push(DiagnosisRow {
            cause: f.cause().name(),
            frame: f.frame,
            frames: f.frames.clone(),
            text,
        });
    }
    for list in by_stream.values_mut() {
        list.sort_by_key(|d| d.frame);
    }
    by_stream
}

/// Where the rows `conns` writes come from: built from the conversation tables as they
/// are written, not held. A row is about 700 bytes and a heap string, so a capture of a
/// million conversations would otherwise hold 700 MB of rows beside the tables they are
/// read from. Writers that read the rows twice (the table: widths, then lines; the Zeek
/// log: its open and close times, then lines) build them twice.
pub trait RowSource: Sync {
    /// Conversations the rows come from, in stream order (rows: at most as many).
    fn len(&self) -> usize;

    /// The rows of conversations `range` (of `0..len()`), in stream order.
    fn rows(&self, range: Range<usize>) -> Box<dyn Iterator<Item = ConnRow> + '_>;

    /// Whether the rows carry their diagnosis (`--diagnose`).
    fn diagnosed(&self) -> bool;

    /// Every row, in stream order.
    fn all(&self) -> Box<dyn Iterator<Item = ConnRow> + '_> {
        self.rows(0..self.len())
    }
}

/// The rows of a [`RowSource`] as a JSON array, built as they are written.
struct AllRows<'a>(&'a dyn RowSource);

impl Serialize for AllRows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.all())
    }
}

/// Nanoseconds as seconds.
pub fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

impl ConnRow {
    pub fn new(c: &Conversation, capture_start_ns: i64) -> ConnRow {
        ConnRow {
            record: ConnRecord::new(c, capture_start_ns),
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
    /// The IP fragment reassembly's counts, when the capture has fragments.
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_fragments: Option<FragmentsJson>,
}

#[derive(Serialize)]
struct FragmentsJson {
    /// Fragments captured whole, fed to the reassembly.
    fragments: u64,
    /// Datagrams reassembled (each analysed on the frame that completed it).
    reassembled: u64,
    /// Datagrams still incomplete at the end of the capture.
    incomplete: u64,
    /// Datagrams given up 60 s after their first fragment.
    expired: u64,
    /// Datagrams given up to stay within the memory bound.
    evicted: u64,
    /// Fragments reaching past 128 KiB, not held.
    too_long: u64,
}

#[derive(Serialize)]
struct ConnsJson<'a> {
    capture: CountersJson,
    conversations: AllRows<'a>,
}

/// Writes `rows` in `format` (the table on up to `threads` threads: the same bytes).
pub fn write(
    out: &mut impl Write,
    rows: &dyn RowSource,
    counters: &Counters,
    format: ConnsFormat,
    lang: Lang,
    threads: usize,
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
                    ip_fragments: Some(counters.fragments)
                        .filter(|f| f.fragments > 0)
                        .map(|f| FragmentsJson {
                            fragments: f.fragments,
                            reassembled: f.completed,
                            incomplete: f.held,
                            expired: f.expired,
                            evicted: f.evicted,
                            too_long: f.too_long,
                        }),
                },
                conversations: AllRows(rows),
            };
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
            writeln!(out)
        }
        ConnsFormat::Table => write_table(out, rows, lang, threads),
        ConnsFormat::Zeek => crate::zeek::write_conn_log(out, || rows.all().map(|r| r.record)),
        // Written by tcplens-columnar, never as text.
        ConnsFormat::Parquet => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "Parquet is written to a file (-o FILE)",
        )),
    }
}

/// `conns --help`'s explanation of the table: every column from the conversation schema,
/// then the history letters and `conn_state` values from the core's tables.
pub fn long_help() -> String {
    use std::fmt::Write as _;
    use tcplens_core::summary::{Meaning, CONN_STATES, HISTORY_CASE, HISTORY_LETTERS};

    let mut h = String::from(
        "Columns (the keys of --format json, named before the text where the heading differs):\n",
    );
    let mut heading = "";
    let mut short_column = false;
    for k in CONN_KEYS.iter() {
        let shown = match k.column {
            Column::Own => k.name,
            Column::Headed(h) | Column::HeadedShort(h) => h,
            Column::JoinedToPrevious => "",
            Column::JsonOnly => continue,
        };
        if !shown.is_empty() {
            heading = shown;
        }
        let key = if heading == k.name {
            String::new()
        } else {
            format!("{}: ", k.name)
        };
        let short = matches!(k.column, Column::HeadedShort(_))
            || (k.column == Column::JoinedToPrevious && short_column);
        if !shown.is_empty() {
            short_column = matches!(k.column, Column::HeadedShort(_));
        }
        let unit = match k.ty {
            KeyType::Seconds if short => ", in milliseconds",
            KeyType::Decimal if short => ", in percent",
            KeyType::Seconds if !k.description.contains("seconds") => ", in seconds",
            _ => "",
        };
        let _ = writeln!(h, "  {shown:<24}{key}{}{unit}", k.description);
    }
    let _ = writeln!(
        h,
        "\nKeys of --format json only (client: what the client sent; server: the server):"
    );
    for k in CONN_KEYS.iter().filter(|k| k.column == Column::JsonOnly) {
        let unit = match k.ty {
            KeyType::Seconds if !k.description.contains("seconds") => ", in seconds",
            _ => "",
        };
        let _ = writeln!(h, "  {:<26}{}{unit}", k.name, k.description);
    }
    let table = |h: &mut String, title: &str, rows: &[Meaning]| {
        let width = rows.iter().map(|m| m.value.len()).max().unwrap_or(0);
        let _ = writeln!(h, "\n{title}:");
        for m in rows {
            let _ = writeln!(h, "  {:<width$}  {}", m.value, m.meaning);
        }
    };
    table(
        &mut h,
        &format!("History letters ({HISTORY_CASE}; each letter once per side, in order of first appearance)"),
        &HISTORY_LETTERS,
    );
    table(
        &mut h,
        "conn_state (Zeek's, from the client's side)",
        &CONN_STATES,
    );
    h
}

/// The table's columns, from the conversation schema: (heading, left-aligned).
fn table_columns() -> Vec<(&'static str, bool)> {
    CONN_KEYS
        .iter()
        .filter_map(|k| {
            let heading = match k.column {
                Column::Own => k.name,
                Column::Headed(h) | Column::HeadedShort(h) => h,
                Column::JoinedToPrevious | Column::JsonOnly => return None,
            };
            // Text columns left-aligned, numbers right-aligned.
            let left = matches!(
                k.ty,
                KeyType::Endpoint | KeyType::Name | KeyType::Text | KeyType::Flag
            );
            Some((heading, left))
        })
        .collect()
}

/// One table row's cells, formatted into one reused buffer.
struct Cells {
    buf: Vec<u8>,
    /// Where each cell ends in `buf`.
    ends: Vec<usize>,
    /// The current column shows short values ([`Column::HeadedShort`]).
    short: bool,
}

impl ConnVisitor for Cells {
    // The table leaves out the JSON-only keys (`start`), so they are not worked out.
    fn wants(&self, key: ConnKey) -> bool {
        key.info().column != Column::JsonOnly
    }
    fn integer(&mut self, key: ConnKey, v: Option<u64>) {
        if self.start(key) {
            match v {
                Some(v) => crate::digits::push_u64(&mut self.buf, v),
                None => self.buf.push(b'-'),
            }
        }
    }
    fn seconds(&mut self, key: ConnKey, ns: Option<i64>) {
        if self.start(key) {
            match ns {
                Some(ns) if self.short => crate::digits::push_ms1(&mut self.buf, ns),
                Some(ns) => crate::digits::push_secs6(&mut self.buf, ns),
                None => self.buf.push(b'-'),
            }
        }
    }
    fn decimal(&mut self, key: ConnKey, v: Option<f64>) {
        if self.start(key) {
            use std::io::Write as _;
            match v {
                Some(v) if self.short => crate::digits::push_fixed1(&mut self.buf, v * 100.0),
                Some(v) => {
                    let _ = write!(self.buf, "{v}");
                }
                None => self.buf.push(b'-'),
            }
        }
    }
    fn flag(&mut self, key: ConnKey, v: Option<bool>) {
        if self.start(key) {
            self.buf.extend_from_slice(match v {
                Some(true) => b"yes",
                Some(false) => b"no",
                None => b"-",
            });
        }
    }
    fn text(&mut self, key: ConnKey, v: &str) {
        if self.start(key) {
            self.buf
                .extend_from_slice(if v.is_empty() { b"-" } else { v.as_bytes() });
        }
    }
    fn endpoint(&mut self, key: ConnKey, v: &Endpoint) {
        if self.start(key) {
            crate::digits::push_endpoint(&mut self.buf, v.addr, v.port);
        }
    }
}

impl Cells {
    /// Ends the previous cell, unless `key` joins it; false for a key not in the table.
    fn start(&mut self, key: ConnKey) -> bool {
        let column = key.info().column;
        match column {
            Column::JsonOnly => return false,
            Column::JoinedToPrevious => {
                self.buf.push(b'/');
                return true;
            }
            _ if key as usize > 0 => self.ends.push(self.buf.len()),
            _ => {}
        }
        self.short = matches!(column, Column::HeadedShort(_));
        true
    }

    fn fill(&mut self, r: &ConnRow) {
        self.buf.clear();
        self.ends.clear();
        visit_conn(self, &r.record);
        self.ends.push(self.buf.len());
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }
}

/// Rows a thread formats at a time for the aligned table.
const TABLE_CHUNK: usize = 4096;

impl Cells {
    fn new(columns: usize) -> Cells {
        Cells {
            buf: Vec::with_capacity(256),
            ends: Vec::with_capacity(columns),
            short: false,
        }
    }

    /// The widest cell of each column among `rows`, at least `width`'s.
    fn widths(&mut self, rows: impl Iterator<Item = ConnRow>, mut width: Vec<usize>) -> Vec<usize> {
        for r in rows {
            self.fill(&r);
            for (i, w) in width.iter_mut().enumerate() {
                *w = (*w).max(self.get(i).len());
            }
        }
        width
    }

    /// The lines of `rows`, appended to `out`.
    fn lines(
        &mut self,
        rows: impl Iterator<Item = ConnRow>,
        width: &[usize],
        left: &[bool],
        out: &mut Vec<u8>,
    ) {
        let mut line = Vec::with_capacity(512);
        for r in rows {
            self.fill(&r);
            push_line(&mut line, width, left, |i| self.get(i));
            out.extend_from_slice(&line);
        }
    }
}

/// `f` on each of `parts`, the first on this thread and the others on threads of their
/// own; the results in order.
fn on_threads<P: Send, R: Send>(parts: Vec<P>, f: impl Fn(P) -> R + Sync) -> Vec<R> {
    let f = &f;
    std::thread::scope(|scope| {
        let mut parts = parts.into_iter();
        let first = parts.next();
        let others: Vec<_> = parts.map(|p| scope.spawn(move || f(p))).collect();
        let mut out: Vec<R> = first.map(f).into_iter().collect();
        for h in others {
            // A panic there is a bug, reported as it would be on one thread.
            out.push(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        out
    })
}

/// The aligned table: each row is built and formatted twice (widths, then lines), so a
/// table of millions of rows costs no memory beyond a few thousand lines. With `threads`
/// above one, both passes are split across that many threads, a chunk of [`TABLE_CHUNK`]
/// rows each, and written in order: the same bytes. All cells are ASCII, so bytes are
/// columns.
fn write_table(
    out: &mut impl Write,
    rows: &dyn RowSource,
    lang: Lang,
    threads: usize,
) -> io::Result<()> {
    let columns = table_columns();
    let n = rows.len();
    let threads = threads.clamp(1, n.div_ceil(TABLE_CHUNK).max(1));
    let heading: Vec<usize> = columns.iter().map(|c| c.0.len()).collect();
    let part = n.div_ceil(threads).max(1);
    let parts: Vec<Range<usize>> = (0..threads).map(|i| i * part..(i + 1) * part).collect();
    let width = on_threads(parts, |part| {
        Cells::new(columns.len()).widths(rows.rows(part), heading.clone())
    })
    .into_iter()
    .fold(heading.clone(), |a, b| {
        a.iter().zip(&b).map(|(x, y)| *x.max(y)).collect()
    });
    let left: Vec<bool> = columns.iter().map(|c| c.1).collect();
    let mut line = Vec::with_capacity(512);
    push_line(&mut line, &width, &left, |i| columns[i].0.as_bytes());
    out.write_all(&line)?;
    for round in (0..n).step_by(TABLE_CHUNK * threads) {
        let parts: Vec<Range<usize>> = (round..n.min(round + TABLE_CHUNK * threads))
            .step_by(TABLE_CHUNK)
            .map(|at| at..n.min(at + TABLE_CHUNK))
            .collect();
        let texts = on_threads(parts, |part| {
            let mut text = Vec::with_capacity(part.len() * 160);
            Cells::new(columns.len()).lines(rows.rows(part), &width, &left, &mut text);
            text
        });
        for text in texts {
            out.write_all(&text)?;
        }
    }
    if rows.diagnosed() {
        write_diagnosis(out, rows.all(), lang)?;
    }
    Ok(())
}

/// One table line: text columns left-aligned, numbers right-aligned, the last column not
/// padded.
fn push_line<'a>(
    line: &mut Vec<u8>,
    width: &[usize],
    left: &[bool],
    cell: impl Fn(usize) -> &'a [u8],
) {
    line.clear();
    for (i, &w) in width.iter().enumerate() {
        let v = cell(i);
        if i > 0 {
            line.extend_from_slice(b"  ");
        }
        let pad = w.saturating_sub(v.len());
        if left[i] {
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
fn write_diagnosis(
    out: &mut impl Write,
    rows: impl Iterator<Item = ConnRow>,
    lang: Lang,
) -> io::Result<()> {
    let w = tcplens_core::diagnosis::words(lang);
    let mut with = rows
        .filter_map(|mut r| r.diagnosis.take().map(|d| (r, d)))
        .peekable();
    // No row (`--stream` kept none): no section.
    if with.peek().is_none() {
        return Ok(());
    }
    let mut line = String::new();
    let put = |out: &mut dyn Write, line: &mut String| -> io::Result<()> {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        line.clear();
        Ok(())
    };
    writeln!(out)?;
    writeln!(out, "{}", w.section())?;
    let mut any = false;
    for (row, list) in with {
        let list = &list;
        if list.is_empty() {
            continue;
        }
        any = true;
        let _ = w.section_stream(&mut line, row.stream, &row.client, &row.server);
        put(out, &mut line)?;
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
            let _ = w.section_finding(
                &mut line,
                first.frame,
                first.cause,
                &first.text,
                &first.frames,
            );
            put(out, &mut line)?;
            let more: Vec<u32> = same.map(|d| d.frame).collect();
            if !more.is_empty() {
                let shown = &more[..more.len().min(MORE_FRAMES)];
                let _ = w.section_more(
                    &mut line,
                    more.len(),
                    cause,
                    shown,
                    more.len() > MORE_FRAMES,
                );
                put(out, &mut line)?;
            }
        }
    }
    if !any {
        writeln!(out, "{}", w.section_nothing())?;
    }
    Ok(())
}
