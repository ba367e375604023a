//! `tcplens`: TCP conversations from pcap/pcapng files or a live interface, explained.
//!
//! A thin shell: the commands, their output writers and exit codes. Frames come from
//! `tcplens-capture` and go through the one frame loop of `tcplens-drive` to the analysis
//! (`tcplens-core`, or its C ABI with `--core-lib`).
#![forbid(unsafe_code)]

mod conns;
mod diff_tshark;
mod digits;
mod error;
mod output;
mod pictures;
mod pipeline;
mod report;
mod settle;
mod trace;
mod zeek;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use tcplens_core::defrag::FragmentCounters;
use tcplens_core::diagnosis::{Finding, TimeOrigin};
use tcplens_core::explain::Lang;
use tcplens_core::Analyzer;
use tcplens_drive::{self as drive, CoreLib, Engine, Seen};

use crate::conns::{ConnRow, ConnsFormat};
use crate::error::{exit, CliError};
use crate::output::{Format, FrameSink};
use tcplens_capture::Source;
use tcplens_core::flow::Conversation;
use tcplens_core::schema::Frame;
use tcplens_core::verdict::Revision;

#[derive(Parser)]
#[command(
    name = "tcplens",
    version,
    about = "Makes TCP conversations readable: Wireshark-compatible streams and numbers, handshake and teardown steps, endpoint states."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One line or record per TCP frame.
    #[command(override_usage = INPUT_USAGE_ANALYZE)]
    Analyze {
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write the frames to this file instead of standard output (required for parquet).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Only the frames of this TCP stream (Wireshark's tcp.stream; `tcplens conns` lists
        /// them); repeat for more. The whole capture is still analysed, so stream numbers,
        /// verdicts and the summary line are the unfiltered run's.
        #[arg(long = "stream", value_name = "N")]
        streams: Vec<u32>,
        /// Language of the explanations (text output and the JSONL/CSV/Parquet `explain` key).
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// Run the analysis through the core's C ABI in this library
        /// (libtcplens_core.so) instead of the built-in core: the output must not change.
        #[arg(long, value_name = "PATH")]
        core_lib: Option<PathBuf>,
        /// Do not print the summary line (frames, TCP, conversations, not TCP, undecodable)
        /// on standard error after reading a file.
        #[arg(short = 'q', long)]
        quiet: bool,
        /// Threads for a file: with 1, every step runs on one; with 2, the frames are read
        /// and analysed on one while a second explains them, holds the rows back for the
        /// verdicts to settle and writes them (more than 2 are not used yet). The output
        /// is the same bytes whatever the count. Default: 2 on a machine with two cores or
        /// more. A live capture uses one.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        threads: Option<u32>,
    },
    /// Compare every key and verdict with tshark's on the same captures.
    DiffTshark {
        /// pcap or pcapng files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The tshark to run (default: from PATH).
        #[arg(long, default_value = "tshark")]
        tshark: PathBuf,
        /// Exit with code 10 if any key or flag agrees on fewer frames than this
        /// (a fraction such as 0.999, or a percentage such as 99.9).
        #[arg(long)]
        min_agreement: Option<f64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// One row per TCP conversation.
    #[command(override_usage = INPUT_USAGE_CONNS)]
    Conns {
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ConnsFormat::Table)]
        format: ConnsFormat,
        /// Write the conversations to this file instead of standard output (required for
        /// parquet).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Only this TCP stream's row (repeat for more); the capture counters of
        /// `--format json` stay the whole capture's.
        #[arg(long = "stream", value_name = "N")]
        streams: Vec<u32>,
        /// Add each connection's likely causes (lost segments, lost ACKs, reordering, zero
        /// windows, resets, failed handshakes ...), each with the frames that show it.
        #[arg(long)]
        diagnose: bool,
        /// Language of the diagnosis texts.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// Print the conversation table's memory to standard error: conversations in
        /// memory, evicted, and bytes of analysis state per conversation (of all the
        /// threads' tables together).
        #[arg(long)]
        stats: bool,
        /// Threads for a file: with N of 2 or more, the conversations are shared out by
        /// their 4-tuple among N threads, one of which also reads and decodes the frames;
        /// the output is the same bytes whatever the count. Default: the machine's cores.
        /// `--diagnose` (which sees every conversation at once), standard input and a live
        /// capture use one; so does a capture with more conversations than --max-conns,
        /// which is read again on one thread to evict as it always has.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        threads: Option<u32>,
    },
    /// A ladder diagram of one connection, as SVG.
    Diagram(pictures::DiagramArgs),
    /// A graph of one connection, as SVG: time-sequence (tcptrace style), throughput, RTT
    /// or window.
    Graph(pictures::GraphArgs),
    /// One self-contained HTML page: connections, anomalies, pictures, explanations.
    Report(pictures::ReportArgs),
}

