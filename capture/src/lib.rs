//! tcplens-capture reads captured frames, in capture order, from pcap/pcapng/snoop files, standard input or a live interface.
//!
//! libpcap reads files, standard input and live interfaces; the built-in pcapng reader
//! ([`pcapng`]) takes over the files libpcap refuses because their interfaces differ in
//! link type or snapshot length, a condition [`pcapng::refused_interface`] finds in the
//! file's own Interface Description Blocks. Solaris snoop files, which libpcap does not
//! read, are recognised by their magic and read by [`snoop`]. Errors are a typed [`CaptureError`] whose
//! messages say what to do.
#![forbid(unsafe_code)]

mod error;
pub mod pcapng;
pub mod snoop;
mod source;

pub use error::CaptureError;
pub use source::{Frame, Next, Source};
