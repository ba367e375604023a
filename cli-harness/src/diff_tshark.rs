//! `tcplens diff-tshark`: run tshark on the same captures, join by frame, and count, for
//! every key and every verdict, agreements, false positives and false negatives.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use std::net::IpAddr;

use tcplens_core::analysis::Verdict;
use tcplens_core::schema::{self, Body, FrameKey, FrameVisitor, KeyType};
use tcplens_core::Analyzer;

use crate::error::CliError;
use crate::output::Secs9;
use tcplens_capture::{CaptureError, Source};
use tcplens_drive::{self as drive, Seen};

/// The keys compared: every schema key with a tshark counterpart, as (ours, tshark's).
fn keys() -> impl Iterator<Item = (FrameKey, &'static str)> {
    FrameKey::ALL
        .into_iter()
        .filter_map(|k| Some((k, k.info().tshark?)))
}

/// How many example frames each row keeps.
const EXAMPLES: usize = 5;

#[derive(Debug, Default, Clone, Serialize)]
pub struct Tally {
    pub name: String,
    /// Frames compared (TCP frames in either tool).
    pub compared: u64,
    pub agreements: u64,
    /// tcplens has it (a value or the flag), tshark does not.
    pub false_positives: u64,
    /// tshark has it, tcplens does not.
    pub false_negatives: u64,
    /// Both have a value and the values differ (keys only).
    pub different: u64,
    /// Frames tshark flags / gives a value (the base for the 1% flag criterion).
    pub tshark_present: u64,
    /// The first frames that disagree, as "file#frame".
    pub examples: Vec<String>,
}

impl Tally {
    fn new(name: &str) -> Self {
        Tally {
            name: name.into(),
            ..Tally::default()
        }
    }

    fn count(&mut self, ours: Option<&str>, theirs: Option<&str>, at: impl FnOnce() -> String) {
        self.compared += 1;
        if theirs.is_some() {
            self.tshark_present += 1;
        }
        match (ours, theirs) {
            (a, b) if a == b => {
                self.agreements += 1;
                return;
            }
            (Some(_), None) => self.false_positives += 1,
            (None, Some(_)) => self.false_negatives += 1,
            _ => self.different += 1,
        }
        if self.examples.len() < EXAMPLES {
            self.examples.push(at());
        }
    }

