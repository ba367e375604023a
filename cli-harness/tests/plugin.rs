//! The Wireshark plugin inside tshark: it loads, registers every `tcplens.*` field, gives
//! the harness's answers frame for frame in one pass and with `-2`, answers display
//! filters, feeds `-z expert`, and turns a panic into an expert error on that frame.
//!
//! tshark as root ignores personal plugin folders, so as root the tests run it as
//! `nobody` (setpriv) with a private HOME holding the plugin; never the developer's folders.
//!
//! The same tests run against Wireshark 4.4 and 4.6 (scripts/wireshark-chroots.sh): with
//! `TCPLENS_WIRESHARK_CHROOT` (a chroot holding that tshark), `TCPLENS_PLUGIN_SO` (the
//! plugin built against its headers) and `TCPLENS_WIRESHARK_VERSION` ("4.4"), tshark runs
//! inside the chroot as `nobody`, with the private HOME inside the chroot.
#![deny(unsafe_code)]

mod common;

use common::FLAGS;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;
use tcplens_core::schema::{FrameKey, KeyType, FRAME_KEYS};

/// Builds the plugin (in its own target folder: the outer cargo holds the usual one's
/// lock) and installs it into a private HOME. Returns that HOME.
fn plugin_home() -> Option<&'static Path> {
    static HOME: OnceLock<Option<PathBuf>> = OnceLock::new();
    HOME.get_or_init(|| install_plugin(&[], "")).as_deref()
}

/// The plugin built with `--features test-panic`: the core panics on frame
/// `TCPLENS_TEST_PANIC_FRAME`. Its own target folder keeps it apart from the real plugin.
fn panicking_plugin_home() -> Option<&'static Path> {
    static HOME: OnceLock<Option<PathBuf>> = OnceLock::new();
    HOME.get_or_init(|| install_plugin(&["--features", "test-panic"], "-test-panic"))
        .as_deref()
}

/// Another Wireshark release to test against, in a chroot (see the module comment).
struct Chroot {
    root: PathBuf,
    plugin: PathBuf,
    version: String,
}

fn chroot() -> Option<&'static Chroot> {
    static CHROOT: OnceLock<Option<Chroot>> = OnceLock::new();
    CHROOT
        .get_or_init(|| {
            let root = PathBuf::from(std::env::var_os("TCPLENS_WIRESHARK_CHROOT")?);
            let need = |name: &str| {
                std::env::var(name)
                    .unwrap_or_else(|_| panic!("{name} must be set with TCPLENS_WIRESHARK_CHROOT"))
            };
            Some(Chroot {
                root,
                plugin: PathBuf::from(need("TCPLENS_PLUGIN_SO")),
                version: need("TCPLENS_WIRESHARK_VERSION"),
            })
        })
        .as_ref()
}

fn install_plugin(features: &[&str], suffix: &str) -> Option<PathBuf> {
    let (major_minor, so, tmp) = if let Some(c) = chroot() {
        assert!(
            features.is_empty(),
            "the chroot tests use the plugin as built for them"
        );
        (c.version.clone(), c.plugin.clone(), c.root.join("tmp"))
    } else {
        let version = Command::new("tshark").arg("--version").output().ok()?;
        let text = String::from_utf8_lossy(&version.stdout);
        // "TShark (Wireshark) 4.0.17 ..." -> "4.0"
        let v = text.split_whitespace().nth(2)?;
        let major_minor: String = v.split('.').take(2).collect::<Vec<_>>().join(".");
        let target = common::root().join(format!("target/c-abi{suffix}"));
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "tcplens-epan"])
            .args(features)
            .arg("--target-dir")
            .arg(&target)
            .current_dir(common::root())
            .status()
            .expect("running cargo build for the plugin");
        assert!(status.success(), "building tcplens.so failed");
        (
            major_minor,
            target.join("debug/libtcplens.so"),
            std::env::temp_dir(),
        )
    };
    {
        let home = common::scratch_dir(&tmp, &format!("plugin{suffix}"));
        let dir = home.join(format!(".local/lib/wireshark/plugins/{major_minor}/epan"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&so, dir.join("tcplens.so")).unwrap();
        for cap in common::bundled_captures() {
            std::fs::copy(&cap, home.join(cap.file_name().unwrap())).unwrap();
        }
        // The "tcplens" profile, where `make install-plugin` puts it.
        let profile = home.join(".config/wireshark/profiles/tcplens");
        std::fs::create_dir_all(&profile).unwrap();
        for f in std::fs::read_dir(common::root().join("wireshark-profile")).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, profile.join(f.file_name().unwrap())).unwrap();
        }
        // Readable by the unprivileged user tshark runs as.
        Command::new("chmod")
            .args(["-R", "a+rX"])
            .arg(&home)
            .status()
            .unwrap();
        Some(home)
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn tshark(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    if let Some(c) = chroot() {
        // Inside the chroot: its own tshark, as nobody, HOME and working folder in /tmp.
        let inner = Path::new("/").join(home.strip_prefix(&c.root).expect("HOME in the chroot"));
        let mut cmd = Command::new("chroot");
        cmd.arg("--userspec=65534:65534")
            .arg(&c.root)
            .args(["/usr/bin/env", "-i", "-C"])
            .arg(&inner)
            .arg(format!("HOME={}", inner.display()))
            .arg("PATH=/usr/bin:/bin");
        for (k, v) in env {
            cmd.arg(format!("{k}={v}"));
        }
        return cmd
            .arg("tshark")
            .args(args)
            .output()
            .expect("running tshark in the chroot");
    }
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "tshark"]);
        c
    } else {
        Command::new("tshark")
    };
    cmd.env("HOME", home).env_remove("XDG_CONFIG_HOME");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args)
        .current_dir(home)
        .output()
        .expect("running tshark")
}

fn home_or_skip() -> Option<&'static Path> {
    let home = plugin_home();
    if home.is_none() {
        assert!(
            !common::in_ci(),
            "tshark is not installed: CI must run the plugin tests"
        );
        eprintln!("SKIPPED: tshark not found");
    }
    home
}

/// The JSONL keys the plugin shows as fields, from the schema (all but `frame`, `flags`
/// and `error`).
fn keys() -> Vec<&'static str> {
    FRAME_KEYS
        .iter()
        .filter(|k| k.in_plugin)
        .map(|k| k.name)
        .collect()
}

