//! Conversations: the table keyed by the canonical 4-tuple, `tcp.stream` numbering, port
//! reuse, and relative sequence numbers, all as Wireshark 4.0 does them.
//!
//! Wireshark 4.0 rules followed here (packet-tcp.c, checked against tshark 4.0.17; §1, §6 and
//! §7 of `docs/wireshark-4.0-tcp-analysis.md`):
//! - A first-seen 4-tuple makes a new conversation and takes the next stream index.
//! - A SYN without ACK on a conversation whose sender already has a base sequence number,
//!   with a different sequence number, is port reuse: a new conversation and stream.
//!   The same ISN again is a repeated SYN on the same conversation, even after FIN or RST.
//! - A SYN-ACK with a new ISN re-bases the sender's flow; no new stream.
//! - Base sequence number: a SYN's own seq, otherwise seq − 1 (so the first mid-stream
//!   segment shows seq 1); and an ACK sets the peer's base to ack − 1 if it has none.
//! - A header quoted in an ICMP error names (and may create) a conversation, but sets no
//!   base and is not analysed.

use core::net::IpAddr;

use crate::slot_index::SlotIndex;
use rustc_hash::FxHashMap;

use crate::analysis::ConvAnalysis;
use crate::diagnosis;
use crate::lifecycle::{Lifecycle, SegmentView, Side, TcpState};
use crate::summary::ConnStats;
use crate::wire::{SegmentKind, TcpSegment};

/// One end of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub addr: IpAddr,
    pub port: u16,
}

impl core::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.addr {
            IpAddr::V4(a) => write!(f, "{a}:{}", self.port),
            IpAddr::V6(a) => write!(f, "[{a}]:{}", self.port),
        }
    }
}

/// The sender's and the receiver's endpoints of a segment.
pub fn endpoints(seg: &TcpSegment<'_>) -> (Endpoint, Endpoint) {
    (
        Endpoint {
            addr: seg.src,
            port: seg.src_port,
        },
        Endpoint {
            addr: seg.dst,
            port: seg.dst_port,
        },
    )
}

/// A 4-tuple's hash in one table ([`ConversationTable::key_hash`]), for its prefetches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyHash(u64);

/// What [`Analyzer::prefetch`](crate::Analyzer::prefetch) brings in for a segment a few
/// segments ahead, in the order its caller asks: each level's address is read from the one
/// before, so each comes once the one before had time to arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefetch {
    /// The index bucket naming the conversation's slot.
    Bucket,
    /// The conversation.
    Conversation,
    /// What the conversation holds on the heap: its statistics and unacknowledged segments.
    Held,
}

/// The canonical 4-tuple: the lower endpoint first, so both directions share one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConvKey {
    lo: Endpoint,
    hi: Endpoint,
}

impl ConvKey {
    pub fn new(a: Endpoint, b: Endpoint) -> ConvKey {
        if a <= b {
            ConvKey { lo: a, hi: b }
        } else {
            ConvKey { lo: b, hi: a }
        }
    }
}

/// Per-direction sequence state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flow {
    /// Wireshark's `base_seq`: subtracted to show relative numbers.
    pub base_seq: Option<u32>,
}

/// How a conversation's client (the side that opened it, RFC 9293 §3.5) was told, from
/// its first segment: the SYN's sender; the SYN-ACK's receiver; or, for a capture that
/// starts mid-connection, a guess from the ports (the well-known or lower port is the
/// server's), and the first packet's sender when the ports cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientBy {
    Syn,
    SynAck,
    Ports,
    FirstPacket,
}

/// Ports below this are the well-known ones (RFC 6335 §6: "System Ports").
const WELL_KNOWN_PORTS: u16 = 1024;

/// Registered ports (RFC 6335 §6: "User Ports") that servers commonly listen on, so a
/// client whose ephemeral port is lower (old Windows hands out 1025-5000) is not taken for
/// the server: proxies, databases, message brokers, remote desktops, alternative HTTP,
/// XMPP, industrial protocols.
const SERVICE_PORTS: [u16; 38] = [
    1080, 1433, 1521, 1723, 1883, 2049, 2181, 3128, 3306, 3389, 5060, 5222, 5223, 5228, 5432, 5671,
    5672, 5900, 5984, 6379, 6443, 8000, 8008, 8009, 8080, 8081, 8088, 8443, 8883, 9000, 9042, 9090,
    9092, 9200, 9300, 11211, 27017, 44818,
];

/// A port a server listens on: a well-known one, or a common service's.
fn service_port(port: u16) -> bool {
    port < WELL_KNOWN_PORTS || SERVICE_PORTS.contains(&port)
}

impl ClientBy {
    /// Every way, with its key (`conns`' `client_by`), in one table.
    pub const ALL: [(ClientBy, &'static str); 4] = [
        (ClientBy::Syn, "syn"),
        (ClientBy::SynAck, "syn_ack"),
        (ClientBy::Ports, "ports"),
        (ClientBy::FirstPacket, "first_packet"),
    ];

    pub const fn name(self) -> &'static str {
        Self::ALL[self as usize].1
    }

    /// How the first segment of a conversation tells its client.
    pub fn of(first: &TcpSegment<'_>) -> ClientBy {
        let f = first.flags;
        let quoted = matches!(first.kind, SegmentKind::IcmpQuoted(_));
        if f.syn() && !f.ack() {
            ClientBy::Syn
        } else if f.syn() && !quoted {
            ClientBy::SynAck
        } else if server_port_side(first.src_port, first.dst_port).is_some() {
            ClientBy::Ports
        } else {
            ClientBy::FirstPacket
        }
    }

