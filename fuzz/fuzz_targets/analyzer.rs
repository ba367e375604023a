//! The analyzer: a sequence of arbitrary frames fed to one analyzer, so that the state
//! machine's paths are reached; every verdict is explained and every conversation summed up.
//! Input format: `tcplens_fuzz::next_frame`.
#![deny(unsafe_code)]
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use tcplens_core::diagnosis::TimeOrigin;
use tcplens_core::explain::{explain, step_label, Lang};
use tcplens_core::{Analyzer, Outcome};
use tcplens_fuzz::{next_frame, Input};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    // Odd first bytes run with a tiny conversation cap, so eviction paths are reached too.
    let cap = if data.first().is_some_and(|b| b & 1 == 1) { 4 } else { 0 };
    let mut analyzer = Analyzer::with_max_conns(cap);
    analyzer.diagnose(TimeOrigin::FirstFrame);
    let mut findings = Vec::new();
    let mut ts_ns: i64 = 1_600_000_000_000_000_000;
    let mut text = String::new();
    while let Some(f) = next_frame(&mut input) {
        ts_ns = f.time_after(ts_ns);
        match analyzer.process_linktype(f.linktype, &f.bytes, f.orig_len, ts_ns) {
            Outcome::Tcp {
                record, analysis, ..
            } => {
                analyzer.take_findings(&mut findings);
                for lang in [Lang::En, Lang::Zh] {
                    text.clear();
                    let _ = explain(lang, &record, &analysis, &mut text);
                }
                let _ = step_label(&record, &mut text);
            }
            Outcome::Quote(q) => {
                for lang in [Lang::En, Lang::Zh] {
                    text.clear();
                    let _ = tcplens_core::explain::explain_quote(lang, &q, &mut text);
                }
            }
            Outcome::Undecodable(e) => {
                let _ = write!(text, "{e}");
            }
            Outcome::NotTcp(_) => {}
        }
    }
    analyzer.finish_diagnosis(&mut findings);
    for f in &findings {
        text.clear();
        let _ = f.write_text(Lang::Zh, &mut text);
    }
    for c in analyzer.conversations().iter() {
        let _ = (c.stats.conn_state(), c.stats.history.as_str());
    }
});