fn is_time(key: &str) -> bool {
    FrameKey::from_name(key)
        .is_some_and(|k| matches!(k.info().ty, KeyType::Seconds | KeyType::Seconds9))
}

/// Times as nanoseconds, so "0.012000" and "0.012000000" agree.
fn norm(key: &str, v: &str) -> String {
    if is_time(key) && v.contains('e') {
        // serde_json prints small floats in exponent form ("5e-6").
        return ((v.parse::<f64>().unwrap() * 1e9).round() as i64).to_string();
    }
    if is_time(key) && !v.is_empty() {
        let (neg, body) = v.strip_prefix('-').map_or((false, v), |b| (true, b));
        let (s, f) = body.split_once('.').unwrap_or((body, "0"));
        let frac = format!("{f:0<9}");
        let parse = |x: &str| {
            x.parse::<i64>()
                .unwrap_or_else(|_| panic!("{key}: not a time: {v:?}"))
        };
        let ns: i64 = parse(s) * 1_000_000_000 + parse(&frac[..9]);
        return (if neg { -ns } else { ns }).to_string();
    }
    v.to_string()
}

/// A `tcplens.<verdict>` boolean as the harness row has it: "1" when set. The one place
/// where a difference between Wireshark releases is normalised: 4.0 prints a set boolean
/// as `1`, 4.4 and later as `True`. (The other difference, 4.6's own TCP expert
/// "Ambiguous ACK", is Wireshark's: the expert tests read only tcplens's lines.)
fn norm_flag(v: &str) -> String {
    match v {
        "" => String::new(),
        "1" | "True" => "1".to_string(),
        other => panic!("a tcplens verdict field printed {other:?}, not 1 or True"),
    }
}

fn harness_rows(capture: &Path) -> BTreeMap<u64, Vec<String>> {
    common::jsonl(capture)
        .into_iter()
        // Every TCP row: a conversation's frames, and the cut ICMP quotes that name only
        // their ports (no stream), which the plugin shows too.
        .filter(|v| !v["sport"].is_null())
        .map(|v| {
            let mut row: Vec<String> = keys()
                .into_iter()
                .map(|k| match &v[k] {
                    Value::Null => String::new(),
                    Value::String(s) => norm(k, s),
                    // A list of names (`evidence`) is one string field, joined by commas.
                    Value::Array(a) => a
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","),
                    other => norm(k, &other.to_string()),
                })
                .collect();
            // A quote row has no flags (null).
            let flags: Vec<&str> = v["flags"]
                .as_array()
                .map(|a| a.iter().filter_map(|f| f.as_str()).collect())
                .unwrap_or_default();
            row.extend(FLAGS.iter().map(|f| {
                if flags.contains(f) {
                    "1".to_string()
                } else {
                    String::new()
                }
            }));
            (v["frame"].as_u64().unwrap(), row)
        })
        .collect()
}

fn plugin_rows(home: &Path, capture: &str, two_pass: bool) -> BTreeMap<u64, Vec<String>> {
    let mut args = vec![
        "-n",
        "-r",
        capture,
        "-T",
        "fields",
        "-E",
        "separator=/t",
        "-E",
        "occurrence=f",
        "-e",
        "frame.number",
    ];
    let keys = keys();
    let fields: Vec<String> = keys
        .iter()
        .chain(FLAGS.iter())
        .map(|k| format!("tcplens.{k}"))
        .collect();
    // An address key's IPv6 value is in its `<key>6` twin; the row takes whichever is set.
    let v6: Vec<(usize, String)> = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| FrameKey::from_name(k).is_some_and(|k| k.info().ty == KeyType::Address))
        .map(|(i, k)| (i, format!("tcplens.{k}6")))
        .collect();
    for f in fields.iter().chain(v6.iter().map(|(_, f)| f)) {
        args.extend(["-e", f.as_str()]);
    }
    if two_pass {
        args.push("-2");
    }
    let out = tshark(home, &args, &[]);
    assert!(
        out.status.success(),
        "tshark failed on {capture}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let frame: u64 = cols.next()?.parse().ok()?;
            let mut cols: Vec<&str> = cols.collect();
            let twins = cols.split_off(cols.len().saturating_sub(v6.len()));
            for ((i, _), twin) in v6.iter().zip(twins) {
                assert!(
                    cols[*i].is_empty() || twin.is_empty(),
                    "frame {frame}: both tcplens.{} and its IPv6 twin",
                    keys[*i]
                );
                if cols[*i].is_empty() {
                    cols[*i] = twin;
                }
            }
            let vals: Vec<String> = cols
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if i < keys.len() {
                        norm(keys[i], v)
                    } else {
                        norm_flag(v)
                    }
                })
                .collect();
            // Frames without any tcplens field are not TCP for tcplens.
            vals.iter().any(|v| !v.is_empty()).then_some((frame, vals))
        })
        .collect()
}

/// The symbols a library exports (defined, dynamic), sorted.
fn exported_symbols(so: &Path) -> Vec<String> {
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(so)
        .output()
        .expect("running nm");
    assert!(out.status.success(), "nm {}", so.display());
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect();
    names.sort();
    names
}

/// Exactly the loader's symbols, in the debug build and in the release build (where LTO
/// compiles the core's `tcplens_*` C ABI into the plugin's own objects): plugin_describe
/// too for Wireshark 4.3 and later, whose loaders read it.
#[test]
fn plugin_exports_exactly_what_the_loader_needs() {
    let Some(_) = home_or_skip() else { return };
    let version = Command::new("tshark").arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&version.stdout);
    let mut parts = text
        .split_whitespace()
        .nth(2)
        .unwrap()
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let mut want = vec![
        "plugin_register",
        "plugin_version",
        "plugin_want_major",
        "plugin_want_minor",
    ];
    if (major, minor) >= (4, 3) {
        want.insert(0, "plugin_describe");
    }
    let debug = common::root().join("target/c-abi/debug/libtcplens.so");
    assert_eq!(exported_symbols(&debug), want, "debug build");
    let target = common::root().join("target/c-abi-release");
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--release", "-p", "tcplens-epan"])
        .arg("--target-dir")
        .arg(&target)
        .current_dir(common::root())
        .status()
        .expect("running cargo build --release for the plugin");
    assert!(status.success(), "building the release tcplens.so failed");
    let release = target.join("release/libtcplens.so");
    assert_eq!(exported_symbols(&release), want, "release build");
}

