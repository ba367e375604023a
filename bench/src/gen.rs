//! Deterministic synthetic captures for the benchmarks and the flood tests.
//!
//! The same [`Config`] always gives the same bytes. A realistic mix keeps
//! [`Config::conns`] conversations open at once and interleaves their packets in time order;
//! every `tcp.analysis` verdict kind occurs in it (loss, duplication, reordering, spurious
//! retransmission, segments the capture missed, zero-window episodes, keep-alives, port
//! reuse), next to plain request/response connections, bulk transfers, refused and
//! unanswered handshakes, resets and connections already open when the capture began.
//! The flood mixes make one new conversation per packet (or pair) to test bounded memory.
//!
//! [`write_pcap`] writes into any [`Write`], so the microbenchmarks can generate in memory.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Write};

/// What to generate, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Packets to write; exactly this many are written.
    pub packets: u64,
    /// Conversations open at the same time (realistic mix).
    pub conns: u32,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
    /// Every packet is cut to this many bytes, as a capture with `-s` would.
    pub snaplen: u32,
    /// Percentage (0 to 100) of conversations over IPv6.
    pub v6_percent: u32,
    pub mix: Mix,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            packets: 1_000_000,
            conns: 10_000,
            seed: 1,
            snaplen: 65_535,
            v6_percent: 20,
            mix: Mix::Realistic,
        }
    }
}

/// The kind of traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Interleaved connections of every kind, with impairments.
    Realistic,
    /// One SYN per packet, each to a new port: every packet is a new conversation.
    SynFlood,
    /// Half-open handshakes (SYN, SYN-ACK, never an ACK) mixed with mid-stream data of
    /// conversations never seen before.
    HalfOpen,
}

/// Writes the capture `cfg` describes as classic pcap (Ethernet, microsecond timestamps)
/// into `out`, and returns the number of packets written.
pub fn write_pcap<W: Write>(cfg: &Config, out: W) -> io::Result<u64> {
    let mut pcap = PcapOut::new(out, cfg.snaplen)?;
    match cfg.mix {
        Mix::Realistic => realistic(cfg, &mut pcap)?,
        Mix::SynFlood | Mix::HalfOpen => flood(cfg, &mut pcap)?,
    }
    pcap.out.flush()?;
    Ok(pcap.written)
}

/// SplitMix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u32) -> u32 {
        (((self.next() >> 32) * u64::from(n)) >> 32) as u32
    }
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }
    fn percent(&mut self, p: u32) -> bool {
        self.below(100) < p
    }
}

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// Window field and shift both sides announce: 502 << 7 = 64,256 bytes.
const WINDOW: u16 = 502;
const WSCALE: u8 = 7;
const MSS: u16 = 1440;

/// One packet of a conversation's script.
#[derive(Clone, Copy)]
struct Pkt {
    /// Microseconds after the conversation's previous packet.
    gap_us: u32,
    from_client: bool,
    flags: u8,
    seq: u32,
    ack: u32,
    window: u16,
    len: u16,
    /// SYN options, or one SACK block.
    opts: Opts,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Opts {
    None,
    Syn,
    Sack(u32, u32),
}

/// Builds a conversation's packets in order, tracking both ends' next sequence numbers.
struct Script {
    pkts: Vec<Pkt>,
    /// Client's and server's next sequence numbers.
    cn: u32,
    sn: u32,
    /// Half the round-trip time, the gap before an answer.
    half_rtt: u32,
}

impl Script {
    fn new(rng: &mut Rng) -> Script {
        Script {
            pkts: Vec::with_capacity(16),
            cn: rng.next() as u32,
            sn: rng.next() as u32,
            half_rtt: rng.range(100, 10_000),
        }
    }

    fn push(&mut self, gap_us: u32, from_client: bool, flags: u8, len: u16, opts: Opts) {
        let (seq, ack) = if from_client {
            (self.cn, self.sn)
        } else {
            (self.sn, self.cn)
        };
        self.pkts.push(Pkt {
            gap_us,
            from_client,
            flags,
            seq,
            ack: if flags & ACK != 0 { ack } else { 0 },
            window: WINDOW,
            len,
            opts,
        });
        let used = u32::from(len) + u32::from(flags & (SYN | FIN) != 0);
        if from_client {
            self.cn = self.cn.wrapping_add(used);
        } else {
            self.sn = self.sn.wrapping_add(used);
        }
    }

