#!/usr/bin/env bash
# The plugin against the Wireshark releases people run: 4.0 (the host, bookworm), 4.4
# (Debian trixie) and 4.6 (Debian sid). trixie's and sid's tshark need a newer glibc than
# the host's, so each runs in a debootstrap chroot of its own suite; the plugin is built on
# the host against that chroot's headers and libraries (../shared/reference/
# wireshark-versions.md has the measurements this follows).
#
#   scripts/wireshark-chroots.sh setup        make the chroots (root; skips what exists)
#   scripts/wireshark-chroots.sh build [V..]  build tcplens.so for 4.4 / 4.6 (default: both)
#   scripts/wireshark-chroots.sh test  [V..]  setup + build, then the plugin tests inside
#                                             each chroot's tshark, as an unprivileged user
#   scripts/wireshark-chroots.sh dist         release builds for 4.0, 4.4 and 4.6 into
#                                             target/dist/wireshark-X.Y/ (with a README
#                                             and the "tcplens" profile)
#
# The chroots are cached in $TCPLENS_CHROOTS (default /var/cache/tcplens/wireshark-chroots):
# about 400 MB each; delete the folder to rebuild them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=${TCPLENS_CHROOTS:-/var/cache/tcplens/wireshark-chroots}
export PATH="$HOME/.cargo/bin:$PATH"

# One table: Wireshark version -> Debian suite that ships it.
suite_of() {
  case "$1" in
    4.4) echo trixie ;;
    4.6) echo sid ;;
    *) echo "wireshark-chroots: no chroot for Wireshark $1 (4.4 or 4.6)" >&2; return 1 ;;
  esac
}
VERSIONS=(4.4 4.6)

say() { echo "wireshark-chroots: $*" >&2; }

need_root() {
  [ "$(id -u)" -eq 0 ] || { say "$1 needs root (debootstrap, chroot): run it with sudo"; exit 1; }
}

# The Debian mirror the host's apt already uses (the only archive reachable here may be a
# local copy).
mirror() {
  local m
  m=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1 || true)
  [ -n "$m" ] || m=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -n 1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

