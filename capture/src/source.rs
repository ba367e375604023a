//! Capture sources: pcap/pcapng files, read by tcplens itself ([`crate::records`]), and
//! standard input, live interfaces and the rarer pcap variants, through libpcap.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use pcap::{Active, Capture, Offline, Precision};
use tcplens_core::LinkType;

use crate::error::CaptureError;
use crate::records::{FileReader, PcapHeader};
use crate::snoop::{self, SnoopReader};

/// One captured frame, borrowed from the reader's buffer.
pub struct Frame<'a> {
    /// The pcap LINKTYPE_ of this frame (pcapng files may mix several).
    pub linktype: u32,
    pub ts_ns: i64,
    pub orig_len: u32,
    pub data: &'a [u8],
}

enum Handle {
    /// Standard input, or a pcap variant tcplens's own reader leaves to libpcap.
    File(Capture<Offline>),
    /// A pcap or pcapng file, read by tcplens itself.
    Records(FileReader),
    /// A Solaris snoop file (libpcap does not read them).
    Snoop(SnoopReader),
    Live(Capture<Active>, Arc<AtomicBool>),
}

/// An open capture.
pub struct Source {
    handle: Handle,
    /// The capture's link type as a LINKTYPE_ number.
    linktype: u32,
    /// Frames read so far (to say where damage begins).
    frames_read: u64,
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
}

/// The reason given for an empty capture file (or empty standard input).
const EMPTY: &str = "the file is empty";

/// Whether libpcap's message says it read no byte of the file header.
fn is_empty_input(pcap_reason: &str) -> bool {
    pcap_reason.contains("file header bytes, only got 0")
}

/// libpcap hands out DLT_ values; map the few that differ from their LINKTYPE_ numbers.
fn linktype_of(dlt: i32, name: &str) -> Result<u32, CaptureError> {
    let linktype = match dlt {
        12 | 14 => 101, // DLT_RAW on Linux / OpenBSD
        other => other as u32,
    };
    match LinkType::from_linktype(linktype) {
        Some(_) => Ok(linktype),
        None => Err(CaptureError::UnsupportedLinkType {
            name: name.to_string(),
            dlt,
        }),
    }
}

