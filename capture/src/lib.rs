//! tcplens-capture reads captured frames, in capture order, from pcap/pcapng/snoop files, standard input or a live interface.
//!
//! tcplens reads pcap and pcapng files itself ([`records`], [`pcapng`]): large reads into
//! one buffer, frames borrowed from it in place, damage worded as libpcap words it.
//! libpcap opens every file first (so a bad header is named as before) and still reads
//! standard input, live interfaces and the rarer pcap variants. Solaris snoop files, which
//! libpcap does not read, are recognised by their magic and read by [`snoop`]. Errors are a typed [`CaptureError`] whose
//! messages say what to do.
#![forbid(unsafe_code)]

mod error;
pub mod pcapng;
pub mod records;
pub mod snoop;
mod source;

pub use error::CaptureError;
pub use source::{Frame, Next, Source};