    pub fn agreement(&self) -> f64 {
        if self.compared == 0 {
            1.0
        } else {
            self.agreements as f64 / self.compared as f64
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub files: Vec<String>,
    pub tcp_frames: u64,
    pub keys: Vec<Tally>,
    pub flags: Vec<Tally>,
}

/// One frame's values, as strings in tshark's `-T fields` format.
type Values = BTreeMap<&'static str, String>;

fn tshark_fields() -> Vec<String> {
    let mut v: Vec<String> = keys().map(|(_, f)| f.to_string()).collect();
    v.extend(
        Verdict::ALL
            .iter()
            .map(|f| format!("tcp.analysis.{}", f.name())),
    );
    v
}

/// An empty HOME for one tshark run, removed when the run is over (tshark writes its
/// `recent` files there).
struct PrivateHome(std::path::PathBuf);

impl PrivateHome {
    fn new() -> Self {
        let home = std::env::temp_dir().join(format!("tcplens-tshark-home-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&home);
        PrivateHome(home)
    }
}

impl Drop for PrivateHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run_tshark(tshark: &Path, file: &Path) -> Result<BTreeMap<u64, Values>, CliError> {
    let fields = tshark_fields();
    // A private, empty profile: tshark's default preferences, whatever the user changed.
    let home = PrivateHome::new();
    let home = &home.0;
    let mut cmd = Command::new(tshark);
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"));
    cmd.args(["-n", "-r"]).arg(file);
    cmd.args([
        "-Y",
        "tcp",
        "-T",
        "fields",
        "-E",
        "separator=/t",
        "-E",
        "occurrence=f",
        "-e",
        "frame.number",
    ]);
    for f in &fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().map_err(|e| CliError::Tshark {
        reason: format!(
            "cannot run {}: {e} (install tshark, or pass --tshark PATH)",
            tshark.display()
        ),
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let msg = err
            .lines()
            .rfind(|l| !l.contains("Running as user"))
            .unwrap_or("")
            .to_string();
        return Err(CliError::Tshark {
            reason: format!("tshark failed on {}: {msg}", file.display()),
        });
    }
    let mut frames = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut cols = line.split('\t');
        let Some(frame) = cols.next().and_then(|f| f.parse::<u64>().ok()) else {
            continue;
        };
        let mut vals = Values::new();
        let names = keys()
            .map(|(k, _)| (k.name(), k.info().ty))
            .chain(Verdict::ALL.iter().map(|v| (v.name(), KeyType::Integer)));
        for ((name, ty), val) in names.zip(cols) {
            if !val.is_empty() {
                let val = match ty {
                    KeyType::Seconds | KeyType::Seconds9 => normalize_time(val),
                    _ => val.to_string(),
                };
                vals.insert(name, val);
            }
        }
        frames.insert(frame, vals);
    }
    Ok(frames)
}

/// tshark prints a time as seconds and `%09d` nanoseconds without normalising them, so a
/// capture with a bad microsecond field can show "83886080.1639748000": the same instant as
/// 83886081.639748. Normalise to compare values, not spellings.
fn normalize_time(v: &str) -> String {
    let (neg, body) = match v.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, v),
    };
    let parsed = body
        .split_once('.')
        .and_then(|(s, f)| Some((s.parse::<i64>().ok()?, f.parse::<i64>().ok()?)));
    match parsed {
        Some((s, f)) => {
            let ns = s.saturating_mul(1_000_000_000).saturating_add(f);
            secs9(if neg { -ns } else { ns })
        }
        None => v.to_string(),
    }
}

fn secs9(ns: i64) -> String {
    Secs9(ns).to_string()
}

/// tcplens's values of every TCP frame of `file`, and the damage that cut it short, if any.
fn run_tcplens(file: &Path) -> Result<(BTreeMap<u64, Values>, Option<CaptureError>), CliError> {
    let mut src = Source::open_file(&file.to_string_lossy())?;
    let mut analyzer = Analyzer::new();
    let mut frames = BTreeMap::new();
    let end = drive::run(
        &mut src,
        &mut analyzer,
        drive::Options::default(),
        |_, number, _, seen| {
            let body = match seen {
                Seen::Tcp(t) => Body::Tcp(schema::TcpFrame {
                    ends: &t.endpoints,
                    rec: &t.record,
                    an: &t.analysis,
                }),
                Seen::Quote(q) => Body::Quote(q),
                Seen::Undecodable(_) | Seen::NotTcp => return Ok(()),
            };
            let mut v = Values::new();
            let frame = schema::Frame {
                number,
                time_ns: 0,
                body,
                explain: None,
            };
            schema::visit_frame(&mut TsharkValues(&mut v), &frame);
            if let Seen::Tcp(t) = seen {
                for verdict in t.analysis.verdicts.shown() {
                    v.insert(verdict.name(), "1".into());
                }
            }
            frames.insert(number, v);
            Ok(())
        },
    )?;
    Ok((frames, end.broke))
}

/// A frame's values of the compared keys, spelt as tshark's `-T fields` spells them.
struct TsharkValues<'v>(&'v mut Values);

impl TsharkValues<'_> {
    fn put(&mut self, key: FrameKey, v: Option<String>) {
        if let (Some(v), Some(_)) = (v, key.info().tshark) {
            self.0.insert(key.name(), v);
        }
    }
}

