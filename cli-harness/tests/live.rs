//! Live capture on the loopback interface: `-i lo -f FILTER`, real traffic from this test,
//! then Ctrl-C (SIGINT) stops it cleanly and prints the summary. Needs CAP_NET_RAW (root
//! in CI); elsewhere it says it is skipped, and in CI it fails instead.
#![deny(unsafe_code)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

fn can_capture() -> bool {
    // Effective uid 0 is the usual way to hold CAP_NET_RAW here.
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// Starts `tcplens analyze -i lo -f 'tcp port PORT' EXTRA...` and waits until the capture
/// is open (tcplens says so on stderr). Returns the child and the rest of its stderr.
fn start_live_capture(
    port: u16,
    extra: &[&str],
) -> (std::process::Child, BufReader<std::process::ChildStderr>) {
    let mut child = common::tcplens()
        .args(["analyze", "-i", "lo", "-f", &format!("tcp port {port}")])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut banner = String::new();
    err.read_line(&mut banner).unwrap();
    assert!(banner.contains("capturing on lo"), "{banner}");
    (child, err)
}

#[test]
fn live_capture_on_loopback_then_ctrl_c() {
    if !can_capture() {
        assert!(
            !common::in_ci(),
            "CI must run the live-capture test as root"
        );
        eprintln!("SKIPPED: live capture needs root / CAP_NET_RAW");
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (child, mut err) = start_live_capture(port, &["--format", "jsonl"]);
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).unwrap();
        s.write_all(b"world").unwrap();
    });
    {
        let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
        c.write_all(b"hello").unwrap();
        let mut buf = [0u8; 5];
        c.read_exact(&mut buf).unwrap();
    }
    server.join().unwrap();
    // Let the last packets reach the capture.
    std::thread::sleep(Duration::from_millis(500));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let stderr = rest;
    assert!(
        out.status.success(),
        "exit {:?}, stderr {stderr}",
        out.status
    );
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.len() >= 8, "expected the whole exchange, got {stdout}");
    assert_eq!(rows[0]["handshake"], 1);
    assert_eq!(rows[0]["dport"], port);
    assert!(rows.iter().any(|r| r["len"] == 5));
    assert!(rows.iter().any(|r| r["teardown"] == 1));
    assert!(stderr.contains("stopped by Ctrl-C"), "{stderr}");
    assert!(
        stderr.contains("conn_state"),
        "summary table expected: {stderr}"
    );
}

#[test]
fn live_chinese_explanations_stream_as_packets_arrive() {
    if !can_capture() {
        assert!(
            !common::in_ci(),
            "CI must run the live-capture test as root"
        );
        eprintln!("SKIPPED: live capture needs root / CAP_NET_RAW");
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Keep stderr open (bound, not dropped) while the capture runs.
    let (mut child, _stderr) = start_live_capture(port, &["--lang", "zh"]);
    // Read the text output while the capture is still running: each explanation must
    // arrive before Ctrl-C, as the packets do.
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for line in stdout.lines() {
            let line = line.unwrap();
            let done = line.contains("第三次握手");
            seen.push(line);
            if done {
                tx.send(seen.clone()).unwrap();
            }
        }
        seen
    });
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).unwrap();
    });
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.write_all(b"hello").unwrap();
    server.join().unwrap();
    // A guard against a hang if the output were buffered, not a timing assertion.
    let streamed = rx.recv_timeout(Duration::from_secs(60));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap();
    let all = reader.join().unwrap();
    let streamed = streamed.unwrap_or_else(|_| panic!("no explanation before Ctrl-C: {all:?}"));
    assert!(
        streamed
            .iter()
            .any(|l| l.contains("第一次握手（三次握手）：客户端发送 SYN")),
        "{streamed:?}"
    );
    drop(c);
}