    /// Whether the first segment's sender is the server.
    fn first_sender_is_server(self, first: &TcpSegment<'_>) -> bool {
        match self {
            ClientBy::Syn | ClientBy::FirstPacket => false,
            ClientBy::SynAck => true,
            ClientBy::Ports => {
                server_port_side(first.src_port, first.dst_port) == Some(PortSide::Source)
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortSide {
    Source,
    Destination,
}

/// Which port is the server's: the only service port, else the lower one; `None` when
/// they are equal.
fn server_port_side(src: u16, dst: u16) -> Option<PortSide> {
    let known = (service_port(src), service_port(dst));
    Some(match known {
        (true, false) => PortSide::Source,
        (false, true) => PortSide::Destination,
        _ if src < dst => PortSide::Source,
        _ if dst < src => PortSide::Destination,
        _ => return None,
    })
}

/// One TCP conversation (one `tcp.stream`).
#[derive(Debug, Clone)]
pub struct Conversation {
    pub stream: u32,
    /// `[client, server]`.
    pub endpoints: [Endpoint; 2],
    /// How the client was told from the server.
    pub client_by: ClientBy,
    /// Sequence state, indexed by [`Side`].
    pub flows: [Flow; 2],
    pub lifecycle: Lifecycle,
    pub stats: ConnStats,
    /// Wireshark-compatible sequence analysis.
    pub analysis: ConvAnalysis,
    /// The diagnosis's state, from the first frame it observes (none while it is off: a
    /// pointer's cost).
    pub diagnosis: Option<Box<diagnosis::State>>,
    /// tcplens's own verdicts' state ([`crate::verdict`]), from the first frame they are
    /// judged (none while they are off, as in `conns` without a diagnosis: a pointer's
    /// cost instead of the state's 2 KiB).
    pub verdicts: Option<Box<crate::verdict::ConvVerdicts>>,
    /// When the conversation was last seen (frames fed to its table), for eviction.
    seen: u64,
}

impl Conversation {
    /// Whether the conversation is the one of the 4-tuple `a`–`b`, in either direction.
    #[inline]
    fn is_between(&self, a: &Endpoint, b: &Endpoint) -> bool {
        let [x, y] = &self.endpoints;
        (x == a && y == b) || (x == b && y == a)
    }

    /// Loads a word from each part of the conversation at once, so that with many
    /// conversations their cache misses overlap instead of surfacing one by one in the
    /// rules that read them.
    #[inline]
    pub fn warm(&self) {
        let a = &self.analysis.flows;
        core::hint::black_box((
            self.lifecycle.states(),
            self.stats.last_ns,
            self.stats.packets,
            a[0].nextseq,
            a[0].lastack,
            a[1].nextseq,
            a[1].lastack,
        ));
    }

    /// Which side `src` is.
    #[inline]
    pub fn side_of(&self, src: &Endpoint) -> Side {
        if *src == self.endpoints[0] {
            Side::Client
        } else {
            Side::Server
        }
    }
}

/// Conversations held in fixed chunks: growing never copies them, and the memory held is
/// at most one chunk more than they need (a doubling `Vec` may hold twice as much).
#[derive(Debug, Default)]
struct Slots {
    chunks: Vec<Vec<Conversation>>,
}

impl Slots {
    /// Conversations per chunk (about half a megabyte).
    const CHUNK: usize = 1024;

    fn len(&self) -> usize {
        self.chunks
            .last()
            .map_or(0, |last| (self.chunks.len() - 1) * Self::CHUNK + last.len())
    }

    fn get(&self, i: usize) -> Option<&Conversation> {
        self.chunks.get(i / Self::CHUNK)?.get(i % Self::CHUNK)
    }

    fn push(&mut self, c: Conversation) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < Self::CHUNK => last.push(c),
            // The first chunk grows by doubling up to CHUNK (small captures stay small);
            // later ones are allocated whole.
            None => self.chunks.push(vec![c]),
            Some(_) => {
                let mut chunk = Vec::with_capacity(Self::CHUNK);
                chunk.push(c);
                self.chunks.push(chunk);
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Conversation> {
        self.chunks.iter().flatten()
    }

    fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * core::mem::size_of::<Vec<Conversation>>()
            + self
                .chunks
                .iter()
                .map(|c| c.capacity() * core::mem::size_of::<Conversation>())
                .sum::<usize>()
    }
}

impl core::ops::Index<usize> for Slots {
    type Output = Conversation;
    fn index(&self, i: usize) -> &Conversation {
        &self.chunks[i / Self::CHUNK][i % Self::CHUNK]
    }
}

impl core::ops::IndexMut<usize> for Slots {
    fn index_mut(&mut self, i: usize) -> &mut Conversation {
        &mut self.chunks[i / Self::CHUNK][i % Self::CHUNK]
    }
}

/// The seeded hash of the 4-tuple index, one seed per table.
///
/// In a live capture the 4-tuples are chosen by whoever sends the packets; with an unseeded
/// hash (FxHash) they can be picked to share a bucket, and every lookup then walks one long
/// probe run. Here each table draws its own random seed, and the seed enters every
/// multiplication, so colliding 4-tuples cannot be computed in advance: a folded multiply
/// (the full 128-bit product, its halves xor-ed, as foldhash and wyhash do) of the key
/// words xor-ed with the seed. Two IPv4 endpoints, the common case, are two words and two
/// multiplications, as cheap as FxHash over the six fields.
///
/// Only which bucket a conversation sits in depends on the seed: lookups compare the
/// 4-tuple itself, so stream numbers and every output are the same for every seed.
#[derive(Debug, Clone, Copy)]
struct KeyHasher {
    seed: [u64; 4],
}

impl Default for KeyHasher {
    /// A random seed, from the standard library's per-process random keys.
    fn default() -> Self {
        use core::hash::BuildHasher;
        let random = std::collections::hash_map::RandomState::new();
        KeyHasher {
            seed: [0u64, 1, 2, 3].map(|i| random.hash_one(i)),
        }
    }
}

/// The two halves of the 128-bit product, xor-ed.
#[inline]
fn folded_multiply(x: u64, y: u64) -> u64 {
    let p = u128::from(x) * u128::from(y);
    (p as u64) ^ ((p >> 64) as u64)
}

impl KeyHasher {
    /// The hash of a 4-tuple, the same in both directions.
    #[inline]
    fn hash(&self, a: Endpoint, b: Endpoint) -> u64 {
        let ConvKey { lo, hi } = ConvKey::new(a, b);
        let s = &self.seed;
        let ports = (u64::from(lo.port) << 16) | u64::from(hi.port);
        if let (IpAddr::V4(x), IpAddr::V4(y)) = (lo.addr, hi.addr) {
            let addrs = (u64::from(x.to_bits()) << 32) | u64::from(y.to_bits());
            return folded_multiply(folded_multiply(addrs ^ s[0], ports ^ s[1]) ^ s[2], s[3]);
        }
        let bits = |a: IpAddr| match a {
            IpAddr::V4(v4) => v4.to_ipv6_mapped().to_bits(),
            IpAddr::V6(v6) => v6.to_bits(),
        };
        let (x, y) = (bits(lo.addr), bits(hi.addr));
        let h = folded_multiply((x >> 64) as u64 ^ s[0], x as u64 ^ s[1]);
        let h = folded_multiply(h ^ (y >> 64) as u64, y as u64 ^ s[2]);
        folded_multiply(h ^ ports ^ s[3], s[0] ^ (1 << 63))
    }
}

/// Which shard a segment's conversation belongs to, for analysers that each hold the
/// conversations of one shard (`conns --threads`). Every segment of a 4-tuple, in both
/// directions and across port reuse, goes to the same shard. The 4-tuple's hash picks one of
/// [`Sharder::PARTS`] equal parts, and each shard owns a number of parts: its share of the
/// conversations. The seed is drawn apart from the tables' own, so the 4-tuples of one shard
/// still spread over all of its table's buckets.
#[derive(Debug, Clone, Copy)]
pub struct Sharder {
    hasher: KeyHasher,
    /// The shard of each part.
    shard_of_part: [u8; Sharder::PARTS],
}

impl Sharder {
    /// The parts the hashes are cut into: the finest share a shard can have is one of them.
    pub const PARTS: usize = 64;

    /// Shards owning `parts[i]` parts each (their sum at most [`PARTS`](Self::PARTS); the
    /// last shard takes what is left). At most 256 shards, and each gets at least one
    /// part while parts last.
    pub fn new(parts: &[usize]) -> Sharder {
        let mut shard_of_part = [0u8; Self::PARTS];
        let n = parts.len().clamp(1, 256);
        let mut next = 0;
        for (shard, &p) in parts.iter().enumerate().take(n - 1) {
            for _ in 0..p.max(1) {
                if next < Self::PARTS {
                    shard_of_part[next] = shard as u8;
                    next += 1;
                }
            }
        }
        for part in &mut shard_of_part[next..] {
            *part = (n - 1) as u8;
        }
        Sharder {
            hasher: KeyHasher::default(),
            shard_of_part,
        }
    }

    /// `n` shards with equal shares, but for the first, which owns `first` parts.
    pub fn with_first(n: usize, first: usize) -> Sharder {
        let n = n.clamp(1, Self::PARTS);
        if n == 1 {
            return Sharder::new(&[Self::PARTS]);
        }
        let first = first.clamp(1, Self::PARTS - (n - 1));
        let rest = Self::PARTS - first;
        let mut parts = vec![first];
        parts.extend((0..n - 1).map(|i| rest * (i + 1) / (n - 1) - rest * i / (n - 1)));
        Sharder::new(&parts)
    }

    /// The shard of `seg`'s conversation.
    #[inline]
    pub fn shard(&self, seg: &TcpSegment<'_>) -> usize {
        let (src, dst) = endpoints(seg);
        let h = self.hasher.hash(src, dst);
        // Multiply-shift: the high bits pick the part, evenly.
        let part = ((u128::from(h) * Self::PARTS as u128) >> 64) as usize;
        usize::from(self.shard_of_part[part])
    }
}

/// All conversations in memory, with an optional cap.
///
/// Without a cap every conversation stays, as in Wireshark, and the slot of a conversation
/// is its stream number. With a cap ([`ConversationTable::with_max`]), reaching it evicts a
/// batch of conversations, closed ones first, then the least recently seen; their slots are
/// reused, stream numbers keep counting, and the conversations left are untouched.
///
/// The 4-tuple index holds only slot numbers and hash fingerprints (8 bytes a bucket, see
/// `SlotIndex`); the 4-tuple itself is read from the conversation when a fingerprint
/// matches.
#[derive(Debug, Default)]
pub struct ConversationTable {
    /// Slot of the current conversation of each 4-tuple.
    by_key: SlotIndex,
    /// Hashes the 4-tuples of `by_key`, with this table's seed.
    hasher: KeyHasher,
    /// Conversations by slot.
    slots: Slots,
    /// Slots freed by eviction.
    free: Vec<u32>,
    /// Stream → slot for conversations not in the slot of their stream number.
    moved: FxHashMap<u32, u32>,
    next_stream: u32,
    clock: u64,
    /// The most conversations kept at once; 0 = no cap.
    max: usize,
    evicted: Evictions,
    /// The diagnosis states of conversations just evicted, with their streams, until the
    /// analyzer finishes them ([`take_evicted_diagnosis`](Self::take_evicted_diagnosis)).
    evicted_diagnosis: Vec<(u32, Box<diagnosis::State>)>,
}

/// Conversations dropped to stay under the cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evictions {
    /// Both ends closed (FIN exchange finished or RST).
    pub closed: u64,
    /// Still open, least recently seen.
    pub idle: u64,
}

impl Evictions {
    pub fn total(&self) -> u64 {
        self.closed + self.idle
    }
}

/// The result of looking a segment up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    /// The conversation's stream number.
    pub stream: u32,
    /// Where the conversation is held (see [`ConversationTable::slot_mut`]).
    pub slot: u32,
    pub side: Side,
    /// A new conversation was started by this segment.
    pub new: bool,
    /// The new conversation replaces an earlier one on the same 4-tuple (port reuse).
    pub reused_ports: bool,
}

/// Whether a conversation is over: both ends CLOSED or TIME_WAIT (RFC 9293 §3.3.2).
fn is_closed(c: &Conversation) -> bool {
    c.lifecycle
        .states()
        .iter()
        .all(|s| matches!(s, TcpState::Closed | TcpState::TimeWait))
}

impl ConversationTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// A table that keeps at most `max` conversations (0 = no cap).
    pub fn with_max(max: usize) -> Self {
        ConversationTable {
            max,
            ..Self::default()
        }
    }

    /// The cap (0 = none).
    pub fn max(&self) -> usize {
        self.max
    }

    /// Conversations in memory.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Conversations ever created (= the next stream number).
    pub fn created(&self) -> u32 {
        self.next_stream
    }

    pub fn evictions(&self) -> Evictions {
        self.evicted
    }

    fn slot_of(&self, stream: u32) -> Option<usize> {
        // A freed slot holds stream u32::MAX until it is reused.
        let direct = stream as usize;
        if self.slots.get(direct).is_some_and(|c| c.stream == stream) {
            return Some(direct);
        }
        self.moved.get(&stream).map(|&s| s as usize)
    }

    /// The conversation of `stream`, if it is in memory.
    pub fn get(&self, stream: u32) -> Option<&Conversation> {
        self.slot_of(stream).map(|i| &self.slots[i])
    }

    pub fn get_mut(&mut self, stream: u32) -> Option<&mut Conversation> {
        self.slot_of(stream).map(|i| &mut self.slots[i])
    }

    /// The conversation a [`Lookup`] found.
    pub fn slot_mut(&mut self, slot: u32) -> &mut Conversation {
        &mut self.slots[slot as usize]
    }

    /// The conversations in memory, in stream order.
    pub fn iter(&self) -> impl Iterator<Item = &Conversation> {
        let mut v: Vec<&Conversation> =
            self.slots.iter().filter(|c| c.stream != u32::MAX).collect();
        if !self.moved.is_empty() {
            v.sort_unstable_by_key(|c| c.stream);
        }
        v.into_iter()
    }

    /// Bytes of analysis state held: the conversations, their unacknowledged-segment
    /// lists, their diagnosis and own-verdict states and the tables that find them. Divided by
    /// [`len`](Self::len), the cost of one live conversation.
    pub fn state_bytes(&self) -> usize {
        use core::mem::size_of;
        self.slots.heap_bytes()
            + self.free.capacity() * size_of::<u32>()
            + self.by_key.heap_bytes()
            + self.moved.capacity() * (size_of::<(u32, u32)>() + 1)
            + self
                .slots
                .iter()
                .map(|c| {
                    c.analysis.heap_bytes()
                        + c.diagnosis
                            .as_ref()
                            .map_or(0, |_| size_of::<diagnosis::State>())
                        + c.verdicts
                            .as_ref()
                            .map_or(0, |_| size_of::<crate::verdict::ConvVerdicts>())
                        + c.stats
                            .dir
                            .as_ref()
                            .map_or(0, |_| size_of::<[crate::statistics::DirStats; 2]>())
                })
                .sum::<usize>()
    }

    /// The diagnosis states of the conversations evicted since the last call, with their
    /// streams.
    pub(crate) fn take_evicted_diagnosis(
        &mut self,
    ) -> impl Iterator<Item = (u32, Box<diagnosis::State>)> + '_ {
        self.evicted_diagnosis.drain(..)
    }

