//! What tshark's command line says about this process, read once from `/proc/self/cmdline`.
//!
//! - [`fields_without_tcplens`]: tshark 4.0 builds a visible tree for `-T fields`, exactly
//!   as for `-V` (`print_details` is set for both), and primes none of the `-e` fields, so
//!   a dissector cannot tell from epan which of its items will be printed. The command line
//!   can: with `-T fields` and no argument naming a tcplens (or `_ws.`) field, the subtree
//!   would only be walked and freed. The caller still builds it for a frame when a filter,
//!   a tap, a custom column or a Lua field extractor references a tcplens field.
//! - [`single_pass`]: tshark without `-2` dissects every frame once, in order, so the
//!   per-frame store that later passes read is never read.
//!
//! The reading is conservative: anything it does not understand (combined short options,
//! a Lua script, another program, no `/proc`) means "build and keep everything".
// SPDX-License-Identifier: GPL-2.0-or-later

use std::sync::OnceLock;

/// The arguments, program first (empty when `/proc/self/cmdline` cannot be read).
fn args() -> &'static [Vec<u8>] {
    static ARGS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    ARGS.get_or_init(|| {
        std::fs::read("/proc/self/cmdline").map_or_else(
            |_| Vec::new(),
            |raw| {
                raw.split(|b| *b == 0)
                    .filter(|a| !a.is_empty())
                    .map(<[u8]>::to_vec)
                    .collect()
            },
        )
    })
}

/// Decided once per process.
pub(crate) fn fields_without_tcplens() -> bool {
    static ACTIVE: OnceLock<bool> = OnceLock::new();
    *ACTIVE.get_or_init(|| {
        let args: Vec<&[u8]> = args().iter().map(Vec::as_slice).collect();
        prints_no_tcplens_field(&args)
    })
}

/// Decided once per process.
pub(crate) fn single_pass() -> bool {
    static ACTIVE: OnceLock<bool> = OnceLock::new();
    *ACTIVE.get_or_init(|| {
        let args: Vec<&[u8]> = args().iter().map(Vec::as_slice).collect();
        tshark_single_pass(&args)
    })
}

fn is_tshark(program: &[u8]) -> bool {
    program.rsplit(|b| *b == b'/').next() == Some(b"tshark")
}

/// `args` is argv (program first). True only for tshark where no option cluster holds a
/// `2` (`-2`, `-2V`, `-n2` ... ask for two passes; an option's value glued to its letter,
/// as in `-c2000`, is taken the same way, which only costs the saving).
fn tshark_single_pass(args: &[&[u8]]) -> bool {
    let Some((program, rest)) = args.split_first() else {
        return false;
    };
    is_tshark(program)
        && !rest
            .iter()
            .any(|a| a.first() == Some(&b'-') && a.contains(&b'2'))
}

/// `args` is argv (program first). True only for tshark with `-T fields` (or `-Tfields`)
/// where no argument mentions `tcplens` or `_ws.` (the expert and column pseudo-fields),
/// and none loads a Lua script (`-X`), which could read any field.
fn prints_no_tcplens_field(args: &[&[u8]]) -> bool {
    let Some((program, rest)) = args.split_first() else {
        return false;
    };
    if !is_tshark(program) {
        return false;
    }
    let contains = |a: &[u8], needle: &[u8]| a.windows(needle.len()).any(|w| w == needle);
    if rest
        .iter()
        .any(|a| contains(a, b"tcplens") || contains(a, b"_ws.") || a.starts_with(b"-X"))
    {
        return false;
    }
    rest.iter().any(|a| *a == b"-Tfields")
        || rest.windows(2).any(|w| w[0] == b"-T" && w[1] == b"fields")
}

#[cfg(test)]
mod tests {
    use super::{prints_no_tcplens_field, tshark_single_pass};

    fn check(line: &str) -> bool {
        let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        prints_no_tcplens_field(&args)
    }

    #[test]
    fn fields_without_tcplens_are_recognised() {
        assert!(check("tshark -r f.pcap -T fields -e tcp.stream"));
        assert!(check("/usr/bin/tshark -Tfields -e ip.src -r f.pcap -2"));
    }

    #[test]
    fn anything_that_may_print_tcplens_items_is_not() {
        for line in [
            "tshark -r f.pcap",
            "tshark -r f.pcap -V",
            "tshark -r f.pcap -T pdml",
            "tshark -r f.pcap -T fields -e tcplens.stream",
            "tshark -r f.pcap -T fields -etcplens.src",
            "tshark -r f.pcap -T fields -e tcp.stream -Y tcplens.retransmission",
            "tshark -r f.pcap -T fields -e _ws.expert.message",
            "tshark -r f.pcap -T fields -e _ws.col.Info",
            "tshark -r f.pcap -T fields -e tcp.stream -X lua_script:x.lua",
            "tshark -r f.pcap -nTfields -e tcp.stream",
            "tshark -r f.pcap -T",
            "wireshark -r f.pcap -T fields",
            "",
        ] {
            assert!(!check(line), "{line}");
        }
    }

    #[test]
    fn two_passes_are_recognised_conservatively() {
        let single = |line: &str| {
            let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
            tshark_single_pass(&args)
        };
        assert!(single("tshark -r f2.pcap -T fields -e tcp.stream"));
        assert!(single("/usr/bin/tshark -r f.pcap -V -c 2000"));
        for line in [
            "tshark -2 -r f.pcap",
            "tshark -r f.pcap -2V",
            "tshark -nr f.pcap -2",
            "tshark -r f.pcap -c2000",
            "wireshark -r f.pcap",
            "",
        ] {
            assert!(!single(line), "{line}");
        }
    }
}
