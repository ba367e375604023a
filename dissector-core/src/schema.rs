//! The schema of the per-frame record: every key a frame has, once.
//!
//! Each key is written here and nowhere else: its name, its type, its unit, the tshark
//! field it corresponds to, the label Wireshark shows, a one-line description, and how to
//! read it from a frame ([`visit_frame`]). Every consumer is driven by this table: the CLI's
//! JSONL, CSV and Parquet columns (Parquet's types come from [`KeyType`] in
//! `tcplens-columnar`), `diff-tshark`'s key list, the Wireshark plugin's fields, and the
//! tests' key lists (one of them checks that every key has its `TcplensVerdict` member in
//! the C ABI and is written by the C example program). Adding a key is one line
//! here plus the value it reads.
//!
//! Reading goes through a visitor rather than a table of function pointers: [`visit_frame`]
//! calls one [`FrameVisitor`] method per key, in order, so a sink's code for every column
//! is inlined into one function (the JSONL writer runs this for every frame).

use core::net::IpAddr;

use crate::analysis::FrameAnalysis;
use crate::flow::Endpoint;
use crate::lifecycle::{Event, Side};
use crate::record::{ConnRecord, FrameRecord};
use crate::wire::{DecodeError, Encap, TcpFlags, TcpQuote};

/// What kind of value a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// An unsigned integer.
    Integer,
    /// A frame number (1-based, as Wireshark numbers frames).
    FrameNumber,
    /// Seconds, with nanosecond resolution (trailing zeros past microseconds trimmed).
    Seconds,
    /// Seconds with all nine decimals, as tshark prints time deltas.
    Seconds9,
    /// Free text.
    Text,
    /// One name out of a fixed set (a state, an event, a side).
    Name,
    /// An IPv4 or IPv6 address.
    Address,
    /// A list of names (the `tcp.analysis` verdicts).
    Names,
    /// An address and a port.
    Endpoint,
    /// A number with decimals (conversation keys only).
    Decimal,
    /// Yes or no (conversation keys only).
    Flag,
}

/// One key of the per-frame record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The JSONL key, CSV column and `tcplens.<name>` plugin field.
    pub name: &'static str,
    pub ty: KeyType,
    /// The unit of the value, where it has one.
    pub unit: Option<&'static str>,
    /// The tshark field holding the same value, where there is one (`diff-tshark` compares
    /// them).
    pub tshark: Option<&'static str>,
    /// The short name Wireshark shows for the plugin's field.
    pub label: &'static str,
    /// One line saying what the value is.
    pub description: &'static str,
    /// Whether the plugin registers it as a field (`frame` is Wireshark's own, and the
    /// verdicts and errors are fields and expert infos of their own there).
    pub in_plugin: bool,
}

/// A TCP frame's values.
#[derive(Debug, Clone, Copy)]
pub struct TcpFrame<'a> {
    /// The sender's and the receiver's endpoints.
    pub ends: &'a (Endpoint, Endpoint),
    pub rec: &'a FrameRecord,
    pub an: &'a FrameAnalysis,
}

/// What a frame was.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    Tcp(TcpFrame<'a>),
    /// A TCP header quoted in an ICMP error and cut before 16 bytes: the addresses, ports,
    /// path and (where tshark shows it) sequence number; every other key is null.
    Quote(&'a TcpQuote),
    /// A frame that could not be decoded: every TCP key is null.
    Undecodable(DecodeError),
}

/// One frame, as the schema reads it.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// Wireshark's frame number.
    pub number: u64,
    /// Nanoseconds since the capture's first frame.
    pub time_ns: i64,
    pub body: Body<'a>,
    /// The explanation in the chosen language, when the host produced one.
    pub explain: Option<&'a str>,
}

impl Frame<'_> {
    #[inline]
    fn tcp(&self) -> Option<&TcpFrame<'_>> {
        match &self.body {
            Body::Tcp(t) => Some(t),
            Body::Quote(_) | Body::Undecodable(_) => None,
        }
    }

    /// The sender's and the receiver's endpoints, for a TCP frame or a quote.
    #[inline]
    fn ends(&self) -> Option<(Endpoint, Endpoint)> {
        match &self.body {
            Body::Tcp(t) => Some(*t.ends),
            Body::Quote(q) => Some((
                Endpoint {
                    addr: q.src,
                    port: q.src_port,
                },
                Endpoint {
                    addr: q.dst,
                    port: q.dst_port,
                },
            )),
            Body::Undecodable(_) => None,
        }
    }

    /// The layers the TCP header was found under.
    #[inline]
    fn encap(&self) -> Option<Encap> {
        match &self.body {
            Body::Tcp(t) => Some(t.rec.encap),
            Body::Quote(q) => Some(q.encap),
            Body::Undecodable(_) => None,
        }
    }

    /// `tcp.seq` as shown (relative, or raw where Wireshark keeps it raw), and the raw one.
    #[inline]
    fn seq(&self, raw: bool) -> Option<u64> {
        match &self.body {
            Body::Tcp(t) => Some(if raw { t.rec.seq_raw } else { t.rec.seq }.into()),
            Body::Quote(q) => n(q.shown_seq()),
            Body::Undecodable(_) => None,
        }
    }

    /// The `error` key: why the frame could not be decoded, or why its TCP header is
    /// malformed.
    #[inline]
    pub fn error_code(&self) -> Option<&'static str> {
        match &self.body {
            Body::Tcp(t) => t.rec.error_code(),
            // The quoted header is cut short, as a frame ending inside its TCP header.
            Body::Quote(_) => Some(DecodeError::TruncatedTcp.code()),
            Body::Undecodable(e) => Some(e.code()),
        }
    }
}

