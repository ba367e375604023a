//! tcplens-columnar writes the schema's records, per frame and per conversation, as Apache Parquet files: one column per key, typed from the key's type.
//!
//! The columns are the keys of `tcplens_core::schema` in schema order ([`FRAME_KEYS`],
//! [`CONN_KEYS`]), read through the same visitors as the JSONL and the `conns` JSON, so a
//! key added to the schema is a column here with no edit to this crate. The types come from
//! one match over [`KeyType`] ([`kind`]): a new key type is a compile error here, not a
//! missing column.
//!
//! | key type | Arrow type (DuckDB) | value |
//! | --- | --- | --- |
//! | integer, frame number | `UInt64` (`UBIGINT`) | as in the JSONL |
//! | seconds | `Float64` (`DOUBLE`) | nanoseconds / 1e9, correctly rounded: the JSONL's number |
//! | decimal | `Float64` (`DOUBLE`) | the JSON's number (a share, a rate) |
//! | flag | `Boolean` (`BOOLEAN`) | the JSON's `true`/`false` |
//! | text, name, address | `Utf8` (`VARCHAR`) | as in the JSONL (Parquet dictionary-encodes repeated names) |
//! | names | `List(Utf8)` (`VARCHAR[]`) | the JSONL's list |
//! | endpoint | `Utf8` (`VARCHAR`) | `addr:port` (`[v6]:port`), as in the `conns` JSON |
//!
//! Every column is nullable; a key that does not apply to a row is null, as in the JSONL.
//! Each key's unit and description travel as the Arrow field's metadata.
//!
//! Rows are gathered in Arrow builders and written [`BATCH_ROWS`] at a time, in row groups
//! of at most [`ROW_GROUP_ROWS`], Snappy-compressed: memory stays bounded whatever the
//! capture's size.
#![deny(unsafe_code)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::IpAddr;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, ListBuilder, StringBuilder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use tcplens_core::flow::Endpoint;
use tcplens_core::record::ConnRecord;
use tcplens_core::schema::{
    visit_conn, visit_frame, ConnKey, ConnVisitor, Frame, FrameKey, FrameVisitor, KeyType,
    CONN_KEYS, FRAME_KEYS,
};

/// Rows gathered in memory before they are handed to the Parquet writer.
pub const BATCH_ROWS: usize = 64 * 1024;

/// Rows of one Parquet row group (the writer holds one row group, encoded, in memory).
pub const ROW_GROUP_ROWS: usize = 4 * BATCH_ROWS;

/// How a key's values are stored: the one place a [`KeyType`] becomes an Arrow type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `UInt64`.
    Unsigned,
    /// `Float64` seconds.
    Seconds,
    /// `Float64`, as it is.
    Float,
    /// `Boolean`.
    Bool,
    /// `Utf8`.
    Text,
    /// `List<Utf8>`.
    TextList,
}

/// The storage of a key type. Exhaustive on purpose: a new [`KeyType`] must be given a
/// column type here before anything compiles.
pub const fn kind(ty: KeyType) -> Kind {
    match ty {
        KeyType::Integer | KeyType::FrameNumber => Kind::Unsigned,
        KeyType::Seconds | KeyType::Seconds9 => Kind::Seconds,
        KeyType::Decimal => Kind::Float,
        KeyType::Flag => Kind::Bool,
        KeyType::Text | KeyType::Name | KeyType::Address | KeyType::Endpoint => Kind::Text,
        KeyType::Names => Kind::TextList,
    }
}

impl Kind {
    pub fn data_type(self) -> DataType {
        match self {
            Kind::Unsigned => DataType::UInt64,
            Kind::Seconds | Kind::Float => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::Text => DataType::Utf8,
            Kind::TextList => DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
        }
    }

    fn builder(self) -> Column {
        match self {
            Kind::Unsigned => Column::Unsigned(UInt64Builder::with_capacity(BATCH_ROWS)),
            Kind::Seconds => Column::Seconds(Float64Builder::with_capacity(BATCH_ROWS)),
            Kind::Float => Column::Float(Float64Builder::with_capacity(BATCH_ROWS)),
            Kind::Bool => Column::Bool(BooleanBuilder::with_capacity(BATCH_ROWS)),
            Kind::Text => Column::Text(StringBuilder::new()),
            Kind::TextList => Column::TextList(ListBuilder::new(StringBuilder::new())),
        }
    }
}