/// `--lang`: the explanation language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LangArg {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    /// A table per key and per flag.
    Text,
    /// One JSON document.
    Json,
}

#[derive(Args)]
struct InputArgs {
    /// A pcap or pcapng file; `-` reads standard input. Required unless -i is given.
    #[arg(conflicts_with = "interface")]
    file: Option<String>,
    /// Capture live on this interface instead (Ctrl-C stops and prints the summary).
    #[arg(short = 'i', long = "interface")]
    interface: Option<String>,
    /// A BPF capture filter for the live capture, e.g. 'tcp port 443'.
    #[arg(short = 'f', long = "filter")]
    filter: Option<String>,
    /// Bytes to capture per packet in a live capture.
    #[arg(
        short = 's',
        long = "snaplen",
        default_value_t = 262_144,
        requires = "interface"
    )]
    snaplen: i32,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Keep at most N conversations in memory (0: no cap). When the table is full, closed
    /// conversations are dropped first, then the least recently seen; a dropped
    /// conversation's later packets start a new stream. The default bounds the analysis
    /// state to about 500 MB (about 840 MB for `conns`, which also gathers statistics).
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    max_conns: usize,
}

impl InputArgs {
    fn open(&self) -> Result<Source, CliError> {
        match (&self.interface, &self.file) {
            (Some(iface), _) => Ok(Source::open_live(
                iface,
                self.filter.as_deref(),
                self.snaplen,
            )?),
            (None, Some(file)) => Ok(Source::open_file(file)?),
            (None, None) => unreachable!("clap requires a file or an interface"),
        }
    }
}

const DEFAULT_SNAPLEN: i32 = 262_144;

/// The usage lines of the commands that read a file or an interface: one of the two is
/// required, which [`check_input`] enforces with [`INPUT_REQUIRED`] (clap's own check
/// would name only `<FILE>`).
const INPUT_USAGE_ANALYZE: &str = "tcplens analyze [OPTIONS] <FILE | -i INTERFACE>";
const INPUT_USAGE_CONNS: &str = "tcplens conns [OPTIONS] <FILE | -i INTERFACE>";
const INPUT_REQUIRED: &str = "a capture file or -i INTERFACE is required";

impl InputArgs {
    /// What the frame loop is asked for.
    fn drive_options(&self) -> drive::Options {
        drive::Options {
            progress: !self.no_progress,
        }
    }
}

/// What `analyze` writes, besides its input.
struct AnalyzeOptions<'a> {
    format: Format,
    output: Option<&'a std::path::Path>,
    /// `--stream`: only these conversations' frames (all frames when empty).
    streams: &'a [u32],
    lang: Lang,
    quiet: bool,
    /// `--threads`: more than one puts the writing on a thread of its own (`pipeline`).
    threads: u32,
}

/// `--threads`' default: a thread per core, of the two `analyze` can use.
fn default_threads() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(2) as u32)
}

