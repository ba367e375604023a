//! Every sentence tcplens prints, one file per language.
//!
//! The logic that decides *which* sentence a frame, a finding or a picture needs exists
//! once, next to the analysis it describes (`explain`, `diagnosis`, the render crate, the
//! plugin's expert summaries); it asks a language for the words through the traits
//! declared here. A language is one file ([`en`], [`zh`]) that fills them in: adding one is
//! that file, a variant of [`Lang`](crate::explain::Lang) and the test that enumerates
//! every text.

mod diagnosis;
pub use diagnosis::DiagnosisWords;

pub mod en;
pub mod zh;