    /// The conversations in memory, in stream order, to change.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Conversation> {
        let mut v: Vec<&mut Conversation> = self
            .slots
            .chunks
            .iter_mut()
            .flatten()
            .filter(|c| c.stream != u32::MAX)
            .collect();
        if !self.moved.is_empty() {
            v.sort_unstable_by_key(|c| c.stream);
        }
        v.into_iter()
    }

    /// The slot bound to the 4-tuple `a`–`b`.
    fn find(&self, hash: u64, a: &Endpoint, b: &Endpoint) -> Option<u32> {
        let slots = &self.slots;
        self.by_key
            .find(hash, |s| slots[s as usize].is_between(a, b))
    }

    /// Binds the 4-tuple of the conversation in `slot` to it, replacing an earlier binding
    /// of the same 4-tuple (port reuse).
    fn bind(&mut self, hash: u64, slot: u32) {
        let slots = &self.slots;
        let [a, b] = &slots[slot as usize].endpoints;
        self.by_key
            .set(hash, |s| slots[s as usize].is_between(a, b), slot);
    }

    /// The hash of `seg`'s 4-tuple in this table, for the prefetches of a segment a few
    /// ahead of its [`lookup`](Self::lookup): computed once for both.
    #[inline]
    pub fn key_hash(&self, seg: &TcpSegment<'_>) -> KeyHash {
        let (src, dst) = endpoints(seg);
        KeyHash(self.hasher.hash(src, dst))
    }

    /// Prefetches the index bucket a [`lookup`](Self::lookup) of the segment of `hash`
    /// reads first ([`crate::prefetch`]); a few packets ahead of it.
    #[inline]
    pub fn prefetch_bucket(&self, hash: KeyHash) {
        if let Some(b) = self.by_key.home(hash.0) {
            crate::prefetch::prefetch(b);
        }
    }

    /// Prefetches the conversation a [`lookup`](Self::lookup) of the segment of `hash` would
    /// find, as its bucket names it (keys not compared); after
    /// [`prefetch_bucket`](Self::prefetch_bucket) had time to bring the bucket in.
    #[inline]
    pub fn prefetch_conversation(&self, hash: KeyHash) {
        if let Some(c) = self.guessed(hash) {
            crate::prefetch::prefetch_all(c);
        }
    }

    /// The conversation the bucket of `hash` names, keys not compared: for prefetches only.
    #[inline]
    fn guessed(&self, hash: KeyHash) -> Option<&Conversation> {
        let slot = self.by_key.guess(hash.0)?;
        self.slots.get(slot as usize)
    }

    /// Prefetches what the conversation of `hash` holds on the heap and every segment
    /// reads: its per-direction statistics (352 bytes, when gathered) and the oldest
    /// unacknowledged segment of each direction. Reads the conversation's pointers, so it
    /// comes after [`prefetch_conversation`](Self::prefetch_conversation) brought the
    /// conversation in, else it waits for it.
    #[inline]
    pub fn prefetch_held(&self, hash: KeyHash) {
        if let Some(c) = self.guessed(hash) {
            if let Some(dir) = &c.stats.dir {
                crate::prefetch::prefetch_all(&**dir);
            }
            for f in &c.analysis.flows {
                if let Some(first) = f.segments.first() {
                    crate::prefetch::prefetch(first);
                }
            }
        }
    }

    /// Finds or creates the conversation of `seg`, applying Wireshark 4.0's port-reuse rule.
    #[inline]
    pub fn lookup(&mut self, seg: &TcpSegment<'_>, ts_ns: i64) -> Lookup {
        let hash = self.key_hash(seg);
        self.lookup_hashed(seg, ts_ns, hash)
    }

    /// [`lookup`](Self::lookup) with `seg`'s [`key_hash`](Self::key_hash) in this table,
    /// computed already for its prefetches.
    pub fn lookup_hashed(&mut self, seg: &TcpSegment<'_>, ts_ns: i64, hash: KeyHash) -> Lookup {
        debug_assert_eq!(
            hash,
            self.key_hash(seg),
            "the hash of another segment or table"
        );
        self.clock += 1;
        let (src, dst) = endpoints(seg);
        let hash = hash.0;
        if let Some(slot) = self.find(hash, &src, &dst) {
            let clock = self.clock;
            let conv = &mut self.slots[slot as usize];
            let side = conv.side_of(&src);
            let pure_syn = seg.flags.syn()
                && !seg.flags.ack()
                && !matches!(seg.kind, SegmentKind::IcmpQuoted(_));
            let reused = pure_syn
                && conv.flows[side.idx()]
                    .base_seq
                    .is_some_and(|base| base != seg.seq);
            if !reused {
                conv.seen = clock;
                return Lookup {
                    stream: conv.stream,
                    slot,
                    side,
                    new: false,
                    reused_ports: false,
                };
            }
            // The old conversation leaves the key; it stays in memory under its stream.
            let new = self.create(hash, src, dst, seg, ts_ns);
            return Lookup {
                reused_ports: true,
                ..new
            };
        }
        self.create(hash, src, dst, seg, ts_ns)
    }

    fn create(
        &mut self,
        hash: u64,
        src: Endpoint,
        dst: Endpoint,
        seg: &TcpSegment<'_>,
        ts_ns: i64,
    ) -> Lookup {
        if self.max > 0 && self.len() >= self.max {
            self.evict();
        }
        let stream = self.next_stream;
        self.next_stream = self.next_stream.wrapping_add(1);
        let client_by = ClientBy::of(seg);
        let (client, server) = if client_by.first_sender_is_server(seg) {
            (dst, src)
        } else {
            (src, dst)
        };
        let view = SegmentView {
            side: if client_by.first_sender_is_server(seg) {
                Side::Server
            } else {
                Side::Client
            },
            flags: seg.flags,
            seq: seg.seq,
            ack: seg.ack,
            seg_len: seg.seg_len,
        };
        let conv = Conversation {
            stream,
            endpoints: [client, server],
            client_by,
            flows: [Flow::default(); 2],
            lifecycle: Lifecycle::new(&view),
            stats: ConnStats::new(ts_ns),
            analysis: ConvAnalysis::default(),
            diagnosis: None,
            verdicts: None,
            seen: self.clock,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = conv;
                slot
            }
            None => {
                self.slots.push(conv);
                (self.slots.len() - 1) as u32
            }
        };
        if slot != stream {
            self.moved.insert(stream, slot);
        }
        self.bind(hash, slot);
        Lookup {
            stream,
            slot,
            side: view.side,
            new: true,
            reused_ports: false,
        }
    }

    /// Frees a batch of slots (a sixteenth of the cap, at least one): closed conversations
    /// first, then the least recently seen. Batches keep the cost per new conversation
    /// constant.
    fn evict(&mut self) {
        let batch = (self.max / 16).max(1);
        let mut order: Vec<(bool, u64, u32)> = self
            .slots
            .iter()
            .zip(0u32..)
            .filter(|(c, _)| c.stream != u32::MAX)
            .map(|(c, i)| (!is_closed(c), c.seen, i))
            .collect();
        let batch = batch.min(order.len());
        if batch == 0 {
            return;
        }
        order.select_nth_unstable(batch - 1);
        for &(open, _, slot) in &order[..batch] {
            let c = &mut self.slots[slot as usize];
            // Unbind the 4-tuple only if it still leads here (not to a port-reuse successor).
            let [a, b] = c.endpoints;
            self.by_key.remove(self.hasher.hash(a, b), slot);
            self.moved.remove(&c.stream);
            // Release the conversation's heap now; the slot is overwritten on reuse. Its
            // diagnosis still has to say what it knows.
            c.analysis = ConvAnalysis::default();
            if let Some(d) = c.diagnosis.take() {
                self.evicted_diagnosis.push((c.stream, d));
            }
            c.stream = u32::MAX;
            if open {
                self.evicted.idle += 1;
            } else {
                self.evicted.closed += 1;
            }
            self.free.push(slot);
        }
    }
}

