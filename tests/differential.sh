#!/usr/bin/env bash
# Compares tcplens with tshark 4.0 on stream, seq, ack, len and next_seq for every TCP frame.
#   bash tests/differential.sh                 # bundled captures + ../shared/captures
#   bash tests/differential.sh a.pcap b.pcapng # just these
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "$#" -gt 0 ]; then
  list=""
  for f in "$@"; do list="${list:+$list:}$(realpath "$f")"; done
  export TCPLENS_DIFF_CAPTURES="$list"
fi
exec cargo test --release -p tcplens-cli --test differential -- --nocapture