# setup_one SUITE: a minbase chroot with tshark and Wireshark's headers (unpacked, without
# the -dev packages' dependency chain). Built in DIR.tmp and renamed when complete, so an
# interrupted setup is redone, not half-used.
setup_one() {
  local suite=$1 dir="$ROOT/$1"
  [ -x "$dir/usr/bin/tshark" ] && [ -f "$dir/.tcplens-ready" ] && return 0
  command -v debootstrap >/dev/null || { say "debootstrap is missing: bash scripts/install-deps.sh --for test"; exit 1; }
  local tmp="$dir.tmp" t0=$SECONDS
  rm -rf "$tmp"
  mkdir -p "$ROOT"
  say "$suite: debootstrap from $(mirror)"
  debootstrap --variant=minbase "$suite" "$tmp" "$(mirror)" >"$ROOT/$suite-debootstrap.log" 2>&1 ||
    { tail -n 20 "$ROOT/$suite-debootstrap.log" >&2; say "$suite: debootstrap failed"; exit 1; }
  # The archive reached here may be a frozen copy whose Release files have expired.
  echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99tcplens"
  cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
  mount -t proc proc "$tmp/proc"
  trap 'umount "$tmp/proc" 2>/dev/null || true' RETURN
  chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -q >/dev/null &&
           apt-get install -y -q --no-install-recommends tshark >/dev/null &&
           cd /tmp && apt-get download -q libwireshark-dev libwsutil-dev libwiretap-dev >/dev/null &&
           for d in /tmp/*.deb; do dpkg-deb -x "$d" /; done && rm -f /tmp/*.deb && apt-get clean' ||
    { say "$suite: installing tshark in the chroot failed"; exit 1; }
  umount "$tmp/proc"
  trap - RETURN
  touch "$tmp/.tcplens-ready"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  say "$suite: ready ($(chroot "$dir" tshark --version 2>/dev/null | head -n 1)) in $((SECONDS - t0)) s"
}

setup() {
  need_root setup
  for v in "${VERSIONS[@]}"; do setup_one "$(suite_of "$v")"; done
}

# pkgconfig_dir V: a copy of the chroot's wireshark.pc whose paths point into the chroot,
# so the host's cargo, bindgen and linker build against that release.
pkgconfig_dir() {
  local v=$1 dir="$ROOT/$(suite_of "$1")" out="target/wireshark-$1/pkgconfig"
  local pc="$dir/usr/lib/x86_64-linux-gnu/pkgconfig/wireshark.pc"
  [ -f "$pc" ] || { say "no Wireshark $v chroot in $dir: run '$0 setup' as root"; exit 1; }
  mkdir -p "$out"
  sed -e "s|^prefix=.*|prefix=$dir/usr|" \
      -e "s|^libdir=.*|libdir=$dir/usr/lib/x86_64-linux-gnu|" \
      -e "s|^includedir=.*|includedir=$dir/usr/include|" \
      -e "s|^sharedlibdir=.*|sharedlibdir=$dir/usr/lib/x86_64-linux-gnu|" \
      -e "s|^plugindir=.*|plugindir=$dir/usr/lib/x86_64-linux-gnu/wireshark/plugins|" "$pc" >"$out/wireshark.pc"
  echo "$PWD/$out"
}

# build_one V PROFILE: tcplens.so for Wireshark V, in its own target folder.
build_one() {
  local v=$1 profile=${2:-debug} pc flag=()
  pc=$(pkgconfig_dir "$v")
  [ "$profile" = release ] && flag=(--release)
  say "building tcplens.so for Wireshark $v ($profile)"
  PKG_CONFIG_PATH="$pc" cargo build --quiet "${flag[@]}" -p tcplens-epan --target-dir "target/wireshark-$v" >&2
  echo "$PWD/target/wireshark-$v/$profile/libtcplens.so"
}

# test_one V: the plugin tests of cli-harness/tests/plugin.rs that speak about tshark's
# output, run against the chroot's tshark (the test reads TCPLENS_WIRESHARK_CHROOT and
# TCPLENS_PLUGIN_SO). The tests about the host build (exported symbols, the test-panic
# build) run in the host's `cargo test`.
CHROOT_TESTS=(
  plugin_loads_and_registers_every_field
  plugin_gives_the_harness_answers_in_one_and_two_passes
  display_filters_select_the_expected_frames
  expert_infos_reach_tshark_z_expert
  fields_without_tcplens_still_feed_z_expert
  malformed_headers_run_through
  diagnosis_findings_are_expert_infos_with_the_harness_text
  the_explain_field_follows_the_language_preference
  the_verdicts_and_steps_expert_messages_follow_the_language_preference
  no_tcplens_item_is_truncated_in_either_language
  diagnosis_expert_infos_are_never_comments
  z_expert_repeats_no_tcp_analysis_item_unless_asked
  the_tree_summary_says_what_the_frame_is
  the_profile_shows_steps_states_and_colours
  an_expert_info_where_the_own_verdict_differs_from_wiresharks
  the_vantage_field_says_where_the_conversation_was_captured
  later_passes_show_the_settled_own_verdict
)
test_one() {
  local v=$1 so dir
  so=$(build_one "$v")
  dir="$ROOT/$(suite_of "$v")"
  say "plugin tests in Wireshark $v ($(chroot "$dir" tshark --version 2>/dev/null | head -n 1))"
  TCPLENS_WIRESHARK_CHROOT="$dir" TCPLENS_PLUGIN_SO="$so" TCPLENS_WIRESHARK_VERSION="$v" \
    cargo test --quiet --workspace --test plugin -- --exact "${CHROOT_TESTS[@]}"
}

# check_loads V DIR: `tshark -G plugins` of Wireshark V, as nobody, lists DIR/tcplens.so as
# a dissector, and with DIR's profile (`-C tcplens`, which must compile without a warning)
# it finds teardown step 2+3 in a bundled capture.
check_loads() {
  local v=$1 so=$2/tcplens.so base=/ runner=() home
  if [ "$v" != 4.0 ]; then
    base="$ROOT/$(suite_of "$v")"
    runner=(chroot --userspec=65534:65534 "$base")
  else
    runner=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
  home=$(mktemp -d "$base/tmp/tcplens-dist-XXXXXX")
  mkdir -p "$home/.local/lib/wireshark/plugins/$v/epan"
  cp "$so" "$home/.local/lib/wireshark/plugins/$v/epan/tcplens.so"
  mkdir -p "$home/.config/wireshark/profiles/tcplens"
  cp "$2"/tcplens-profile/* "$home/.config/wireshark/profiles/tcplens/"
  cp tests/captures/seed-https-rst.pcap "$home/"
  chmod -R a+rX "$home"
  local inner=/${home#"$base"}
  [ "$v" = 4.0 ] && inner=$home
  local ts=("${runner[@]}" /usr/bin/env -i HOME="$inner" PATH=/usr/bin:/bin tshark)
  "${ts[@]}" -G plugins 2>/dev/null |
    grep -q "^tcplens.so.*dissector" || { say "$so does not load in Wireshark $v"; rm -rf "$home"; exit 1; }
  local got
  got=$("${ts[@]}" -C tcplens -n -r "$inner/seed-https-rst.pcap" -Y 'tcplens.teardown == 23' \
    -T fields -e frame.number 2>&1) || true
  [ "$got" = 12 ] || { say "$so with the tcplens profile in Wireshark $v: expected frame 12, got: $got"; rm -rf "$home"; exit 1; }
  rm -rf "$home"
}

dist() {
  local out=target/dist so
  rm -rf "$out"
  for v in 4.0 "${VERSIONS[@]}"; do
    if [ "$v" = 4.0 ]; then
      local host
      host=$(pkg-config --modversion wireshark | cut -d. -f1,2)
      [ "$host" = 4.0 ] || { say "the host's Wireshark is $host, not 4.0"; exit 1; }
      cargo build --quiet --release -p tcplens-epan --target-dir target/wireshark-4.0 >&2
      so=$PWD/target/wireshark-4.0/release/libtcplens.so
    else
      so=$(build_one "$v" release)
    fi
    mkdir -p "$out/wireshark-$v"
    cp "$so" "$out/wireshark-$v/tcplens.so"
    sed "s/@V@/$v/g" epan-plugin/dist-README.md >"$out/wireshark-$v/README.md"
    # The "tcplens" profile, as make install-plugin installs it (the README says where).
    mkdir -p "$out/wireshark-$v/tcplens-profile"
    cp wireshark-profile/* "$out/wireshark-$v/tcplens-profile/"
    check_loads "$v" "$out/wireshark-$v"
    say "$out/wireshark-$v/tcplens.so loads in Wireshark $v as a dissector, with its profile"
  done
}

cmd=${1:-test}
shift || true
[ $# -gt 0 ] && VERSIONS=("$@")
case "$cmd" in
  setup) setup ;;
  build) for v in "${VERSIONS[@]}"; do build_one "$v"; done ;;
  test)
    setup
    t0=$SECONDS
    for v in "${VERSIONS[@]}"; do test_one "$v"; done
    say "plugin tests passed in Wireshark ${VERSIONS[*]} ($((SECONDS - t0)) s after setup)"
    ;;
  dist) setup; dist ;;
  *) say "unknown command '$cmd' (setup, build, test, dist)"; exit 2 ;;
esac
