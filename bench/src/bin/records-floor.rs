//! The second floor of the whole-process benchmark: walk every record of a capture with
//! tcplens's own file reader (`tcplens_capture::records`, the reader `tcplens` uses for
//! pcap and pcapng files), touch nothing, print the count. Beside `pcap-floor` (libpcap's
//! read loop) it shows what reading costs without libpcap's copies.
#![deny(unsafe_code)]

use std::process::ExitCode;

use tcplens_capture::records::FileReader;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: records-floor FILE");
        return ExitCode::from(2);
    };
    let mut reader = match FileReader::open(&path) {
        Ok(Some(r)) => r,
        Ok(None) => {
            eprintln!("records-floor: {path} is not a pcap or pcapng file tcplens reads itself");
            return ExitCode::from(4);
        }
        Err(e) => {
            eprintln!("records-floor: cannot open {path}: {e}");
            return ExitCode::from(3);
        }
    };
    let (mut packets, mut bytes) = (0u64, 0u64);
    loop {
        match reader.next_record() {
            Ok(Some(rec)) => {
                packets += 1;
                bytes += rec.data.len() as u64;
            }
            Ok(None) => break,
            Err(e) => {
                eprintln!("records-floor: read error after {packets} packets: {e}");
                return ExitCode::from(6);
            }
        }
    }
    println!("{packets} packets, {bytes} bytes");
    ExitCode::SUCCESS
}