/// A sink for a frame's values, called once per key in schema order; `None` is a key that
/// does not apply to this frame (JSON `null`, an empty CSV cell, no plugin item).
pub trait FrameVisitor {
    /// [`KeyType::Integer`] and [`KeyType::FrameNumber`].
    fn integer(&mut self, key: FrameKey, v: Option<u64>);
    /// [`KeyType::Seconds`] (`all_nine` false) and [`KeyType::Seconds9`] (true).
    fn seconds(&mut self, key: FrameKey, ns: Option<i64>, all_nine: bool);
    /// [`KeyType::Text`] and [`KeyType::Name`].
    fn text(&mut self, key: FrameKey, v: Option<&str>);
    /// [`KeyType::Address`].
    fn address(&mut self, key: FrameKey, v: Option<IpAddr>);
    /// [`KeyType::Names`].
    fn names<I: Iterator<Item = &'static str>>(&mut self, key: FrameKey, v: Option<I>);
}

/// Defines [`FrameKey`], [`FRAME_KEYS`] and [`visit_frame`] from one list.
///
/// Each entry: `Variant "name": Type, unit, tshark field, "label", in_plugin, "description",`
/// then how to read it: `frame |f| expr` from the [`Frame`], `tcp |t| expr` from a
/// [`TcpFrame`] (null for an undecodable frame), or `tcp_flags |t| expr` for the
/// [`TcpFlags`] of a TCP frame, lent to the visitor as their names.
macro_rules! frame_schema {
    ($(
        $variant:ident $name:literal : $ty:ident, $unit:expr, $tshark:expr, $label:literal,
        $plugin:literal, $desc:literal, $scope:ident |$x:ident| $get:expr;
    )*) => {
        /// A key of the per-frame record; [`FrameKey::info`] describes it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum FrameKey { $($variant,)* }

        /// Every key, in output order (indexed by [`FrameKey`]).
        pub const FRAME_KEYS: [Key; 0 $(+ frame_schema!(@one $variant))*] = [$(
            Key {
                name: $name,
                ty: KeyType::$ty,
                unit: $unit,
                tshark: $tshark,
                label: $label,
                description: $desc,
                in_plugin: $plugin,
            },
        )*];

        impl FrameKey {
            /// Every key, in output order.
            pub const ALL: [FrameKey; FRAME_KEYS.len()] = [$(FrameKey::$variant,)*];
        }

        /// Hands every key's value of `f` to `v`, in schema order.
        #[inline]
        pub fn visit_frame<V: FrameVisitor>(v: &mut V, f: &Frame<'_>) {
            $(
                frame_schema!(@visit v, f, $ty, FrameKey::$variant, $scope |$x| $get);
            )*
        }
    };
    (@one $v:ident) => { 1 };
    (@get $f:ident, frame |$x:ident| $get:expr) => {{ let $x = $f; $get }};
    (@get $f:ident, tcp |$x:ident| $get:expr) => { $f.tcp().and_then(|$x| $get) };
    // TCP flag names are formatted on the stack, so they are read as flags and lent as text.
    (@visit $v:ident, $f:ident, Text, $k:expr, tcp_flags |$x:ident| $get:expr) => {{
        let names = $f.tcp().map(|$x| StackText::new($get));
        $v.text($k, names.as_ref().map(StackText::as_str))
    }};
    // The encapsulation path, formatted on the stack the same way.
    (@visit $v:ident, $f:ident, Text, $k:expr, encap |$x:ident| $get:expr) => {{
        let path = { let $x = $f; $get }.map(StackText::path);
        $v.text($k, path.as_ref().map(StackText::as_str))
    }};
    (@visit $v:ident, $f:ident, Integer, $k:expr, $($a:tt)*) => {
        $v.integer($k, frame_schema!(@get $f, $($a)*))
    };
    (@visit $v:ident, $f:ident, FrameNumber, $k:expr, $($a:tt)*) => {
        $v.integer($k, frame_schema!(@get $f, $($a)*))
    };
    (@visit $v:ident, $f:ident, Seconds, $k:expr, $($a:tt)*) => {
        $v.seconds($k, frame_schema!(@get $f, $($a)*), false)
    };
    (@visit $v:ident, $f:ident, Seconds9, $k:expr, $($a:tt)*) => {
        $v.seconds($k, frame_schema!(@get $f, $($a)*), true)
    };
    (@visit $v:ident, $f:ident, Text, $k:expr, $($a:tt)*) => {
        $v.text($k, frame_schema!(@get $f, $($a)*))
    };
    (@visit $v:ident, $f:ident, Name, $k:expr, $($a:tt)*) => {
        $v.text($k, frame_schema!(@get $f, $($a)*))
    };
    (@visit $v:ident, $f:ident, Address, $k:expr, $($a:tt)*) => {
        $v.address($k, frame_schema!(@get $f, $($a)*))
    };
    (@visit $v:ident, $f:ident, Names, $k:expr, $($a:tt)*) => {
        $v.names($k, frame_schema!(@get $f, $($a)*))
    };
}

