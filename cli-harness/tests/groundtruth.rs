//! The ground-truth cases of issue 14 (`tests/groundtruth/`, made by
//! `scripts/make-groundtruth.sh`): the committed truth is what the tools make from the
//! committed captures. For every `NAME-client.pcap` / `NAME-server.pcap` pair,
//! `../shared/tools/ground_truth.py` run again gives byte for byte the committed
//! `NAME-{client,server}.groundtruth.tsv` and the `matching`, `directions` and `labels` of
//! `NAME.truth.json`, whose consistency checks hold; every span-duplicates capture is what
//! `scripts/make-span-duplicates.py` makes again from its source with the command in its
//! truth. No verdict is scored here: `verdict_groundtruth.rs` scores tcplens's own
//! verdict (docs/verdicts.md has the measured figures).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    common::root().join("tests/groundtruth")
}

fn python3_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn python3(args: &[&std::ffi::OsStr]) {
    let out = Command::new("python3")
        .args(args)
        .output()
        .expect("running python3");
    assert!(
        out.status.success(),
        "python3 {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir())
        .expect("tests/groundtruth")
        .filter_map(|e| {
            let name = e
                .expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            name.strip_suffix("-client.pcap").map(str::to_owned)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_case_is_small_and_complete() {
    let cases = cases();
    assert!(
        cases.len() >= 6,
        "expected at least six cases, found {cases:?}"
    );
    for entry in std::fs::read_dir(dir()).expect("tests/groundtruth") {
        let p = entry.expect("dir entry").path();
        let len = std::fs::metadata(&p).expect("metadata").len();
        assert!(
            len < 300_000,
            "{} is {len} bytes (keep each file under 300 kB)",
            p.display()
        );
    }
    for c in &cases {
        for f in [
            format!("{c}-server.pcap"),
            format!("{c}-client.groundtruth.tsv"),
            format!("{c}-server.groundtruth.tsv"),
            format!("{c}.truth.json"),
        ] {
            assert!(dir().join(&f).is_file(), "{c}: {f} is missing");
        }
        let truth = read_json(&dir().join(format!("{c}.truth.json")));
        assert_eq!(truth["checks"]["every_pair_byte_identical"], true, "{c}");
        assert_eq!(
            truth["checks"]["one_sided_equals_bridge_drops"], true,
            "{c}"
        );
    }
}

#[test]
fn committed_truth_is_what_ground_truth_py_makes() {
    let tools = common::root().join("../shared/tools");
    if !python3_available() || !tools.join("ground_truth.py").is_file() {
        assert!(
            !common::in_ci(),
            "python3 or ../shared/tools/ground_truth.py is missing: CI must check the ground truth"
        );
        eprintln!("SKIPPED: python3 or ../shared/tools/ground_truth.py not found");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    for c in cases() {
        let summary = tmp.path().join(format!("{c}.json"));
        python3(&[
            tools.join("ground_truth.py").as_os_str(),
            dir().join(format!("{c}-client.pcap")).as_os_str(),
            dir().join(format!("{c}-server.pcap")).as_os_str(),
            "--outdir".as_ref(),
            tmp.path().as_os_str(),
            "--json".as_ref(),
            summary.as_os_str(),
        ]);
        for side in ["client", "server"] {
            let f = format!("{c}-{side}.groundtruth.tsv");
            assert!(
                std::fs::read(tmp.path().join(&f)).expect("made TSV")
                    == std::fs::read(dir().join(&f)).expect("committed TSV"),
                "tests/groundtruth/{f} is not what ground_truth.py makes from the committed pair \
                 (regenerate with scripts/make-groundtruth.sh {c})"
            );
        }
        let made = read_json(&summary);
        let committed = read_json(&dir().join(format!("{c}.truth.json")));
        for key in ["matching", "directions", "labels"] {
            assert_eq!(made[key], committed[key], "{c}.truth.json: {key}");
        }
    }
}

#[test]
fn span_duplicates_are_what_make_span_duplicates_makes() {
    if !python3_available() {
        assert!(
            !common::in_ci(),
            "python3 is missing: CI must check the span duplicates"
        );
        eprintln!("SKIPPED: python3 not found");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut spans: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/groundtruth")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("span-") && n.ends_with(".truth.json")
        })
        .collect();
    spans.sort();
    assert!(!spans.is_empty(), "no span-duplicates captures");
    for t in spans {
        let truth = read_json(&t);
        let command = truth["command"].as_str().expect("command");
        // "python3 scripts/make-span-duplicates.py IN OUT --seed ..."
        let words: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(
            &words[..2],
            ["python3", "scripts/make-span-duplicates.py"],
            "{command}"
        );
        let (input, output) = (words[2], words[3]);
        let made = tmp.path().join(output);
        let made_truth = tmp.path().join("made.truth.json");
        let script = common::root().join(words[1]);
        let source = dir().join(input);
        let mut args: Vec<&std::ffi::OsStr> = vec![
            script.as_os_str(),
            source.as_os_str(),
            made.as_os_str(),
            "--truth".as_ref(),
            made_truth.as_os_str(),
        ];
        args.extend(words[4..].iter().map(|w| std::ffi::OsStr::new(*w)));
        python3(&args);
        assert!(
            std::fs::read(&made).unwrap() == std::fs::read(dir().join(output)).unwrap(),
            "tests/groundtruth/{output} is not what `{command}` makes"
        );
        assert_eq!(read_json(&made_truth), truth, "{}", t.display());
    }
}
