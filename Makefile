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

.PHONY: deps build demo test fmt clippy clean

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

fmt:
	$(CARGO) fmt --all

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

clean:
	$(CARGO) clean
	rm -rf tests/out