/// `Some(u64)` of a `u32`-like value.
#[inline]
fn n<T: Into<u64>>(v: Option<T>) -> Option<u64> {
    v.map(Into::into)
}

frame_schema! {
    Frame "frame": FrameNumber, None, None, "Frame", false,
        "frame number, 1-based as Wireshark numbers frames",
        frame |f| Some(f.number);
    Time "time": Seconds, Some("s"), None, "Time since the first frame", true,
        "seconds since the first frame of the capture",
        frame |f| Some(f.time_ns);
    Stream "stream": Integer, None, Some("tcp.stream"), "Stream index", true,
        "the conversation index, as Wireshark's tcp.stream",
        tcp |t| Some(t.rec.stream.into());
    Src "src": Address, None, None, "Source", true,
        "the sender's IP address",
        frame |f| f.ends().map(|e| e.0.addr);
    Dst "dst": Address, None, None, "Destination", true,
        "the receiver's IP address",
        frame |f| f.ends().map(|e| e.1.addr);
    Sport "sport": Integer, None, None, "Source port", true,
        "the sender's TCP port",
        frame |f| f.ends().map(|e| e.0.port.into());
    Dport "dport": Integer, None, None, "Destination port", true,
        "the receiver's TCP port",
        frame |f| f.ends().map(|e| e.1.port.into());
    Encap "encap": Text, None, None, "Encapsulation", true,
        "the layers the TCP segment was found under, outermost first, e.g. eth:vlan:ip:gre:eth:ip",
        encap |f| f.encap();
    TcpFlags "tcp_flags": Text, None, None, "TCP flags", true,
        "the TCP flags set, e.g. SYN,ACK",
        tcp_flags |t| t.rec.tcp_flags;
    Seq "seq": Integer, None, Some("tcp.seq"), "Sequence number (relative)", true,
        "sequence number, relative as tcp.seq shows it",
        frame |f| f.seq(false);
    Ack "ack": Integer, None, Some("tcp.ack"), "Acknowledgment number (relative)", true,
        "acknowledgement number, relative as tcp.ack shows it",
        tcp |t| n(t.rec.ack());
    SeqRaw "seq_raw": Integer, None, None, "Sequence number (raw)", true,
        "sequence number as on the wire",
        frame |f| f.seq(true);
    AckRaw "ack_raw": Integer, None, None, "Acknowledgment number (raw)", true,
        "acknowledgement number as on the wire",
        tcp |t| Some(t.rec.ack_raw.into());
    Len "len": Integer, Some("bytes"), Some("tcp.len"), "Segment length", true,
        "TCP payload length, from the IP length",
        tcp |t| n(t.rec.seg_len());
    NextSeq "next_seq": Integer, None, Some("tcp.nxtseq"), "Next sequence number", true,
        "next expected relative sequence number (SYN and FIN count one)",
        tcp |t| n(t.rec.next_seq());
    Window "window": Integer, Some("bytes"), None, "Window (raw)", true,
        "the advertised window field, unscaled",
        tcp |t| Some(t.rec.window.into());
    WindowScaled "window_scaled": Integer, Some("bytes"), Some("tcp.window_size"),
        "Window (scaled)", true,
        "the advertised window after scaling",
        tcp |t| n(t.an.window_scaled);
    Handshake "handshake": Integer, None, None, "Handshake step", true,
        "handshake step 1, 2 or 3",
        tcp |t| t.rec.handshake.map(|h| h as u64);
    Teardown "teardown": Integer, None, None, "Teardown step", true,
        "teardown step 1, 2, 3, 4, or 23 for the combined ACK+FIN (2+3)",
        tcp |t| t.rec.teardown.map(|s| s as u64);
    Event "event": Name, None, None, "Lifecycle event", true,
        "a lifecycle event: simultaneous open or close, a repeated SYN/SYN-ACK/FIN, data after the peer's FIN, a reset",
        tcp |t| t.rec.event.code();
    RstBy "rst_by": Name, None, None, "Reset by", true,
        "for a RST: client or server",
        tcp |t| (t.rec.event == Event::Rst).then(|| t.rec.sender().name());
    RstFrom "rst_from": Name, None, None, "Reset from state", true,
        "for a RST: the state the aborting side was in",
        tcp |t| t.rec.rst_from.filter(|_| t.rec.event == Event::Rst).map(|s| s.name());
    ClientState "client_state": Name, None, None, "Client state", true,
        "the client's TCP state after this frame (RFC 9293 names)",
        tcp |t| Some(t.rec.client_state.name());
    ServerState "server_state": Name, None, None, "Server state", true,
        "the server's TCP state after this frame (RFC 9293 names)",
        tcp |t| Some(t.rec.server_state.name());
    Flags "flags": Names, None, None, "Verdicts", false,
        "the tcp.analysis verdicts, named as Wireshark's leaves",
        tcp |t| Some(t.an.verdicts.shown().map(|v| v.name()));
    DupAckNum "dup_ack_num": Integer, None, Some("tcp.analysis.duplicate_ack_num"),
        "Duplicate ACK number", true,
        "for a duplicate ACK: its number in the run",
        tcp |t| n(t.an.dup_ack_num);
    DupAckFrame "dup_ack_frame": FrameNumber, None, Some("tcp.analysis.duplicate_ack_frame"),
        "Duplicate ACK of frame", true,
        "for a duplicate ACK: the frame it repeats",
        tcp |t| n(t.an.dup_ack_frame);
    AcksFrame "acks_frame": FrameNumber, None, Some("tcp.analysis.acks_frame"),
        "ACKs frame", true,
        "the frame this ACK acknowledges",
        tcp |t| n(t.an.acks_frame);
    AckRtt "ack_rtt": Seconds9, Some("s"), Some("tcp.analysis.ack_rtt"), "ACK RTT", true,
        "the time since the frame this ACK acknowledges",
        tcp |t| t.an.ack_rtt_ns;
    InitialRtt "initial_rtt": Seconds9, Some("s"), Some("tcp.analysis.initial_rtt"),
        "Initial RTT", true,
        "the handshake's RTT (SYN to the first ACK), where Wireshark shows it",
        tcp |t| t.an.initial_rtt_ns;
    BytesInFlight "bytes_in_flight": Integer, Some("bytes"),
        Some("tcp.analysis.bytes_in_flight"), "Bytes in flight", true,
        "unacknowledged bytes after this segment",
        tcp |t| n(t.an.bytes_in_flight);
    PushBytesSent "push_bytes_sent": Integer, Some("bytes"),
        Some("tcp.analysis.push_bytes_sent"), "Bytes sent since last PSH", true,
        "bytes sent since the last PSH",
        tcp |t| n(t.an.push_bytes_sent);
    Rto "rto": Seconds9, Some("s"), Some("tcp.analysis.rto"), "Retransmission timeout", true,
        "for a timeout retransmission: the time since the segment Wireshark takes as the original",
        tcp |t| t.an.rto_ns;
    RtoFrame "rto_frame": FrameNumber, None, Some("tcp.analysis.rto_frame"),
        "RTO based on delta from frame", true,
        "for a timeout retransmission: the frame Wireshark takes as the original",
        tcp |t| n(t.an.rto_frame);
    Completeness "completeness": Integer, None, Some("tcp.completeness"),
        "Conversation completeness", true,
        "tcp.completeness before this frame: SYN 1, SYN-ACK 2, ACK 4, DATA 8, FIN 16, RST 32",
        tcp |t| t.an.completeness.map(u64::from);
    Verdict "verdict": Name, None, None, "tcplens verdict", true,
        "tcplens's own verdict on a data segment, from evidence: null (a first transmission, in order), out_of_order, retransmission, spurious_retransmission or duplicate",
        tcp |t| t.an.own.verdict.map(|v| v.name());
    Evidence "evidence": Names, None, None, "Evidence", true,
        "the evidence that decided the verdict: tsval, ip_id, sack, dsack, ack, vantage, timing, same_packet",
        tcp |t| t.an.own.verdict.map(|_| t.an.own.evidence.kinds().map(|k| k.name()));
    Trigger "trigger": Name, None, None, "Resend trigger", true,
        "for a resend: what made the sender resend (dup_acks, sack, timeout, tail_probe), null when unknown",
        tcp |t| t.an.own.trigger.map(|x| x.name());
    Explain "explain": Text, None, None, "Explanation", true,
        "the frame explained in the chosen language",
        frame |f| f.explain;
    Error "error": Name, None, None, "Error", false,
        "why the frame could not be decoded or its TCP header is malformed, else null",
        frame |f| f.error_code();
}

