//! Helpers shared by the integration tests: where things are and how to run them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The captures bundled with the repository.
pub fn bundled_captures() -> Vec<PathBuf> {
    captures_in(&root().join("tests/captures"))
}

/// The team's shared captures (`../shared/captures` beside the repository), when present.
pub fn shared_captures() -> Option<Vec<PathBuf>> {
    let dir = root().join("../shared/captures");
    // In CI the folder is beside the clone: a test that needs it must not skip there.
    assert!(
        dir.is_dir() || !in_ci(),
        "{} is missing: CI must run the tests on the shared captures",
        dir.display()
    );
    dir.is_dir().then(|| captures_in(&dir))
}

pub fn captures_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("pcap" | "pcapng")
            )
        })
        .collect();
    v.sort();
    v
}

pub fn tcplens() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tcplens"))
}

/// Runs `tcplens analyze --format jsonl FILE` and parses every line.
pub fn jsonl(capture: &Path) -> Vec<serde_json::Value> {
    let out = tcplens()
        .args(["analyze", "--format", "jsonl"])
        .arg(capture)
        .output()
        .expect("running tcplens");
    assert!(
        out.status.success(),
        "tcplens failed on {}: {}",
        capture.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

pub fn run(args: &[&str]) -> Output {
    tcplens().args(args).output().expect("running tcplens")
}

/// Whether this run is CI (where skipping a tshark test would hide a failure).
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// Whether a `tshark` runs here.
pub fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The captures a test compared with tshark runs on: the files named in
/// `TCPLENS_DIFF_CAPTURES` (colon-separated), else `tests/captures/*` and, when that folder
/// is beside the repository, `../shared/captures/*`. In CI the shared folder must be there:
/// `what` names the test in the message.
pub fn tshark_compared_captures(what: &str) -> Vec<PathBuf> {
    if let Some(list) = std::env::var_os("TCPLENS_DIFF_CAPTURES") {
        return std::env::split_paths(&list).collect();
    }
    let mut v = bundled_captures();
    match shared_captures() {
        Some(shared) => v.extend(shared),
        None if in_ci() => {
            panic!("../shared/captures is missing: CI must run the {what} on the shared captures")
        }
        None => eprintln!("note: ../shared/captures not found; {what}: the bundled captures only"),
    }
    v
}

/// The rows of a tab-separated list under `tests/` (lines starting with '#' and blank
/// lines skipped), each split into its columns.
pub fn tsv_rows(name: &str) -> Vec<Vec<String>> {
    let path = root().join("tests").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// The `tcp.analysis` verdict flags by their tcplens names (JSONL `flags`, `tcplens.<flag>`
/// plugin fields, `diff-tshark` rows), in Wireshark's order: the core's own table.
pub static FLAGS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    tcplens_core::analysis::Verdict::ALL
        .iter()
        .map(|v| v.name())
        .collect()
});

/// A folder of this test process's own, `base/tcplens-test-TAG-PID`, made empty.
///
/// The tests that need a folder beyond one test's life (a plugin HOME kept in a
/// static, captures shared by several tests) cannot remove it when the process ends:
/// statics are never dropped. So each call first removes the folders of the same tag
/// whose process is gone, and a run leaves at most its own behind.
pub fn scratch_dir(base: &Path, tag: &str) -> PathBuf {
    let prefix = format!("tcplens-test-{tag}-");
    if let Ok(entries) = std::fs::read_dir(base) {
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            let gone = pid.parse::<u32>().is_ok_and(|p| {
                p != std::process::id() && !Path::new(&format!("/proc/{p}")).exists()
            });
            if gone {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let dir = base.join(format!("{prefix}{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    dir
}