fn analyze(
    input: &InputArgs,
    core_lib: Option<&std::path::Path>,
    opts: &AnalyzeOptions<'_>,
) -> Result<(), CliError> {
    match core_lib {
        // `--core-lib PATH`: the same output, with every verdict and explanation coming
        // through the core's C ABI in the library at `path`.
        Some(path) => {
            let mut lib = CoreLib::load(path, input.max_conns)?;
            let mut src = input.open()?;
            analyze_with(input, &mut src, &mut lib, opts)
        }
        None => {
            let mut src = input.open()?;
            let mut analyzer = Analyzer::with_max_conns(input.max_conns);
            let result = analyze_with(input, &mut src, &mut analyzer, opts);
            // The process ends after this: the conversations are not freed one at a time
            // first (as `conns`).
            std::mem::forget(analyzer);
            result
        }
    }
}

/// Whether `--stream` keeps a frame: every frame when no stream is asked for, else the TCP
/// frames of the streams asked for (a frame with no stream is left out).
fn kept(streams: &[u32], seen: &Seen<'_>) -> bool {
    match seen {
        _ if streams.is_empty() => true,
        Seen::Tcp(f) => streams.contains(&f.record.stream),
        Seen::Quote(_) | Seen::Undecodable(_) | Seen::NotTcp => false,
    }
}

/// Where `analyze`'s loop hands its rows: to `Held` on this thread ([`OneThread`]), or
/// down the pipe to the writer thread (`pipeline::Pipe`).
trait Rows {
    /// Where the engine puts its revisions, before the next row.
    fn revisions(&mut self) -> &mut Vec<Revision>;
    /// One frame's row; with no explanation, the taker tells it.
    fn row(&mut self, f: &Frame<'_>) -> io::Result<()>;
}

/// Rows held back for settling and written on this thread.
struct OneThread<'w> {
    held: settle::Held,
    w: FrameSink<'w>,
    /// A live capture's rows show up as they happen.
    live: bool,
}

impl Rows for OneThread<'_> {
    fn revisions(&mut self) -> &mut Vec<Revision> {
        self.held.revise()
    }

    fn row(&mut self, f: &Frame<'_>) -> io::Result<()> {
        self.held.push(&mut self.w, f)?;
        if self.live {
            self.w.flush()?;
        }
        Ok(())
    }
}

/// `analyze`'s loop: every frame fed to the engine, the kept ones handed to `rows` with
/// their explanation (or, unless `tell_here`, for `rows` to tell), the engine's revisions
/// before each.
fn frames<E: Engine, R: Rows>(
    input: &InputArgs,
    src: &mut Source,
    engine: &mut E,
    opts: &AnalyzeOptions<'_>,
    tally: &mut Tally,
    rows: &mut R,
    tell_here: bool,
) -> Result<drive::End, CliError> {
    // One buffer for every frame's explanation.
    let mut text = String::with_capacity(256);
    let end = drive::run(src, engine, input.drive_options(), |engine, n, t, seen| {
        tally.count(seen);
        engine.take_revisions(rows.revisions());
        if !kept(opts.streams, seen) {
            return Ok(());
        }
        let Some(body) = seen.body() else {
            return Ok(());
        };
        let explain = tell_here.then(|| {
            engine.explain(seen, opts.lang, &mut text);
            text.as_str()
        });
        rows.row(&Frame {
            number: n,
            time_ns: t,
            body,
            explain,
        })
    })?;
    engine.take_revisions(rows.revisions());
    Ok(end)
}

