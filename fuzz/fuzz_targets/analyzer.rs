//! The analyzer: a sequence of arbitrary frames fed to one analyzer, so that the state
//! machine's paths are reached; every verdict is explained and every conversation summed up.
//! Input format: `tcplens_fuzz::next_frame`.
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use tcplens_core::explain::{explain_en, step_label};
use tcplens_core::{Analyzer, Outcome};
use tcplens_fuzz::{next_frame, Input};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mut analyzer = Analyzer::new();
    let mut ts_ns: i64 = 1_600_000_000_000_000_000;
    let mut text = String::new();
    while let Some(f) = next_frame(&mut input) {
        ts_ns = f.time_after(ts_ns);
        match analyzer.process_linktype(f.linktype, &f.bytes, f.orig_len, ts_ns) {
            Outcome::Tcp { record, .. } => {
                text.clear();
                let _ = explain_en(&record, &mut text);
                let _ = step_label(&record, &mut text);
            }
            Outcome::Undecodable(e) => {
                let _ = write!(text, "{e}");
            }
            Outcome::NotTcp(_) => {}
        }
    }
    for c in analyzer.conversations().iter() {
        let _ = (c.stats.conn_state(), c.stats.history.as_str());
    }
});
