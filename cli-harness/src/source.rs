//! Capture sources: pcap/pcapng files (or stdin) and live interfaces, through libpcap.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use pcap::{Active, Capture, Offline, Precision};
use tcplens_core::LinkType;

use crate::error::CliError;
use crate::pcapng::PcapngReader;

/// One captured frame, borrowed from libpcap's buffer.
pub struct Frame<'a> {
    /// The pcap LINKTYPE_ of this frame (pcapng files may mix several).
    pub linktype: u32,
    pub ts_ns: i64,
    pub orig_len: u32,
    pub data: &'a [u8],
}

enum Handle {
    File(Capture<Offline>),
    /// A pcapng file libpcap refuses (interfaces with different link types or snaplens).
    Pcapng(PcapngReader),
    Live(Capture<Active>, Arc<AtomicBool>),
}

/// An open capture.
pub struct Source {
    handle: Handle,
    /// The capture's link type as a LINKTYPE_ number.
    linktype: u32,
    /// Frames read so far (to resume in the fallback reader).
    frames_read: u64,
    switch_pending: bool,
    /// What to call this source in messages.
    pub name: String,
    /// File size in bytes, when known (for the progress bar).
    pub size: Option<u64>,
    live_buf: Vec<u8>,
}

/// How reading ended.
pub enum Next<'a> {
    Frame(Frame<'a>),
    End,
    /// Stopped by Ctrl-C (live capture).
    Interrupted,
    /// Nothing this time (the reader changed); call again.
    Retry,
}

/// libpcap hands out DLT_ values; map the few that differ from their LINKTYPE_ numbers.
fn linktype_of(dlt: i32, name: &str) -> Result<u32, CliError> {
    let linktype = match dlt {
        12 | 14 => 101, // DLT_RAW on Linux / OpenBSD
        other => other as u32,
    };
    match LinkType::from_linktype(linktype) {
        Some(_) => Ok(linktype),
        None => Err(CliError::UnsupportedLinkType {
            name: name.to_string(),
            dlt,
        }),
    }
}

/// libpcap's complaint about a pcapng file whose interfaces differ.
fn is_multi_interface_refusal(msg: &str) -> bool {
    msg.contains("different from the")
}

impl Source {
    /// Opens a pcap or pcapng file; `-` reads standard input.
    pub fn open_file(path: &str) -> Result<Source, CliError> {
        let size = if path == "-" {
            None
        } else {
            let meta = std::fs::metadata(path).map_err(|e| CliError::Unreadable {
                name: path.to_string(),
                reason: e.to_string(),
            })?;
            if meta.is_dir() {
                return Err(CliError::Unreadable {
                    name: path.to_string(),
                    reason: "is a directory".into(),
                });
            }
            // Opening it ourselves first gives the OS's reason (permission ...) rather than
            // libpcap's paraphrase.
            std::fs::File::open(path).map_err(|e| CliError::Unreadable {
                name: path.to_string(),
                reason: e.to_string(),
            })?;
            Some(meta.len())
        };
        let cap = match Capture::from_file_with_precision(Path::new(path), Precision::Nano) {
            Ok(cap) => cap,
            Err(e) if path != "-" && is_multi_interface_refusal(&pcap_message(&e)) => {
                let reader = PcapngReader::open(path).map_err(|e| CliError::Unreadable {
                    name: path.to_string(),
                    reason: e.to_string(),
                })?;
                return Ok(Source {
                    handle: Handle::Pcapng(reader),
                    linktype: 0,
                    frames_read: 0,
                    switch_pending: false,
                    name: path.to_string(),
                    size,
                    live_buf: Vec::new(),
                });
            }
            Err(e) => {
                return Err(CliError::NotACapture {
                    name: path.to_string(),
                    reason: pcap_message(&e),
                })
            }
        };
        let linktype = linktype_of(cap.get_datalink().0, path)?;
        Ok(Source {
            handle: Handle::File(cap),
            linktype,
            frames_read: 0,
            switch_pending: false,
            name: if path == "-" {
                "<stdin>".into()
            } else {
                path.to_string()
            },
            size,
            live_buf: Vec::new(),
        })
    }

    /// Starts a live capture on `iface`, with an optional BPF filter. Ctrl-C stops it.
    pub fn open_live(iface: &str, filter: Option<&str>, snaplen: i32) -> Result<Source, CliError> {
        let live_err = |e: pcap::Error| CliError::Live {
            iface: iface.to_string(),
            reason: pcap_message(&e),
        };
        let mut cap = Capture::from_device(iface)
            .map_err(live_err)?
            .promisc(true)
            .snaplen(snaplen)
            .immediate_mode(true)
            .open()
            .map_err(live_err)?
            // On Linux (TPACKET_V3) a blocking read may never return on a quiet
            // interface, whatever the timeout: poll without blocking so Ctrl-C is seen.
            .setnonblock()
            .map_err(live_err)?;
        if let Some(f) = filter {
            cap.filter(f, true).map_err(|e| CliError::Live {
                iface: iface.to_string(),
                reason: format!("bad capture filter {f:?}: {}", pcap_message(&e)),
            })?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).map_err(|e| {
            CliError::Live {
                iface: iface.to_string(),
                reason: format!("cannot install the Ctrl-C handler: {e}"),
            }
        })?;
        let linktype = linktype_of(cap.get_datalink().0, iface)?;
        eprintln!(
            "tcplens: capturing on {iface}{}; press Ctrl-C to stop",
            filter.map(|f| format!(" ({f})")).unwrap_or_default()
        );
        Ok(Source {
            handle: Handle::Live(cap, stop),
            linktype,
            frames_read: 0,
            switch_pending: false,
            name: iface.to_string(),
            size: None,
            live_buf: Vec::with_capacity(snaplen.max(0) as usize),
        })
    }

