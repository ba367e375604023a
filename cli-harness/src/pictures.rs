//! The picture subcommands: `diagram`, `graph` and `report`, each writing one
//! self-contained file (SVG or HTML) to `-o FILE` or standard output.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use tcplens_core::Side;

use crate::error::CliError;
use crate::report;
use crate::trace::load_stream;
use crate::LangArg;
use tcplens_render::report::Options as ReportOptions;
use tcplens_render::timeline::{origin_ns, secs, Bound, Range};
use tcplens_render::trace::Stream;
use tcplens_render::{diagram, graph};

/// How `--from` and `--to` are read (shown in `--help`).
const RANGE_HELP: &str = "seconds since the connection's first packet (1.5, 1.5s, 250ms) \
    or a frame number (f120, or '#120' quoted for the shell)";

/// `--from`/`--to`: seconds since the connection's first packet, or a frame number.
fn parse_bound(s: &str) -> Result<Bound, String> {
    let t = s.trim();
    if let Some(n) = t.strip_prefix(['f', 'F', '#']) {
        return n.parse::<u32>().map(Bound::Frame).map_err(|_| {
            format!("'{s}' is not a frame number: write f120 (or '#120'), or seconds like 1.5")
        });
    }
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        (t, 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Bound::Seconds(v * scale)),
        Ok(_) => Err(format!(
            "'{s}' is not a time in the connection: give seconds from 0 (its first packet) up"
        )),
        Err(_) => Err(format!(
            "'{s}' is neither seconds (1.5, 250ms) nor a frame number (f120 or '#120')"
        )),
    }
}

/// The part of a connection to draw (`--from`, `--to`).
#[derive(Args)]
struct RangeArgs {
    #[arg(long, value_name = "WHEN", value_parser = parse_bound, help = format!("Draw from here: {RANGE_HELP}"))]
    from: Option<Bound>,
    #[arg(long, value_name = "WHEN", value_parser = parse_bound, help = format!("Draw up to here (included): {RANGE_HELP}"))]
    to: Option<Bound>,
}

impl RangeArgs {
    /// The range, once it is known to keep a packet of `stream`.
    fn range(&self, stream: &Stream) -> Result<Range, CliError> {
        let range = Range {
            from: self.from,
            to: self.to,
        };
        let origin = origin_ns(&stream.packets);
        if range.is_all() || stream.packets.iter().any(|p| range.keeps(p, origin)) {
            return Ok(range);
        }
        let last = stream
            .packets
            .iter()
            .map(|p| p.t_ns)
            .max()
            .unwrap_or(origin);
        let frames = (
            stream.packets.iter().map(|p| p.frame).min().unwrap_or(0),
            stream.packets.iter().map(|p| p.frame).max().unwrap_or(0),
        );
        Err(CliError::EmptyRange {
            stream: stream.stream,
            span: secs(last - origin),
            frames,
        })
    }
}

#[derive(Args)]
pub struct DiagramArgs {
    /// A pcap or pcapng file; `-` reads standard input.
    file: String,
    /// The TCP stream to draw (Wireshark's tcp.stream; `tcplens conns` lists them).
    #[arg(long, default_value_t = 0)]
    stream: u32,
    /// Write the SVG here instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Fold runs of more than N plain data packets into one marker; 0 never folds.
    #[arg(long, value_name = "N", default_value_t = diagram::Options::default().fold)]
    fold: usize,
    #[command(flatten)]
    range: RangeArgs,
    /// Language of the words and the explanations (shown when hovering an arrow).
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    /// Time-sequence graph (Stevens/tcptrace): segments, ACKs, window, SACK blocks.
    Sequence,
    /// Payload bytes per second of each direction, over a sliding window.
    Throughput,
    /// Round-trip time of each ACK (tcp.analysis.ack_rtt) over time.
    Rtt,
    /// The receiver's advertised window and the sender's bytes in flight.
    Window,
}

impl From<Kind> for graph::GraphKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Sequence => graph::GraphKind::Sequence,
            Kind::Throughput => graph::GraphKind::Throughput,
            Kind::Rtt => graph::GraphKind::Rtt,
            Kind::Window => graph::GraphKind::Window,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Direction {
    /// The data the client sent.
    Client,
    /// The data the server sent.
    Server,
}

#[derive(Args)]
pub struct GraphArgs {
    /// A pcap or pcapng file; `-` reads standard input.
    file: String,
    /// The TCP stream to draw (Wireshark's tcp.stream; `tcplens conns` lists them).
    #[arg(long, default_value_t = 0)]
    stream: u32,
    /// Write the SVG here instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Which view to draw (Wireshark's Stream Graphs).
    #[arg(long, value_enum, default_value_t = Kind::Sequence)]
    kind: Kind,
    /// Whose data to draw (default: the side that sent more bytes).
    #[arg(long, value_enum)]
    direction: Option<Direction>,
    #[command(flatten)]
    range: RangeArgs,
    /// Language of the title, the axes and the legend.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
}

#[derive(Args)]
pub struct ReportArgs {
    /// A pcap or pcapng file (read twice, so not standard input).
    file: String,
    /// Write the HTML here instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// How many connections (those with the most anomalies) get a diagram and a graph.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pictures: usize,
    /// Fold runs of more than N plain data packets in the diagrams; 0 never folds.
    #[arg(long, value_name = "N", default_value_t = diagram::Options::default().fold)]
    fold: usize,
    /// Language of the page, the diagnosis and the explanations.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
}

/// Writes `doc` to `path`, or to standard output.
fn emit(path: Option<&PathBuf>, doc: &str) -> Result<(), CliError> {
    match path {
        Some(p) => std::fs::write(p, doc).map_err(|e| {
            CliError::Output(io::Error::new(e.kind(), format!("{}: {e}", p.display())))
        }),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(doc.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}

pub fn diagram(a: &DiagramArgs) -> Result<(), CliError> {
    let (stream, broke) = load_stream(&a.file, a.stream)?;
    let opts = diagram::Options {
        fold: a.fold,
        range: a.range.range(&stream)?,
        lang: a.lang.into(),
    };
    let doc = diagram::render(&stream, &opts);
    emit(a.output.as_ref(), &doc)?;
    broke.map_or(Ok(()), Err)
}

pub fn graph(a: &GraphArgs) -> Result<(), CliError> {
    let (stream, broke) = load_stream(&a.file, a.stream)?;
    let from = a.direction.map(|d| match d {
        Direction::Client => Side::Client,
        Direction::Server => Side::Server,
    });
    let doc = graph::render(
        &stream,
        &graph::Options {
            kind: a.kind.into(),
            from,
            range: a.range.range(&stream)?,
            lang: a.lang.into(),
        },
    );
    emit(a.output.as_ref(), &doc)?;
    broke.map_or(Ok(()), Err)
}

pub fn report(a: &ReportArgs) -> Result<(), CliError> {
    let lang = a.lang.into();
    let opts = ReportOptions {
        pictures: a.pictures,
        lang,
        diagram: diagram::Options {
            fold: a.fold,
            lang,
            ..diagram::Options::default()
        },
    };
    let (doc, broke) = report::build(&a.file, &opts)?;
    emit(a.output.as_ref(), &doc)?;
    broke.map_or(Ok(()), Err)
}