    /// The three-way handshake (RFC 9293 §3.5).
    fn handshake(&mut self) {
        self.push(0, true, SYN, 0, Opts::Syn);
        self.push(self.half_rtt, false, SYN | ACK, 0, Opts::Syn);
        self.push(self.half_rtt, true, ACK, 0, Opts::None);
    }

    fn data(&mut self, gap_us: u32, from_client: bool, len: u16) {
        self.push(gap_us, from_client, PSH | ACK, len, Opts::None);
    }

    fn ack(&mut self, gap_us: u32, from_client: bool) {
        self.push(gap_us, from_client, ACK, 0, Opts::None);
    }

    /// A segment that was sent but never reached the capture point: only the sender's
    /// next sequence number moves.
    fn unseen(&mut self, from_client: bool, len: u16) {
        if from_client {
            self.cn = self.cn.wrapping_add(u32::from(len));
        } else {
            self.sn = self.sn.wrapping_add(u32::from(len));
        }
    }

    /// A copy of an earlier packet, sent again after `gap_us`.
    fn again(&mut self, index: usize, gap_us: u32) {
        let mut p = self.pkts[index];
        p.gap_us = gap_us;
        self.pkts.push(p);
    }

    /// An ACK from the client that acknowledges only up to `ack`, with one SACK block.
    fn dup_ack(&mut self, gap_us: u32, ack: u32, sack: (u32, u32)) {
        self.pkts.push(Pkt {
            gap_us,
            from_client: true,
            flags: ACK,
            seq: self.cn,
            ack,
            window: WINDOW,
            len: 0,
            opts: Opts::Sack(sack.0, sack.1),
        });
    }

    /// The four-way close, or three packets when the second FIN rides on the ACK.
    fn close(&mut self, rng: &mut Rng) {
        let client_first = rng.percent(70);
        self.push(rng.range(50, 5_000), client_first, FIN | ACK, 0, Opts::None);
        if rng.percent(50) {
            self.push(self.half_rtt, !client_first, FIN | ACK, 0, Opts::None);
        } else {
            self.ack(self.half_rtt, !client_first);
            self.push(rng.range(10, 500), !client_first, FIN | ACK, 0, Opts::None);
        }
        self.ack(self.half_rtt, client_first);
    }

