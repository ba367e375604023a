//! The floor of the whole-process benchmark: read every packet of a capture through the
//! same `pcap` crate tcplens uses, touch nothing, print the count. Any analyser built on
//! libpcap pays at least this much.
#![deny(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: pcap-floor FILE");
        return ExitCode::from(2);
    };
    let mut cap = match pcap::Capture::from_file(&path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pcap-floor: cannot open {}: {e}", path.to_string_lossy());
            return ExitCode::from(3);
        }
    };
    let (mut packets, mut bytes) = (0u64, 0u64);
    loop {
        match cap.next_packet() {
            Ok(p) => {
                packets += 1;
                bytes += u64::from(p.header.caplen);
            }
            Err(pcap::Error::NoMorePackets) => break,
            Err(e) => {
                eprintln!("pcap-floor: read error after {packets} packets: {e}");
                return ExitCode::from(6);
            }
        }
    }
    println!("{packets} packets, {bytes} bytes");
    ExitCode::SUCCESS
}