/// One column's builder.
enum Column {
    Unsigned(UInt64Builder),
    Seconds(Float64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Text(StringBuilder),
    TextList(ListBuilder<StringBuilder>),
}

impl Column {
    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Unsigned(b) => Arc::new(b.finish()),
            Column::Seconds(b) | Column::Float(b) => Arc::new(b.finish()),
            Column::Bool(b) => Arc::new(b.finish()),
            Column::Text(b) => Arc::new(b.finish()),
            Column::TextList(b) => Arc::new(b.finish()),
        }
    }

    /// A null, whatever the column: what a value of the wrong kind becomes, so that every
    /// column keeps one value per row (the schema's own tests make that case impossible).
    fn append_null(&mut self) {
        match self {
            Column::Unsigned(b) => b.append_null(),
            Column::Seconds(b) | Column::Float(b) => b.append_null(),
            Column::Bool(b) => b.append_null(),
            Column::Text(b) => b.append_null(),
            Column::TextList(b) => b.append_null(),
        }
    }
}

/// Seconds as the JSON outputs give them: nanoseconds / 1e9, correctly rounded.
fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

/// An Arrow field for a key: its name, its type, its unit and description as metadata.
fn field(name: &str, ty: KeyType, unit: Option<&str>, description: &str) -> Field {
    let mut meta = HashMap::from([("description".to_string(), description.to_string())]);
    if let Some(unit) = unit {
        meta.insert("unit".to_string(), unit.to_string());
    }
    Field::new(name, kind(ty).data_type(), true).with_metadata(meta)
}

/// The Arrow schema of `analyze --format parquet`: one field per [`FRAME_KEYS`] entry.
pub fn frame_schema() -> Schema {
    Schema::new(
        FRAME_KEYS
            .iter()
            .map(|k| field(k.name, k.ty, k.unit, k.description))
            .collect::<Vec<_>>(),
    )
}

/// The Arrow schema of `conns --format parquet`: one field per [`CONN_KEYS`] entry.
pub fn conn_schema() -> Schema {
    Schema::new(
        CONN_KEYS
            .iter()
            .map(|k| field(k.name, k.ty, k.unit, k.description))
            .collect::<Vec<_>>(),
    )
}

fn to_io<E: std::error::Error + Send + Sync + 'static>(e: E) -> io::Error {
    io::Error::other(e)
}

/// The columns of a table being written, and the rows gathered since the last batch.
struct Table<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    columns: Vec<Column>,
    rows: usize,
    /// Reused to format addresses and endpoints.
    scratch: String,
}