    /// A response of `segs` full segments from the server, ACKed every second segment.
    fn response(&mut self, rng: &mut Rng, segs: u32) {
        for i in 0..segs {
            self.data(rng.range(5, 60), false, MSS);
            if i % 2 == 1 || i + 1 == segs {
                self.ack(self.half_rtt, true);
            }
        }
    }
}

/// What a conversation does; chosen per conversation from the mix.
#[derive(Clone, Copy)]
enum Kind {
    Plain,
    /// A response segment lost before the capture point: gap, dup ACKs with SACK, fast
    /// retransmission.
    Loss,
    /// A response segment duplicated in the network.
    Duplicate,
    /// A segment retransmitted after its ACK was sent (the ACK was lost or late).
    Spurious,
    /// Two response segments swapped in the network.
    Reorder,
    /// A segment the capture missed although the receiver got and ACKed it.
    AckedUnseen,
    /// A bulk transfer; with a zero-window episode when the flag is set.
    Bulk(bool),
    /// An idle connection kept open with keep-alives.
    KeepAlive,
    /// SYN answered by RST.
    Refused,
    /// SYN repeated, never answered.
    NoAnswer,
    /// The client resets while response data is unacknowledged.
    ResetMid,
    /// A second connection on the same ports with a new ISN.
    Reuse,
    /// Already open when the capture began: no handshake.
    MidStream,
}

fn pick_kind(rng: &mut Rng) -> Kind {
    match rng.below(1000) {
        0..=599 => Kind::Plain,
        600..=639 => Kind::Loss,
        640..=669 => Kind::Duplicate,
        670..=699 => Kind::Spurious,
        700..=729 => Kind::Reorder,
        730..=749 => Kind::AckedUnseen,
        750..=779 => Kind::Bulk(false),
        780..=799 => Kind::Bulk(true),
        800..=839 => Kind::KeepAlive,
        840..=869 => Kind::Refused,
        870..=889 => Kind::NoAnswer,
        890..=929 => Kind::ResetMid,
        930..=959 => Kind::Reuse,
        _ => Kind::MidStream,
    }
}

fn script(kind: Kind, rng: &mut Rng) -> Vec<Pkt> {
    let mut s = Script::new(rng);
    match kind {
        Kind::Refused => {
            s.push(0, true, SYN, 0, Opts::Syn);
            s.sn = 0;
            s.push(s.half_rtt, false, RST | ACK, 0, Opts::None);
            return s.pkts;
        }
        Kind::NoAnswer => {
            s.push(0, true, SYN, 0, Opts::Syn);
            s.again(0, 200_000);
            s.again(0, 400_000);
            return s.pkts;
        }
        Kind::MidStream => {
            s.data(0, true, rng.range(40, 400) as u16);
            let segs = rng.range(1, 4);
            s.response(rng, segs);
            s.close(rng);
            return s.pkts;
        }
        _ => s.handshake(),
    }
    s.data(s.half_rtt, true, rng.range(40, 600) as u16);
    match kind {
        Kind::Plain | Kind::Reuse => {
            let segs = rng.range(1, 4);
            s.response(rng, segs);
        }
        Kind::Loss => loss(&mut s, rng),
        Kind::Duplicate => {
            s.data(rng.range(5, 60), false, MSS);
            let dup = s.pkts.len() - 1;
            s.again(dup, rng.range(1, 30));
            s.ack(s.half_rtt, true);
            s.ack(5, true);
        }
        Kind::Spurious => {
            s.data(rng.range(5, 60), false, MSS);
            let first = s.pkts.len() - 1;
            s.ack(s.half_rtt, true);
            // The server's retransmission timer fires before the ACK arrives.
            s.again(first, s.half_rtt / 2 + 1);
            s.ack(s.half_rtt, true);
        }
        Kind::Reorder => {
            let base = s.sn;
            s.data(rng.range(5, 60), false, MSS);
            // Segment 3 overtakes segment 2 in the network.
            s.sn = base.wrapping_add(2 * u32::from(MSS));
            s.data(rng.range(5, 60), false, MSS);
            let end = s.sn;
            s.sn = base.wrapping_add(u32::from(MSS));
            s.data(rng.range(5, 60), false, MSS);
            s.sn = end;
            s.ack(s.half_rtt, true);
        }
        Kind::AckedUnseen => {
            s.data(rng.range(5, 60), false, MSS);
            s.unseen(false, MSS);
            s.data(rng.range(5, 60), false, MSS);
            s.ack(s.half_rtt, true);
        }
        Kind::Bulk(zero_window) => bulk(&mut s, rng, zero_window),
        Kind::KeepAlive => {
            s.response(rng, 1);
            for _ in 0..rng.range(1, 3) {
                // RFC 9293 §3.8.4: a keep-alive carries seq = SND.NXT − 1.
                s.cn = s.cn.wrapping_sub(1);
                s.ack(rng.range(20_000, 200_000), true);
                s.cn = s.cn.wrapping_add(1);
                s.ack(s.half_rtt, false);
            }
        }
        Kind::ResetMid => {
            s.data(rng.range(5, 60), false, MSS);
            s.data(rng.range(5, 60), false, MSS);
            s.push(rng.range(10, 200), true, RST | ACK, 0, Opts::None);
            return s.pkts;
        }
        Kind::Refused | Kind::NoAnswer | Kind::MidStream => unreachable!("handled above"),
    }
    s.close(rng);
    if let Kind::Reuse = kind {
        // The same 4-tuple again, with new ISNs: Wireshark's "TCP port numbers reused".
        let mut again = Script::new(rng);
        again.handshake();
        again.data(again.half_rtt, true, 100);
        again.response(rng, 1);
        again.close(rng);
        again.pkts[0].gap_us = rng.range(10_000, 100_000);
        s.pkts.extend_from_slice(&again.pkts);
    }
    s.pkts
}

/// Segment 2 of 6 is lost before the capture point; the client's dup ACKs (with SACK)
/// bring a fast retransmission (RFC 5681 §3.2).
fn loss(s: &mut Script, rng: &mut Rng) {
    s.data(rng.range(5, 60), false, MSS);
    s.ack(s.half_rtt, true);
    let hole = s.sn;
    s.unseen(false, MSS);
    let sack_lo = s.sn;
    for _ in 0..4 {
        s.data(rng.range(5, 60), false, MSS);
        let (ack, hi) = (hole, s.sn);
        s.dup_ack(s.half_rtt.min(2_000), ack, (sack_lo, hi));
    }
    let end = s.sn;
    s.sn = hole;
    s.data(rng.range(50, 500), false, MSS);
    s.sn = end;
    s.ack(s.half_rtt, true);
}

/// A bulk transfer; with `zero_window`, the client's receive buffer fills: window full,
/// zero window, a probe and its ACK, then a window update (RFC 9293 §3.8.6.1).
fn bulk(s: &mut Script, rng: &mut Rng, zero_window: bool) {
    let segs = rng.range(20, 200);
    s.response(rng, segs);
    if !zero_window {
        return;
    }
    // The client shrinks its window to 45 << 7 = 5,760 bytes = 4 segments.
    s.pkts.last_mut().expect("response ACKed").window = 45;
    for _ in 0..4 {
        s.data(rng.range(5, 60), false, MSS);
    }
    s.ack(s.half_rtt, true);
    s.pkts.last_mut().expect("just pushed").window = 0;
    // Zero-window probe: one byte at the next sequence number.
    let next = s.sn;
    s.data(s.half_rtt * 2, false, 1);
    s.sn = next;
    s.ack(s.half_rtt, true);
    s.pkts.last_mut().expect("just pushed").window = 0;
    s.ack(rng.range(10_000, 200_000), true);
    let segs = rng.range(2, 10);
    s.response(rng, segs);
}

/// Addresses and ports of one conversation.
#[derive(Clone, Copy)]
struct Tuple {
    v6: bool,
    client: u32,
    server: u32,
    cport: u16,
    sport: u16,
}

impl Tuple {
    fn new(id: u64, rng: &mut Rng, v6_percent: u32) -> Tuple {
        Tuple {
            v6: rng.percent(v6_percent),
            // 24 bits of client address from the conversation number, 16 bits of port
            // from the random stream: distinct 4-tuples for 16 M conversations.
            client: 0x0A00_0000 | (id as u32 & 0x00FF_FFFF),
            server: 0xC0A8_0001 + rng.below(16),
            cport: 1024 + rng.below(64_000) as u16,
            sport: if rng.percent(50) { 443 } else { 80 },
        }
    }
}

/// Writes classic pcap (microsecond timestamps, Ethernet).
struct PcapOut<W: Write> {
    out: W,
    snaplen: u32,
    frame: Vec<u8>,
    written: u64,
}

impl<W: Write> PcapOut<W> {
    fn new(mut out: W, snaplen: u32) -> io::Result<Self> {
        out.write_all(&0xA1B2_C3D4u32.to_le_bytes())?;
        out.write_all(&2u16.to_le_bytes())?;
        out.write_all(&4u16.to_le_bytes())?;
        out.write_all(&[0; 8])?;
        out.write_all(&snaplen.to_le_bytes())?;
        out.write_all(&1u32.to_le_bytes())?;
        Ok(PcapOut {
            out,
            snaplen,
            frame: Vec::with_capacity(2048),
            written: 0,
        })
    }