/// `analyze` over either engine: one line or record per TCP or undecodable frame.
fn analyze_with<E: Engine>(
    input: &InputArgs,
    src: &mut Source,
    engine: &mut E,
    opts: &AnalyzeOptions<'_>,
) -> Result<(), CliError> {
    let lang = opts.lang;
    let live = src.is_live();
    // Counted here, from what the loop hands out, so both engines give the same summary.
    let mut tally = Tally::default();
    let end = if opts.threads > 1 && !live {
        // Read and analysed on this thread, explained and written on another (`pipeline`),
        // which is handed what one thread hands its `Held`, in the same order. The
        // built-in engine's explanations are told there; the C ABI's come from the engine.
        let tell_here = engine.builtin().is_none();
        pipeline::run(opts.format, opts.output, lang, |rows| {
            frames(input, src, engine, opts, &mut tally, rows, tell_here)
        })?
    } else {
        let w = FrameSink::open(opts.format, opts.output)?;
        // Rows wait for later evidence to settle tcplens's own verdicts (`settle`); a live
        // capture shows them as they come.
        let held = settle::Held::new(!live, lang, &w);
        let mut rows = OneThread { held, w, live };
        let end = frames(input, src, engine, opts, &mut tally, &mut rows, true)?;
        let OneThread {
            mut held, mut w, ..
        } = rows;
        held.finish(&mut w)?;
        w.finish()?;
        end
    };
    // The C ABI does not expose the counters and the table: through it, only the frames.
    if let Some(analyzer) = engine.builtin() {
        report_evictions(analyzer, &src.name);
        if live {
            print_counters(analyzer, &src.name, end.interrupted);
        }
        if live && end.interrupted {
            let rows = TableRows::new(Convs::one(analyzer), end.first_ns, &[], None);
            conns::write(
                &mut io::stderr().lock(),
                &rows,
                analyzer.counters(),
                ConnsFormat::Table,
                lang,
                1,
            )?;
        }
    }
    // The loop watches the clock whatever the engine.
    warn_about_time(&end, &src.name);
    // A file read to its end gets one summary line (a damaged one gets its error instead,
    // which says how many frames were analysed).
    if !live && !opts.quiet && end.broke.is_none() {
        let fragments = engine.builtin().map(|a| a.counters().fragments);
        eprintln!(
            "tcplens: {}: {}",
            src.name,
            tally.summary(end.frames, fragments)
        );
    }
    if let Some(e) = end.broke {
        return Err(e.into());
    }
    no_such_stream(&src.name, opts.streams, tally.conversations)
}

/// `--stream N` for a stream the capture does not have (numbered from 0 up to
/// `conversations - 1`): an error after the output, so a typo does not pass for a quiet
/// conversation.
fn no_such_stream(name: &str, streams: &[u32], conversations: u64) -> Result<(), CliError> {
    match streams.iter().find(|&&s| u64::from(s) >= conversations) {
        Some(&stream) => Err(CliError::NoSuchStream {
            name: name.to_string(),
            stream,
        }),
        None => Ok(()),
    }
}

/// What `analyze` saw, for its summary line.
#[derive(Default)]
struct Tally {
    tcp: u64,
    not_tcp: u64,
    undecodable: u64,
    /// The highest stream number seen plus one: conversations, evicted ones included.
    conversations: u64,
}

impl Tally {
    fn count(&mut self, seen: &Seen<'_>) {
        match seen {
            Seen::Tcp(f) => {
                self.tcp += 1;
                self.conversations = self.conversations.max(u64::from(f.record.stream) + 1);
            }
            // Wireshark dissects it as TCP, in no conversation.
            Seen::Quote(_) => self.tcp += 1,
            Seen::Undecodable(_) => self.undecodable += 1,
            Seen::NotTcp => self.not_tcp += 1,
        }
    }

    /// "1,024 frames: 1,000 TCP in 12 conversations, 24 not TCP, 0 undecodable", and when
    /// the capture has IP fragments, "; 12 IP fragments: 5 datagrams reassembled, 1 never
    /// completed".
    fn summary(&self, frames: u64, fragments: Option<FragmentCounters>) -> String {
        let g = digits::thousands;
        let mut line = self.counts(frames);
        if let Some(f) = fragments.filter(|f| f.fragments > 0) {
            line.push_str(&format!(
                "; {} IP {}: {} {} reassembled, {} never completed",
                g(f.fragments),
                plural(f.fragments, "fragment", "fragments"),
                g(f.completed),
                plural(f.completed, "datagram", "datagrams"),
                g(f.held + f.expired + f.evicted),
            ));
            if f.too_long > 0 {
                line.push_str(&format!(", {} past 128 KiB not held", g(f.too_long)));
            }
        }
        line
    }

