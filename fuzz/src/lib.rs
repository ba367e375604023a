//! What the fuzz targets share: a cursor over the fuzzer's bytes, the link types, and the
//! analyzer target's frame format (also written by `scripts/fuzz-corpus.py`).
#![deny(unsafe_code)]

/// The supported pcap `LINKTYPE_*` values (the core's table); a selector past the end gives
/// an unsupported one.
pub const LINKTYPES: [u32; tcplens_core::LinkType::ALL_LINKTYPES.len()] =
    tcplens_core::LinkType::ALL_LINKTYPES;

/// The link type a selector byte stands for: [`LINKTYPES`]`[selector]` (modulo one more
/// than their number), or, for the one index past them, an unsupported value so the
/// "unsupported link type" path is reached too. `scripts/fuzz-corpus.py` reads the same
/// list from `link.rs` to write the seeds' selectors.
pub fn linktype(selector: u8) -> u32 {
    match LINKTYPES.get(usize::from(selector) % (LINKTYPES.len() + 1)) {
        Some(l) => *l,
        None => u32::from(selector) << 4 | 0x8000_0000,
    }
}

/// Reads little-endian numbers and byte runs; short input reads as zeros / shorter runs.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Up to `n` bytes (fewer at the end of the input).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    fn le<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let b = self.bytes(N);
        out[..b.len()].copy_from_slice(b);
        out
    }

    pub fn u8(&mut self) -> u8 {
        self.le::<1>()[0]
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.le())
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.le())
    }
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.le())
    }
}

/// One frame of the analyzer target.
pub struct FuzzFrame {
    pub linktype: u32,
    pub bytes: Vec<u8>,
    pub orig_len: u32,
    /// Signed step from the previous frame's time, in microseconds.
    pub step_us: i64,
    /// An absolute capture time instead (any i64, the extremes included).
    pub abs_ns: Option<i64>,
}

impl FuzzFrame {
    /// This frame's time after one at `prev_ns`.
    pub fn time_after(&self, prev_ns: i64) -> i64 {
        self.abs_ns
            .unwrap_or_else(|| prev_ns.saturating_add(self.step_us.saturating_mul(1000)))
    }
}

/// Decodes the next frame of the analyzer target's input:
///
/// ```text
/// tag u8, step u16            bit 0 of tag: 0 raw, 1 structured; bit 7: time goes backwards
///                             bit 6: an absolute time i64 follows (hostile timestamps)
/// raw:        link u8, slack u8, len u16, bytes[len]        orig_len = len + slack
/// structured: conv u8, flags u16, seq u32, ack u32, window u16, payload u8, optlen u8, options
/// ```
///
/// Raw frames carry mutated real frames (the seeds are the test captures); structured ones
/// build a valid IPv4/IPv6 TCP segment from fuzzed header fields, on one of four port pairs
/// in either direction, with sequence numbers near fixed ISNs unless `conv` bit 4 asks for
/// raw ones, so the state machine's deeper paths (retransmissions, dup ACKs, teardown,
/// port reuse) are reached quickly.
pub fn next_frame(input: &mut Input<'_>) -> Option<FuzzFrame> {
    if input.is_empty() {
        return None;
    }
    let tag = input.u8();
    let step = i64::from(input.u16());
    let step_us = if tag & 0x80 != 0 { -step } else { step };
    let abs_ns = (tag & 0x40 != 0).then(|| input.u64() as i64);
    if tag & 1 == 0 {
        let linktype = linktype(input.u8());
        let slack = u32::from(input.u8());
        let len = usize::from(input.u16());
        let bytes = input.bytes(len).to_vec();
        let orig_len = bytes.len() as u32 + slack;
        return Some(FuzzFrame {
            linktype,
            bytes,
            orig_len,
            step_us,
            abs_ns,
        });
    }
    let conv = input.u8();
    let flags = input.u16() & 0x1ff;
    let (seq, ack) = (input.u32(), input.u32());
    let window = input.u16();
    let payload = usize::from(input.u8());
    let optlen = usize::from(input.u8()) % 41;
    let options = input.bytes(optlen);
    let to_server = conv & 4 == 0;
    let (seq, ack) = if conv & 0x10 != 0 {
        (seq, ack)
    } else {
        // ISNs 1000 (client) and 900000 (server): small offsets land on live sequence space.
        let (own, peer) = if to_server {
            (1000, 900_000)
        } else {
            (900_000, 1000)
        };
        (
            own + (seq & 0xffff),
            if ack == 0 { 0 } else { peer + (ack & 0xffff) },
        )
    };
    let pair = u16::from(conv & 3);
    let (client, server) = (40_000 + pair, 80 + (pair & 1));
    let (sport, dport) = if to_server {
        (client, server)
    } else {
        (server, client)
    };
    let tcp = tcp_header(sport, dport, seq, ack, flags, window, options, payload);
    let bytes = if conv & 8 == 0 {
        ipv4(to_server, &tcp)
    } else {
        ipv6(to_server, &tcp)
    };
    Some(FuzzFrame {
        linktype: 101,
        orig_len: bytes.len() as u32,
        bytes,
        step_us,
        abs_ns,
    })
}

#[allow(clippy::too_many_arguments)]
fn tcp_header(
    sport: u16,
    dport: u16,
    seq: u32,
    ack: u32,
    flags: u16,
    window: u16,
    options: &[u8],
    payload: usize,
) -> Vec<u8> {
    let mut opts = options.to_vec();
    opts.resize(opts.len().div_ceil(4) * 4, 0);
    let hlen = 20 + opts.len();
    let mut t = Vec::with_capacity(hlen + payload);
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&ack.to_be_bytes());
    t.extend_from_slice(&((((hlen / 4) as u16) << 12) | flags).to_be_bytes());
    t.extend_from_slice(&window.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0]);
    t.extend_from_slice(&opts);
    t.resize(hlen + payload, 0x61);
    t
}

fn ipv4(to_server: bool, tcp: &[u8]) -> Vec<u8> {
    let (src, dst) = if to_server {
        ([10, 0, 0, 1], [10, 0, 0, 2])
    } else {
        ([10, 0, 0, 2], [10, 0, 0, 1])
    };
    let total = (20 + tcp.len()) as u16;
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(tcp);
    p
}

fn ipv6(to_server: bool, tcp: &[u8]) -> Vec<u8> {
    let mut a = [0u8; 16];
    a[0] = 0xfd;
    let mut b = a;
    a[15] = 1;
    b[15] = 2;
    let (src, dst) = if to_server { (a, b) } else { (b, a) };
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(tcp.len() as u16).to_be_bytes());
    p.extend_from_slice(&[6, 64]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(tcp);
    p
}
