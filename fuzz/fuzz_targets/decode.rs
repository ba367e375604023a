//! Decoding: arbitrary bytes under each supported link type (and an unsupported one).
//! Input: link selector u8, orig_len slack u16, then the frame. The frame is also read as
//! an IP packet both ways, the plain IPv4/TCP path and the general walk, which must agree.
#![deny(unsafe_code)]
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcplens_core::wire::{decode, decode_ip, decode_ip_walked, Decoded, Encap};
use tcplens_core::LinkType;
use tcplens_fuzz::{linktype, Input};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let selector = input.u8();
    let slack = u32::from(input.u16());
    let frame = input.bytes(usize::MAX);
    for reported in [frame.len(), frame.len() + slack as usize, slack as usize] {
        let plain = decode_ip(frame, reported, 0, Encap::new());
        let walked = decode_ip_walked(frame, reported, 0, Encap::new());
        assert_eq!(format!("{plain:?}"), format!("{walked:?}"));
    }
    let Some(link) = LinkType::from_linktype(linktype(selector)) else {
        return;
    };
    // Both the captured length and a larger length on the wire (snaplen-cut frames).
    for orig_len in [frame.len() as u32, frame.len() as u32 + slack] {
        match decode(link, frame, orig_len) {
            Ok(Decoded::Tcp(seg)) => {
                let _ = tcplens_core::flow::endpoints(&seg);
            }
            Ok(Decoded::Quote(q)) => {
                let _ = q.shown_seq();
            }
            Ok(Decoded::NotTcp(_)) => {}
            // A fragment captured whole: reassemble it alone (a one-fragment datagram, or
            // held) and decode what comes out, as the analyzer does.
            Ok(Decoded::Fragment(f)) => {
                let mut d = tcplens_core::defrag::Defragmenter::default();
                if let Some(datagram) = d.add(&f, 0) {
                    let _ = tcplens_core::wire::decode_reassembled(&f, &datagram);
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