    fn counts(&self, frames: u64) -> String {
        let g = digits::thousands;
        format!(
            "{} {}: {} TCP in {} {}, {} not TCP, {} undecodable",
            g(frames),
            plural(frames, "frame", "frames"),
            g(self.tcp),
            g(self.conversations),
            plural(self.conversations, "conversation", "conversations"),
            g(self.not_tcp),
            g(self.undecodable),
        )
    }
}

/// `one` for 1, else `many`.
fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn warn_about_time(end: &drive::End, name: &str) {
    if let Some(w) = end.clock.warning(name) {
        eprintln!("tcplens: warning: {w}");
    }
}

/// Says on standard error when the cap dropped conversations: the table then lists only
/// those still in memory.
fn report_evictions(analyzer: &Analyzer, name: &str) {
    let t = analyzer.conversations();
    let e = t.evictions();
    if e.total() > 0 {
        eprintln!(
            "tcplens: {name}: {} of {} conversations were evicted to stay under --max-conns {} \
             ({} closed, {} least recently seen); the table lists the {} still in memory. \
             Raise --max-conns (or 0 for no cap) to keep them all.",
            e.total(),
            t.created(),
            t.max(),
            e.closed,
            e.idle,
            t.len()
        );
    }
}

fn print_counters(analyzer: &Analyzer, name: &str, interrupted: bool) {
    let c = analyzer.counters();
    eprintln!(
        "tcplens: {name}: {} frames, {} TCP, {} not TCP, {} undecodable, {} conversations{}",
        c.frames,
        c.tcp,
        c.not_tcp,
        c.undecodable_total(),
        analyzer.conversations().len(),
        if interrupted {
            " (stopped by Ctrl-C)"
        } else {
            ""
        }
    );
}

/// What `conns` writes, besides its input.
struct ConnsOptions<'a> {
    format: ConnsFormat,
    output: Option<&'a std::path::Path>,
    /// `--stream`: only these conversations' rows (all when empty).
    streams: &'a [u32],
    diagnose: bool,
    lang: Lang,
    stats: bool,
    /// `--threads`: with 2 or more, the conversations are sharded across that many
    /// threads (`tcplens_drive::run_sharded`).
    threads: u32,
}

/// The conversations `conns` read: one analyzer's table, or the shards' tables merged.
/// One of them per run: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Tables {
    One(Analyzer),
    Sharded(drive::Sharded),
}

impl Tables {
    fn counters(&self) -> &tcplens_core::Counters {
        match self {
            Tables::One(a) => a.counters(),
            Tables::Sharded(s) => s.counters(),
        }
    }

    /// Conversations created (= the next stream number).
    fn created(&self) -> u32 {
        match self {
            Tables::One(a) => a.conversations().created(),
            Tables::Sharded(s) => s.created(),
        }
    }

    /// The conversations in memory, in stream order.
    fn convs(&self) -> Convs<'_> {
        match self {
            Tables::One(a) => Convs::one(a),
            Tables::Sharded(s) => Convs::Sharded(s),
        }
    }

    /// `conns --stats`: what the conversation tables hold and cost.
    fn print_stats(&self) {
        let (created, len, evicted, bytes, threads) = match self {
            Tables::One(a) => {
                let t = a.conversations();
                let evicted = t.evictions().total();
                (t.created(), t.len(), evicted, t.state_bytes(), 1)
            }
            // Over the cap, a sharded run gives way to one thread: nothing is evicted.
            Tables::Sharded(s) => {
                let n = s.created();
                (n, n as usize, 0, s.state_bytes(), s.threads())
            }
        };
        eprintln!(
            "tcplens: conversations: {created} created, {len} in memory, {evicted} evicted, on {threads} {}; analysis state {bytes} bytes = {:.0} B per conversation in memory",
            plural(threads as u64, "thread", "threads"),
            bytes as f64 / len.max(1) as f64
        );
    }
}