impl FrameVisitor for TsharkValues<'_> {
    fn integer(&mut self, key: FrameKey, v: Option<u64>) {
        self.put(key, v.map(|v| v.to_string()));
    }
    fn seconds(&mut self, key: FrameKey, ns: Option<i64>, _: bool) {
        self.put(key, ns.map(secs9));
    }
    fn text(&mut self, key: FrameKey, v: Option<&str>) {
        self.put(key, v.map(str::to_string));
    }
    fn address(&mut self, key: FrameKey, v: Option<IpAddr>) {
        self.put(key, v.map(|a| a.to_string()));
    }
    fn names<I: Iterator<Item = &'static str>>(&mut self, key: FrameKey, v: Option<I>) {
        self.put(key, v.map(|i| i.collect::<Vec<_>>().join(",")));
    }
}

/// Compares tcplens with tshark on every file. A file that breaks off part-way is compared
/// up to the damage, which comes back beside the report (the first one, when several do).
pub fn compare(
    files: &[PathBuf],
    tshark: &Path,
) -> Result<(Report, Option<CaptureError>), CliError> {
    let mut broke = None;
    let mut keys: Vec<Tally> = self::keys().map(|(k, _)| Tally::new(k.name())).collect();
    let mut flags: Vec<Tally> = Verdict::ALL.iter().map(|v| Tally::new(v.name())).collect();
    let mut tcp_frames = 0;
    for file in files {
        let theirs = run_tshark(tshark, file)?;
        let (ours, damage) = run_tcplens(file)?;
        if broke.is_none() {
            broke = damage;
        }
        let name = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let empty = Values::new();
        let mut all: Vec<u64> = theirs.keys().chain(ours.keys()).copied().collect();
        all.sort_unstable();
        all.dedup();
        for frame in all {
            tcp_frames += 1;
            let t = theirs.get(&frame).unwrap_or(&empty);
            let o = ours.get(&frame).unwrap_or(&empty);
            let at = || format!("{name}#{frame}");
            // A frame tshark ties to no conversation (under 16 bytes of TCP header, an ICMP
            // quote of 4 to 15 bytes) is analysed by neither tool: compare only its stream
            // and the sequence number an ICMP quote shows.
            let no_conversation =
                theirs.contains_key(&frame) && !t.contains_key(FrameKey::Stream.name());
            for tally in keys.iter_mut().chain(flags.iter_mut()) {
                let k = tally.name.as_str();
                if no_conversation && k != FrameKey::Stream.name() && k != FrameKey::Seq.name() {
                    continue;
                }
                tally.count(
                    o.get(k).map(String::as_str),
                    t.get(k).map(String::as_str),
                    at,
                );
            }
        }
    }
    let report = Report {
        files: files.iter().map(|f| f.display().to_string()).collect(),
        tcp_frames,
        keys,
        flags,
    };
    Ok((report, broke))
}

pub fn write_text(out: &mut impl Write, r: &Report) -> io::Result<()> {
    writeln!(
        out,
        "{} TCP frames in {} file(s) compared with tshark",
        r.tcp_frames,
        r.files.len()
    )?;
    for (title, rows) in [("key", &r.keys), ("flag", &r.flags)] {
        writeln!(
            out,
            "\n{title:<24} {:>9} {:>9} {:>9} {:>6} {:>6} {:>6}  first disagreements",
            "compared", "agree", "agree%", "fp", "fn", "diff"
        )?;
        for t in rows.iter() {
            let mut ex = String::new();
            for e in &t.examples {
                let _ = write!(ex, "{e} ");
            }
            writeln!(
                out,
                "{:<24} {:>9} {:>9} {:>8.3}% {:>6} {:>6} {:>6}  {}",
                t.name,
                t.compared,
                t.agreements,
                t.agreement() * 100.0,
                t.false_positives,
                t.false_negatives,
                t.different,
                ex.trim_end()
            )?;
        }
    }
    Ok(())
}

/// The rows below `min` agreement.
pub fn below(r: &Report, min: f64) -> Vec<&Tally> {
    r.keys
        .iter()
        .chain(&r.flags)
        .filter(|t| t.agreement() < min)
        .collect()
}
