//! IP ID as a clock: a sender that increments the IPv4 identification per packet (Linux
//! per connection, Windows per host) numbers its transmissions in the order it made them,
//! retransmissions included (every transmission is a new datagram, RFC 6864 §4.1). Where it
//! does, the IP ID orders two packets strictly, better than TSval, whose clock ticks once a
//! millisecond. IPv6 has none; stacks that pick IDs at random or send 0 fail the check.

/// Forward steps of up to this many count as incrementing (a per-host counter also
/// counts the host's other traffic).
const MAX_STEP: u16 = 1024;
/// Steps of up to this many are "close": what tells the counter's byte order. A counter
/// kept in the host's order on a little-endian machine (older Windows) steps by 256 read
/// in network order, and by 1 read byte-swapped; one in network order the other way round.
const CLOSE_STEP: u16 = 255;

/// Step counts of one reading of the IP IDs (as sent, or byte-swapped).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Steps {
    forward: u8,
    other: u8,
    close: u8,
}

impl Steps {
    fn add(&mut self, last: u16, id: u16) {
        let step = id.wrapping_sub(last);
        if id != 0 && (1..=MAX_STEP).contains(&step) {
            self.forward += 1;
            if step <= CLOSE_STEP {
                self.close += 1;
            }
        } else {
            self.other += 1;
        }
        if self.forward == u8::MAX || self.other == u8::MAX {
            self.forward /= 2;
            self.other /= 2;
            self.close /= 2;
        }
    }
}

/// Whether one direction's sender increments its IP ID: its consecutive packets, as
/// captured, stepping forward a little against anything else, read in network byte order
/// and byte-swapped (8 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct IpIdOrder {
    last: Option<u16>,
    net: Steps,
    swapped: Steps,
}

impl IpIdOrder {
    /// Notes one packet's IP ID (every packet of the direction, ACKs included).
    pub(crate) fn observe(&mut self, id: Option<u16>) {
        let Some(id) = id else { return };
        if let Some(last) = self.last {
            self.net.add(last, id);
            self.swapped.add(last.swap_bytes(), id.swap_bytes());
        }
        self.last = Some(id);
    }

    /// Whether the counter is kept in little-endian order: more close steps byte-swapped
    /// than as sent (`zeek-retransmit-fast009.pcap`'s server: 0x7a3d, 0x7b3d, 0x7c3d).
    fn is_swapped(&self) -> bool {
        self.swapped.close > self.net.close
    }

    /// At least two forward steps, and at most one other step for two forward ones
    /// (random IDs step forward by at most 1024 once in 64 steps):
    /// reordering and loss on the way to the capture leave most steps forward (30%
    /// reordering gives about one step back in five).
    pub(crate) fn increments(&self) -> bool {
        let s = if self.is_swapped() {
            self.swapped
        } else {
            self.net
        };
        s.forward >= 2 && u16::from(s.other) * 2 <= u16::from(s.forward)
    }

    /// How to read this direction's IP IDs as a clock: [`IdClock::Off`] unless it
    /// [`increments`](Self::increments).
    pub(crate) fn clock(&self) -> IdClock {
        if !self.increments() {
            IdClock::Off
        } else {
            self.byte_order()
        }
    }

    /// The byte order the counter is read in, whether or not it increments (for the
    /// newest packet seen, which is kept on any evidence).
    pub(crate) fn byte_order(&self) -> IdClock {
        if self.is_swapped() {
            IdClock::Swapped
        } else {
            IdClock::Net
        }
    }
}

/// How one direction's IP IDs order its packets. The stamps keep the IDs as sent, and
/// are read through the clock when compared, so a byte order settled late applies to the
/// packets kept from before as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdClock {
    /// The IDs do not count packets (random, zero, or not seen yet): no order.
    Off,
    /// A counter in network byte order.
    Net,
    /// A counter kept in little-endian order (older Windows).
    Swapped,
}