/// The conversations rows are built from, in stream order.
enum Convs<'a> {
    /// One analyzer's table: its conversations in memory.
    One(Vec<&'a Conversation>),
    /// The shards' tables, numbered in the merge.
    Sharded(&'a drive::Sharded),
}

impl<'a> Convs<'a> {
    fn one(analyzer: &'a Analyzer) -> Convs<'a> {
        Convs::One(analyzer.conversations().iter().collect())
    }
}

/// `conns`' rows, built from the tables as they are written (`conns::RowSource`):
/// narrowed to `--stream`'s streams, with the diagnosis when there is one.
struct TableRows<'a> {
    convs: Convs<'a>,
    start_ns: i64,
    streams: &'a [u32],
    diagnoses: Option<conns::Diagnoses>,
}

impl<'a> TableRows<'a> {
    fn new(
        convs: Convs<'a>,
        first_ns: Option<i64>,
        streams: &'a [u32],
        diagnoses: Option<conns::Diagnoses>,
    ) -> TableRows<'a> {
        TableRows {
            convs,
            start_ns: first_ns.unwrap_or(0),
            streams,
            diagnoses,
        }
    }
}

impl conns::RowSource for TableRows<'_> {
    fn len(&self) -> usize {
        match &self.convs {
            Convs::One(v) => v.len(),
            Convs::Sharded(s) => s.created() as usize,
        }
    }

    fn rows(&self, range: std::ops::Range<usize>) -> Box<dyn Iterator<Item = ConnRow> + '_> {
        let convs: Box<dyn Iterator<Item = (u32, &Conversation)> + '_> = match &self.convs {
            Convs::One(v) => {
                let end = range.end.min(v.len());
                let start = range.start.min(end);
                Box::new(v[start..end].iter().map(|c| (c.stream, *c)))
            }
            Convs::Sharded(s) => Box::new(s.conversations_in(range)),
        };
        Box::new(
            convs
                .filter(|(stream, _)| self.streams.is_empty() || self.streams.contains(stream))
                .map(|(stream, c)| {
                    let mut row = ConnRow::new(c, self.start_ns);
                    // A shard's table numbers its conversations in its own order.
                    row.record.stream = stream;
                    if let Some(d) = &self.diagnoses {
                        row.diagnosis = Some(d.get(&stream).cloned().unwrap_or_default());
                    }
                    row
                }),
        )
    }

    fn diagnosed(&self) -> bool {
        self.diagnoses.is_some()
    }
}

/// The analyzer `conns` reads with: statistics gathered, and with `diagnose` the
/// diagnosis, else no own verdicts (the table shows none).
fn conns_analyzer(max_conns: usize, diagnose: bool) -> Analyzer {
    let mut analyzer = Analyzer::with_max_conns(max_conns);
    analyzer.gather_statistics();
    if diagnose {
        // Times from the capture's first frame, as tcplens has always counted them.
        analyzer.diagnose(TimeOrigin::FirstFrame);
    } else {
        analyzer.skip_own_verdicts();
    }
    analyzer
}

/// `conns` on one thread.
fn conns_one(
    input: &InputArgs,
    src: &mut Source,
    diagnose: bool,
) -> Result<(Tables, drive::End), CliError> {
    let mut analyzer = conns_analyzer(input.max_conns, diagnose);
    let end = if diagnose {
        drive::run(src, &mut analyzer, input.drive_options(), |_, _, _, _| {
            Ok(())
        })?
    } else {
        drive::run_batched(src, &mut analyzer, input.drive_options())?
    };
    report_evictions(&analyzer, &src.name);
    Ok((Tables::One(analyzer), end))
}