#[test]
fn plugin_loads_and_registers_every_field() {
    let Some(home) = home_or_skip() else { return };
    let plugins =
        String::from_utf8_lossy(&tshark(home, &["-G", "plugins"], &[]).stdout).into_owned();
    let line = plugins
        .lines()
        .find(|l| l.starts_with("tcplens.so"))
        .unwrap_or_else(|| panic!("tshark -G plugins does not list tcplens.so:\n{plugins}"));
    // 4.0 names the type from what the plugin registered; 4.3+ asks plugin_describe.
    assert_eq!(line.split('\t').nth(2), Some("dissector"), "{line}");
    let fields = String::from_utf8_lossy(&tshark(home, &["-G", "fields"], &[]).stdout).into_owned();
    assert!(
        fields.contains("P\tTCP Lens\ttcplens"),
        "protocol tcplens not registered"
    );
    // Every schema key the plugin shows, with the field type its schema type gives.
    for key in FRAME_KEYS.iter().filter(|k| k.in_plugin) {
        let ft = match key.ty {
            KeyType::Integer => "FT_UINT32",
            KeyType::FrameNumber => "FT_FRAMENUM",
            KeyType::Seconds | KeyType::Seconds9 => "FT_RELATIVE_TIME",
            KeyType::Address => "FT_IPv4",
            KeyType::Text
            | KeyType::Name
            | KeyType::Names
            | KeyType::Endpoint
            | KeyType::Decimal
            | KeyType::Flag => "FT_STRING",
        };
        let line = fields
            .lines()
            .find(|l| l.split('\t').nth(2) == Some(&format!("tcplens.{}", key.name)))
            .unwrap_or_else(|| panic!("field tcplens.{} missing", key.name));
        assert_eq!(line.split('\t').nth(3), Some(ft), "{line}");
        assert!(line.contains(key.description), "{line}");
        if key.ty == KeyType::Address {
            let twin = format!("tcplens.{}6", key.name);
            let line = fields
                .lines()
                .find(|l| l.split('\t').nth(2) == Some(twin.as_str()))
                .unwrap_or_else(|| panic!("field {twin} missing"));
            assert_eq!(line.split('\t').nth(3), Some("FT_IPv6"), "{line}");
        }
    }
    for key in FLAGS.iter() {
        assert!(
            fields.contains(&format!("\ttcplens.{key}\t")),
            "field tcplens.{key} missing"
        );
    }
}

#[test]
fn plugin_gives_the_harness_answers_in_one_and_two_passes() {
    let Some(home) = home_or_skip() else { return };
    for cap in common::bundled_captures() {
        let name = cap.file_name().unwrap().to_str().unwrap();
        let want = harness_rows(&cap);
        for two_pass in [false, true] {
            let got = plugin_rows(home, name, two_pass);
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                want.keys().collect::<Vec<_>>(),
                "{name}: TCP frames (-2: {two_pass})"
            );
            for (frame, row) in &want {
                let theirs = &got[frame];
                for (i, key) in keys().iter().chain(FLAGS.iter()).enumerate() {
                    assert_eq!(
                        &theirs[i], &row[i],
                        "{name} frame {frame} tcplens.{key} (-2: {two_pass})"
                    );
                }
            }
        }
    }
}

/// tcplens's own verdict: `tshark -2` shows it as later frames settled it, as `analyze`
/// does; a single pass shows the provisional one, which differs where a D-SACK or an ACK
/// came later.
#[test]
fn later_passes_show_the_settled_own_verdict() {
    let Some(home) = home_or_skip() else { return };
    let cap = common::root().join("tests/groundtruth/loss-reorder-server.pcap");
    let want = harness_rows(&cap);
    let keys = keys();
    let at = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    let (v, e) = (at("verdict"), at("evidence"));
    // Read from the plugin's HOME, so the test runs in another release's chroot too.
    let name = copy_into_home(home, &cap);
    let two = plugin_rows(home, &name, true);
    for (frame, row) in &want {
        assert_eq!(two[frame][v], row[v], "frame {frame} tcplens.verdict (-2)");
        assert_eq!(two[frame][e], row[e], "frame {frame} tcplens.evidence (-2)");
    }
    let one = plugin_rows(home, &name, false);
    let provisional = want.iter().filter(|(f, row)| one[*f][v] != row[v]).count();
    assert!(provisional > 0, "one pass shows the provisional verdicts");
}