impl Source {
    /// Opens a pcap or pcapng file; `-` reads standard input.
    pub fn open_file(path: &str) -> Result<Source, CaptureError> {
        let size = if path == "-" {
            None
        } else {
            let meta = std::fs::metadata(path).map_err(|e| CaptureError::Unreadable {
                name: path.to_string(),
                reason: e.to_string(),
            })?;
            if meta.is_dir() {
                return Err(CaptureError::Unreadable {
                    name: path.to_string(),
                    reason: "is a directory".into(),
                });
            }
            // Opening it ourselves first gives the OS's reason (permission ...) rather than
            // libpcap's paraphrase.
            std::fs::File::open(path).map_err(|e| CaptureError::Unreadable {
                name: path.to_string(),
                reason: e.to_string(),
            })?;
            Some(meta.len())
        };
        if path != "-" && snoop::is_snoop(path) {
            return Source::open_snoop(path, size);
        }
        // libpcap opens every file first, so that what is wrong with a file's header, or
        // its link type, is said in the same words whichever reader then reads it.
        let cap =
            Capture::from_file_with_precision(Path::new(path), Precision::Nano).map_err(|e| {
                let reason = pcap_message(&e);
                CaptureError::NotACapture {
                    name: path.to_string(),
                    // libpcap's "truncated dump file; tried to read 4 file header bytes,
                    // only got 0" says, of an empty file or standard input, what tcplens
                    // says plainly.
                    reason: if path == "-" && is_empty_input(&reason) {
                        "standard input is empty".into()
                    } else if size == Some(0) || is_empty_input(&reason) {
                        EMPTY.into()
                    } else {
                        reason
                    },
                }
            })?;
        let linktype = linktype_of(cap.get_datalink().0, path)?;
        let handle = match own_reader(path, linktype) {
            Some(reader) => Handle::Records(reader),
            None => Handle::File(cap),
        };
        Ok(Source {
            handle,
            linktype,
            frames_read: 0,
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
    pub fn open_live(
        iface: &str,
        filter: Option<&str>,
        snaplen: i32,
    ) -> Result<Source, CaptureError> {
        let live_err = |e: pcap::Error| CaptureError::Live {
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
            cap.filter(f, true).map_err(|e| CaptureError::Live {
                iface: iface.to_string(),
                reason: format!("bad capture filter {f:?}: {}", pcap_message(&e)),
            })?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).map_err(|e| {
            CaptureError::Live {
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
            name: iface.to_string(),
            size: None,
            live_buf: Vec::with_capacity(snaplen.max(0) as usize),
        })
    }

    pub fn is_live(&self) -> bool {
        matches!(self.handle, Handle::Live(..))
    }

    /// The next frame, the end, or a typed read error (truncated or corrupt file).
    #[inline]
    pub fn next_frame(&mut self) -> Result<Next<'_>, CaptureError> {
        let linktype = self.linktype;
        match &mut self.handle {
            Handle::File(cap) => match cap.next_packet() {
                Ok(p) => {
                    self.frames_read += 1;
                    Ok(Next::Frame(frame(p, linktype)))
                }
                Err(pcap::Error::NoMorePackets) => Ok(Next::End),
                Err(e) => Err(CaptureError::Corrupt {
                    name: self.name.clone(),
                    frames: self.frames_read,
                    reason: pcap_message(&e),
                }),
            },
            Handle::Records(r) => {
                let rec = r.next_record().map(|o| {
                    o.map(|rec| Frame {
                        linktype: rec.linktype,
                        ts_ns: rec.ts_ns,
                        orig_len: rec.orig_len,
                        data: rec.data,
                    })
                });
                own_reader_frame(&self.name, &mut self.frames_read, rec)
            }
            Handle::Snoop(r) => {
                let rec = r.next_record().map(|o| {
                    o.map(|rec| Frame {
                        linktype,
                        ts_ns: rec.ts_ns,
                        orig_len: rec.orig_len,
                        data: rec.data,
                    })
                });
                own_reader_frame(&self.name, &mut self.frames_read, rec)
            }
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
                            return Err(CaptureError::Live {
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

/// What one of the built-in readers (pcapng, snoop) handed out: a frame counted as read, the
/// end, or the damage after the frames read so far.
fn own_reader_frame<'a, E: std::fmt::Display>(
    name: &str,
    frames_read: &mut u64,
    rec: Result<Option<Frame<'a>>, E>,
) -> Result<Next<'a>, CaptureError> {
    match rec {
        Ok(Some(f)) => {
            *frames_read += 1;
            Ok(Next::Frame(f))
        }
        Ok(None) => Ok(Next::End),
        Err(e) => Err(CaptureError::Corrupt {
            name: name.to_string(),
            frames: *frames_read,
            reason: e.to_string(),
        }),
    }
}

impl Source {
    /// Opens a Solaris snoop file (its magic was seen).
    fn open_snoop(path: &str, size: Option<u64>) -> Result<Source, CaptureError> {
        let reader = SnoopReader::open(path).map_err(|e| match e {
            snoop::OpenError::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                CaptureError::Corrupt {
                    name: path.to_string(),
                    frames: 0,
                    reason: e.to_string(),
                }
            }
            snoop::OpenError::Io(e) => CaptureError::Unreadable {
                name: path.to_string(),
                reason: e.to_string(),
            },
            snoop::OpenError::Version(v) => CaptureError::UnsupportedSnoop {
                name: path.to_string(),
                what: format!("version {v}"),
            },
            snoop::OpenError::Datalink(d) => CaptureError::UnsupportedSnoop {
                name: path.to_string(),
                what: format!("datalink type {d}"),
            },
        })?;
        Ok(Source {
            linktype: reader.linktype,
            handle: Handle::Snoop(reader),
            frames_read: 0,
            name: path.to_string(),
            size,
            live_buf: Vec::new(),
        })
    }
}

/// tcplens's own reader for the file at `path`, which libpcap has opened with `linktype`
/// (a LINKTYPE_): for pcapng files, and for classic pcap files whose header
/// [`crate::records::pcap_header`] takes and in which libpcap changes no byte (the same
/// link type). Either way, not for NFLOG in the other byte order, whose TLV headers libpcap
/// swaps into the host's. `None`: libpcap reads it.
fn own_reader(path: &str, linktype: u32) -> Option<FileReader> {
    let native_is_big = cfg!(target_endian = "big");
    let mut reader = FileReader::open(path).ok()??;
    let swapped_nflog = |big_endian: bool| linktype == 239 && big_endian != native_is_big;
    match &mut reader {
        FileReader::Pcapng(r) => {
            let big_endian = r.first_section_big_endian().ok()??;
            (!swapped_nflog(big_endian)).then_some(reader)
        }
        FileReader::Pcap(r) => {
            let h: PcapHeader = r.header();
            (h.linktype == linktype && !swapped_nflog(h.big_endian)).then_some(reader)
        }
    }
}

fn pcap_message(e: &pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(s) => s.clone(),
        other => other.to_string(),
    }
}