impl FrameKey {
    /// This key's description.
    #[inline]
    pub const fn info(self) -> &'static Key {
        &FRAME_KEYS[self as usize]
    }

    #[inline]
    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// The key called `name`.
    pub fn from_name(name: &str) -> Option<FrameKey> {
        FrameKey::ALL.into_iter().find(|k| k.name() == name)
    }
}

// ---------------------------------------------------------------------------------------
// The per-conversation record (`conns`).
// ---------------------------------------------------------------------------------------

/// Where a conversation key shows in the `conns` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// A column headed by the key's name.
    Own,
    /// A column with this (shorter) heading.
    Headed(&'static str),
    /// A column with this heading whose seconds show as milliseconds (and whose shares, 0
    /// to 1, as percentages), one decimal each: short cells for a narrow table. A joined
    /// key shows the same way.
    HeadedShort(&'static str),
    /// Written into the previous key's column, after a `/`.
    JoinedToPrevious,
    /// Not in the table: in `--format json` (and the outputs driven by the schema) only.
    JsonOnly,
}

/// One key of the per-conversation record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnKeyInfo {
    /// The JSON key.
    pub name: &'static str,
    pub ty: KeyType,
    pub unit: Option<&'static str>,
    /// Its place in the `conns` table.
    pub column: Column,
    pub description: &'static str,
}

/// A sink for a conversation's values, called once per key in schema order; `None` is a
/// value that is not known (JSON `null`, `-` in the table).
pub trait ConnVisitor {
    /// [`KeyType::Integer`].
    fn integer(&mut self, key: ConnKey, v: Option<u64>);
    /// [`KeyType::Seconds`].
    fn seconds(&mut self, key: ConnKey, ns: Option<i64>);
    /// [`KeyType::Decimal`].
    fn decimal(&mut self, key: ConnKey, v: Option<f64>);
    /// [`KeyType::Flag`].
    fn flag(&mut self, key: ConnKey, v: Option<bool>);
    fn text(&mut self, key: ConnKey, v: &str);
    /// An address and port.
    fn endpoint(&mut self, key: ConnKey, v: &Endpoint);
    /// Whether it shows `key` at all: a key it does not want is not worked out.
    fn wants(&self, _key: ConnKey) -> bool {
        true
    }
}