    pub fn is_live(&self) -> bool {
        matches!(self.handle, Handle::Live(..))
    }

    /// The next frame, the end, or a typed read error (truncated or corrupt file).
    pub fn next(&mut self) -> Result<Next<'_>, CliError> {
        if self.switch_pending {
            self.switch_pending = false;
            self.switch_to_pcapng()?;
        }
        let linktype = self.linktype;
        match &mut self.handle {
            Handle::File(cap) => match cap.next_packet() {
                Ok(p) => {
                    self.frames_read += 1;
                    Ok(Next::Frame(frame(p, linktype)))
                }
                Err(pcap::Error::NoMorePackets) => Ok(Next::End),
                Err(e)
                    if is_multi_interface_refusal(&pcap_message(&e)) && self.name != "<stdin>" =>
                {
                    // libpcap met a second, different interface: the next call reads the
                    // file with our own reader, skipping the frames already analysed.
                    self.switch_pending = true;
                    Ok(Next::Retry)
                }
                Err(e) => Err(CliError::Corrupt {
                    name: self.name.clone(),
                    frames: self.frames_read,
                    reason: pcap_message(&e),
                }),
            },
            Handle::Pcapng(r) => match r.next_record() {
                Ok(Some(rec)) => {
                    self.frames_read += 1;
                    Ok(Next::Frame(Frame {
                        linktype: rec.linktype,
                        ts_ns: rec.ts_ns,
                        orig_len: rec.orig_len,
                        data: rec.data,
                    }))
                }
                Ok(None) => Ok(Next::End),
                Err(e) => Err(CliError::Corrupt {
                    name: self.name.clone(),
                    frames: self.frames_read,
                    reason: e.to_string(),
                }),
            },
            Handle::Live(cap, stop) => {
                // Copy the packet out of libpcap's buffer so the timeout loop can call it
                // again; live rates make the copy irrelevant, and the buffer is reused.
                let (ts_ns, orig_len) = loop {
                    if stop.load(Ordering::SeqCst) {
                        return Ok(Next::Interrupted);
                    }
                    match cap.next_packet() {
                        Ok(p) => {
                            let f = frame(p, linktype);
                            self.live_buf.clear();
                            self.live_buf.extend_from_slice(f.data);
                            break (f.ts_ns, f.orig_len);
                        }
                        Err(pcap::Error::TimeoutExpired) => {
                            std::thread::sleep(std::time::Duration::from_millis(5));
                            continue;
                        }
                        Err(pcap::Error::NoMorePackets) => return Ok(Next::End),
                        Err(e) => {
                            return Err(CliError::Live {
                                iface: self.name.clone(),
                                reason: pcap_message(&e),
                            })
                        }
                    }
                };
                Ok(Next::Frame(Frame {
                    linktype,
                    ts_ns,
                    orig_len,
                    data: &self.live_buf,
                }))
            }
        }
    }
}

fn frame(p: pcap::Packet<'_>, linktype: u32) -> Frame<'_> {
    // With nanosecond precision requested, libpcap puts nanoseconds in tv_usec.
    // time_t and suseconds_t are i64 here but narrower on some platforms.
    #[allow(clippy::unnecessary_cast)]
    let ts_ns = (p.header.ts.tv_sec as i64)
        .saturating_mul(1_000_000_000)
        .saturating_add(p.header.ts.tv_usec as i64);
    Frame {
        linktype,
        ts_ns,
        orig_len: p.header.len,
        data: p.data,
    }
}

impl Source {
    /// Reopens the file with the built-in pcapng reader and skips what was already read.
    fn switch_to_pcapng(&mut self) -> Result<(), CliError> {
        let corrupt = |e: std::io::Error| CliError::Corrupt {
            name: self.name.clone(),
            frames: self.frames_read,
            reason: e.to_string(),
        };
        let mut reader = PcapngReader::open(&self.name).map_err(corrupt)?;
        for _ in 0..self.frames_read {
            if reader.next_record().map_err(corrupt)?.is_none() {
                break;
            }
        }
        self.handle = Handle::Pcapng(reader);
        Ok(())
    }
}

fn pcap_message(e: &pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(s) => s.clone(),
        other => other.to_string(),
    }
}

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
