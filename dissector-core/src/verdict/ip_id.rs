//! IP ID as a clock: a sender that increments the IPv4 identification per packet (Linux
//! per connection, Windows per host) numbers its transmissions in the order it made them,
//! retransmissions included (every transmission is a new datagram, RFC 6864 §4.1). Where it
//! does, the IP ID orders two packets strictly, better than TSval, whose clock ticks once a
//! millisecond. IPv6 has none; stacks that pick IDs at random or send 0 fail the check.

/// Forward steps of up to this many count as incrementing (a per-host counter also
/// counts the host's other traffic).
const MAX_STEP: u16 = 1024;

/// Whether one direction's sender increments its IP ID: its consecutive packets, as
/// captured, stepping forward a little against anything else (2 bytes + the last ID).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct IpIdOrder {
    last: Option<u16>,
    forward: u8,
    other: u8,
}

impl IpIdOrder {
    /// Notes one packet's IP ID (every packet of the direction, ACKs included).
    pub(crate) fn observe(&mut self, id: Option<u16>) {
        let Some(id) = id else { return };
        if let Some(last) = self.last {
            let step = id.wrapping_sub(last);
            if id != 0 && (1..=MAX_STEP).contains(&step) {
                self.forward += 1;
            } else {
                self.other += 1;
            }
            if self.forward == u8::MAX || self.other == u8::MAX {
                self.forward /= 2;
                self.other /= 2;
            }
        }
        self.last = Some(id);
    }

    /// At least two forward steps, and at most one other step for two forward ones
    /// (random IDs step forward by at most 1024 once in 64 steps):
    /// reordering and loss on the way to the capture leave most steps forward (30%
    /// reordering gives about one step back in five).
    pub(crate) fn increments(&self) -> bool {
        self.forward >= 2 && u16::from(self.other) * 2 <= u16::from(self.forward)
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
    fn order_holds_across_the_wrap() {
        assert_eq!(sent_before(Some(65_530), Some(3)), Some(true));
        assert_eq!(sent_before(Some(3), Some(65_530)), Some(false));
        assert_eq!(sent_before(Some(3), Some(3)), None);
        assert_eq!(sent_before(None, Some(3)), None);
    }
}