#[test]
fn display_filters_select_the_expected_frames() {
    let Some(home) = home_or_skip() else { return };
    let frames = |cap: &str, filter: &str| -> Vec<String> {
        let out = tshark(
            home,
            &[
                "-n",
                "-r",
                cap,
                "-Y",
                filter,
                "-T",
                "fields",
                "-e",
                "frame.number",
            ],
            &[],
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(frames("seed-http-get.pcap", "tcplens.teardown == 1"), ["9"]);
    assert_eq!(frames("seed-nc.pcap", "tcplens.teardown == 23"), ["9"]);
    assert_eq!(
        frames("seed-https-rst.pcap", "tcplens.rst_by == \"server\""),
        ["13"]
    );
    // Addresses are address fields: subnets match, for IPv4 and (in the twin) IPv6.
    let sent_by = |cap: &str, prefix: &str| -> Vec<String> {
        common::jsonl(&common::root().join("tests/captures").join(cap))
            .into_iter()
            .filter(|v| v["src"].as_str().is_some_and(|a| a.starts_with(prefix)))
            .map(|v| v["frame"].to_string())
            .collect()
    };
    let client = sent_by("seed-https-rst.pcap", "192.168.1.");
    assert!(!client.is_empty());
    assert_eq!(
        frames("seed-https-rst.pcap", "tcplens.src == 192.168.1.0/24"),
        client
    );
    let v6 = sent_by("synthetic-null-ipv6.pcap", "2001:db8::5");
    assert!(!v6.is_empty());
    assert_eq!(
        frames(
            "synthetic-null-ipv6.pcap",
            "tcplens.src6 == 2001:db8::5/128"
        ),
        v6
    );
    assert!(frames("synthetic-null-ipv6.pcap", "tcplens.src == 10.0.0.0/8").is_empty());
    let retrans = frames("netns-loss-reorder.pcap", "tcplens.retransmission");
    let want: Vec<String> =
        harness_rows(&common::root().join("tests/captures/netns-loss-reorder.pcap"))
            .into_iter()
            .filter(|(_, r)| r[keys().len()] == "1")
            .map(|(f, _)| f.to_string())
            .collect();
    assert!(!want.is_empty());
    assert_eq!(retrans, want);
}

#[test]
fn expert_infos_reach_tshark_z_expert() {
    let Some(home) = home_or_skip() else { return };
    let out = tshark(
        home,
        &["-n", "-q", "-z", "expert", "-r", "seed-nc.pcap"],
        &[],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("TCPLENS") && text.contains("Teardown 2+3/4"),
        "{text}"
    );
    let out = tshark(
        home,
        &["-n", "-q", "-z", "expert", "-r", "netns-zero-window.pcap"],
        &[],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("TCP Zero Window segment") && text.contains("TCPLENS"),
        "{text}"
    );
}

/// `-T fields` naming no tcplens field skips the subtree (the plugin reads tshark's
/// command line); the expert infos must still reach `-z expert` exactly as with `-V`.
#[test]
fn fields_without_tcplens_still_feed_z_expert() {
    let Some(home) = home_or_skip() else { return };
    let ours = |args: &[&str]| -> Vec<String> {
        let out = tshark(home, args, &[]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("TCPLENS"))
            .map(str::to_owned)
            .collect()
    };
    for capture in ["seed-nc.pcap", "synthetic-diagnosis.pcap"] {
        let fields = ours(&[
            "-n",
            "-T",
            "fields",
            "-e",
            "tcp.stream",
            "-z",
            "expert",
            "-r",
            capture,
        ]);
        let verbose = ours(&["-n", "-V", "-z", "expert", "-r", capture]);
        assert!(!fields.is_empty(), "{capture}: no tcplens expert info");
        assert_eq!(fields, verbose, "{capture}");
    }
}

#[test]
fn a_panic_becomes_an_expert_error_and_tshark_goes_on() {
    let Some(_) = home_or_skip() else { return };
    let home = panicking_plugin_home().expect("the test-panic plugin builds");
    let out = tshark(
        home,
        &[
            "-n",
            "-r",
            "seed-nc.pcap",
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "tcplens.stream",
            "-e",
            "tcplens.acks_frame",
            "-e",
            "_ws.expert.message",
        ],
        &[("TCPLENS_TEST_PANIC_FRAME", "3")],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 10, "tshark went on to the end");
    assert!(
        rows[2][3].contains("tcplens failed on this frame"),
        "{:?}",
        rows[2]
    );
    assert_eq!(rows[2][1], "", "no verdict on the frame that panicked");
    // The frames after it keep Wireshark's numbers: each ACK of data sent after the lost
    // frame names the frame it acknowledges as the harness does (the core counted the lost
    // frame; frame 4, whose ACK the lost frame 3 would have answered, legitimately differs).
    let want = harness_rows(&common::root().join("tests/captures/seed-nc.pcap"));
    let acks = keys()
        .iter()
        .position(|k| *k == FrameKey::AcksFrame.name())
        .unwrap();
    let mut checked = 0;
    for row in &rows[3..] {
        let frame: u64 = row[0].parse().unwrap();
        assert_eq!(row[1], "0", "frame {frame} analysed");
        let theirs = &want[&frame][acks];
        if theirs.parse::<u64>().is_ok_and(|f| f > 3) {
            assert_eq!(row[2], theirs, "frame {frame} tcplens.acks_frame");
            checked += 1;
        }
    }
    assert_eq!(
        checked, 4,
        "frames 5, 7, 9 and 10 ACK frames after the panic"
    );
    // Without the feature, the variable does nothing.
    let Some(plain) = plugin_home() else { return };
    let out = tshark(
        plain,
        &[
            "-n",
            "-r",
            "seed-nc.pcap",
            "-T",
            "fields",
            "-e",
            "_ws.expert.message",
        ],
        &[("TCPLENS_TEST_PANIC_FRAME", "3")],
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("tcplens failed"));
}

/// Issue 17 item 4: tshark in one pass with nothing of tcplens to show (`tshark -r F`
/// without a tree, `-T fields` naming no tcplens field) does not analyse at all; any run
/// that can show something does. The test-panic build tells which: the core panics on
/// frame 3 only when it is fed, and the panic is reported on standard error.
#[test]
fn a_single_pass_with_nothing_to_show_leaves_the_core_alone() {
    let Some(_) = home_or_skip() else { return };
    let home = panicking_plugin_home().expect("the test-panic plugin builds");
    let fed = |args: &[&str]| {
        let mut all = vec!["-n", "-r", "seed-nc.pcap"];
        all.extend_from_slice(args);
        let out = tshark(home, &all, &[("TCPLENS_TEST_PANIC_FRAME", "3")]);
        assert!(out.status.success(), "{args:?}");
        String::from_utf8_lossy(&out.stderr).contains("tcplens test panic on frame 3")
    };
    // Nothing can show: not fed.
    assert!(!fed(&[]), "tshark -r");
    assert!(
        !fed(&["-T", "fields", "-e", "tcp.stream"]),
        "-T fields without tcplens"
    );
    // Something can show: fed.
    assert!(fed(&["-V"]), "-V");
    assert!(fed(&["-2"]), "two passes");
    assert!(fed(&["-q", "-z", "expert"]), "-z expert");
    assert!(
        fed(&["-T", "fields", "-e", "tcplens.stream"]),
        "a tcplens field"
    );
    assert!(fed(&["-Y", "tcplens.stream == 0"]), "a tcplens filter");
    assert!(
        fed(&["-o", "gui.column.format:\"Expert\",\"%a\""]),
        "the Expert column"
    );
}

#[test]
fn malformed_headers_run_through() {
    let Some(home) = home_or_skip() else { return };
    let out = tshark(home, &["-n", "-r", "synthetic-malformed.pcap", "-V"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("TCP Lens"));
}

/// The `_ws.expert.message`s of the frames a display filter selects, by frame number.
fn expert_messages(home: &Path, capture: &str, filter: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["-n", "-r", capture, "-Y", filter];
    args.extend_from_slice(extra);
    args.extend([
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "_ws.expert.message",
    ]);
    let out = tshark(home, &args, &[]);
    assert!(
        out.status.success(),
        "tshark {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The findings `tcplens conns --diagnose` gives on a bundled capture, in `lang`: JSON
/// objects with `cause`, `frame`, `frames` and `text`.
fn harness_findings(capture: &str, lang: &str) -> Vec<serde_json::Value> {
    let path = common::root().join("tests/captures").join(capture);
    let out = common::run(&[
        "conns",
        "--diagnose",
        "--format",
        "json",
        "--lang",
        lang,
        path.to_str().unwrap(),
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["diagnosis"].as_array().unwrap().iter().cloned())
        .collect()
}

/// The text `tcplens conns --diagnose` gives a cause in a bundled capture.
fn harness_diagnosis(capture: &str, cause: &str, lang: &str) -> String {
    harness_findings(capture, lang)
        .iter()
        .find(|d| d["cause"] == cause)
        .and_then(|d| d["text"].as_str())
        .unwrap_or_else(|| panic!("{capture}: no {cause}"))
        .to_string()
}

#[test]
fn diagnosis_findings_are_expert_infos_with_the_harness_text() {
    let Some(home) = home_or_skip() else { return };
    // One pass: the finding is on the frame that completes its evidence.
    let rows = expert_messages(
        home,
        "seed-https-rst.pcap",
        "tcplens.diagnosis.reset_with_unacked_data",
        &[],
    );
    let en = harness_diagnosis("seed-https-rst.pcap", "reset_with_unacked_data", "en");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].starts_with("13\t") && rows[0].contains(&en),
        "{rows:?}"
    );
    // The language preference applies to the findings too.
    let rows = expert_messages(
        home,
        "seed-https-rst.pcap",
        "tcplens.diagnosis.reset_with_unacked_data",
        &["-o", "tcplens.language:zh"],
    );
    let zh = harness_diagnosis("seed-https-rst.pcap", "reset_with_unacked_data", "zh");
    assert!(rows[0].contains(&zh), "{rows:?}");
    // End-of-capture findings need the whole first pass: with -2 they are there.
    let rows = expert_messages(
        home,
        "synthetic-diagnosis.pcap",
        "tcplens.diagnosis.handshake_no_answer",
        &["-2"],
    );
    let en = harness_diagnosis("synthetic-diagnosis.pcap", "handshake_no_answer", "en");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].starts_with("1\t") && rows[0].contains(&en),
        "{rows:?}"
    );
}

/// The verdict findings (losses, lost ACKs, reordering) come from tcplens's own verdicts,
/// which later evidence may revise: on a later pass (`-2`) the plugin's findings are the
/// settled ones `conns --diagnose` gives, frame for frame.
#[test]
fn with_two_passes_the_diagnosis_is_the_harness_s_frame_for_frame() {
    let Some(home) = home_or_skip() else { return };
    let capture = "netns-loss-reorder.pcap";
    let causes = [
        "segment_lost_before_capture",
        "segment_lost_after_capture",
        "ack_lost",
        "reordering",
    ];
    let filter = causes
        .iter()
        .map(|c| format!("tcplens.diagnosis.{c}"))
        .collect::<Vec<_>>()
        .join(" || ");
    let mut plugin: Vec<u64> = expert_messages(home, capture, &filter, &["-2"])
        .iter()
        .map(|r| r.split('\t').next().unwrap().parse().unwrap())
        .collect();
    plugin.dedup();
    let mut harness: Vec<u64> = harness_findings(capture, "en")
        .iter()
        .filter(|d| causes.contains(&d["cause"].as_str().unwrap()))
        .map(|d| d["frame"].as_u64().unwrap())
        .collect();
    harness.sort_unstable();
    harness.dedup();
    assert!(harness.len() > 20, "{harness:?}");
    assert_eq!(plugin, harness);
}

#[test]
fn the_explain_field_follows_the_language_preference() {
    let Some(home) = home_or_skip() else { return };
    let out = tshark(
        home,
        &[
            "-n",
            "-r",
            "seed-nc.pcap",
            "-o",
            "tcplens.language:zh",
            "-T",
            "fields",
            "-e",
            "tcplens.explain",
        ],
        &[],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let want: Vec<String> = {
        let path = common::root().join("tests/captures/seed-nc.pcap");
        let out = common::run(&[
            "analyze",
            "--format",
            "jsonl",
            "--lang",
            "zh",
            path.to_str().unwrap(),
        ]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["explain"].as_str().unwrap().to_string()
            })
            .collect()
    };
    let got: Vec<&str> = text.lines().collect();
    assert_eq!(got, want);
    assert!(got[1].starts_with("第二次握手"), "{}", got[1]);
}

#[test]
fn the_verdicts_and_steps_expert_messages_follow_the_language_preference() {
    use tcplens_core::analysis::Verdict;
    use tcplens_core::text::{En, ExpertStep, PluginWords, Zh};
    use tcplens_core::Handshake;

    let Some(home) = home_or_skip() else { return };
    let step = ExpertStep::Handshake(Handshake::Syn);
    let cases = [
        (
            "tcplens.expert.handshake1",
            En::step_summary(step),
            Zh::step_summary(step),
        ),
        (
            "tcplens.expert.duplicate_ack",
            En::verdict_summary(Verdict::DuplicateAck),
            Zh::verdict_summary(Verdict::DuplicateAck),
        ),
    ];
    for (filter, en, zh) in cases {
        // The verdicts' expert infos only when asked for (see the test below).
        let on: &[&str] = if filter.contains("duplicate_ack") {
            &["-o", "tcplens.tcp_analysis_experts:TRUE"]
        } else {
            &[]
        };
        // The registered summary by default, the preference's language otherwise.
        let rows = expert_messages(home, "netns-loss-reorder.pcap", filter, on);
        assert!(!rows.is_empty(), "{filter}");
        assert!(
            rows.iter().all(|r| r.contains(en) && !r.contains(zh)),
            "{rows:?}"
        );
        let zh_args: Vec<&str> = ["-o", "tcplens.language:zh"]
            .into_iter()
            .chain(on.iter().copied())
            .collect();
        let rows = expert_messages(home, "netns-loss-reorder.pcap", filter, &zh_args);
        assert!(!rows.is_empty(), "{filter}");
        // (Wireshark's own expert infos on the frame may still say `en`.)
        assert!(rows.iter().all(|r| r.contains(zh)), "{rows:?}");
    }
}

/// The lines of `-V` output inside the TCP Lens trees (from "TCP Lens" to the next
/// top-level item).
fn tcplens_tree_lines(text: &str) -> Vec<&str> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') {
            inside = line.starts_with("TCP Lens");
        }
        if inside {
            out.push(line);
        }
    }
    out
}

