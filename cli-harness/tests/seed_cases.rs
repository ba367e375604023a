//! The textbook connections: every packet's step and both endpoint states, pinned.
#![deny(unsafe_code)]

mod common;

use serde_json::Value;

/// (handshake, teardown, event, client_state, server_state) for one packet.
type Row = (
    Option<u64>,
    Option<u64>,
    Option<&'static str>,
    &'static str,
    &'static str,
);

fn rows(capture: &str) -> Vec<Value> {
    common::jsonl(&common::root().join("tests/captures").join(capture))
}

fn check(capture: &str, expected: &[Row]) -> Vec<Value> {
    let got = rows(capture);
    assert_eq!(got.len(), expected.len(), "{capture}: packet count");
    for (i, (v, e)) in got.iter().zip(expected).enumerate() {
        let actual: (Option<u64>, Option<u64>, Option<&str>, &str, &str) = (
            v["handshake"].as_u64(),
            v["teardown"].as_u64(),
            v["event"].as_str(),
            v["client_state"].as_str().expect("client_state"),
            v["server_state"].as_str().expect("server_state"),
        );
        assert_eq!(actual, *e, "{capture}: packet {}", i + 1);
    }
    got
}

const N: Option<u64> = None;

#[test]
fn nc_exchange() {
    let got = check(
        "seed-nc.pcap",
        &[
            (Some(1), N, None, "SYN_SENT", "LISTEN"),
            (Some(2), N, None, "SYN_SENT", "SYN_RECEIVED"),
            (Some(3), N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, Some(1), None, "FIN_WAIT_1", "ESTABLISHED"),
            (N, Some(23), None, "FIN_WAIT_2", "LAST_ACK"),
            (N, Some(4), None, "TIME_WAIT", "CLOSED"),
        ],
    );
    let lens: Vec<u64> = got.iter().map(|v| v["len"].as_u64().unwrap()).collect();
    assert_eq!(lens, [0, 0, 0, 10, 0, 6, 0, 0, 0, 0]);
    // The server's ACK of the 10 bytes and the client's ACK of the 6.
    assert_eq!(
        (got[4]["ack"].as_u64(), got[6]["ack"].as_u64()),
        (Some(11), Some(7))
    );
    assert_eq!(got[8]["tcp_flags"], "FIN,ACK");
}

#[test]
fn http_get_four_packet_close() {
    let got = check(
        "seed-http-get.pcap",
        &[
            (Some(1), N, None, "SYN_SENT", "LISTEN"),
            (Some(2), N, None, "SYN_SENT", "SYN_RECEIVED"),
            (Some(3), N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, Some(1), None, "FIN_WAIT_1", "ESTABLISHED"),
            (N, Some(2), None, "FIN_WAIT_2", "CLOSE_WAIT"),
            (N, Some(3), None, "FIN_WAIT_2", "LAST_ACK"),
            (N, Some(4), None, "TIME_WAIT", "CLOSED"),
        ],
    );
    assert_eq!(got[3]["len"], 77);
    let seq_ack = |i: usize| {
        (
            got[i]["seq"].as_u64().unwrap(),
            got[i]["ack"].as_u64().unwrap(),
        )
    };
    assert_eq!(seq_ack(8), (78, 2782), "client FIN");
    assert_eq!(seq_ack(9), (2782, 79), "server ACK of the FIN");
    assert_eq!(seq_ack(10), (2782, 79), "server FIN");
    assert_eq!(seq_ack(11), (79, 2783), "final ACK");
    assert_eq!(got[11]["next_seq"], 79);
}

#[test]
fn https_fin_with_data_then_reset() {
    let got = check(
        "seed-https-rst.pcap",
        &[
            (Some(1), N, None, "SYN_SENT", "LISTEN"),
            (Some(2), N, None, "SYN_SENT", "SYN_RECEIVED"),
            (Some(3), N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, N, None, "ESTABLISHED", "ESTABLISHED"),
            (N, Some(1), None, "FIN_WAIT_1", "ESTABLISHED"),
            (
                N,
                Some(23),
                Some("half_close_data"),
                "FIN_WAIT_2",
                "LAST_ACK",
            ),
            (N, N, Some("rst"), "CLOSED", "CLOSED"),
        ],
    );
    assert_eq!(got[11]["tcp_flags"], "FIN,PSH,ACK");
    assert_eq!(got[11]["len"], 31);
    assert_eq!(
        (got[12]["rst_by"].as_str(), got[12]["rst_from"].as_str()),
        (Some("server"), Some("LAST_ACK"))
    );
}

#[test]
fn simultaneous_open_close_and_half_close() {
    let got = rows("synthetic-simultaneous-half-close.pcap");
    let ev: Vec<Option<&str>> = got.iter().map(|v| v["event"].as_str()).collect();
    assert_eq!(ev[1], Some("simultaneous_open"));
    assert_eq!(ev[7], Some("simultaneous_close"));
    let states = |i: usize| {
        (
            got[i]["client_state"].as_str().unwrap(),
            got[i]["server_state"].as_str().unwrap(),
        )
    };
    assert_eq!(states(7), ("FIN_WAIT_1", "FIN_WAIT_1"));
    assert_eq!(states(9), ("TIME_WAIT", "TIME_WAIT"));
    // The half-closed connection: data from the server after the client's FIN.
    let half: Vec<&Value> = got.iter().filter(|v| v["stream"] == 1).collect();
    assert_eq!(half[4]["teardown"], 1);
    assert_eq!(half[5]["teardown"], 2);
    assert_eq!(half[6]["event"], "half_close_data");
    assert_eq!(half[7]["event"], "half_close_data");
    assert_eq!(half[7]["server_state"], "CLOSE_WAIT");
    assert_eq!(half[9]["teardown"], 3);
    assert_eq!(half[10]["client_state"], "TIME_WAIT");
}

#[test]
fn port_reuse_starts_a_new_stream_and_repeated_syn_does_not() {
    let got = rows("synthetic-port-reuse.pcap");
    let streams: Vec<u64> = got.iter().map(|v| v["stream"].as_u64().unwrap()).collect();
    assert_eq!(streams, [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    assert_eq!(got[7]["event"], "syn_repeat");
    assert_eq!(got[10]["rst_from"], "ESTABLISHED");
}
