//! Turns analysis results into pictures and pages (the trace model, SVG, the timeline, the
//! ladder diagram, the graphs and the HTML report) as pure functions from analysis results
//! to text: no I/O, no capture reading, no command line (clap).
//!
//! The caller reads the capture and runs the analyzer (the `tcplens` binary does both);
//! this crate gets the frames' records and analyses, and the words from the core's text
//! module, and returns the document as a `String`.
#![deny(unsafe_code)]

pub mod diagram;
pub mod graph;
pub mod report;
pub mod svg;
pub mod timeline;
pub mod trace;
