//! `scripts/install-deps.sh --for PURPOSE --dry-run`: each purpose plans what it needs and
//! nothing more; above all the plugin's (`make install-plugin`) plans no nightly, cargo-fuzz
//! or test-only package. The dry run installs nothing, so this runs anywhere with bash.
#![deny(unsafe_code)]

mod common;

use std::collections::BTreeSet;
use std::process::Command;

/// The requirements a purpose plans, as `KIND NAME` (e.g. `apt valgrind`, `rust nightly`),
/// present or missing alike.
fn plan(purpose: &str) -> BTreeSet<String> {
    let out = Command::new("bash")
        .arg(common::root().join("scripts/install-deps.sh"))
        .args(["--for", purpose, "--dry-run"])
        .output()
        .expect("running bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "--for {purpose} --dry-run failed: {}{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    let needs: BTreeSet<String> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("install-deps: need "))
        .map(|l| {
            let (req, state) = l.rsplit_once(' ').expect("need KIND NAME (STATE)");
            assert!(state == "(present)" || state == "(missing)", "{l}");
            req.to_string()
        })
        .collect();
    assert!(!needs.is_empty(), "--for {purpose} plans nothing: {stdout}");
    needs
}

fn assert_has(purpose: &str, needs: &BTreeSet<String>, wanted: &[&str]) {
    for w in wanted {
        assert!(needs.contains(*w), "--for {purpose} lacks {w}: {needs:?}");
    }
}

fn assert_lacks(purpose: &str, needs: &BTreeSet<String>, unwanted: &[&str]) {
    for u in unwanted {
        assert!(!needs.contains(*u), "--for {purpose} plans {u}: {needs:?}");
    }
}

/// What only the tests (and the benchmark) need.
const TEST_ONLY: &[&str] = &[
    "rust nightly",
    "cargo cargo-fuzz",
    "rust rustfmt",
    "rust clippy",
    "apt valgrind",
    "apt tcptrace",
    "apt tcpdump",
    "apt time",
    "apt debootstrap",
    "apt python3-pip",
    "pip duckdb",
    "pip parsezeeklogs",
];

#[test]
fn the_plugin_purpose_plans_only_what_building_the_plugin_needs() {
    let needs = plan("plugin");
    assert_has(
        "plugin",
        &needs,
        &[
            "apt build-essential",
            "apt pkg-config",
            "apt libwireshark-dev",
            "apt libglib2.0-dev",
            "apt clang",
            "apt libclang-dev",
            "rust stable",
        ],
    );
    assert_lacks("plugin", &needs, TEST_ONLY);
    // Whoever installs the plugin runs Wireshark already; the CLI's libpcap is not needed.
    assert_lacks(
        "plugin",
        &needs,
        &["apt tshark", "apt libpcap-dev", "apt python3"],
    );
}

#[test]
fn the_build_purpose_adds_libpcap_and_nothing_test_only() {
    let needs = plan("build");
    assert!(
        plan("plugin").is_subset(&needs),
        "build must build the plugin"
    );
    assert_has("build", &needs, &["apt libpcap-dev", "rust stable"]);
    assert_lacks("build", &needs, TEST_ONLY);
    assert_lacks("build", &needs, &["apt tshark"]);
}

#[test]
fn the_test_purpose_plans_everything_make_test_runs() {
    let needs = plan("test");
    assert!(
        plan("build").is_subset(&needs),
        "make test builds the workspace"
    );
    assert!(
        plan("fuzz").is_subset(&needs),
        "make test runs the fuzz targets"
    );
    assert!(plan("bench").is_subset(&needs));
    assert_has("test", &needs, TEST_ONLY);
    assert_has("test", &needs, &["apt tshark", "apt python3"]);
    // No purpose given: everything, as before the split.
    assert_eq!(plan("all"), needs);
}

#[test]
fn an_unknown_purpose_is_a_clear_error() {
    let out = Command::new("bash")
        .arg(common::root().join("scripts/install-deps.sh"))
        .args(["--for", "plugins", "--dry-run"])
        .output()
        .expect("running bash");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown purpose 'plugins'"), "{err}");
}
