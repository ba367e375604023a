//! Three hosts, one answer: a C program built against `include/tcplens.h` and linked to the
//! core's cdylib, and `tcplens analyze --core-lib` (the cdylib through libloading), must
//! print exactly what `tcplens analyze` prints, on every bundled capture.
#![deny(unsafe_code)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds the core's cdylib in its own target folder (the outer `cargo test` holds the
/// lock on the usual one) and returns the folder holding `libtcplens_core.so`.
fn core_lib_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let target = common::root().join("target/c-abi");
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "-p",
                "tcplens-core",
                "--lib",
                "--target-dir",
            ])
            .arg(&target)
            .current_dir(common::root())
            .status()
            .expect("running cargo build for the core's cdylib");
        assert!(status.success(), "building libtcplens_core.so failed");
        let dir = target.join("debug");
        assert!(dir.join("libtcplens_core.so").is_file());
        dir
    })
}

fn harness(args: &[&str], capture: &Path) -> Vec<u8> {
    let out = common::tcplens()
        .args(args)
        .arg(capture)
        .output()
        .expect("running tcplens");
    assert!(
        out.status.success(),
        "tcplens {args:?} {}: {}",
        capture.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn core_lib_through_libloading_is_byte_identical() {
    let lib = core_lib_dir().join("libtcplens_core.so");
    let lib = lib.to_str().unwrap();
    for cap in common::bundled_captures() {
        for format in ["text", "jsonl", "csv"] {
            let direct = harness(&["analyze", "--threads", "1", "--format", format], &cap);
            // On two threads the C ABI's explanations are written on the loop's thread
            // and sent to the writer (the built-in ones are told by the writer).
            for threads in ["1", "2"] {
                let through_c = harness(
                    &[
                        "analyze",
                        "--threads",
                        threads,
                        "--format",
                        format,
                        "--core-lib",
                        lib,
                    ],
                    &cap,
                );
                assert!(
                    direct == through_c,
                    "--core-lib output differs on {} ({format}, {threads} threads)",
                    cap.display()
                );
            }
        }
    }
}

/// `--max-conns` reaches the C ABI (`tcplens_set_max_conns`): with a cap small enough to
/// evict, stream numbers change, and they change the same way through the library.
#[test]
fn core_lib_honours_max_conns() {
    let lib = core_lib_dir().join("libtcplens_core.so");
    let lib = lib.to_str().unwrap();
    let cap = common::root().join("tests/captures/netns-keepalive.pcap");
    let capped = ["analyze", "--format", "jsonl", "--max-conns", "1"];
    let direct = harness(&capped, &cap);
    assert!(
        direct != harness(&["analyze", "--format", "jsonl"], &cap),
        "the cap must matter on this capture"
    );
    let mut through_c = capped.to_vec();
    through_c.extend(["--core-lib", lib]);
    assert!(
        direct == harness(&through_c, &cap),
        "--core-lib ignores --max-conns"
    );
}

#[test]
fn core_lib_that_is_not_a_library_is_a_clear_error() {
    let cap = common::root().join("tests/captures/seed-nc.pcap");
    let out = common::run(&[
        "analyze",
        "--core-lib",
        "/nonexistent/libtcplens_core.so",
        cap.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(11));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot use the core library"));
}

#[test]
fn c_program_prints_what_the_harness_prints() {
    if Command::new("cc").arg("--version").output().is_err() {
        assert!(
            !common::in_ci(),
            "cc is missing: CI must build the C program"
        );
        eprintln!("SKIPPED: no C compiler");
        return;
    }
    let dir = core_lib_dir();
    let exe = dir.join("tcplens_dump");
    let out = Command::new("cc")
        .args([
            "-std=c11",
            "-D_DEFAULT_SOURCE",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-I",
        ])
        .arg(common::root().join("include"))
        .arg(common::root().join("tests/c/tcplens_dump.c"))
        .arg("-L")
        .arg(dir)
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .args(["-ltcplens_core", "-lpcap", "-o"])
        .arg(&exe)
        .output()
        .expect("running cc");
    assert!(
        out.status.success(),
        "compiling tests/c/tcplens_dump.c failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut compared = 0;
    for cap in common::bundled_captures() {
        // cargo test puts target/debug first on LD_LIBRARY_PATH, where a stale
        // libtcplens_core.so from an earlier `cargo build` would win over the rpath.
        let c = run_retrying_busy(Command::new(&exe).env("LD_LIBRARY_PATH", dir).arg(&cap));
        if cap.file_name().unwrap() == "synthetic-two-interfaces.pcapng" {
            // libpcap 1.10 refuses interfaces with different link types; tcplens reads it itself.
            assert!(!c.status.success());
            continue;
        }
        assert!(
            c.status.success(),
            "tcplens_dump {}: {}",
            cap.display(),
            String::from_utf8_lossy(&c.stderr)
        );
        let rust = harness(&["analyze", "--format", "jsonl"], &cap);
        assert!(
            c.stdout == rust,
            "the C program differs from tcplens on {}",
            cap.display()
        );
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} captures compared");
}

/// Runs `cmd`, retrying while the kernel says the fresh executable is still busy (ETXTBSY:
/// another test thread's fork can briefly hold the just-linked file open).
fn run_retrying_busy(cmd: &mut Command) -> std::process::Output {
    const ETXTBSY: i32 = 26;
    for _ in 0..50 {
        match cmd.output() {
            Err(e) if e.raw_os_error() == Some(ETXTBSY) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            other => return other.expect("running tcplens_dump"),
        }
    }
    panic!("tcplens_dump stayed busy (ETXTBSY) for a second");
}

/// The frame loop warns about a clock going backwards whatever the engine: `--core-lib`
/// says what the built-in core says on standard error too.
#[test]
fn core_lib_warns_about_the_clock_as_the_builtin_core_does() {
    let Some(shared) = common::shared_captures() else {
        assert!(
            !common::in_ci(),
            "../shared/captures is missing: CI must run this test"
        );
        eprintln!("SKIPPED: ../shared/captures not found");
        return;
    };
    let cap = shared
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "tcpdump-kday4.pcap"))
        .expect("tcpdump-kday4.pcap, whose timestamps go backwards");
    let lib = core_lib_dir().join("libtcplens_core.so");
    let stderr = |extra: &[&str]| {
        let out = common::tcplens()
            .args(["analyze", "--format", "jsonl"])
            .args(extra)
            .arg(&cap)
            .output()
            .expect("running tcplens");
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    let builtin = stderr(&[]);
    assert!(builtin.contains("timestamps go backwards"), "{builtin}");
    assert_eq!(stderr(&["--core-lib", lib.to_str().unwrap()]), builtin);
}