/// The `<proto name="tcplens" ...> ... </proto>` parts of PDML output.
fn tcplens_pdml(text: &str) -> Vec<&str> {
    text.split("<proto name=\"tcplens\"")
        .skip(1)
        .map(|rest| rest.split("</proto>").next().unwrap_or(rest))
        .collect()
}

/// Issue 16: Wireshark cuts a label past 240 bytes (`[truncated]`); the explanation and
/// the diagnosis are split into lines instead, in both languages, on every bundled capture.
#[test]
fn no_tcplens_item_is_truncated_in_either_language() {
    let Some(home) = home_or_skip() else { return };
    for lang in ["en", "zh"] {
        let pref = format!("tcplens.language:{lang}");
        let (mut continued, mut diagnosis_continued) = (0, 0);
        for cap in common::bundled_captures() {
            let name = cap.file_name().unwrap().to_str().unwrap();
            let out = tshark(home, &["-n", "-2", "-r", name, "-V", "-o", &pref], &[]);
            let text = String::from_utf8_lossy(&out.stdout);
            let lines = tcplens_tree_lines(&text);
            assert!(!lines.is_empty(), "{name} {lang}: no TCP Lens tree");
            for l in &lines {
                assert!(!l.contains("[truncated]"), "{name} {lang}: {l}");
            }
            // Continuation lines: text items right in the subtree, not "Name: value".
            continued += lines
                .windows(2)
                .filter(|w| w[0].trim_start().starts_with("Explanation: ") && !w[1].contains(": "))
                .count();
            diagnosis_continued += lines
                .iter()
                .filter(|l| l.trim_start().starts_with("… "))
                .count();
            let out = tshark(
                home,
                &["-n", "-2", "-r", name, "-T", "pdml", "-o", &pref],
                &[],
            );
            let text = String::from_utf8_lossy(&out.stdout);
            let protos = tcplens_pdml(&text);
            assert!(!protos.is_empty(), "{name} {lang}: no tcplens in PDML");
            for p in protos {
                assert!(!p.contains("[truncated]"), "{name} {lang}: {p}");
            }
        }
        // The captures do hold texts longer than a label: the splitting is exercised.
        assert!(
            continued > 0,
            "{lang}: no explanation was long enough to split"
        );
        if lang == "zh" {
            assert!(
                diagnosis_continued > 0,
                "zh: no diagnosis was long enough to split"
            );
        }
    }
}