fn conns(input: &InputArgs, opts: &ConnsOptions<'_>) -> Result<(), CliError> {
    let ConnsOptions {
        format,
        output,
        streams,
        diagnose,
        lang,
        stats,
        threads,
    } = *opts;
    let mut src = input.open()?;
    // A file that can be read again, should the cap call for one thread after all.
    let sharded = threads > 1 && !diagnose && input.interface.is_none() && src.size.is_some();
    let (mut tables, end) = if sharded {
        let run = drive::run_sharded(
            &mut src,
            threads as usize,
            input.max_conns,
            input.drive_options(),
            || conns_analyzer(0, false),
        )?;
        match run {
            drive::Sharding::Done(mut s) => {
                let end = std::mem::take(&mut s.end);
                (Tables::Sharded(s), end)
            }
            drive::Sharding::OverCap => {
                src = input.open()?;
                conns_one(input, &mut src, diagnose)?
            }
        }
    } else {
        conns_one(input, &mut src, diagnose)?
    };
    if stats {
        tables.print_stats();
    }
    let diagnoses = match (diagnose, &mut tables) {
        (true, Tables::One(analyzer)) => {
            let mut findings: Vec<Finding> = Vec::new();
            analyzer.finish_diagnosis(&mut findings);
            Some(conns::diagnoses(&findings, lang))
        }
        _ => None,
    };
    let rows = TableRows::new(tables.convs(), end.first_ns, streams, diagnoses);
    match format {
        ConnsFormat::Parquet => {
            // check_outputs refuses parquet without -o before anything is read.
            let Some(path) = output else {
                return Err(CliError::Output(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "Parquet is written to a file (-o FILE), not standard output",
                )));
            };
            let file = io::BufWriter::new(output::create(path)?);
            let mut table = tcplens_columnar::ConnTable::new(Box::new(file))?;
            for r in conns::RowSource::all(&rows) {
                table.push(&r.record)?;
            }
            table.finish()?;
        }
        ConnsFormat::Table | ConnsFormat::Json | ConnsFormat::Zeek => {
            let out: Box<dyn Write> = match output {
                Some(p) => Box::new(output::create(p)?),
                None => Box::new(io::stdout().lock()),
            };
            let mut out = io::BufWriter::new(out);
            conns::write(
                &mut out,
                &rows,
                tables.counters(),
                format,
                lang,
                threads as usize,
            )?;
            out.flush()?;
        }
    }
    warn_about_time(&end, &src.name);
    if let Some(e) = end.broke {
        return Err(e.into());
    }
    let created = u64::from(tables.created());
    drop(rows);
    // The process ends after this, and its memory with it: the conversations are not freed
    // one at a time first (330 k of them and their statistics on the 5 M benchmark capture:
    // 2.65 s CPU against 2.57 s without).
    std::mem::forget(tables);
    no_such_stream(&src.name, streams, created)
}

