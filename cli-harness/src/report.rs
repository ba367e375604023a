//! `tcplens report`: reads the capture for the HTML report and hands what it found to
//! `tcplens_render::report`, which writes the page.

use tcplens_capture::CaptureError;
use tcplens_core::diagnosis::{Finding, TimeOrigin};
use tcplens_core::explain::Lang;
use tcplens_core::Analyzer;
use tcplens_render::report::{self, Conn, Facts, Options};
use tcplens_render::trace::Packet;

use crate::conns::ConnRow;
use crate::error::CliError;
use crate::trace::{load_streams, scan};

/// Reads the capture once: conversations, diagnosis, anomaly counts and explanations. A
/// file that breaks off part-way gives the facts of what came before, and the break.
pub fn gather(path: &str, lang: Lang) -> Result<(Facts, Option<CliError>), CliError> {
    let mut analyzer = Analyzer::new();
    analyzer.gather_statistics();
    // Times from the capture's first frame, as in `conns --diagnose`.
    analyzer.diagnose(TimeOrigin::FirstFrame);
    let mut facts = Facts::default();
    let mut found: Vec<Finding> = Vec::new();
    let end = scan(path, &mut analyzer, |analyzer, n, t, seg, rec, an| {
        // Findings are taken as they come, so the page keeps at most its cap of them.
        analyzer.take_findings(&mut found);
        facts.keep_findings(&mut found);
        facts.note(&Packet::new(n, t, seg, *rec, *an), lang);
    })?;
    analyzer.finish_diagnosis(&mut found);
    facts.keep_findings(&mut found);
    // Connection times count from the capture's first frame, as in `conns`.
    let start = end.first_ns.unwrap_or(0);
    facts.conns = analyzer
        .conversations()
        .iter()
        .map(|c| conn(ConnRow::new(c, start)))
        .collect();
    facts.counters = *analyzer.counters();
    facts.broke = end.broke.as_ref().map(ToString::to_string);
    Ok((facts, end.broke))
}

/// A `conns` row as the report's connections table takes it: its record.
fn conn(r: ConnRow) -> Conn {
    r.record
}

/// Builds the report of the capture at `path`. It reads the capture twice (facts, then the
/// packets of the pictured streams), so `path` must be a file. A file that breaks off
/// part-way gets the report of what came before, and the break is returned beside it.
pub fn build(path: &str, opts: &Options) -> Result<(String, Option<CliError>), CliError> {
    if path == "-" {
        return Err(CliError::Capture(CaptureError::Unreadable {
            name: "<stdin>".into(),
            reason: "`report` reads the capture twice; give it a file".into(),
        }));
    }
    let (facts, broke) = gather(path, opts.lang)?;
    let pictured = facts.picture_streams(opts.pictures);
    let (streams, _) = load_streams(path, &pictured)?;
    let page = report::render(path, &facts, &streams, opts);
    Ok((page, broke))
}
