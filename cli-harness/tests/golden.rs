//! Golden outputs: `tcplens analyze --format jsonl` on every bundled capture, byte for byte,
//! with English explanations; and with Chinese ones (`--lang zh`) for the seed cases.
//! After a deliberate change, regenerate with `UPDATE_GOLDEN=1 cargo test -p tcplens-cli
//! --test golden` and review the diff.
#![deny(unsafe_code)]

use std::path::{Path, PathBuf};

mod common;

#[test]
fn jsonl_matches_the_golden_files() {
    let captures = common::bundled_captures();
    assert!(captures.len() >= 11, "bundled captures are missing");
    check(&captures, "en", &common::root().join("tests/golden"));
}

#[test]
fn chinese_explanations_of_the_seed_cases_match_the_golden_files() {
    let seeds: Vec<PathBuf> = common::bundled_captures()
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("seed-")
        })
        .collect();
    assert!(seeds.len() >= 3, "seed captures are missing");
    check(&seeds, "zh", &common::root().join("tests/golden/zh"));
}

fn check(captures: &[PathBuf], lang: &str, dir: &Path) {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    std::fs::create_dir_all(dir).expect("golden folder");
    let mut failures = Vec::new();
    for cap in captures {
        let out = common::run(&[
            "analyze",
            "--format",
            "jsonl",
            "--lang",
            lang,
            cap.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}: {}",
            cap.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let golden = dir.join(format!(
            "{}.jsonl",
            cap.file_name().unwrap().to_string_lossy()
        ));
        if update {
            std::fs::write(&golden, &out.stdout).expect("writing golden");
            continue;
        }
        let want = std::fs::read(&golden).unwrap_or_else(|_| {
            panic!("{} is missing: run with UPDATE_GOLDEN=1", golden.display())
        });
        if want != out.stdout {
            let got = String::from_utf8_lossy(&out.stdout);
            let want = String::from_utf8_lossy(&want);
            let first = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failures.push(format!(
                "{}: first difference at line {}\n  got:  {}\n  want: {}",
                cap.display(),
                first + 1,
                got.lines().nth(first).unwrap_or("<none>"),
                want.lines().nth(first).unwrap_or("<none>")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