impl<W: Write + Send> Table<W> {
    fn new(out: W, schema: Schema, kinds: impl Iterator<Item = Kind>) -> io::Result<Self> {
        let schema = Arc::new(schema);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(format!("tcplens {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(out, Arc::clone(&schema), Some(props)).map_err(to_io)?;
        Ok(Table {
            writer,
            schema,
            columns: kinds.map(Kind::builder).collect(),
            rows: 0,
            scratch: String::with_capacity(64),
        })
    }

    fn column(&mut self, i: usize) -> Option<&mut Column> {
        self.columns.get_mut(i)
    }

    fn unsigned(&mut self, i: usize, v: Option<u64>) {
        match self.column(i) {
            Some(Column::Unsigned(b)) => b.append_option(v),
            Some(c) => c.append_null(),
            None => {}
        }
    }

    fn seconds(&mut self, i: usize, ns: Option<i64>) {
        match self.column(i) {
            Some(Column::Seconds(b)) => b.append_option(ns.map(secs)),
            Some(c) => c.append_null(),
            None => {}
        }
    }

    fn float(&mut self, i: usize, v: Option<f64>) {
        match self.column(i) {
            Some(Column::Float(b)) => b.append_option(v),
            Some(c) => c.append_null(),
            None => {}
        }
    }

    fn flag(&mut self, i: usize, v: Option<bool>) {
        match self.column(i) {
            Some(Column::Bool(b)) => b.append_option(v),
            Some(c) => c.append_null(),
            None => {}
        }
    }

    fn text(&mut self, i: usize, v: Option<&str>) {
        match self.column(i) {
            Some(Column::Text(b)) => b.append_option(v),
            Some(c) => c.append_null(),
            None => {}
        }
    }

    /// A value formatted with `Display` (an address, an endpoint), through one reused
    /// buffer.
    fn display(&mut self, i: usize, v: Option<&dyn std::fmt::Display>) {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        let text = v.map(|v| {
            let _ = write!(s, "{v}");
            s.as_str()
        });
        self.text(i, text);
        self.scratch = s;
    }

    fn names<'a>(&mut self, i: usize, v: Option<impl Iterator<Item = &'a str>>) {
        match (self.column(i), v) {
            (Some(Column::TextList(b)), Some(items)) => {
                for item in items {
                    b.values().append_value(item);
                }
                b.append(true);
            }
            (Some(c), _) => c.append_null(),
            (None, _) => {}
        }
    }

    /// Counts a finished row; a full batch goes to the writer.
    fn end_row(&mut self) -> io::Result<()> {
        self.rows += 1;
        if self.rows >= BATCH_ROWS {
            self.write_batch()?;
        }
        Ok(())
    }

    fn write_batch(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(Column::finish).collect();
        self.rows = 0;
        let batch = RecordBatch::try_new(Arc::clone(&self.schema), arrays).map_err(to_io)?;
        self.writer.write(&batch).map_err(to_io)
    }

    fn finish(mut self) -> io::Result<W> {
        self.write_batch()?;
        self.writer.into_inner().map_err(to_io)
    }
}

/// Where a table is written. Not generic, so that the Parquet writer is compiled once, here,
/// rather than in every crate that writes a table.
pub type Output = Box<dyn Write + Send>;

/// `analyze --format parquet`: one row per frame, one column per frame key.
pub struct FrameTable {
    table: Table<Output>,
}

impl FrameTable {
    /// Starts a Parquet file on `out` (a file: Parquet's footer is written last).
    pub fn new(out: Output) -> io::Result<Self> {
        let kinds = FRAME_KEYS.iter().map(|k| kind(k.ty));
        Ok(FrameTable {
            table: Table::new(out, frame_schema(), kinds)?,
        })
    }

    /// Appends one frame.
    pub fn push(&mut self, f: &Frame<'_>) -> io::Result<()> {
        visit_frame(&mut FrameRow(&mut self.table), f);
        self.table.end_row()
    }

    /// Writes the last rows and the footer, and flushes the output.
    pub fn finish(self) -> io::Result<()> {
        self.table.finish()?.flush()
    }
}

struct FrameRow<'t, W: Write + Send>(&'t mut Table<W>);

impl<W: Write + Send> FrameVisitor for FrameRow<'_, W> {
    fn integer(&mut self, key: FrameKey, v: Option<u64>) {
        self.0.unsigned(key as usize, v);
    }
    fn seconds(&mut self, key: FrameKey, ns: Option<i64>, _all_nine: bool) {
        self.0.seconds(key as usize, ns);
    }
    fn text(&mut self, key: FrameKey, v: Option<&str>) {
        self.0.text(key as usize, v);
    }
    fn address(&mut self, key: FrameKey, v: Option<IpAddr>) {
        self.0.display(
            key as usize,
            v.as_ref().map(|a| a as &dyn std::fmt::Display),
        );
    }
    fn names<I: Iterator<Item = &'static str>>(&mut self, key: FrameKey, v: Option<I>) {
        self.0.names(key as usize, v);
    }
}

/// `conns --format parquet`: one row per conversation, one column per conversation key.
pub struct ConnTable {
    table: Table<Output>,
}

impl ConnTable {
    /// Starts a Parquet file on `out`.
    pub fn new(out: Output) -> io::Result<Self> {
        let kinds = CONN_KEYS.iter().map(|k| kind(k.ty));
        Ok(ConnTable {
            table: Table::new(out, conn_schema(), kinds)?,
        })
    }

