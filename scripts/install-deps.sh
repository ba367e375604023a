#!/usr/bin/env bash
# Installs what tcplens needs on Debian bookworm for one purpose, skipping whatever is
# already present. Safe to run any number of times. Uses sudo only when not root.
#
#   scripts/install-deps.sh [--for PURPOSE[,PURPOSE...]] [--dry-run]
#
# Purposes (the Makefile target that uses each in brackets):
#   plugin  building the Wireshark plugin [install-plugin]: a C toolchain, pkg-config,
#           libwireshark-dev, libglib2.0-dev, clang/libclang (bindgen), Rust stable
#   build   building and running the CLI, i.e. the whole workspace [build, demo]: plugin's,
#           plus libpcap-dev
#   fuzz    running only scripts/fuzz.sh [none]: a C toolchain, python3, Rust stable and
#           nightly, cargo-fuzz
#   bench   scripts/bench.sh [bench]: build's, plus tshark, tcptrace, valgrind, GNU time
#   test    everything `make test` runs [test]: build's, plus tshark, tcpdump, python3,
#           tcptrace, valgrind, GNU time, debootstrap (the Wireshark 4.4/4.6 chroots), rustfmt, clippy, nightly, cargo-fuzz, and
#           from PyPI (pip) DuckDB's Python package (reads the Parquet outputs back) and
#           parsezeeklogs (the Zeek log reader of cli-harness/tests/zeek.rs)
#   all     every purpose (the default)
# --dry-run prints the plan, one `need KIND NAME (present|missing)` line per requirement,
# and installs nothing.
set -euo pipefail

say() { printf 'install-deps: %s\n' "$*"; }
die() { printf 'install-deps: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '5,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

PURPOSES=all
DRY_RUN=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --for) [ -n "${2-}" ] || die "--for needs a purpose (plugin, build, fuzz, bench, test, all)"
      PURPOSES=$2; shift 2 ;;
    --for=*) PURPOSES=${1#--for=}; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done

# What each purpose needs. tshark is not a plugin requirement: building links against
# libwireshark-dev alone, and whoever installs the plugin already runs Wireshark or tshark
# (apt would otherwise pull in a second front end they may not want); the plugin purpose
# only warns when neither is found.
PLUGIN_APT=(build-essential pkg-config libwireshark-dev libglib2.0-dev clang libclang-dev)
BUILD_APT=("${PLUGIN_APT[@]}" libpcap-dev)
FUZZ_APT=(build-essential python3)
BENCH_APT=("${BUILD_APT[@]}" tshark tcptrace valgrind time)
TEST_APT=("${BUILD_APT[@]}" tshark tcpdump python3 python3-pip tcptrace valgrind time debootstrap)
# Python packages from PyPI, each importable under its own name: DuckDB reads the Parquet
# outputs back in cli-harness/tests/parquet.rs (Debian has no package for it);
# parsezeeklogs reads the Zeek conn.log in cli-harness/tests/zeek.rs.
TEST_PIP=(duckdb parsezeeklogs)
RUSTUP_APT_PACKAGES=(ca-certificates curl)

wanted=()          # apt packages, deduplicated below
want_components=0  # rustfmt and clippy (cargo fmt/clippy in `make test`)
want_nightly=0     # nightly toolchain and cargo-fuzz
want_ws_runtime=0  # warn when no tshark/wireshark is there to load the plugin
want_pip=()        # PyPI packages (test only)
IFS=, read -r -a purpose_list <<<"$PURPOSES"
[ "${#purpose_list[@]}" -gt 0 ] || die "--for needs a purpose (plugin, build, fuzz, bench, test, all)"
for purpose in "${purpose_list[@]}"; do
  case "$purpose" in
    plugin) wanted+=("${PLUGIN_APT[@]}"); want_ws_runtime=1 ;;
    build) wanted+=("${BUILD_APT[@]}") ;;
    fuzz) wanted+=("${FUZZ_APT[@]}"); want_nightly=1 ;;
    bench) wanted+=("${BENCH_APT[@]}") ;;
    test | all) wanted+=("${TEST_APT[@]}" "${FUZZ_APT[@]}"); want_components=1; want_nightly=1
      want_pip=("${TEST_PIP[@]}") ;;
    *) die "unknown purpose '$purpose' (plugin, build, fuzz, bench, test, all)" ;;
  esac