/// Issue 16: no diagnosis expert info uses the Comment severity (the Expert dialog files
/// those under "packet comments"); problems are Warnings, unusual captures Notes.
#[test]
fn diagnosis_expert_infos_are_never_comments() {
    let Some(home) = home_or_skip() else { return };
    let out = tshark(
        home,
        &["-n", "-2", "-r", "synthetic-diagnosis.pcap", "-T", "pdml"],
        &[],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let severities: Vec<&str> = text
        .split("name=\"tcplens.diagnosis.")
        .skip(1)
        .filter_map(|rest| rest.split("Severity level: ").nth(1)?.split('"').next())
        .collect();
    assert!(!severities.is_empty(), "no diagnosis expert info");
    assert!(
        severities.iter().all(|s| *s == "Warning" || *s == "Note"),
        "{severities:?}"
    );
    assert!(
        severities.contains(&"Warning") && severities.contains(&"Note"),
        "{severities:?}"
    );
}

/// Issue 16: by default no tcplens expert info repeats one of Wireshark's `tcp.analysis`
/// ones (the Expert dialog listed each twice); `tcplens.tcp_analysis_experts` brings them
/// back. The lifecycle steps stay.
#[test]
fn z_expert_repeats_no_tcp_analysis_item_unless_asked() {
    use tcplens_core::analysis::Verdict;
    use tcplens_core::text::{En, PluginWords};
    let Some(home) = home_or_skip() else { return };
    let ours = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["-n", "-q", "-z", "expert", "-r", "netns-loss-reorder.pcap"];
        args.extend_from_slice(extra);
        let out = tshark(home, &args, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("TCPLENS"))
            .map(str::to_owned)
            .collect()
    };
    let repeats = |lines: &[String]| -> usize {
        lines
            .iter()
            .filter(|l| {
                Verdict::ALL
                    .iter()
                    .any(|v| l.contains(En::verdict_summary(*v)))
            })
            .count()
    };
    let default = ours(&[]);
    assert!(!default.is_empty(), "no tcplens expert info at all");
    assert_eq!(repeats(&default), 0, "{default:#?}");
    let asked = ours(&["-o", "tcplens.tcp_analysis_experts:TRUE"]);
    assert!(repeats(&asked) > 0, "{asked:#?}");
}

