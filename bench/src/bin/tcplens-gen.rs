//! `tcplens-gen`: writes a deterministic synthetic capture (see [`tcplens_bench::gen`]).
#![deny(unsafe_code)]

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use tcplens_bench::gen::{self, Config, Mix};

#[derive(Parser)]
#[command(
    name = "tcplens-gen",
    about = "Writes a deterministic synthetic Ethernet pcap for benchmarks and flood tests."
)]
struct Args {
    /// The pcap file to write.
    #[arg(short = 'o', long)]
    output: PathBuf,
    /// Packets to write.
    #[arg(short = 'n', long, default_value_t = Config::default().packets)]
    packets: u64,
    /// Conversations open at the same time (realistic mix).
    #[arg(short = 'c', long, default_value_t = Config::default().conns)]
    conns: u32,
    /// Seed of the pseudo-random choices.
    #[arg(long, default_value_t = Config::default().seed)]
    seed: u64,
    /// Cut every packet to this many bytes, as a capture with `-s` would.
    #[arg(long, default_value_t = Config::default().snaplen)]
    snaplen: u32,
    /// Percentage of conversations over IPv6.
    #[arg(long, default_value_t = Config::default().v6_percent,
          value_parser = clap::value_parser!(u32).range(0..=100))]
    v6_percent: u32,
    /// What to generate.
    #[arg(long, value_enum, default_value_t = MixArg::Realistic)]
    mix: MixArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MixArg {
    /// Interleaved connections of every kind, with impairments.
    Realistic,
    /// One SYN per packet, each to a new port: every packet is a new conversation.
    SynFlood,
    /// Half-open handshakes (SYN, SYN-ACK, never an ACK) mixed with mid-stream data of
    /// conversations never seen before.
    HalfOpen,
}

impl From<MixArg> for Mix {
    fn from(m: MixArg) -> Mix {
        match m {
            MixArg::Realistic => Mix::Realistic,
            MixArg::SynFlood => Mix::SynFlood,
            MixArg::HalfOpen => Mix::HalfOpen,
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let cfg = Config {
        packets: args.packets,
        conns: args.conns,
        seed: args.seed,
        snaplen: args.snaplen,
        v6_percent: args.v6_percent,
        mix: args.mix.into(),
    };
    let file = match File::create(&args.output) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("tcplens-gen: cannot create {}: {e}", args.output.display());
            return ExitCode::from(3);
        }
    };
    match gen::write_pcap(&cfg, BufWriter::with_capacity(1 << 20, file)) {
        Ok(n) => {
            eprintln!(
                "tcplens-gen: wrote {n} packets to {}",
                args.output.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tcplens-gen: writing {}: {e}", args.output.display());
            ExitCode::from(8)
        }
    }
}