done
dedup=()
for pkg in "${wanted[@]}"; do
  case " ${dedup[*]-} " in *" $pkg "*) ;; *) dedup+=("$pkg") ;; esac
done
wanted=("${dedup[@]}")

# Privileges: resolved only when something actually needs installing.
SUDO=()
privileges_checked=0
need_root() {
  [ "$privileges_checked" -eq 1 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    die "packages must be installed but this is not root and sudo is not available; run as root or install sudo"
  fi
  privileges_checked=1
}

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# --dry-run: one line per requirement, then stop.
plan_line() { # KIND NAME PRESENT(0|1)
  if [ "$3" -eq 1 ]; then say "need $1 $2 (present)"; else say "need $1 $2 (missing)"; fi
}
has() { "$@" >/dev/null 2>&1 && echo 1 || echo 0; }

# 1. Rust: find cargo on PATH or in ~/.cargo/bin.
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
need_rustup=0
command -v cargo >/dev/null 2>&1 || need_rustup=1

if [ "$DRY_RUN" -eq 1 ]; then
  say "plan for: $PURPOSES (dry run: nothing is installed)"
  have_dpkg=$(has command -v dpkg-query)
  for pkg in "${wanted[@]}"; do
    plan_line apt "$pkg" "$([ "$have_dpkg" -eq 1 ] && has is_installed "$pkg" || echo 0)"
  done
  if [ "$need_rustup" -eq 1 ]; then
    for pkg in "${RUSTUP_APT_PACKAGES[@]}"; do
      plan_line apt "$pkg" "$([ "$have_dpkg" -eq 1 ] && has is_installed "$pkg" || echo 0)"
    done
  fi
  plan_line rust stable "$((1 - need_rustup))"
  if [ "$want_components" -eq 1 ]; then
    plan_line rust rustfmt "$(has cargo fmt --version)"
    plan_line rust clippy "$(has cargo clippy --version)"
  fi
  if [ "$want_nightly" -eq 1 ]; then
    plan_line rust nightly "$(has cargo +nightly --version)"
    plan_line cargo cargo-fuzz "$(has command -v cargo-fuzz)"
  fi
  for pkg in "${want_pip[@]}"; do
    plan_line pip "$pkg" "$(has python3 -c "import $pkg")"
  done
  exit 0
fi

if [ "$need_rustup" -eq 1 ]; then
  say "rust: cargo not found, will install with rustup"
else
  say "rust: cargo found ($(command -v cargo))"
fi

# 2. System packages.
if [ "$need_rustup" -eq 1 ]; then
  wanted+=("${RUSTUP_APT_PACKAGES[@]}")
fi
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian bookworm; install these by hand: ${wanted[*]}"

missing=()
for pkg in "${wanted[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  say "apt: all ${#wanted[@]} packages for '$PURPOSES' present, skipping apt"
else
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these by hand: ${missing[*]}"
  need_root
  say "apt: missing: ${missing[*]}"
  for pkg in "${missing[@]}"; do
    if [ "$pkg" = tshark ]; then
      say "apt: preseeding wireshark-common/install-setuid=false"
      echo "wireshark-common wireshark-common/install-setuid boolean false" \
        | "${SUDO[@]}" debconf-set-selections
      break
    fi
  done
  say "apt: apt-get update"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=300 update -qq
  say "apt: installing ${#missing[@]} package(s)"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
  still_missing=()
  for pkg in "${missing[@]}"; do
    is_installed "$pkg" || still_missing+=("$pkg")
  done
  [ "${#still_missing[@]}" -eq 0 ] || die "apt did not install: ${still_missing[*]}"
  say "apt: done"
fi

# 3. Rust toolchain (stable; rustfmt and clippy only for the tests).
if [ "$need_rustup" -eq 1 ]; then
  rustup_args=(-y --profile minimal)
  [ "$want_components" -eq 1 ] && rustup_args+=(--component rustfmt,clippy)
  say "rust: installing the stable toolchain with rustup into $HOME/.cargo"
  curl https://sh.rustup.rs -sSf | sh -s -- "${rustup_args[@]}" \
    || die "rustup could not be fetched or failed; install a Rust toolchain (1.88 or newer) by hand and re-run"
  export PATH="$HOME/.cargo/bin:$PATH"
  command -v cargo >/dev/null 2>&1 || die "rustup finished but cargo is still not found in $HOME/.cargo/bin"
  say "rust: installed $(cargo --version); to use it in your shell: source \"$HOME/.cargo/env\" (or add $HOME/.cargo/bin to PATH)"
fi

if [ "$want_components" -eq 1 ]; then
  components=()
  cargo fmt --version >/dev/null 2>&1 || components+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || components+=(clippy)
  if [ "${#components[@]}" -eq 0 ]; then
    say "rust: rustfmt and clippy present"
  elif command -v rustup >/dev/null 2>&1; then
    say "rust: adding component(s): ${components[*]}"
    rustup component add "${components[@]}"
  else
    die "rust: missing ${components[*]} and rustup is not available to add them; install them with your toolchain"
  fi
fi

# The workspace declares rust-version 1.88 (its code needs 1.87, the locked libloading 1.88);
# Debian's own rustc (1.63) is too old.
rustc_version=$(rustc --version 2>/dev/null | awk '{print $2}' || true)
rustc_minor=$(printf '%s' "$rustc_version" | cut -d. -f2)
if [ -n "$rustc_minor" ] && [ "$rustc_minor" -lt 88 ] 2>/dev/null; then
  say "rust: warning: rustc $rustc_version is older than 1.88; run 'rustup update stable' or install a newer toolchain"
fi

# 4. The fuzz targets (fuzz/, `make test` runs them briefly): a nightly toolchain and
# cargo-fuzz.
if [ "$want_nightly" -eq 1 ]; then
  if cargo +nightly --version >/dev/null 2>&1; then
    say "rust: nightly toolchain present"
  elif command -v rustup >/dev/null 2>&1; then
    say "rust: installing the nightly toolchain (for cargo fuzz)"
    rustup toolchain install nightly --profile minimal
  else
    die "rust: the fuzz targets need a nightly toolchain and rustup is not available to install it"
  fi
  if command -v cargo-fuzz >/dev/null 2>&1; then
    say "rust: cargo-fuzz present"
  else
    say "rust: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
  fi
fi

# 5. Python packages from PyPI (tests only), each skipped when python3 imports it already.
# Debian's python3 is "externally managed" (PEP 668): as root they go to /usr/local, as
# Debian's pip does for root; otherwise to the user's site-packages (--user).
for pkg in "${want_pip[@]}"; do
  if python3 -c "import $pkg" >/dev/null 2>&1; then
    say "pip: $pkg present"
    continue
  fi
  python3 -m pip --version >/dev/null 2>&1 || die "pip: python3 has no pip to install $pkg (apt-get install python3-pip)"
  pip_args=(install --disable-pip-version-check --no-input --quiet)
  if [ "$(id -u)" -eq 0 ]; then
    pip_args+=(--root-user-action=ignore)
  else
    pip_args+=(--user)
  fi
  say "pip: installing $pkg"
  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip "${pip_args[@]}" "$pkg" \
    || die "pip could not install $pkg; install it by hand (python3 -m pip install $pkg) and re-run"
  python3 -c "import $pkg" >/dev/null 2>&1 || die "pip installed $pkg but python3 cannot import it"
  say "pip: installed $pkg"
done

# 6. The plugin runs inside Wireshark or tshark, which this does not install.
if [ "$want_ws_runtime" -eq 1 ] && ! command -v tshark >/dev/null 2>&1 \
  && ! command -v wireshark >/dev/null 2>&1; then
  say "note: neither wireshark nor tshark is installed; the plugin needs one of them to run (apt-get install wireshark, or tshark)"
fi

say "all dependencies for '$PURPOSES' present"
