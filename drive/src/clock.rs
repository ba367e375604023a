//! The capture clock: tells the user when timestamps go backwards.

/// Watches capture times: a file whose timestamps go backwards is analysed in file order (as
/// Wireshark does), and the user is told once, after the output.
#[derive(Debug, Default)]
pub struct Clock {
    prev_ns: Option<i64>,
    /// How many frames are earlier than the frame before them.
    backwards: u64,
    /// The first such frame and how far back it went.
    first: Option<(u64, i64)>,
}

impl Clock {
    pub fn observe(&mut self, frame: u64, ts_ns: i64) {
        if let Some(prev) = self.prev_ns {
            if ts_ns < prev {
                self.backwards += 1;
                self.first
                    .get_or_insert((frame, prev.saturating_sub(ts_ns)));
            }
        }
        self.prev_ns = Some(ts_ns);
    }

    /// The warning to print, if time ever went backwards.
    pub fn warning(&self, name: &str) -> Option<String> {
        let (frame, by_ns) = self.first?;
        Some(format!(
            "{name}: timestamps go backwards {} time(s), first at frame {frame} ({:.6} s before frame {}); frames were analysed in file order, as Wireshark does",
            self.backwards,
            by_ns as f64 / 1e9,
            frame - 1
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn time_going_backwards_is_counted_and_named_once() {
        let mut c = Clock::default();
        for (n, t) in [(1, 10), (2, 20), (3, 20), (4, 5), (5, 30), (6, 29)] {
            c.observe(n, t * 1_000_000_000);
        }
        assert_eq!(
            c.warning("x.pcap").as_deref(),
            Some("x.pcap: timestamps go backwards 2 time(s), first at frame 4 (15.000000 s before frame 3); frames were analysed in file order, as Wireshark does")
        );
        let mut steady = Clock::default();
        steady.observe(1, 1);
        steady.observe(2, 1);
        assert_eq!(steady.warning("y"), None);
    }
}