impl IdClock {
    /// Whether the two IDs are further apart than a counter's step ([`MAX_STEP`]) allows:
    /// the counter was started afresh (a SYN-ACK made by SYN cookies or a load balancer,
    /// then the connection's own counter), so their order says nothing.
    pub(crate) fn far_apart(self, a: Option<u16>, b: Option<u16>) -> bool {
        let (Some(a), Some(b)) = (a, b) else {
            return false;
        };
        let (a, b) = match self {
            IdClock::Swapped => (a.swap_bytes(), b.swap_bytes()),
            _ => (a, b),
        };
        (b.wrapping_sub(a) as i16).unsigned_abs() > MAX_STEP
    }

    /// Whether the packet with IP ID `a` was made before the one with `b`; none when the
    /// two are [`far_apart`](Self::far_apart): a counter shared by a busy host wraps in
    /// seconds (`sv-TLPW1-...-49309.pcap`: 0x363d, then 0x2042 ten seconds later).
    pub(crate) fn sent_before(self, a: Option<u16>, b: Option<u16>) -> Option<bool> {
        if self.far_apart(a, b) {
            return None;
        }
        match self {
            IdClock::Off => None,
            IdClock::Net => sent_before(a, b),
            IdClock::Swapped => sent_before(a.map(u16::swap_bytes), b.map(u16::swap_bytes)),
        }
    }
}

/// Whether the packet with IP ID `a` was made before the one with `b` (within half the
/// ID space); none when either is unknown or they are equal.
pub(crate) fn sent_before(a: Option<u16>, b: Option<u16>) -> Option<bool> {
    let (a, b) = (a?, b?);
    (a != b).then(|| (b.wrapping_sub(a) as i16) > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_increments_random_ids_do_not() {
        let mut o = IpIdOrder::default();
        for id in [100, 101, 103, 102, 104, 105, 107] {
            o.observe(Some(id));
        }
        assert!(o.increments());
        let mut r = IpIdOrder::default();
        for id in [100, 40_000, 7, 22_000, 9_000, 61_000, 3] {
            r.observe(Some(id));
        }
        assert!(!r.increments());
        let mut z = IpIdOrder::default();
        for _ in 0..10 {
            z.observe(Some(0));
        }
        assert!(!z.increments());
    }

    #[test]
    fn a_little_endian_counter_is_read_byte_swapped() {
        // zeek-retransmit-fast009.pcap's server: bursts counting 0x3d7a, 0x3d7b, ... in
        // the host's order, then a jump of a few thousand (the host's other traffic).
        let mut o = IpIdOrder::default();
        for id in [
            0x7a3d, 0x7b3d, 0x7c3d, 0x7d3d, 0x7e3d, 0x7f3d, 0x7647, 0x7747, 0x7847,
        ] {
            o.observe(Some(id));
        }
        assert!(o.increments());
        assert_eq!(o.clock(), IdClock::Swapped);
        assert_eq!(
            o.clock().sent_before(Some(0x7e3d), Some(0x7f3d)),
            Some(true)
        );
        assert_eq!(
            IdClock::Net.sent_before(Some(0x7e3d), Some(0x7f3d)),
            Some(true)
        );
        assert_eq!(
            o.clock().sent_before(Some(0x8e3d), Some(0x7f3d)),
            Some(false)
        );
        // Too far apart to be told by a counter.
        assert_eq!(IdClock::Net.sent_before(Some(0x363d), Some(0x2042)), None);
        // A counter in network order stays as it is.
        let mut n = IpIdOrder::default();
        for id in [0x3d7a, 0x3d7b, 0x3d7c, 0x3d7d, 0x3d7e] {
            n.observe(Some(id));
        }
        assert_eq!(n.clock(), IdClock::Net);
        assert_eq!(IpIdOrder::default().clock(), IdClock::Off);
        assert!(IdClock::Net.far_apart(Some(0x30b5), Some(0xde2c)));
        assert!(!IdClock::Net.far_apart(Some(0xde2c), Some(0xde2a)));
    }

    #[test]
    fn order_holds_across_the_wrap() {
        assert_eq!(sent_before(Some(65_530), Some(3)), Some(true));
        assert_eq!(sent_before(Some(3), Some(65_530)), Some(false));
        assert_eq!(sent_before(Some(3), Some(3)), None);
        assert_eq!(sent_before(None, Some(3)), None);
    }
}