fn main() -> ExitCode {
    // `conns --help` explains its columns and codes from the schema and the core's tables.
    let matches = Cli::command()
        .mut_subcommand("conns", |c| c.after_long_help(conns::long_help()))
        .get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let Command::Analyze { input, .. } | Command::Conns { input, .. } = &cli.command {
        let name = match cli.command {
            Command::Analyze { .. } => "analyze",
            _ => "conns",
        };
        check_input(input, name);
        check_live_only_options(input);
    }
    check_outputs(&cli.command);
    let result = match &cli.command {
        Command::Analyze {
            input,
            format,
            output,
            streams,
            lang,
            core_lib,
            quiet,
            threads,
        } => analyze(
            input,
            core_lib.as_deref(),
            &AnalyzeOptions {
                format: *format,
                output: output.as_deref(),
                streams,
                lang: (*lang).into(),
                quiet: *quiet,
                threads: threads.unwrap_or_else(default_threads),
            },
        ),
        Command::Conns {
            input,
            format,
            output,
            streams,
            diagnose,
            lang,
            stats,
            threads,
        } => conns(
            input,
            &ConnsOptions {
                format: *format,
                output: output.as_deref(),
                streams,
                diagnose: *diagnose,
                lang: (*lang).into(),
                stats: *stats,
                threads: threads.unwrap_or_else(|| {
                    std::thread::available_parallelism().map_or(1, |n| n.get() as u32)
                }),
            },
        ),
        Command::DiffTshark {
            files,
            tshark,
            min_agreement,
            format,
        } => diff_tshark(files, tshark, *min_agreement, *format),
        Command::Diagram(a) => pictures::diagram(a),
        Command::Graph(a) => pictures::graph(a),
        Command::Report(a) => pictures::report(a),
    };
    match result {
        Ok(()) => ExitCode::from(exit::OK as u8),
        // A closed pipe (`tcplens analyze big.pcap | head`) ends quietly.
        Err(CliError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcplens: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn diff_tshark(
    files: &[PathBuf],
    tshark: &std::path::Path,
    min: Option<f64>,
    format: DiffFormat,
) -> Result<(), CliError> {
    let (report, broke) = diff_tshark::compare(files, tshark)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        DiffFormat::Text => diff_tshark::write_text(&mut out, &report)?,
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report).map_err(io::Error::other)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    // A capture that broke off was compared up to the damage: say so, as every command does.
    if let Some(e) = broke {
        return Err(e.into());
    }
    if let Some(min) = min {
        let min = if min > 1.0 { min / 100.0 } else { min };
        let rows: Vec<String> = diff_tshark::below(&report, min)
            .iter()
            .map(|t| format!("{} ({:.3}%)", t.name, t.agreement() * 100.0))
            .collect();
        if !rows.is_empty() {
            return Err(CliError::Disagreement { rows, min });
        }
    }
    Ok(())
}

/// `analyze` and `conns` need a file or `-i INTERFACE`: a usage error (exit 2) otherwise,
/// with the command's usage line.
fn check_input(input: &InputArgs, command: &str) {
    if input.file.is_none() && input.interface.is_none() {
        let mut cli = Cli::command();
        cli.build();
        let sub = cli
            .find_subcommand_mut(command)
            .expect("analyze and conns are subcommands");
        sub.error(
            clap::error::ErrorKind::MissingRequiredArgument,
            INPUT_REQUIRED,
        )
        .exit();
    }
}

/// Parquet is a binary file written last to first (its footer), so it needs `-o FILE`; and
/// `conns --diagnose` has no Parquet columns. Both are usage errors (exit 2).
fn check_outputs(command: &Command) {
    let (name, parquet, zeek, output, diagnose) = match command {
        Command::Analyze { format, output, .. } => {
            ("analyze", *format == Format::Parquet, false, output, false)
        }
        Command::Conns {
            format,
            output,
            diagnose,
            ..
        } => (
            "conns",
            *format == ConnsFormat::Parquet,
            *format == ConnsFormat::Zeek,
            output,
            *diagnose,
        ),
        _ => return,
    };
    let problem = if parquet && output.is_none() {
        "--format parquet writes a binary file: name it with -o FILE (e.g. -o frames.parquet)"
    } else if parquet && diagnose {
        "--diagnose is not written to Parquet: use --format json or table for the diagnosis"
    } else if zeek && diagnose {
        "--diagnose has no place in a Zeek conn.log: use --format json or table for the diagnosis"
    } else {
        return;
    };
    let mut cli = Cli::command();
    cli.build();
    if let Some(sub) = cli.find_subcommand_mut(name) {
        sub.error(clap::error::ErrorKind::ArgumentConflict, problem)
            .exit();
    }
}

fn check_live_only_options(input: &InputArgs) {
    if input.interface.is_none() && (input.filter.is_some() || input.snaplen != DEFAULT_SNAPLEN) {
        // Frame numbers must stay Wireshark's, so files are never filtered.
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--filter and --snaplen apply to a live capture (-i IFACE); files are read whole so frame numbers stay Wireshark's",
            )
            .exit();
    }
}
