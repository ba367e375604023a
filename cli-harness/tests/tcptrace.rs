//! The per-connection statistics of `conns --format json` against `tcptrace -l -r` on every
//! bundled capture, for every statistic both compute: they must agree except where
//! `docs/statistics.md` lists the difference with its reason, and every difference listed
//! there must still occur (so the list stays true).

mod common;

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn tcptrace_available() -> bool {
    Command::new("tcptrace")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
}

/// One connection of `tcptrace --csv`: its columns by name.
struct TraceConn(Vec<(String, String)>);

impl TraceConn {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("tcptrace has no column {name}"))
    }
    fn endpoint(&self, host: &str, port: &str) -> (IpAddr, u16) {
        let addr = self.get(host).parse().expect("tcptrace address");
        (addr, self.get(port).parse().expect("tcptrace port"))
    }
}

fn tcptrace(capture: &Path) -> Vec<TraceConn> {
    let out = Command::new("tcptrace")
        .args(["-n", "-l", "-r", "--csv"])
        .arg(capture)
        .output()
        .expect("running tcptrace");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut header: Option<Vec<String>> = None;
    let mut conns = Vec::new();
    for line in text.lines() {
        let cells: Vec<String> = line.split(',').map(|c| c.trim().to_string()).collect();
        if line.starts_with("conn_#") {
            header = Some(cells);
        } else if line.starts_with(|c: char| c.is_ascii_digit()) {
            let h = header
                .as_ref()
                .expect("tcptrace CSV header before its rows");
            conns.push(TraceConn(h.iter().cloned().zip(cells).collect()));
        }
    }
    conns
}

fn endpoint(v: &Value) -> (IpAddr, u16) {
    let s = v.as_str().expect("endpoint");
    let (addr, port) = s.rsplit_once(':').expect("addr:port");
    (
        addr.trim_matches(['[', ']']).parse().expect("address"),
        port.parse().expect("port"),
    )
}

/// A statistic's two values, as compared.
enum Pair {
    /// Integers (tcptrace's `NA` is no value).
    Count(Option<u64>, Option<u64>),
    /// Milliseconds: tcptrace prints one decimal, so within 0.05 ms (and rounding) is equal.
    Millis(Option<f64>, Option<f64>),
    Yes(Option<bool>, Option<bool>),
}

impl Pair {
    fn differs(&self) -> bool {
        match *self {
            Pair::Count(t, o) => t.unwrap_or(0) != o.unwrap_or(0) && t.is_some(),
            Pair::Millis(t, o) => match t {
                None => false,
                Some(t) => (t - o.unwrap_or(0.0)).abs() > 0.051,
            },
            Pair::Yes(t, o) => t.unwrap_or(false) != o.unwrap_or(false),
        }
    }
    fn show(&self) -> String {
        match self {
            Pair::Count(t, o) => format!("tcptrace {t:?}, tcplens {o:?}"),
            Pair::Millis(t, o) => format!("tcptrace {t:?} ms, tcplens {o:?} ms"),
            Pair::Yes(t, o) => format!("tcptrace {t:?}, tcplens {o:?}"),
        }
    }
}

/// The statistics both compute: (tcptrace column without `_a2b`/`_b2a`, the pair) for the
/// direction `d` ("a2b" or "b2a") whose sender is tcplens's `side` ("client" or "server").
fn pairs(t: &TraceConn, c: &Value, d: &str, side: &str) -> Vec<(&'static str, Pair)> {
    let col = |name: &str| t.get(&format!("{name}_{d}")).to_string();
    let tc = |name: &str| col(name).parse::<u64>().ok();
    let tm = |name: &str| col(name).parse::<f64>().ok();
    let ty = |v: String| match v.as_str() {
        "Y" => Some(true),
        "N" => Some(false),
        _ => None,
    };
    let key = |name: &str| &c[format!("{name}_{side}")];
    let oc = |name: &str| key(name).as_u64();
    let om = |name: &str| key(name).as_f64().map(|s| s * 1e3);
    let bytes = oc("bytes").unwrap_or(0);
    let unique = oc("unique_bytes").unwrap_or(0);
    vec![
        (
            "total_packets",
            Pair::Count(tc("total_packets"), oc("packets")),
        ),
        (
            "actual_data_pkts",
            Pair::Count(tc("actual_data_pkts"), oc("data_packets")),
        ),
        (
            "actual_data_bytes",
            Pair::Count(tc("actual_data_bytes"), Some(bytes)),
        ),
        (
            "unique_bytes_sent",
            Pair::Count(tc("unique_bytes_sent"), Some(unique)),
        ),
        (
            "rexmt_data_pkts",
            Pair::Count(tc("rexmt_data_pkts"), oc("duplicate")),
        ),
        (
            "rexmt_data_bytes",
            Pair::Count(tc("rexmt_data_bytes"), Some(bytes - unique)),
        ),
        (
            "zero_win_adv",
            Pair::Count(tc("zero_win_adv"), oc("zero_window")),
        ),
        ("mss_requested", Pair::Count(tc("mss_requested"), oc("mss"))),
        (
            "adv_wind_scale",
            Pair::Count(tc("adv_wind_scale"), oc("window_scale")),
        ),
        (
            "req_sack",
            Pair::Yes(ty(col("req_sack")), key("sack_permitted").as_bool()),
        ),
        (
            "req_1323_ws/ts",
            Pair::Yes(
                ty(col("req_1323_ws/ts")
                    .split('/')
                    .nth(1)
                    .unwrap_or("")
                    .to_string()),
                key("timestamps").as_bool(),
            ),
        ),
        (
            "max_win_adv",
            Pair::Count(tc("max_win_adv"), oc("max_window")),
        ),
        (
            "min_win_adv",
            Pair::Count(tc("min_win_adv"), oc("min_window")),
        ),
        (
            "missed_data",
            Pair::Count(tc("missed_data"), oc("missed_bytes")),
        ),
        (
            "idletime_max",
            Pair::Millis(tm("idletime_max"), om("idle_max")),
        ),
        (
            "throughput",
            Pair::Count(tc("throughput"), oc("throughput")),
        ),
        (
            "RTT_samples",
            Pair::Count(tc("RTT_samples"), oc("rtt_samples")),
        ),
        ("RTT_min", Pair::Millis(tm("RTT_min"), om("rtt_min"))),
        ("RTT_max", Pair::Millis(tm("RTT_max"), om("rtt_max"))),
        ("RTT_avg", Pair::Millis(tm("RTT_avg"), om("rtt_avg"))),
        // tcptrace gives a deviation only from three samples on (0 below).
        (
            "RTT_stdev",
            match tc("RTT_samples") {
                Some(n) if n >= 3 => Pair::Millis(tm("RTT_stdev"), om("rtt_stddev")),
                _ => Pair::Count(None, None),
            },
        ),
    ]
}

