# tcplens: `make demo` and `make test` work from a fresh clone on Debian bookworm; both
# install what is missing first (scripts/install-deps.sh: apt packages, Rust via rustup),
# each only what it needs (`--for build`, `--for test`; `make install-plugin`: `--for plugin`).

SHELL := /bin/bash

# A toolchain that scripts/install-deps.sh has just installed with rustup lives here; put it
# on PATH so the same `make` invocation can use it.
export PATH := $(HOME)/.cargo/bin:$(PATH)

CARGO   ?= cargo
TCPLENS := ./target/release/tcplens
# The chroots need root; a developer who is not root is asked for sudo.
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := build

# Every recipe relies on its prerequisites having run in order (deps before cargo); cargo
# parallelises on its own.
.NOTPARALLEL:

.PHONY: deps deps-build deps-plugin deps-test build demo test test-wireshark-versions dist robustness fmt clippy clean install-plugin bench bench-micro screenshots screenshots-wireshark

# Everything, for every purpose.
deps:
	bash scripts/install-deps.sh --for all

# Building and running the CLI (the whole workspace, plugin included).
deps-build:
	bash scripts/install-deps.sh --for build

# Building the plugin only: no tshark, nightly, cargo-fuzz or test-only packages.
deps-plugin:
	bash scripts/install-deps.sh --for plugin

# Everything `make test` runs, the fuzz targets' nightly and cargo-fuzz included.
deps-test:
	bash scripts/install-deps.sh --for test

build: deps-build
	$(CARGO) build --release --workspace

demo: build
	@echo '== tcplens analyze tests/captures/seed-https-rst.pcap   (English explanations)'
	$(TCPLENS) analyze tests/captures/seed-https-rst.pcap
	@echo '== tcplens analyze --lang zh tests/captures/seed-https-rst.pcap   (Chinese explanations)'
	$(TCPLENS) analyze --lang zh tests/captures/seed-https-rst.pcap
	@echo '== tcplens conns --diagnose tests/captures/seed-https-rst.pcap'
	$(TCPLENS) conns --diagnose tests/captures/seed-https-rst.pcap
	@echo '== tcplens conns --diagnose --lang zh tests/captures/synthetic-diagnosis.pcap'
	$(TCPLENS) conns --diagnose --lang zh tests/captures/synthetic-diagnosis.pcap
	@echo '== tcplens analyze --format jsonl tests/captures/seed-nc.pcap | head -3'
	$(TCPLENS) analyze --format jsonl tests/captures/seed-nc.pcap | head -3
	@mkdir -p target/demo
	@echo '== tcplens diagram tests/captures/netns-zero-window-probe.pcap --stream 0 -o target/demo/diagram.svg'
	$(TCPLENS) diagram tests/captures/netns-zero-window-probe.pcap --stream 0 -o target/demo/diagram.svg
	@echo '== tcplens graph tests/captures/netns-loss-reorder.pcap --stream 0 -o target/demo/graph.svg'
	$(TCPLENS) graph tests/captures/netns-loss-reorder.pcap --stream 0 -o target/demo/graph.svg
	@echo '== tcplens report tests/captures/netns-zero-window-probe.pcap -o target/demo/report.html'
	$(TCPLENS) report tests/captures/netns-zero-window-probe.pcap -o target/demo/report.html
	@echo 'open target/demo/diagram.svg, graph.svg and report.html in a browser'

test: deps-test
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace
	$(MAKE) test-wireshark-versions
	$(MAKE) robustness

# The plugin tests again inside Wireshark 4.4 (Debian trixie) and 4.6 (sid) chroots, each
# with the plugin built on the host against that release's headers (root: debootstrap;
# the chroots are cached in /var/cache/tcplens/wireshark-chroots or $$TCPLENS_CHROOTS).
test-wireshark-versions:
	$(SUDO) env "PATH=$(PATH)" "HOME=$(HOME)" bash scripts/wireshark-chroots.sh test

# Release builds of tcplens.so for Wireshark 4.0 (the host), 4.4 and 4.6:
# target/dist/wireshark-X.Y/tcplens.so, each with a README.
dist: deps-build
	$(SUDO) env "PATH=$(PATH)" "HOME=$(HOME)" bash scripts/wireshark-chroots.sh dist

# The fast robustness checks (the long runs: docs/robustness.md): editcap -E damage through
# the harness and the plugin, valgrind over tshark with the plugin, every fuzz target 15 s.
robustness:
	bash scripts/corrupt-sweep.sh --rates "0.02 0.2" --seeds 1
	bash scripts/valgrind-plugin.sh tests/captures/seed-nc.pcap
	bash scripts/fuzz.sh --time 15

# The whole-process benchmark against tshark, tcptrace and the libpcap floor (README,
# "Benchmarks"); the script installs dependencies and builds itself.
bench:
	bash scripts/bench.sh

# Criterion microbenchmarks of per-packet decoding and analysis, and of the file reader.
bench-micro: deps-build
	$(CARGO) bench -p tcplens-core --bench core
	$(CARGO) bench -p tcplens-capture --bench reader

# Copies tcplens.so into the per-user plugin folder of the installed Wireshark version.
# tshark and Wireshark run as root ignore that folder (see the README).
WS_VERSION = $(shell pkg-config --modversion wireshark 2>/dev/null | cut -d. -f1,2)
install-plugin: deps-plugin
	$(CARGO) build --release -p tcplens-epan
	@test -n "$(WS_VERSION)" || { echo "pkg-config does not know wireshark: make deps-plugin"; exit 1; }
	mkdir -p $(HOME)/.local/lib/wireshark/plugins/$(WS_VERSION)/epan
	cp target/release/libtcplens.so $(HOME)/.local/lib/wireshark/plugins/$(WS_VERSION)/epan/tcplens.so
	@echo "installed: $(HOME)/.local/lib/wireshark/plugins/$(WS_VERSION)/epan/tcplens.so"
	mkdir -p $(HOME)/.config/wireshark/profiles/tcplens
	cp wireshark-profile/preferences wireshark-profile/colorfilters wireshark-profile/recent $(HOME)/.config/wireshark/profiles/tcplens/
	@echo "installed: the Wireshark profile 'tcplens' (Edit > Configuration Profiles, or tshark -C tcplens)"
	@echo "check: tshark -G plugins | grep tcplens   (as a non-root user), or Help > About > Plugins"

# Re-renders docs/img/diagram.png and docs/img/report.png from the current code.
screenshots: deps-build
	bash scripts/screenshots.sh

# Re-renders the Wireshark screenshots (docs/img/wireshark-*.png): Wireshark Qt under Xvfb
# with the plugin and the "tcplens" profile.
screenshots-wireshark: deps-build
	bash scripts/wireshark-screenshot.sh

fmt:
	$(CARGO) fmt --all

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

clean:
	$(CARGO) clean
	rm -rf tests/out fuzz/target fuzz/corpus fuzz/artifacts
