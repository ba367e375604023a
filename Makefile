# tcplens: `make demo` and `make test` work from a fresh clone on Debian bookworm; both
# install what is missing first (scripts/install-deps.sh: apt packages, Rust via rustup).

SHELL := /bin/bash

# A toolchain that scripts/install-deps.sh has just installed with rustup lives here; put it
# on PATH so the same `make` invocation can use it.
export PATH := $(HOME)/.cargo/bin:$(PATH)

CARGO   ?= cargo
TCPLENS := ./target/release/tcplens

.DEFAULT_GOAL := build

# Every recipe relies on its prerequisites having run in order (deps before cargo); cargo
# parallelises on its own.
.NOTPARALLEL:

.PHONY: deps build demo test robustness fmt clippy clean install-plugin

deps:
	bash scripts/install-deps.sh

build:
	$(CARGO) build --release --workspace

demo: deps build
	@echo '== tcplens analyze tests/captures/seed-http-get.pcap'
	$(TCPLENS) analyze tests/captures/seed-http-get.pcap
	@echo '== tcplens conns tests/captures/seed-http-get.pcap'
	$(TCPLENS) conns tests/captures/seed-http-get.pcap
	@echo '== tcplens analyze --format jsonl tests/captures/seed-nc.pcap | head -3'
	$(TCPLENS) analyze --format jsonl tests/captures/seed-nc.pcap | head -3

test: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace
	$(MAKE) robustness

# The fast robustness checks (the long runs: docs/robustness.md): editcap -E damage through
# the harness and the plugin, valgrind over tshark with the plugin, every fuzz target 15 s.
robustness:
	bash scripts/corrupt-sweep.sh --rates "0.02 0.2" --seeds 1
	bash scripts/valgrind-plugin.sh tests/captures/seed-nc.pcap
	bash scripts/fuzz.sh --time 15

# Copies tcplens.so into the per-user plugin folder of the installed Wireshark version.
# tshark and Wireshark run as root ignore that folder (see the README).
WS_VERSION = $(shell pkg-config --modversion wireshark 2>/dev/null | cut -d. -f1,2)
install-plugin: deps
	$(CARGO) build --release -p tcplens-epan
	@test -n "$(WS_VERSION)" || { echo "pkg-config does not know wireshark: make deps"; exit 1; }
	mkdir -p $(HOME)/.local/lib/wireshark/plugins/$(WS_VERSION)/epan
	cp target/release/libtcplens.so $(HOME)/.local/lib/wireshark/plugins/$(WS_VERSION)/epan/tcplens.so
	@echo "installed: $(HOME)/.local/lib/wireshark/plugins/$(WS_VERSION)/epan/tcplens.so"
	@echo "check: tshark -G plugins | grep tcplens   (as a non-root user), or Help > About > Plugins"

fmt:
	$(CARGO) fmt --all

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

clean:
	$(CARGO) clean
	rm -rf tests/out fuzz/target fuzz/corpus fuzz/artifacts
