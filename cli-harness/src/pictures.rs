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
use tcplens_render::{diagram, graph};

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
    /// Language of the words and the explanations (shown when hovering an arrow).
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
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
    /// Whose data to draw (default: the side that sent more bytes).
    #[arg(long, value_enum)]
    from: Option<Direction>,
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
        lang: a.lang.into(),
    };
    let doc = diagram::render(&stream, &opts);
    emit(a.output.as_ref(), &doc)?;
    broke.map_or(Ok(()), Err)
}

pub fn graph(a: &GraphArgs) -> Result<(), CliError> {
    let (stream, broke) = load_stream(&a.file, a.stream)?;
    let from = a.from.map(|d| match d {
        Direction::Client => Side::Client,
        Direction::Server => Side::Server,
    });
    let doc = graph::render(
        &stream,
        &graph::Options {
            from,
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
        diagram: diagram::Options { fold: a.fold, lang },
    };
    let (doc, broke) = report::build(&a.file, &opts)?;
    emit(a.output.as_ref(), &doc)?;
    broke.map_or(Ok(()), Err)
}