/// Defines [`ConnKey`], [`CONN_KEYS`] and [`visit_conn`] from one list: `Variant "name":
/// Type, unit, column, "description", |record| value;`.
macro_rules! conn_schema {
    ($(
        $variant:ident $name:literal : $ty:ident, $unit:expr, $column:expr, $desc:literal,
        |$r:ident| $get:expr;
    )*) => {
        /// A key of the per-conversation record; [`ConnKey::info`] describes it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum ConnKey { $($variant,)* }

        /// Every conversation key, in output order (indexed by [`ConnKey`]).
        pub const CONN_KEYS: [ConnKeyInfo; 0 $(+ frame_schema!(@one $variant))*] = [$(
            ConnKeyInfo {
                name: $name,
                ty: KeyType::$ty,
                unit: $unit,
                column: $column,
                description: $desc,
            },
        )*];

        impl ConnKey {
            /// Every key, in output order.
            pub const ALL: [ConnKey; CONN_KEYS.len()] = [$(ConnKey::$variant,)*];
        }

        /// Hands every key's value of `r` to `v`, in schema order.
        pub fn visit_conn<V: ConnVisitor>(v: &mut V, r: &ConnRecord) {
            $(
                if v.wants(ConnKey::$variant) {
                    conn_schema!(@visit v, $ty, ConnKey::$variant, { let $r = r; $get });
                }
            )*
        }
    };
    (@visit $v:ident, Integer, $k:expr, $get:expr) => { $v.integer($k, $get) };
    (@visit $v:ident, Seconds, $k:expr, $get:expr) => { $v.seconds($k, $get) };
    (@visit $v:ident, Decimal, $k:expr, $get:expr) => { $v.decimal($k, $get) };
    (@visit $v:ident, Flag, $k:expr, $get:expr) => { $v.flag($k, $get) };
    (@visit $v:ident, Name, $k:expr, $get:expr) => { $v.text($k, $get) };
    (@visit $v:ident, Text, $k:expr, $get:expr) => { $v.text($k, $get) };
    (@visit $v:ident, Endpoint, $k:expr, $get:expr) => { $v.endpoint($k, $get) };
}