    /// Appends one conversation.
    pub fn push(&mut self, r: &ConnRecord) -> io::Result<()> {
        visit_conn(&mut ConnRow(&mut self.table), r);
        self.table.end_row()
    }

    /// Writes the last rows and the footer, and flushes the output.
    pub fn finish(self) -> io::Result<()> {
        self.table.finish()?.flush()
    }
}

struct ConnRow<'t, W: Write + Send>(&'t mut Table<W>);

impl<W: Write + Send> ConnVisitor for ConnRow<'_, W> {
    fn integer(&mut self, key: ConnKey, v: Option<u64>) {
        self.0.unsigned(key as usize, v);
    }
    fn decimal(&mut self, key: ConnKey, v: Option<f64>) {
        self.0.float(key as usize, v);
    }
    fn flag(&mut self, key: ConnKey, v: Option<bool>) {
        self.0.flag(key as usize, v);
    }
    fn seconds(&mut self, key: ConnKey, ns: Option<i64>) {
        self.0.seconds(key as usize, ns);
    }
    fn text(&mut self, key: ConnKey, v: &str) {
        self.0.text(key as usize, Some(v));
    }
    fn endpoint(&mut self, key: ConnKey, v: &Endpoint) {
        self.0.display(key as usize, Some(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, Float64Array, ListArray, StringArray, UInt64Array};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use tcplens_core::schema::Body;
    use tcplens_core::{DecodeError, TcpState};

    /// An output whose bytes stay readable after the table is finished.
    #[derive(Clone, Default)]
    struct Shared(Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn output(&self) -> Output {
            Box::new(self.clone())
        }
        fn bytes(&self) -> Vec<u8> {
            self.0.lock().expect("not poisoned").clone()
        }
    }

    /// Reads a whole Parquet file back as one batch per written batch.
    fn read_back(file: Vec<u8>) -> (SchemaRef, Vec<RecordBatch>) {
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(file))
            .expect("a parquet file");
        let schema = Arc::clone(builder.schema());
        let batches = builder
            .with_batch_size(BATCH_ROWS)
            .build()
            .expect("reader")
            .collect::<Result<Vec<_>, _>>()
            .expect("batches");
        (schema, batches)
    }

    fn names(schema: &Schema) -> Vec<&str> {
        schema.fields().iter().map(|f| f.name().as_str()).collect()
    }

    fn column<'b, T: 'static>(b: &'b RecordBatch, name: &str) -> &'b T {
        b.column_by_name(name)
            .unwrap_or_else(|| panic!("no column {name}"))
            .as_any()
            .downcast_ref::<T>()
            .unwrap_or_else(|| panic!("{name} has another type"))
    }

    #[test]
    fn the_columns_are_the_schemas_keys_in_order_with_their_types() {
        let frames = frame_schema();
        let keys: Vec<&str> = FRAME_KEYS.iter().map(|k| k.name).collect();
        assert_eq!(names(&frames), keys);
        for (f, k) in frames.fields().iter().zip(FRAME_KEYS) {
            assert_eq!(f.data_type(), &kind(k.ty).data_type(), "{}", k.name);
            assert_eq!(
                f.metadata().get("description").map(String::as_str),
                Some(k.description)
            );
            assert_eq!(f.metadata().get("unit").map(String::as_str), k.unit);
        }
        let conns = conn_schema();
        let keys: Vec<&str> = CONN_KEYS.iter().map(|k| k.name).collect();
        assert_eq!(names(&conns), keys);
        for (f, k) in conns.fields().iter().zip(CONN_KEYS) {
            assert_eq!(f.data_type(), &kind(k.ty).data_type(), "{}", k.name);
        }
    }

    #[test]
    fn frames_round_trip_across_batches_with_nulls_where_a_key_does_not_apply() {
        let n = BATCH_ROWS as u64 + 3;
        let out = Shared::default();
        let mut t = FrameTable::new(out.output()).expect("writer");
        for i in 1..=n {
            let explain = format!("frame {i}");
            t.push(&Frame {
                number: i,
                time_ns: i as i64 * 1_000_001,
                body: Body::Undecodable(DecodeError::TruncatedIp),
                explain: Some(&explain),
            })
            .expect("push");
        }
        t.finish().expect("finish");
        let (schema, batches) = read_back(out.bytes());
        let keys: Vec<&str> = FRAME_KEYS.iter().map(|k| k.name).collect();
        assert_eq!(names(&schema), keys, "the file's columns");
        assert_eq!(
            batches.iter().map(RecordBatch::num_rows).sum::<usize>() as u64,
            n
        );
        let mut want = 1u64;
        for b in &batches {
            let frame = column::<UInt64Array>(b, "frame");
            let time = column::<Float64Array>(b, "time");
            let explain = column::<StringArray>(b, "explain");
            let error = column::<StringArray>(b, "error");
            let stream = column::<UInt64Array>(b, "stream");
            let flags = column::<ListArray>(b, "flags");
            for r in 0..b.num_rows() {
                assert_eq!(frame.value(r), want);
                assert_eq!(time.value(r), want as f64 * 1_000_001.0 / 1e9);
                assert_eq!(explain.value(r), format!("frame {want}"));
                assert_eq!(error.value(r), DecodeError::TruncatedIp.code());
                assert!(stream.is_null(r) && flags.is_null(r));
                want += 1;
            }
        }
    }

    fn record(stream: u32, client: &str, server: &str, rtt: Option<i64>) -> ConnRecord {
        let ep = |s: &str| {
            let (addr, port) = s.rsplit_once(':').expect("addr:port");
            Endpoint {
                addr: addr.trim_matches(['[', ']']).parse().expect("address"),
                port: port.parse().expect("port"),
            }
        };
        ConnRecord {
            stream,
            client: ep(client),
            server: ep(server),
            client_by: tcplens_core::flow::ClientBy::Ports,
            first_ns: 1_500,
            last_ns: 2_000_000_123,
            duration_ns: 2_000_000_123 - 1_500,
            packets_client: 3,
            bytes_client: 100,
            packets_server: 4,
            bytes_server: u64::MAX,
            handshake_rtt_ns: rtt,
            client_state: TcpState::TimeWait,
            server_state: TcpState::Closed,
            history: "ShAdDaFf".to_string(),
            conn_state: "SF",
            first_epoch_ns: 0,
            community_id: "1:LQU9qZlK+B5F3KDmev6m5PMibrg=".to_string().into(),
            dirs: Default::default(),
            vantage: tcplens_core::statistics::Vantage::Server,
        }
    }

    #[test]
    fn conversations_round_trip_with_endpoints_as_in_the_json() {
        let rows = [
            record(0, "10.0.0.1:40000", "10.0.0.2:80", Some(12_345)),
            record(7, "[2001:db8::1]:5000", "[2001:db8::2]:443", None),
        ];
        let out = Shared::default();
        let mut t = ConnTable::new(out.output()).expect("writer");
        for r in &rows {
            t.push(r).expect("push");
        }
        t.finish().expect("finish");
        let (schema, batches) = read_back(out.bytes());
        let keys: Vec<&str> = CONN_KEYS.iter().map(|k| k.name).collect();
        assert_eq!(names(&schema), keys);
        let b = &batches[0];
        assert_eq!(b.num_rows(), 2);
        let client = column::<StringArray>(b, "client");
        let rtt = column::<Float64Array>(b, "handshake_rtt");
        let bytes = column::<UInt64Array>(b, "bytes_server");
        let state = column::<StringArray>(b, "client_state");
        let by = column::<StringArray>(b, "client_by");
        let share = column::<Float64Array>(b, "retrans_share_client");
        let sack = column::<arrow_array::BooleanArray>(b, "sack_permitted_client");
        let vantage = column::<StringArray>(b, "vantage");
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(by.value(i), "ports");
            assert_eq!(vantage.value(i), "server");
            // 100 bytes, none resent; no SYN seen, so SACK is unknown, as in the JSON.
            assert_eq!(share.value(i), 0.0);
            assert!(sack.is_null(i));
            assert_eq!(client.value(i), r.client.to_string());
            assert_eq!(bytes.value(i), u64::MAX);
            assert_eq!(state.value(i), r.client_state.name());
        }
        assert_eq!(rtt.value(0), 12_345.0 / 1e9);
        assert!(rtt.is_null(1));
    }
}
