//! tcplens as a Wireshark 4.x epan post-dissector plugin.
//!
//! This crate builds the `tcplens.so` cdylib. In this release it only links the analysis
//! core; the epan bindings (bindgen over the system's Wireshark headers), the protocol,
//! field and expert registrations and the post-dissector are the plugin issue's work.

/// The analysis core the plugin will feed from its post-dissector.
pub use tcplens_core as core;

/// The plugin's version string, as Wireshark's plugin loader will read it.
pub const PLUGIN_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(super::PLUGIN_VERSION, env!("CARGO_PKG_VERSION"));
    }
}