    fn packet(&mut self, ts_us: u64, t: &Tuple, p: &Pkt) -> io::Result<()> {
        build_frame(&mut self.frame, t, p);
        let len = self.frame.len() as u32;
        let caplen = len.min(self.snaplen);
        let secs = 1_700_000_000 + ts_us / 1_000_000;
        self.out.write_all(&(secs as u32).to_le_bytes())?;
        self.out
            .write_all(&((ts_us % 1_000_000) as u32).to_le_bytes())?;
        self.out.write_all(&caplen.to_le_bytes())?;
        self.out.write_all(&len.to_le_bytes())?;
        self.out.write_all(&self.frame[..caplen as usize])?;
        self.written += 1;
        Ok(())
    }
}

/// Ethernet + IPv4/IPv6 + TCP (with options) + zero payload. Checksums are left zero, as
/// offloading NICs leave them in captures; Wireshark does not check them by default.
fn build_frame(f: &mut Vec<u8>, t: &Tuple, p: &Pkt) {
    f.clear();
    let (src, dst, sport, dport) = if p.from_client {
        (t.client, t.server, t.cport, t.sport)
    } else {
        (t.server, t.client, t.sport, t.cport)
    };
    let opts_len = match p.opts {
        Opts::None => 0,
        // MSS (4), SACK permitted (2), NOP, window scale (3): 10, padded to 12.
        Opts::Syn => 12,
        // NOP NOP SACK(10).
        Opts::Sack(..) => 12,
    };
    let tcp_len = 20 + opts_len + usize::from(p.len);
    f.extend_from_slice(&[0x00, 0x16, 0x3e, 0x00, 0x00, 0x02]);
    f.extend_from_slice(&[0x00, 0x16, 0x3e, 0x00, 0x00, 0x01]);
    if t.v6 {
        f.extend_from_slice(&0x86DDu16.to_be_bytes());
        f.extend_from_slice(&[0x60, 0, 0, 0]);
        f.extend_from_slice(&(tcp_len as u16).to_be_bytes());
        f.extend_from_slice(&[6, 64]);
        for a in [src, dst] {
            f.extend_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            f.extend_from_slice(&a.to_be_bytes());
        }
    } else {
        f.extend_from_slice(&0x0800u16.to_be_bytes());
        f.extend_from_slice(&[0x45, 0]);
        f.extend_from_slice(&((20 + tcp_len) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
        f.extend_from_slice(&src.to_be_bytes());
        f.extend_from_slice(&dst.to_be_bytes());
    }
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&p.seq.to_be_bytes());
    f.extend_from_slice(&p.ack.to_be_bytes());
    f.push(((20 + opts_len) as u8 / 4) << 4);
    f.push(p.flags);
    f.extend_from_slice(&p.window.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0, 0]);
    match p.opts {
        Opts::None => {}
        Opts::Syn => {
            f.extend_from_slice(&[2, 4]);
            f.extend_from_slice(&MSS.to_be_bytes());
            f.extend_from_slice(&[4, 2, 1, 3, 3, WSCALE, 0, 0]);
        }
        Opts::Sack(lo, hi) => {
            f.extend_from_slice(&[1, 1, 5, 10]);
            f.extend_from_slice(&lo.to_be_bytes());
            f.extend_from_slice(&hi.to_be_bytes());
        }
    }
    f.resize(f.len() + usize::from(p.len), 0);
}

/// A conversation in flight: its script and where it is.
struct Live {
    tuple: Tuple,
    pkts: Vec<Pkt>,
    next: usize,
}

fn realistic<W: Write>(cfg: &Config, out: &mut PcapOut<W>) -> io::Result<()> {
    let mut rng = Rng(cfg.seed);
    let mut ids = 0u64;
    let conns = cfg.conns.max(1) as usize;
    let mut slots: Vec<Live> = Vec::with_capacity(conns);
    // Min-heap of (time of the slot's next packet, slot).
    let mut due: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::with_capacity(conns);
    for slot in 0..conns {
        let tuple = Tuple::new(ids, &mut rng, cfg.v6_percent);
        ids += 1;
        slots.push(Live {
            tuple,
            pkts: script(pick_kind(&mut rng), &mut rng),
            next: 0,
        });
        due.push(Reverse((u64::from(rng.below(1_000_000)), slot as u32)));
    }
    while out.written < cfg.packets {
        let Some(Reverse((now, slot))) = due.pop() else {
            break;
        };
        let live = &mut slots[slot as usize];
        let p = live.pkts[live.next];
        out.packet(now, &live.tuple, &p)?;
        live.next += 1;
        if live.next == live.pkts.len() {
            // The conversation is over; a new one takes its place shortly after.
            live.tuple = Tuple::new(ids, &mut rng, cfg.v6_percent);
            ids += 1;
            live.pkts = script(pick_kind(&mut rng), &mut rng);
            live.next = 0;
            due.push(Reverse((now + u64::from(rng.range(1, 50_000)), slot)));
        } else {
            let gap = u64::from(live.pkts[live.next].gap_us);
            due.push(Reverse((now + gap, slot)));
        }
    }
    Ok(())
}

fn flood<W: Write>(cfg: &Config, out: &mut PcapOut<W>) -> io::Result<()> {
    let mut rng = Rng(cfg.seed);
    let mut id = 0u64;
    let mut now = 0u64;
    while out.written < cfg.packets {
        let tuple = Tuple::new(id, &mut rng, cfg.v6_percent);
        id += 1;
        now += u64::from(rng.range(1, 20));
        let mut s = Script::new(&mut rng);
        match cfg.mix {
            Mix::SynFlood => s.push(0, true, SYN, 0, Opts::Syn),
            Mix::HalfOpen if rng.percent(50) => {
                s.push(0, true, SYN, 0, Opts::Syn);
                s.push(s.half_rtt, false, SYN | ACK, 0, Opts::Syn);
            }
            Mix::HalfOpen => s.data(0, false, rng.range(1, 1400) as u16),
            Mix::Realistic => unreachable!("not a flood"),
        }
        for p in &s.pkts {
            if out.written == cfg.packets {
                break;
            }
            now += u64::from(p.gap_us);
            out.packet(now, &tuple, p)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (caplen, orig_len) of every record of a classic little-endian pcap.
    fn records(pcap: &[u8]) -> Vec<(u32, u32)> {
        assert_eq!(pcap[..4], 0xA1B2_C3D4u32.to_le_bytes(), "pcap magic");
        let word = |at: usize| u32::from_le_bytes(pcap[at..at + 4].try_into().unwrap());
        let mut out = Vec::new();
        let mut at = 24;
        while at < pcap.len() {
            let (caplen, orig) = (word(at + 8), word(at + 12));
            out.push((caplen, orig));
            at += 16 + caplen as usize;
        }
        assert_eq!(at, pcap.len(), "the last record ends the file");
        out
    }

    fn generate(cfg: &Config) -> Vec<u8> {
        let mut buf = Vec::new();
        let n = write_pcap(cfg, &mut buf).expect("writing into a Vec");
        assert_eq!(n, records(&buf).len() as u64, "returned count = records");
        buf
    }

    #[test]
    fn writes_exactly_the_packets_asked_for_in_every_mix() {
        for mix in [Mix::Realistic, Mix::SynFlood, Mix::HalfOpen] {
            // 1001 is odd: a half-open pair is cut after its SYN.
            for packets in [0, 1, 1001] {
                let cfg = Config {
                    packets,
                    conns: 50,
                    mix,
                    ..Config::default()
                };
                assert_eq!(records(&generate(&cfg)).len() as u64, packets, "{mix:?}");
            }
        }
    }

    #[test]
    fn snaplen_cuts_every_longer_frame_and_keeps_its_wire_length() {
        let cfg = Config {
            packets: 2_000,
            conns: 100,
            snaplen: 64,
            ..Config::default()
        };
        let recs = records(&generate(&cfg));
        assert!(recs.iter().all(|&(cap, orig)| cap == orig.min(64)));
        assert!(recs.iter().any(|&(cap, orig)| cap == 64 && orig > 1_000));
        assert!(
            recs.iter().any(|&(cap, _)| cap < 64),
            "bare ACKs are shorter"
        );
    }

    #[test]
    fn the_seed_alone_decides_the_bytes() {
        let cfg = Config {
            packets: 5_000,
            conns: 200,
            seed: 42,
            ..Config::default()
        };
        assert_eq!(generate(&cfg), generate(&cfg));
        let other = Config { seed: 43, ..cfg };
        assert_ne!(generate(&cfg), generate(&other));
    }

    #[test]
    fn v6_percent_decides_the_ethertypes() {
        let ethertypes = |v6_percent: u32| -> Vec<u16> {
            let cfg = Config {
                packets: 500,
                conns: 50,
                v6_percent,
                ..Config::default()
            };
            let buf = generate(&cfg);
            let mut at = 24;
            let mut types = Vec::new();
            while at < buf.len() {
                let caplen = u32::from_le_bytes(buf[at + 8..at + 12].try_into().unwrap());
                types.push(u16::from_be_bytes([buf[at + 16 + 12], buf[at + 16 + 13]]));
                at += 16 + caplen as usize;
            }
            types
        };
        assert!(ethertypes(0).iter().all(|&t| t == 0x0800));
        assert!(ethertypes(100).iter().all(|&t| t == 0x86DD));
    }
}
