//! Benchmark tools for tcplens. The library holds the capture generator, shared by the
//! `tcplens-gen` binary, the core's microbenchmarks and the CLI's generator tests; it
//! depends on nothing of tcplens, so the core can use it as a dev-dependency.
#![deny(unsafe_code)]

pub mod gen;
