/*
 * tcplens_dump: analyses a capture through the C ABI of the tcplens core and prints one
 * JSON object per TCP (or undecodable) frame, exactly as `tcplens analyze --format jsonl`.
 *
 *   cc -I include tests/c/tcplens_dump.c -L target/debug -ltcplens_core -lpcap -o tcplens_dump
 *   LD_LIBRARY_PATH=target/debug ./tcplens_dump capture.pcap
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcplens.h"

/* Seconds: six decimals when the value is whole microseconds, else nine. */
static void print_secs(int64_t ns) {
    uint64_t a = ns < 0 ? (uint64_t)(-(ns + 1)) + 1 : (uint64_t)ns;
    const char *sign = ns < 0 ? "-" : "";
    if (a % 1000 == 0)
        printf("%s%" PRIu64 ".%06" PRIu64, sign, a / 1000000000u, (a % 1000000000u) / 1000u);
    else
        printf("%s%" PRIu64 ".%09" PRIu64, sign, a / 1000000000u, a % 1000000000u);
}

static void print_secs9(int64_t ns) {
    uint64_t a = ns < 0 ? (uint64_t)(-(ns + 1)) + 1 : (uint64_t)ns;
    printf("%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "", a / 1000000000u, a % 1000000000u);
}

static void print_json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void key(const char *k) { printf(",\"%s\":", k); }

static void opt_u32(const char *k, const TcplensVerdict *v, uint32_t bit, uint32_t value) {
    key(k);
    if (v->present & bit)
        printf("%" PRIu32, value);
    else
        printf("null");
}

static void opt_secs9(const char *k, const TcplensVerdict *v, uint32_t bit, int64_t value) {
    key(k);
    if (v->present & bit)
        print_secs9(value);
    else
        printf("null");
}

static void opt_name(const char *k, const char *name) {
    key(k);
    if (name && *name)
        print_json_string(name);
    else
        printf("null");
}

static void print_addr(const char *k, uint8_t version, const uint8_t *addr) {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(version == 4 ? AF_INET : AF_INET6, addr, buf, sizeof buf);
    key(k);
    print_json_string(buf);
}

static void print_tcp_flags(uint16_t f) {
    /* Wireshark's order, as tcplens prints them. */
    static const struct { uint16_t bit; const char *name; } order[] = {
        {0x001, "FIN"}, {0x002, "SYN"}, {0x004, "RST"}, {0x008, "PSH"}, {0x010, "ACK"},
        {0x020, "URG"}, {0x040, "ECE"}, {0x080, "CWR"}, {0x100, "NS"},
    };
    int first = 1;
    key("tcp_flags");
    putchar('"');
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (f & order[i].bit) {
            printf("%s%s", first ? "" : ",", order[i].name);
            first = 0;
        }
    putchar('"');
}

static void print_explain(const TcplensVerdict *v) {
    char small[256];
    int64_t need = tcplens_explain(v, small, sizeof small);
    key("explain");
    if (need < 0) {
        printf("null");
    } else if ((size_t)need < sizeof small) {
        print_json_string(small);
    } else {
        char *big = malloc((size_t)need + 1);
        if (!big) {
            printf("null");
            return;
        }
        tcplens_explain(v, big, (size_t)need + 1);
        print_json_string(big);
        free(big);
    }
}

static void print_undecodable(const TcplensVerdict *v) {
    static const char *nulls[] = {
        "stream", "src", "dst", "sport", "dport", "encap", "tcp_flags", "seq", "ack", "seq_raw",
        "ack_raw", "len", "next_seq", "window", "window_scaled", "handshake", "teardown",
        "event", "rst_by", "rst_from", "client_state", "server_state", "flags", "dup_ack_num",
        "dup_ack_frame", "acks_frame", "ack_rtt", "initial_rtt", "bytes_in_flight",
        "push_bytes_sent", "rto", "rto_frame", "completeness", "verdict", "evidence", "trigger",
    };
    printf("{\"frame\":%" PRIu64 ",\"time\":", v->frame);
    print_secs(v->time_ns);
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        printf(",\"%s\":null", nulls[i]);
    print_explain(v);
    opt_name("error", tcplens_error_name(v->error));
    printf("}\n");
}

static void print_encap(const TcplensVerdict *v) {
    key("encap");
    putchar('"');
    for (unsigned i = 0; i < v->encap_len && i < sizeof v->encap; i++) {
        const char *name = tcplens_layer_name(v->encap[i]);
        printf("%s%s", i ? ":" : "", name ? name : "?");
    }
    putchar('"');
}

/* An ICMP error quoting a TCP header cut before 16 bytes: no conversation. */
static void print_quote(const TcplensVerdict *v) {
    static const char *nulls[] = {
        "len", "next_seq", "window", "window_scaled", "handshake", "teardown",
        "event", "rst_by", "rst_from", "client_state", "server_state", "flags", "dup_ack_num",
        "dup_ack_frame", "acks_frame", "ack_rtt", "initial_rtt", "bytes_in_flight",
        "push_bytes_sent", "rto", "rto_frame", "completeness", "verdict", "evidence", "trigger",
    };
    printf("{\"frame\":%" PRIu64 ",\"time\":", v->frame);
    print_secs(v->time_ns);
    printf(",\"stream\":null");
    print_addr("src", v->ip_version, v->src_addr);
    print_addr("dst", v->ip_version, v->dst_addr);
    printf(",\"sport\":%u,\"dport\":%u", v->sport, v->dport);
    print_encap(v);
    printf(",\"tcp_flags\":null");
    opt_u32("seq", v, TCPLENS_QUOTE_SEQ, v->seq);
    printf(",\"ack\":null");
    opt_u32("seq_raw", v, TCPLENS_QUOTE_SEQ, v->seq_raw);
    printf(",\"ack_raw\":null");
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        printf(",\"%s\":null", nulls[i]);
    print_explain(v);
    opt_name("error", tcplens_error_name(v->error));
    printf("}\n");
}

static void print_tcp(const TcplensVerdict *v) {
    printf("{\"frame\":%" PRIu64 ",\"time\":", v->frame);
    print_secs(v->time_ns);
    printf(",\"stream\":%" PRIu32, v->stream);
    print_addr("src", v->ip_version, v->src_addr);
    print_addr("dst", v->ip_version, v->dst_addr);
    printf(",\"sport\":%u,\"dport\":%u", v->sport, v->dport);
    print_encap(v);
    print_tcp_flags(v->tcp_flags);
    printf(",\"seq\":%" PRIu32, v->seq);
    opt_u32("ack", v, TCPLENS_HAS_ACK, v->ack);
    printf(",\"seq_raw\":%" PRIu32 ",\"ack_raw\":%" PRIu32, v->seq_raw, v->ack_raw);
    opt_u32("len", v, TCPLENS_HAS_LEN, v->len);
    opt_u32("next_seq", v, TCPLENS_HAS_NEXT_SEQ, v->next_seq);
    printf(",\"window\":%u", v->window);
    opt_u32("window_scaled", v, TCPLENS_HAS_WINDOW_SCALED, v->window_scaled);
    key("handshake");
    v->handshake ? printf("%u", v->handshake) : printf("null");
    key("teardown");
    v->teardown ? printf("%u", v->teardown) : printf("null");
    opt_name("event", tcplens_event_name(v->event));
    opt_name("rst_by", (v->present & TCPLENS_HAS_RST) ? (v->rst_by ? "server" : "client") : NULL);
    opt_name("rst_from", (v->present & TCPLENS_HAS_RST) ? tcplens_state_name(v->rst_from) : NULL);
    opt_name("client_state", tcplens_state_name(v->client_state));
    opt_name("server_state", tcplens_state_name(v->server_state));
    key("flags");
    putchar('[');
    for (uint32_t i = 0, n = 0; tcplens_verdict_name(i); i++)
        if (v->flags & (1u << i))
            printf("%s\"%s\"", n++ ? "," : "", tcplens_verdict_name(i));
    putchar(']');
    opt_u32("dup_ack_num", v, TCPLENS_HAS_DUP_ACK, v->dup_ack_num);
    opt_u32("dup_ack_frame", v, TCPLENS_HAS_DUP_ACK, v->dup_ack_frame);
    opt_u32("acks_frame", v, TCPLENS_HAS_ACKS_FRAME, v->acks_frame);
    opt_secs9("ack_rtt", v, TCPLENS_HAS_ACK_RTT, v->ack_rtt_ns);
    opt_secs9("initial_rtt", v, TCPLENS_HAS_INITIAL_RTT, v->initial_rtt_ns);
    opt_u32("bytes_in_flight", v, TCPLENS_HAS_BYTES_IN_FLIGHT, v->bytes_in_flight);
    opt_u32("push_bytes_sent", v, TCPLENS_HAS_BYTES_IN_FLIGHT, v->push_bytes_sent);
    opt_secs9("rto", v, TCPLENS_HAS_RTO, v->rto_ns);
    opt_u32("rto_frame", v, TCPLENS_HAS_RTO, v->rto_frame);
    opt_u32("completeness", v, TCPLENS_HAS_COMPLETENESS, v->completeness);
    /* tcplens's own verdict: its evidence is a list only when there is a verdict. */
    opt_name("verdict", tcplens_own_verdict_name(v->verdict));
    key("evidence");
    if (v->verdict) {
        putchar('[');
        for (uint32_t i = 0, n = 0; i < 16; i++)
            if ((v->evidence & (1u << i)) && tcplens_evidence_name(i))
                printf("%s\"%s\"", n++ ? "," : "", tcplens_evidence_name(i));
        putchar(']');
    } else {
        printf("null");
    }
    opt_name("trigger", tcplens_trigger_name(v->trigger));
    print_explain(v);
    opt_name("error", tcplens_error_name(v->error));
    printf("}\n");
}

int main(int argc, char **argv) {
    char err[PCAP_ERRBUF_SIZE];
    if (argc != 2) {
        fprintf(stderr, "usage: %s CAPTURE\n", argv[0]);
        return 2;
    }
    pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
    if (!p) {
        fprintf(stderr, "tcplens_dump: %s\n", err);
        return 3;
    }
    int dlt = pcap_datalink(p);
    uint32_t linktype = (dlt == 12 || dlt == 14) ? 101 : (uint32_t)dlt; /* DLT_RAW */
    TcplensConfig cfg = {TCPLENS_ABI_VERSION, 0};
    TcplensAnalyzer *a = tcplens_analyzer_new(&cfg);
    if (!a) {
        fprintf(stderr, "tcplens_dump: the core refused ABI version %u\n", TCPLENS_ABI_VERSION);
        return 4;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t frame = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        TcplensVerdict v;
        int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;
        TcplensStatus code = tcplens_feed(a, ++frame, ts, linktype, data, h->caplen, h->len, &v);
        if (code == TCPLENS_OK && (v.present & TCPLENS_QUOTE_CUT))
            print_quote(&v);
        else if (code == TCPLENS_OK)
            print_tcp(&v);
        else if (code == TCPLENS_UNDECODABLE)
            print_undecodable(&v);
        else if (code != TCPLENS_NOT_TCP) {
            fprintf(stderr, "tcplens_dump: tcplens_feed returned %d on frame %" PRIu64 "\n", (int)code, frame);
            return 5;
        }
    }
    tcplens_analyzer_free(a);
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "tcplens_dump: %s\n", pcap_geterr(p));
        pcap_close(p);
        return 6;
    }
    pcap_close(p);
    return 0;
}