/// Relative numbers for one segment, and the base bookkeeping that produces them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relative {
    pub seq: u32,
    pub ack: u32,
}

/// Sets the flows' bases from this segment (first pass) and returns its relative numbers.
pub fn relative_numbers(flows: &mut [Flow; 2], side: Side, seg: &TcpSegment<'_>) -> Relative {
    let (s, r) = (side.idx(), side.other().idx());
    let f = seg.flags;
    // A SYN-ACK with a new ISN re-bases the sender (Wireshark 4.0 port-reuse path).
    if f.syn() && f.ack() && flows[s].base_seq.is_some_and(|b| b != seg.seq) {
        flows[s].base_seq = Some(seg.seq);
    }
    if flows[s].base_seq.is_none() {
        flows[s].base_seq = Some(if f.syn() {
            seg.seq
        } else {
            seg.seq.wrapping_sub(1)
        });
    }
    if flows[r].base_seq.is_none() && f.ack() {
        flows[r].base_seq = Some(seg.ack.wrapping_sub(1));
    }
    let seq = seg.seq.wrapping_sub(flows[s].base_seq.unwrap_or(0));
    let ack = match (f.ack(), flows[r].base_seq) {
        (true, Some(base)) => seg.ack.wrapping_sub(base),
        _ => seg.ack,
    };
    Relative { seq, ack }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::SegBuilder;
    use crate::wire::{decode, Decoded, LinkType};

    fn with_seg<R>(b: SegBuilder, f: impl FnOnce(&TcpSegment<'_>) -> R) -> R {
        let raw = b.raw();
        match decode(LinkType::Raw, &raw, raw.len() as u32) {
            Ok(Decoded::Tcp(seg)) => f(&seg),
            other => panic!("not TCP: {other:?}"),
        }
    }

    const A: &str = "10.0.0.1:1000";
    const B: &str = "10.0.0.2:80";

    #[test]
    fn both_directions_share_a_stream_and_new_tuples_get_new_ones() {
        let mut t = ConversationTable::new();
        let l1 = with_seg(SegBuilder::v4(A, B).flags("S"), |s| t.lookup(s, 0));
        let l2 = with_seg(SegBuilder::v4(B, A).flags("SA"), |s| t.lookup(s, 0));
        let l3 = with_seg(SegBuilder::v4("10.0.0.1:1001", B).flags("S"), |s| {
            t.lookup(s, 0)
        });
        assert_eq!((l1.stream, l1.side, l1.new), (0, Side::Client, true));
        assert_eq!((l2.stream, l2.side, l2.new), (0, Side::Server, false));
        assert_eq!((l3.stream, l3.new), (1, true));
    }

    #[test]
    fn syn_with_new_isn_is_port_reuse_same_isn_is_not() {
        let mut t = ConversationTable::new();
        with_seg(SegBuilder::v4(A, B).flags("S").seq(100), |s| {
            let l = t.lookup(s, 0);
            relative_numbers(&mut t.get_mut(l.stream).unwrap().flows, l.side, s);
        });
        let same = with_seg(SegBuilder::v4(A, B).flags("S").seq(100), |s| t.lookup(s, 0));
        assert_eq!((same.stream, same.reused_ports), (0, false));
        let reused = with_seg(SegBuilder::v4(A, B).flags("S").seq(999), |s| t.lookup(s, 0));
        assert_eq!(
            (reused.stream, reused.new, reused.reused_ports),
            (1, true, true)
        );
        // Later packets of the tuple go to the newest conversation.
        let later = with_seg(SegBuilder::v4(B, A).flags("SA"), |s| t.lookup(s, 0));
        assert_eq!(later.stream, 1);
    }

    #[test]
    fn client_is_the_syn_ack_receiver_when_the_syn_was_missed() {
        let mut t = ConversationTable::new();
        let l = with_seg(SegBuilder::v4(B, A).flags("SA"), |s| t.lookup(s, 0));
        assert_eq!(l.side, Side::Server);
        assert_eq!(t.get(0).unwrap().endpoints[0].to_string(), A);
    }

    #[test]
    fn a_mid_stream_client_is_guessed_from_the_ports() {
        // (first packet's sender, receiver, flags) -> (the client, how it was told)
        let cases = [
            (
                "10.0.0.2:443",
                "10.0.0.1:50000",
                "PA",
                "10.0.0.1:50000",
                ClientBy::Ports,
            ),
            (
                "10.0.0.1:50000",
                "10.0.0.2:443",
                "A",
                "10.0.0.1:50000",
                ClientBy::Ports,
            ),
            // Both above 1023: the lower port is the server's, unless the other is a
            // common service's.
            (
                "10.0.0.2:8080",
                "10.0.0.1:50000",
                "A",
                "10.0.0.1:50000",
                ClientBy::Ports,
            ),
            (
                "10.0.0.2:40000",
                "10.0.0.1:50000",
                "A",
                "10.0.0.1:50000",
                ClientBy::Ports,
            ),
            (
                "10.0.0.2:3033",
                "10.0.0.1:44818",
                "A",
                "10.0.0.2:3033",
                ClientBy::Ports,
            ),
            // Both well-known: the lower one.
            (
                "10.0.0.1:179",
                "10.0.0.2:22",
                "A",
                "10.0.0.1:179",
                ClientBy::Ports,
            ),
            // Equal ports cannot tell: the first sender.
            (
                "10.0.0.2:5000",
                "10.0.0.1:5000",
                "A",
                "10.0.0.2:5000",
                ClientBy::FirstPacket,
            ),
            // A SYN says it whatever the ports.
            (
                "10.0.0.2:80",
                "10.0.0.1:5000",
                "S",
                "10.0.0.2:80",
                ClientBy::Syn,
            ),
            (
                "10.0.0.2:50000",
                "10.0.0.1:80",
                "SA",
                "10.0.0.1:80",
                ClientBy::SynAck,
            ),
        ];
        for (from, to, flags, client, by) in cases {
            let mut t = ConversationTable::new();
            let l = with_seg(SegBuilder::v4(from, to).flags(flags), |s| t.lookup(s, 0));
            let c = t.get(0).unwrap();
            assert_eq!(
                (c.endpoints[0].to_string(), c.client_by),
                (client.to_string(), by)
            );
            assert_eq!(l.side == Side::Client, from == client, "{from} {flags}");
        }
        assert_eq!(ClientBy::Ports.name(), "ports");
        for (i, (by, _)) in ClientBy::ALL.iter().enumerate() {
            assert_eq!(*by as usize, i);
        }
    }

    #[test]
    fn relative_numbers_from_syn_and_mid_stream() {
        let mut flows = [Flow::default(); 2];
        let r = with_seg(SegBuilder::v4(A, B).flags("S").seq(1000), |s| {
            relative_numbers(&mut flows, Side::Client, s)
        });
        assert_eq!((r.seq, r.ack), (0, 0));
        let r = with_seg(SegBuilder::v4(B, A).flags("SA").seq(5000).ack(1001), |s| {
            relative_numbers(&mut flows, Side::Server, s)
        });
        assert_eq!((r.seq, r.ack), (0, 1));

        let mut mid = [Flow::default(); 2];
        let r = with_seg(SegBuilder::v4(A, B).flags("PA").seq(70).ack(9000), |s| {
            relative_numbers(&mut mid, Side::Client, s)
        });
        assert_eq!((r.seq, r.ack), (1, 1));
        let r = with_seg(SegBuilder::v4(B, A).flags("A").seq(9000).ack(80), |s| {
            relative_numbers(&mut mid, Side::Server, s)
        });
        assert_eq!((r.seq, r.ack), (1, 11));
    }

    #[test]
    fn ack_without_ack_bit_stays_raw_and_wraps() {
        let mut flows = [Flow::default(); 2];
        let r = with_seg(
            SegBuilder::v4(A, B).flags("S").seq(0xffff_fff0).ack(77),
            |s| relative_numbers(&mut flows, Side::Client, s),
        );
        assert_eq!(r.ack, 77);
        let r = with_seg(SegBuilder::v4(A, B).flags("A").seq(0x10).ack(5), |s| {
            relative_numbers(&mut flows, Side::Client, s)
        });
        assert_eq!(r.seq, 0x20, "relative seq wraps through zero");
    }

    #[test]
    fn the_seed_changes_no_lookup() {
        // Many 4-tuples (IPv4 and IPv6, port reuse, eviction under a cap) looked up in
        // tables with different seeds, a degenerate one included, give the same answers.
        let mut segs = Vec::new();
        for i in 0..300u32 {
            let a = format!("10.0.{}.{}:{}", i % 7, i % 5, 1000 + i % 11);
            let v6 = format!("[2001:db8::{:x}]:{}", i % 13, 2000 + i % 3);
            segs.push(SegBuilder::v4(&a, B).flags("S").seq(i % 4));
            segs.push(SegBuilder::v4(B, &a).flags("A"));
            segs.push(
                SegBuilder::v6(&v6, "[2001:db8::1]:443")
                    .flags("S")
                    .seq(i % 2),
            );
        }
        let run = |hasher: KeyHasher, max: usize| {
            let mut t = ConversationTable {
                hasher,
                ..ConversationTable::with_max(max)
            };
            let lookups: Vec<Lookup> = segs
                .iter()
                .map(|b| {
                    with_seg(b.clone(), |s| {
                        let l = t.lookup(s, 0);
                        relative_numbers(&mut t.slot_mut(l.slot).flows, l.side, s);
                        l
                    })
                })
                .collect();
            (lookups, t.created(), t.evictions())
        };
        for max in [0, 40] {
            let want = run(KeyHasher { seed: [0; 4] }, max);
            assert!(want.1 > 100);
            for seed in [[1, 2, 3, 4], [u64::MAX; 4]] {
                assert!(run(KeyHasher { seed }, max) == want, "seed {seed:?}");
            }
            assert!(run(KeyHasher::default(), max) == want);
        }
    }

    #[test]
    fn the_key_hash_is_symmetric_and_seeded_per_table() {
        let (a, b) = with_seg(SegBuilder::v4(A, B), endpoints);
        let h = KeyHasher::default();
        assert_eq!(h.hash(a, b), h.hash(b, a));
        let (x, y) = with_seg(
            SegBuilder::v6("[2001:db8::1]:1", "[2001:db8::2]:2"),
            endpoints,
        );
        assert_eq!(h.hash(x, y), h.hash(y, x));
        assert_ne!(KeyHasher::default().hash(a, b), h.hash(a, b));
    }

    #[test]
    fn a_conversation_has_one_shard_and_shards_share_the_load() {
        for n in [1, 2, 3, 8] {
            let sharder = Sharder::with_first(n, Sharder::PARTS / n);
            let mut load = vec![0u32; n];
            for i in 0..4000u32 {
                let a = format!("10.{}.{}.{}:{}", i % 3, i % 251, i % 7, 1024 + i);
                let v6 = format!("[2001:db8::{:x}]:{}", i, 2000 + i % 3);
                let pairs = [
                    (SegBuilder::v4(&a, B), SegBuilder::v4(B, &a)),
                    (
                        SegBuilder::v6(&v6, "[2001:db8::1]:443"),
                        SegBuilder::v6("[2001:db8::1]:443", &v6),
                    ),
                ];
                for (there, back) in pairs {
                    let there = with_seg(there.flags("S"), |s| sharder.shard(s));
                    let back = with_seg(back.flags("SA"), |s| sharder.shard(s));
                    assert_eq!(there, back, "{a} {v6}");
                    assert!(there < n);
                    load[there] += 1;
                }
            }
            // 8,000 conversations: each shard within a fifth of its share.
            let share = 8000 / n as u32;
            for l in load {
                assert!(
                    l.abs_diff(share) < share / 5,
                    "{n} shards: {l} against {share}"
                );
            }
        }
    }

    #[test]
    fn a_shard_owns_its_parts() {
        let parts = |s: &Sharder| {
            let mut count = [0usize; 4];
            for &p in &s.shard_of_part {
                count[p as usize] += 1;
            }
            count
        };
        assert_eq!(parts(&Sharder::with_first(2, 20)), [20, 44, 0, 0]);
        assert_eq!(parts(&Sharder::with_first(3, 4)), [4, 30, 30, 0]);
        assert_eq!(parts(&Sharder::with_first(4, 1)), [1, 21, 21, 21]);
        // Each shard keeps at least one part.
        assert_eq!(parts(&Sharder::with_first(3, 64)), [62, 1, 1, 0]);
        assert_eq!(parts(&Sharder::with_first(1, 5)), [64, 0, 0, 0]);
        assert_eq!(parts(&Sharder::new(&[0, 0, 0])), [1, 1, 62, 0]);
    }

    /// The batches hand `lookup_hashed` the hash they prefetched with; one of another
    /// segment would file the segment under the wrong bucket, so debug builds (the tests)
    /// refuse it.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "the hash of another segment or table")]
    fn a_hash_of_another_segment_is_refused() {
        let mut t = ConversationTable::new();
        let other = with_seg(SegBuilder::v4("10.0.0.9:1234", B), |s| t.key_hash(s));
        with_seg(SegBuilder::v4("10.0.0.1:1234", B), |s| {
            t.lookup_hashed(s, 0, other);
        });
    }

    #[test]
    fn hashed_lookups_find_what_lookups_find() {
        let segs: Vec<SegBuilder> = (0..300u32)
            .map(|i| SegBuilder::v4(&format!("10.2.{}.{}:{}", i % 5, i % 13, 2000 + i % 20), B))
            .collect();
        let (mut plain, mut hashed) = (ConversationTable::new(), ConversationTable::new());
        for b in &segs {
            let l = with_seg(b.clone(), |s| plain.lookup(s, 0));
            let h = with_seg(b.clone(), |s| {
                hashed.lookup_hashed(s, 0, hashed.key_hash(s))
            });
            assert_eq!(l, h);
        }
        // 260 4-tuples (the lcm of 5, 13 and 20), 40 of them seen twice.
        assert_eq!((plain.created(), hashed.created()), (260, 260));
    }

    #[test]
    fn prefetching_is_a_hint_on_any_table() {
        let segs: Vec<SegBuilder> = (0..200u32)
            .map(|i| SegBuilder::v4(&format!("10.1.{}.{}:{}", i % 3, i % 17, 1000 + i), B))
            .collect();
        let mut t = ConversationTable::new();
        // An empty table, then one filling up: a prefetch before each lookup, of this
        // segment and of one not seen yet, reads nothing the lookups then see differently.
        for (i, b) in segs.iter().enumerate() {
            with_seg(b.clone(), |s| {
                t.prefetch_bucket(t.key_hash(s));
                t.prefetch_conversation(t.key_hash(s));
                t.prefetch_held(t.key_hash(s));
            });
            let next = segs[(i * 7 + 3) % segs.len()].clone();
            with_seg(next, |s| t.prefetch_conversation(t.key_hash(s)));
            let l = with_seg(b.clone(), |s| t.lookup(s, 0));
            assert!(l.new && l.stream == i as u32);
        }
        assert_eq!(t.created(), 200);
    }
}