conn_schema! {
    Stream "stream": Integer, None, Column::Own,
        "the conversation index, as Wireshark's tcp.stream",
        |r| Some(r.stream.into());
    Client "client": Endpoint, None, Column::Own,
        "the client's address and port (the side that sent the first SYN; see client_by)",
        |r| &r.client;
    Server "server": Endpoint, None, Column::Own,
        "the server's address and port",
        |r| &r.server;
    ClientBy "client_by": Name, None, Column::JsonOnly,
        "how the client was told: syn (it sent the first SYN), syn_ack (it received the first SYN-ACK), ports (caught mid-stream: a well-known or common service port, else the lower one, is the server's), first_packet (equal ports: it sent the first packet)",
        |r| r.client_by.name();
    First "first": Seconds, Some("s"), Column::Own,
        "the conversation's first packet, in seconds since the first frame of the capture",
        |r| Some(r.first_ns);
    Last "last": Seconds, Some("s"), Column::Own,
        "the conversation's last packet, in seconds since the first frame of the capture",
        |r| Some(r.last_ns);
    Duration "duration": Seconds, Some("s"), Column::Own,
        "last minus first packet",
        |r| Some(r.duration_ns);
    PacketsClient "packets_client": Integer, Some("packets"), Column::Headed("pkts>"),
        "packets sent by the client",
        |r| Some(r.packets_client);
    BytesClient "bytes_client": Integer, Some("bytes"), Column::Headed("bytes>"),
        "payload bytes sent by the client",
        |r| Some(r.bytes_client);
    PacketsServer "packets_server": Integer, Some("packets"), Column::Headed("pkts<"),
        "packets sent by the server",
        |r| Some(r.packets_server);
    BytesServer "bytes_server": Integer, Some("bytes"), Column::Headed("bytes<"),
        "payload bytes sent by the server",
        |r| Some(r.bytes_server);
    HandshakeRtt "handshake_rtt": Seconds, Some("s"), Column::Headed("hs_rtt"),
        "SYN to the ACK completing the handshake",
        |r| r.handshake_rtt_ns;
    ClientState "client_state": Name, None, Column::Headed("states (client/server)"),
        "the client's final TCP state (RFC 9293 names)",
        |r| r.client_state.name();
    ServerState "server_state": Name, None, Column::JoinedToPrevious,
        "the server's final TCP state (RFC 9293 names)",
        |r| r.server_state.name();
    History "history": Text, None, Column::Own,
        "Zeek-style history letters: uppercase sent by the client, lowercase by the server",
        |r| &r.history;
    ConnState "conn_state": Name, None, Column::Own,
        "Zeek-style connection state (S0, S1, SF, REJ, ...)",
        |r| r.conn_state;
    DataPacketsClient "data_packets_client": Integer, Some("packets"), Column::JsonOnly,
        "packets with payload sent by the client",
        |r| Some(r.dirs[0].data_packets);
    DataPacketsServer "data_packets_server": Integer, Some("packets"), Column::JsonOnly,
        "packets with payload sent by the server",
        |r| Some(r.dirs[1].data_packets);
    UniqueBytesClient "unique_bytes_client": Integer, Some("bytes"), Column::JsonOnly,
        "payload bytes the client sent that were not seen before (sequence space covered once)",
        |r| Some(r.dirs[0].unique_bytes);
    UniqueBytesServer "unique_bytes_server": Integer, Some("bytes"), Column::JsonOnly,
        "payload bytes the server sent that were not seen before (sequence space covered once)",
        |r| Some(r.dirs[1].unique_bytes);
    RetransPacketsClient "retrans_packets_client": Integer, Some("packets"), Column::JsonOnly,
        "packets from the client that Wireshark marks as retransmissions (fast and spurious included)",
        |r| Some(r.dirs[0].retrans_packets);
    RetransPacketsServer "retrans_packets_server": Integer, Some("packets"), Column::JsonOnly,
        "packets from the server that Wireshark marks as retransmissions (fast and spurious included)",
        |r| Some(r.dirs[1].retrans_packets);
    RetransBytesClient "retrans_bytes_client": Integer, Some("bytes"), Column::JsonOnly,
        "payload bytes of the client's retransmissions",
        |r| Some(r.dirs[0].retrans_bytes);
    RetransBytesServer "retrans_bytes_server": Integer, Some("bytes"), Column::JsonOnly,
        "payload bytes of the server's retransmissions",
        |r| Some(r.dirs[1].retrans_bytes);
    RetransShareClient "retrans_share_client": Decimal, None, Column::HeadedShort("retr% c/s"),
        "retransmitted payload bytes of the client as a share of its payload bytes (0 to 1)",
        |r| r.retrans_share(Side::Client);
    RetransShareServer "retrans_share_server": Decimal, None, Column::JoinedToPrevious,
        "retransmitted payload bytes of the server as a share of its payload bytes (0 to 1)",
        |r| r.retrans_share(Side::Server);
    OutOfOrderClient "out_of_order_client": Integer, Some("packets"), Column::JsonOnly,
        "packets from the client that Wireshark marks out of order",
        |r| Some(r.dirs[0].out_of_order);
    OutOfOrderServer "out_of_order_server": Integer, Some("packets"), Column::JsonOnly,
        "packets from the server that Wireshark marks out of order",
        |r| Some(r.dirs[1].out_of_order);
    DuplicateClient "duplicate_client": Integer, Some("packets"), Column::JsonOnly,
        "packets from the client with payload of which no byte was new",
        |r| Some(r.dirs[0].duplicate);
    DuplicateServer "duplicate_server": Integer, Some("packets"), Column::JsonOnly,
        "packets from the server with payload of which no byte was new",
        |r| Some(r.dirs[1].duplicate);
    DupAcksClient "dup_acks_client": Integer, Some("packets"), Column::JsonOnly,
        "duplicate ACKs sent by the client",
        |r| Some(r.dirs[0].dup_acks);
    DupAcksServer "dup_acks_server": Integer, Some("packets"), Column::JsonOnly,
        "duplicate ACKs sent by the server",
        |r| Some(r.dirs[1].dup_acks);
    ZeroWindowClient "zero_window_client": Integer, Some("packets"), Column::JsonOnly,
        "zero windows advertised by the client",
        |r| Some(r.dirs[0].zero_window);
    ZeroWindowServer "zero_window_server": Integer, Some("packets"), Column::JsonOnly,
        "zero windows advertised by the server",
        |r| Some(r.dirs[1].zero_window);
    ZeroWindowTimeClient "zero_window_time_client": Seconds, Some("s"), Column::JsonOnly,
        "time the client advertised a zero window (until its next non-zero window, or the last packet)",
        |r| Some(r.dirs[0].zero_window_ns);
    ZeroWindowTimeServer "zero_window_time_server": Seconds, Some("s"), Column::JsonOnly,
        "time the server advertised a zero window (until its next non-zero window, or the last packet)",
        |r| Some(r.dirs[1].zero_window_ns);
    RttSamplesClient "rtt_samples_client": Integer, Some("samples"), Column::JsonOnly,
        "ACK RTT samples of the client's data (measured on the server's ACKs)",
        |r| Some(r.dirs[0].rtt.map_or(0, |t| t.samples.into()));
    RttSamplesServer "rtt_samples_server": Integer, Some("samples"), Column::JsonOnly,
        "ACK RTT samples of the server's data (measured on the client's ACKs)",
        |r| Some(r.dirs[1].rtt.map_or(0, |t| t.samples.into()));
    RttMinClient "rtt_min_client": Seconds, Some("s"), Column::JsonOnly,
        "smallest ACK RTT of the client's data",
        |r| r.dirs[0].rtt.map(|t| t.min_ns);
    RttMinServer "rtt_min_server": Seconds, Some("s"), Column::JsonOnly,
        "smallest ACK RTT of the server's data",
        |r| r.dirs[1].rtt.map(|t| t.min_ns);
    RttAvgClient "rtt_avg_client": Seconds, Some("s"), Column::HeadedShort("rtt_ms c/s"),
        "mean ACK RTT of the client's data",
        |r| r.dirs[0].rtt.map(|t| t.avg_ns);
    RttAvgServer "rtt_avg_server": Seconds, Some("s"), Column::JoinedToPrevious,
        "mean ACK RTT of the server's data",
        |r| r.dirs[1].rtt.map(|t| t.avg_ns);
    RttMaxClient "rtt_max_client": Seconds, Some("s"), Column::JsonOnly,
        "largest ACK RTT of the client's data",
        |r| r.dirs[0].rtt.map(|t| t.max_ns);
    RttMaxServer "rtt_max_server": Seconds, Some("s"), Column::JsonOnly,
        "largest ACK RTT of the server's data",
        |r| r.dirs[1].rtt.map(|t| t.max_ns);
    RttStddevClient "rtt_stddev_client": Seconds, Some("s"), Column::JsonOnly,
        "sample standard deviation of the ACK RTTs of the client's data",
        |r| r.dirs[0].rtt.map(|t| t.stddev_ns);
    RttStddevServer "rtt_stddev_server": Seconds, Some("s"), Column::JsonOnly,
        "sample standard deviation of the ACK RTTs of the server's data",
        |r| r.dirs[1].rtt.map(|t| t.stddev_ns);
    ThroughputClient "throughput_client": Integer, Some("bytes/s"), Column::JsonOnly,
        "unique bytes the client sent per second of the conversation's duration",
        |r| r.throughput(Side::Client);
    ThroughputServer "throughput_server": Integer, Some("bytes/s"), Column::JsonOnly,
        "unique bytes the server sent per second of the conversation's duration",
        |r| r.throughput(Side::Server);
    MssClient "mss_client": Integer, Some("bytes"), Column::JsonOnly,
        "the MSS option of the client's SYN",
        |r| r.dirs[0].mss.map(u64::from);
    MssServer "mss_server": Integer, Some("bytes"), Column::JsonOnly,
        "the MSS option of the server's SYN",
        |r| r.dirs[1].mss.map(u64::from);
    WindowScaleClient "window_scale_client": Integer, None, Column::JsonOnly,
        "the window scale shift of the client's SYN",
        |r| r.dirs[0].window_scale.map(u64::from);
    WindowScaleServer "window_scale_server": Integer, None, Column::JsonOnly,
        "the window scale shift of the server's SYN",
        |r| r.dirs[1].window_scale.map(u64::from);
    SackPermittedClient "sack_permitted_client": Flag, None, Column::JsonOnly,
        "whether the client's SYN permitted SACK (null without a SYN)",
        |r| r.dirs[0].sack_permitted;
    SackPermittedServer "sack_permitted_server": Flag, None, Column::JsonOnly,
        "whether the server's SYN permitted SACK (null without a SYN)",
        |r| r.dirs[1].sack_permitted;
    TimestampsClient "timestamps_client": Flag, None, Column::JsonOnly,
        "whether the client's SYN carried timestamps (null without a SYN)",
        |r| r.dirs[0].timestamps;
    TimestampsServer "timestamps_server": Flag, None, Column::JsonOnly,
        "whether the server's SYN carried timestamps (null without a SYN)",
        |r| r.dirs[1].timestamps;
    MaxWindowClient "max_window_client": Integer, Some("bytes"), Column::JsonOnly,
        "largest window the client advertised (scaled after the SYN)",
        |r| r.dirs[0].max_window.map(u64::from);
    MaxWindowServer "max_window_server": Integer, Some("bytes"), Column::JsonOnly,
        "largest window the server advertised (scaled after the SYN)",
        |r| r.dirs[1].max_window.map(u64::from);
    MinWindowClient "min_window_client": Integer, Some("bytes"), Column::JsonOnly,
        "smallest non-zero window the client advertised (the SYN's counts unless window scaling is in use)",
        |r| r.dirs[0].min_window.map(u64::from);
    MinWindowServer "min_window_server": Integer, Some("bytes"), Column::JsonOnly,
        "smallest non-zero window the server advertised (the SYN's counts unless window scaling is in use)",
        |r| r.dirs[1].min_window.map(u64::from);
    IdleMaxClient "idle_max_client": Seconds, Some("s"), Column::JsonOnly,
        "longest time between two packets of the client",
        |r| Some(r.dirs[0].idle_max_ns);
    IdleMaxServer "idle_max_server": Seconds, Some("s"), Column::JsonOnly,
        "longest time between two packets of the server",
        |r| Some(r.dirs[1].idle_max_ns);
    MissedBytesClient "missed_bytes_client": Integer, Some("bytes"), Column::JsonOnly,
        "bytes of the client's sequence space never captured: gaps, and data the server acknowledged beyond what was seen",
        |r| Some(r.dirs[0].missed_bytes);
    MissedBytesServer "missed_bytes_server": Integer, Some("bytes"), Column::JsonOnly,
        "bytes of the server's sequence space never captured: gaps, and data the client acknowledged beyond what was seen",
        |r| Some(r.dirs[1].missed_bytes);
    IpBytesClient "ip_bytes_client": Integer, Some("bytes"), Column::JsonOnly,
        "IP bytes sent by the client (IP total lengths, headers included)",
        |r| Some(r.dirs[0].ip_bytes);
    IpBytesServer "ip_bytes_server": Integer, Some("bytes"), Column::JsonOnly,
        "IP bytes sent by the server (IP total lengths, headers included)",
        |r| Some(r.dirs[1].ip_bytes);
    Vantage "vantage": Name, None, Column::Own,
        "where the capture was taken, from the handshake's timing (else the ACK RTTs): client (near the client), server (near the server), middle, unknown (no handshake, too few RTT samples)",
        |r| r.vantage.name();
    CommunityId "community_id": Text, None, Column::JsonOnly,
        "the Community ID v1 flow hash of the 4-tuple (seed 0), as Zeek and Suricata print it",
        |r| r.community_id();
}