/// The differences `docs/statistics.md` documents: (capture, tcptrace connection number,
/// direction, statistic) from its table under "Differences from tcptrace", each with a
/// reason.
fn documented() -> BTreeSet<(String, String, String, String)> {
    let doc = std::fs::read_to_string(common::root().join("docs/statistics.md"))
        .expect("docs/statistics.md");
    let start = doc
        .find("## Differences from tcptrace")
        .expect("docs/statistics.md: section Differences from tcptrace");
    let section = &doc[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut set = BTreeSet::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`'))
            .collect();
        assert_eq!(
            cells.len(),
            5,
            "a row is capture, conn, dir, statistics, reason: {line}"
        );
        assert!(!cells[4].is_empty(), "no reason given: {line}");
        for stat in cells[3].split(',').map(|s| s.trim().trim_matches('`')) {
            set.insert((
                cells[0].to_string(),
                cells[1].to_string(),
                cells[2].to_string(),
                stat.to_string(),
            ));
        }
    }
    set
}

#[test]
fn statistics_equal_tcptraces_except_the_documented_differences() {
    if !tcptrace_available() {
        assert!(
            !common::in_ci(),
            "tcptrace is not installed: CI must run this test"
        );
        eprintln!("SKIPPED: tcptrace not found; install it (scripts/install-deps.sh --for test)");
        return;
    }
    let mut found = BTreeSet::new();
    let mut shown = Vec::new();
    let mut compared = 0;
    for cap in common::bundled_captures() {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let out = common::run(&["conns", "--format", "json", cap.to_str().unwrap()]);
        assert!(out.status.success(), "{name}");
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut convs: Vec<Option<&Value>> = doc["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .map(Some)
            .collect();
        for t in tcptrace(&cap) {
            let num = t.get("conn_#").to_string();
            let (a, b) = (
                t.endpoint("host_a", "port_a"),
                t.endpoint("host_b", "port_b"),
            );
            // The n-th connection of a 4-tuple is its n-th conversation (port reuse).
            let slot = convs.iter_mut().find(|c| {
                c.is_some_and(|c| {
                    let ends = [endpoint(&c["client"]), endpoint(&c["server"])];
                    ends == [a, b] || ends == [b, a]
                })
            });
            let Some(c) = slot.and_then(Option::take) else {
                found.insert((name.clone(), num.clone(), "-".into(), "conversation".into()));
                shown.push(format!("{name} #{num}: no conversation {a:?} {b:?}"));
                continue;
            };
            let a_is_client = endpoint(&c["client"]) == a;
            for (d, side) in [
                ("a2b", if a_is_client { "client" } else { "server" }),
                ("b2a", if a_is_client { "server" } else { "client" }),
            ] {
                for (stat, pair) in pairs(&t, c, d, side) {
                    compared += 1;
                    if pair.differs() {
                        found.insert((name.clone(), num.clone(), d.to_string(), stat.into()));
                        shown.push(format!("{name} #{num} {d} {stat}: {}", pair.show()));
                    }
                }
            }
        }
    }
    assert!(compared > 500, "only {compared} values compared");
    let doc = documented();
    let undocumented: Vec<_> = found.difference(&doc).collect();
    let stale: Vec<_> = doc.difference(&found).collect();
    assert!(
        undocumented.is_empty() && stale.is_empty(),
        "differences not in docs/statistics.md: {undocumented:#?}\n\
         documented but no longer found: {stale:#?}\nall differences:\n{}",
        shown.join("\n")
    );
}