/// Issue 15: an ICMP error quoting a TCP header cut short (4-15 bytes) gets a TCP Lens item
/// that says so, with the quoted ports and no stream, in both languages.
#[test]
fn a_cut_icmp_quote_shows_its_ports_and_no_stream() {
    use tcplens_core::text::{En, PluginWords, Zh};
    let Some(home) = home_or_skip() else { return };
    for (lang, quoted, frame, port) in [
        ("en", 8, 5, "51000"),
        ("zh", 12, 6, "51000"),
        ("en", 4, 7, "51000"),
        ("zh", 8, 16, "51001"),
    ] {
        let mut label = String::from("TCP Lens: ");
        if lang == "en" {
            En::tree_quote(&mut label, quoted).unwrap();
        } else {
            Zh::tree_quote(&mut label, quoted).unwrap();
        }
        let pref = format!("tcplens.language:{lang}");
        let filter = format!("frame.number == {frame}");
        let out = tshark(
            home,
            &[
                "-n",
                "-r",
                "synthetic-icmp-truncated-quote.pcap",
                "-V",
                "-Y",
                &filter,
                "-o",
                &pref,
            ],
            &[],
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let lines = tcplens_tree_lines(&text);
        assert_eq!(lines.first().copied(), Some(label.as_str()), "{text}");
        assert!(
            lines.iter().any(|l| l.contains(port)),
            "frame {frame}: the quoted port is shown: {text}"
        );
        assert!(
            !lines.iter().any(|l| l.trim_start().starts_with("Stream")),
            "frame {frame}: no stream: {text}"
        );
    }
}

/// Issue 16: the TCP Lens item says what the frame is and the states after it; the step
/// shows its name, not a bare 23, and the event its words before its code; tcplens's own
/// items come first and the values that repeat the TCP tree sit last, in a subtree of
/// their own.
#[test]
fn the_tree_summary_says_what_the_frame_is() {
    use tcplens_core::text::{En, ExpertStep, PluginWords, Zh};
    use tcplens_core::{Event, Teardown};
    let Some(home) = home_or_skip() else { return };
    let step = ExpertStep::Teardown(Teardown::AckAndFin);
    for (lang, words, states) in [
        ("en", En::step_summary(step), {
            let mut s = String::new();
            En::tree_states(&mut s, "FIN_WAIT_2", "LAST_ACK").unwrap();
            s
        }),
        ("zh", Zh::step_summary(step), {
            let mut s = String::new();
            Zh::tree_states(&mut s, "FIN_WAIT_2", "LAST_ACK").unwrap();
            s
        }),
    ] {
        let pref = format!("tcplens.language:{lang}");
        let out = tshark(
            home,
            &[
                "-n",
                "-r",
                "seed-https-rst.pcap",
                "-V",
                "-Y",
                "frame.number == 12",
                "-o",
                &pref,
            ],
            &[],
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let lines = tcplens_tree_lines(&text);
        assert_eq!(
            lines.first().copied(),
            Some(format!("TCP Lens: {words} · {states}").as_str()),
            "{text}"
        );
        let pos = |needle: &str| {
            lines
                .iter()
                .position(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("{needle} missing: {lines:#?}"))
        };
        let registered = En::step_summary(step);
        assert!(
            lines.contains(&format!("    Teardown step: {registered} (23)").as_str()),
            "{lines:#?}"
        );
        // The event shows its words, then the code its filter takes.
        let event = if lang == "en" {
            En::event_summary(Event::HalfCloseData)
        } else {
            Zh::event_summary(Event::HalfCloseData)
        };
        assert!(
            lines.contains(&format!("    Lifecycle event: {event} (half_close_data)").as_str()),
            "{lines:#?}"
        );
        let values = pos(if lang == "en" {
            En::tree_tcp_values()
        } else {
            Zh::tree_tcp_values()
        });
        assert!(
            pos("Client state:") < values && pos("Explanation:") < values,
            "{lines:#?}"
        );
        assert!(pos("Source port: 443") > values, "{lines:#?}");
    }
    // The filter still takes the number.
    let out = tshark(
        home,
        &[
            "-n",
            "-r",
            "seed-https-rst.pcap",
            "-Y",
            "tcplens.teardown == 23",
            "-T",
            "fields",
            "-e",
            "frame.number",
        ],
        &[],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "12");
    let out = tshark(
        home,
        &[
            "-n",
            "-r",
            "seed-https-rst.pcap",
            "-Y",
            "tcplens.event == \"half_close_data\"",
            "-T",
            "fields",
            "-e",
            "frame.number",
        ],
        &[],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "12");
}

/// Issue 16: the shipped "tcplens" profile: its columns show the step and both states,
/// and every colouring rule and column compiles (Wireshark warns about one that does not).
#[test]
fn the_profile_shows_steps_states_and_colours() {
    use tcplens_core::text::{En, ExpertStep, PluginWords};
    use tcplens_core::Teardown;
    let Some(home) = home_or_skip() else { return };
    let out = tshark(
        home,
        &[
            "-C",
            "tcplens",
            "--color",
            "-n",
            "-r",
            "seed-https-rst.pcap",
        ],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("12 "))
        .unwrap_or_else(|| panic!("{text}"));
    let step = En::step_summary(ExpertStep::Teardown(Teardown::AckAndFin));
    assert!(
        line.contains(step) && line.contains("FIN_WAIT_2 LAST_ACK"),
        "{line}"
    );
    let colours =
        std::fs::read_to_string(common::root().join("wireshark-profile/colorfilters")).unwrap();
    for rule in [
        "tcplens.handshake",
        "tcplens.teardown",
        "tcplens.event == \"rst\"",
        "tcplens.retransmission",
    ] {
        assert!(colours.contains(rule), "no colouring rule on {rule}");
    }
}

/// `cap` copied into the plugin's HOME (inside the chroot when testing another release),
/// where tshark runs; its file name.
fn copy_into_home(home: &Path, cap: &Path) -> String {
    let name = cap.file_name().unwrap().to_str().unwrap().to_string();
    let to = home.join(&name);
    if !to.exists() {
        std::fs::copy(cap, &to).unwrap();
        Command::new("chmod").arg("a+r").arg(&to).status().unwrap();
    }
    name
}

/// The data segments of `cap` whose own verdict (as `analyze` settles it) differs from
/// Wireshark's flags, by frame: the core's one definition of "differs" over the harness's
/// rows.
fn differing_frames(
    cap: &Path,
) -> BTreeMap<
    u64,
    (
        Option<tcplens_core::verdict::OwnVerdict>,
        Option<tcplens_core::verdict::OwnVerdict>,
    ),
> {
    use tcplens_core::analysis::{Verdict, Verdicts};
    use tcplens_core::verdict::{versus::disagreement, OwnVerdict};
    common::jsonl(cap)
        .into_iter()
        .filter_map(|v| {
            let mut ws = Verdicts::default();
            for f in v["flags"].as_array()?.iter().filter_map(Value::as_str) {
                if let Some(x) = Verdict::ALL.iter().find(|x| x.name() == f) {
                    ws.set(*x);
                }
            }
            let own = v["verdict"]
                .as_str()
                .map(|n| OwnVerdict::ALL.into_iter().find(|o| o.name() == n).unwrap());
            let len = u32::try_from(v["len"].as_u64().unwrap_or(0)).unwrap();
            let d = disagreement(ws, own, len)?;
            Some((v["frame"].as_u64()?, (d.wireshark, d.own)))
        })
        .collect()
}

/// Issue 14 item 6: where tcplens's own verdict differs from Wireshark's, the expert info
/// `tcplens.expert.verdict_differs` names both (in the preference's language), on exactly
/// those frames (`tshark -2`: the settled verdicts, as `analyze` gives them); none where
/// they agree, and none with `tcplens.verdict_differs` off.
#[test]
fn an_expert_info_where_the_own_verdict_differs_from_wiresharks() {
    use tcplens_core::text::{En, PluginWords, Zh};
    use tcplens_core::verdict::OwnVerdict;
    let Some(home) = home_or_skip() else { return };
    let cap = common::root().join("tests/groundtruth/loss-reorder-client.pcap");
    let name = copy_into_home(home, &cap);
    let want = differing_frames(&cap);
    // Frame 48: Wireshark's fast retransmission, tcplens's out-of-order (by IP ID).
    assert_eq!(
        want.get(&48),
        Some(&(
            Some(OwnVerdict::Retransmission),
            Some(OwnVerdict::OutOfOrder)
        )),
        "{want:?}"
    );
    let filter = "tcplens.expert.verdict_differs";
    let by_frame = |rows: Vec<String>| -> BTreeMap<u64, String> {
        rows.into_iter()
            .map(|r| {
                let (f, m) = r.split_once('\t').unwrap_or((&r, ""));
                (f.parse().unwrap(), m.to_string())
            })
            .collect()
    };
    let got = by_frame(expert_messages(home, &name, filter, &["-2"]));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "frames with {filter}"
    );
    for (frame, (ws, own)) in &want {
        let mut m = String::new();
        En::verdict_differs(&mut m, *ws, *own).unwrap();
        assert!(got[frame].contains(&m), "frame {frame}: {}", got[frame]);
    }
    // Where they agree (frame 10: both out-of-order; 38: both spurious; 5: both in
    // order), nothing; the display filter matches no frame without it.
    let all = by_frame(expert_messages(
        home,
        &name,
        "frame.number == 5 || frame.number == 10 || frame.number == 38",
        &["-2"],
    ));
    assert_eq!(all.len(), 3, "{all:?}");
    for (frame, m) in &all {
        assert!(
            !m.contains(En::verdict_differs_summary()),
            "frame {frame}: {m}"
        );
    }
    // In Chinese with the language preference.
    let zh = by_frame(expert_messages(
        home,
        &name,
        filter,
        &["-2", "-o", "tcplens.language:zh"],
    ));
    let mut m = String::new();
    Zh::verdict_differs(
        &mut m,
        Some(OwnVerdict::Retransmission),
        Some(OwnVerdict::OutOfOrder),
    )
    .unwrap();
    assert!(zh[&48].contains(&m), "{}", zh[&48]);
    // Off with the preference, in one pass and two.
    for extra in [
        &["-o", "tcplens.verdict_differs:FALSE"][..],
        &["-2", "-o", "tcplens.verdict_differs:FALSE"],
    ] {
        let off = expert_messages(home, &name, filter, extra);
        assert!(off.is_empty(), "{extra:?}: {off:?}");
    }
    // A single pass shows it too (on the provisional verdicts).
    assert!(!expert_messages(home, &name, filter, &[]).is_empty());
    // The byte-identical copies of a SPAN port: Wireshark's retransmission, tcplens's
    // duplicate (issue 14's capture, in the team's shared captures when present).
    let arkime = common::root().join("../shared/captures/arkime-wireshark-retrans.pcap");
    if arkime.is_file() {
        let want = differing_frames(&arkime);
        let dup = want
            .iter()
            .find(|(_, d)| {
                **d == (
                    Some(OwnVerdict::Retransmission),
                    Some(OwnVerdict::Duplicate),
                )
            })
            .map(|(f, _)| *f)
            .expect("a duplicate Wireshark calls a retransmission");
        let name = copy_into_home(home, &arkime);
        let got = by_frame(expert_messages(home, &name, filter, &["-2"]));
        let mut m = String::new();
        En::verdict_differs(
            &mut m,
            Some(OwnVerdict::Retransmission),
            Some(OwnVerdict::Duplicate),
        )
        .unwrap();
        assert!(
            got.get(&dup).is_some_and(|g| g.contains(&m)),
            "frame {dup}: {got:?}"
        );
    }
}

/// Issue 14 item 6: `tcplens.vantage` on every TCP frame of a two-sided capture: unknown
/// on the SYN in one pass (the core does not know yet), and on later passes the
/// conversation's final value, the `vantage` of `conns`.
#[test]
fn the_vantage_field_says_where_the_conversation_was_captured() {
    let Some(home) = home_or_skip() else { return };
    for (file, expected) in [
        ("loss-reorder-client.pcap", "client"),
        ("loss-reorder-server.pcap", "server"),
    ] {
        let cap = common::root().join("tests/groundtruth").join(file);
        let conns = common::run(&["conns", "--format", "json", cap.to_str().unwrap()]);
        let doc: Value = serde_json::from_slice(&conns.stdout).expect("JSON");
        assert_eq!(
            doc["conversations"][0]["vantage"], expected,
            "{file}: conns"
        );
        let name = copy_into_home(home, &cap);
        for two_pass in [false, true] {
            let mut args = vec![
                "-n",
                "-r",
                name.as_str(),
                "-Y",
                "tcp",
                "-T",
                "fields",
                "-e",
                "tcplens.vantage",
            ];
            if two_pass {
                args.push("-2");
            }
            let out = tshark(home, &args, &[]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let vals: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string)
                .collect();
            assert!(vals.len() > 10, "{file}: {vals:?}");
            if two_pass {
                assert!(vals.iter().all(|v| v == expected), "{file} -2: {vals:?}");
            } else {
                assert_eq!(vals[0], "unknown", "{file}: the SYN");
                assert_eq!(vals.last().unwrap(), expected, "{file}");
                assert!(
                    vals.iter().all(|v| v == "unknown" || v == expected),
                    "{file}: {vals:?}"
                );
            }
        }
    }
}