impl ConnKey {
    #[inline]
    pub const fn info(self) -> &'static ConnKeyInfo {
        &CONN_KEYS[self as usize]
    }

    #[inline]
    pub const fn name(self) -> &'static str {
        self.info().name
    }
}

/// A short text written on the stack: TCP flag names ("SYN,ACK") or an encapsulation path
/// ("eth:vlan:ip:gre:eth:ip"); no allocation per frame.
#[derive(Clone, Copy)]
pub struct StackText {
    buf: [u8; 64],
    len: usize,
}

impl StackText {
    const EMPTY: StackText = StackText {
        buf: [0; 64],
        len: 0,
    };

    pub fn new(f: TcpFlags) -> StackText {
        let mut names = StackText::EMPTY;
        // Nine names of at most 3 letters and their commas fit.
        let _ = f.write_names(&mut names, ",");
        names
    }

    /// The path's layer names joined by ':' ([`Encap::CAPACITY`] names of at most 6
    /// letters and their colons fit).
    pub fn path(e: Encap) -> StackText {
        let mut text = StackText::EMPTY;
        let _ = e.write_names(&mut text);
        text
    }

    pub fn as_str(&self) -> &str {
        // Only whole ASCII names are appended.
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl core::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_indexed_by_their_variant() {
        for (i, k) in FrameKey::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i);
            assert_eq!(FrameKey::from_name(k.name()), Some(*k));
        }
        let mut names: Vec<&str> = FRAME_KEYS.iter().map(|k| k.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FRAME_KEYS.len());
    }

    #[test]
    fn every_key_is_described() {
        for k in FRAME_KEYS {
            assert!(
                !k.description.is_empty() && !k.label.is_empty(),
                "{}",
                k.name
            );
            assert!(
                k.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                k.name
            );
        }
    }

    /// Records which visitor method each key reached, and whether it had a value.
    #[derive(Default)]
    struct Calls(Vec<(FrameKey, &'static str, bool)>);

    impl FrameVisitor for Calls {
        fn integer(&mut self, key: FrameKey, v: Option<u64>) {
            self.0.push((key, "integer", v.is_some()));
        }
        fn seconds(&mut self, key: FrameKey, ns: Option<i64>, all_nine: bool) {
            let kind = if all_nine { "seconds9" } else { "seconds" };
            self.0.push((key, kind, ns.is_some()));
        }
        fn text(&mut self, key: FrameKey, v: Option<&str>) {
            self.0.push((key, "text", v.is_some()));
        }
        fn address(&mut self, key: FrameKey, v: Option<IpAddr>) {
            self.0.push((key, "address", v.is_some()));
        }
        fn names<I: Iterator<Item = &'static str>>(&mut self, key: FrameKey, v: Option<I>) {
            self.0.push((key, "names", v.is_some()));
        }
    }

    #[test]
    fn the_visitor_sees_every_key_once_in_order_with_its_type() {
        let f = Frame {
            number: 7,
            time_ns: 1,
            body: Body::Undecodable(DecodeError::TruncatedIp),
            explain: Some("x"),
        };
        let mut calls = Calls::default();
        visit_frame(&mut calls, &f);
        let keys: Vec<FrameKey> = calls.0.iter().map(|c| c.0).collect();
        assert_eq!(keys, FrameKey::ALL);
        for (key, method, present) in calls.0 {
            let want = match key.info().ty {
                KeyType::Integer | KeyType::FrameNumber => "integer",
                KeyType::Seconds => "seconds",
                KeyType::Seconds9 => "seconds9",
                KeyType::Text | KeyType::Name => "text",
                KeyType::Address => "address",
                KeyType::Names => "names",
                KeyType::Endpoint | KeyType::Decimal | KeyType::Flag => {
                    unreachable!("no frame key is an endpoint, a decimal or a flag")
                }
            };
            assert_eq!(method, want, "{key:?}");
            // An undecodable frame has its number, time, explanation and error only.
            let expected = matches!(
                key,
                FrameKey::Frame | FrameKey::Time | FrameKey::Explain | FrameKey::Error
            );
            assert_eq!(present, expected, "{key:?}");
        }
    }

    #[test]
    fn conversation_keys_are_unique_and_the_table_starts_with_a_column() {
        let mut names: Vec<&str> = CONN_KEYS.iter().map(|k| k.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CONN_KEYS.len());
        assert_ne!(CONN_KEYS[0].column, Column::JoinedToPrevious);
        for (i, k) in ConnKey::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i);
            assert!(!k.info().description.is_empty());
        }
    }

    #[test]
    fn flag_names_fit_every_combination() {
        let all = StackText::new(TcpFlags(0x1ff));
        assert_eq!(all.as_str().split(',').count(), 9);
    }
}
