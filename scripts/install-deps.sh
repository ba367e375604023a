#!/usr/bin/env bash
# Installs what tcplens needs to build and test on Debian bookworm, skipping whatever is
# already present. Safe to run any number of times. Uses sudo only when not root.
set -euo pipefail

say() { printf 'install-deps: %s\n' "$*"; }
die() { printf 'install-deps: error: %s\n' "$*" >&2; exit 1; }

APT_PACKAGES=(
  build-essential pkg-config libpcap-dev tshark libwireshark-dev libglib2.0-dev
  clang libclang-dev tcpdump python3 tcptrace valgrind time
)
RUSTUP_APT_PACKAGES=(ca-certificates curl)

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

# 1. Rust: find cargo on PATH or in ~/.cargo/bin.
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
need_rustup=0
if command -v cargo >/dev/null 2>&1; then
  say "rust: cargo found ($(command -v cargo))"
else
  need_rustup=1
  say "rust: cargo not found, will install with rustup"
fi

# 2. System packages.
wanted=("${APT_PACKAGES[@]}")
if [ "$need_rustup" -eq 1 ]; then
  wanted+=("${RUSTUP_APT_PACKAGES[@]}")
fi
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian bookworm; install these by hand: ${wanted[*]}"

missing=()
for pkg in "${wanted[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  say "apt: all ${#wanted[@]} packages present, skipping apt"
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

# 3. Rust toolchain.
if [ "$need_rustup" -eq 1 ]; then
  say "rust: installing the stable toolchain with rustup into $HOME/.cargo"
  curl https://sh.rustup.rs -sSf | sh -s -- -y --profile minimal --component rustfmt,clippy \
    || die "rustup could not be fetched or failed; install a Rust toolchain (1.88 or newer) by hand and re-run"
  export PATH="$HOME/.cargo/bin:$PATH"
  command -v cargo >/dev/null 2>&1 || die "rustup finished but cargo is still not found in $HOME/.cargo/bin"
  say "rust: installed $(cargo --version); to use it in your shell: source \"$HOME/.cargo/env\" (or add $HOME/.cargo/bin to PATH)"
fi

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

# The workspace declares rust-version 1.88 (its code needs 1.87, the locked libloading 1.88);
# Debian's own rustc (1.63) is too old.
rustc_version=$(rustc --version 2>/dev/null | awk '{print $2}' || true)
rustc_minor=$(printf '%s' "$rustc_version" | cut -d. -f2)
if [ -n "$rustc_minor" ] && [ "$rustc_minor" -lt 88 ] 2>/dev/null; then
  say "rust: warning: rustc $rustc_version is older than 1.88; run 'rustup update stable' or install a newer toolchain"
fi

# 4. The fuzz targets (fuzz/, `make test` runs them briefly): a nightly toolchain and
# cargo-fuzz.
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

say "all dependencies present"
