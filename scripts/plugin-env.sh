# Sourced by scripts that run tshark with the tcplens plugin (corrupt-sweep.sh,
# valgrind-plugin.sh). tshark as root ignores personal plugin folders, so as root tshark
# runs as `nobody` (setpriv) with a private HOME holding the plugin, never the user's own
# folders; cli-harness/tests/plugin.rs does the same.

# Debug builds, where `cargo test` leaves them: the harness in target/, the plugin in
# target/c-abi (the folder cli-harness/tests/plugin.rs builds it in).
build_tcplens() {
  cargo build --quiet -p tcplens-cli
  cargo build --quiet -p tcplens-epan --target-dir target/c-abi
  TCPLENS_BIN=target/debug/tcplens
  TCPLENS_SO=target/c-abi/debug/libtcplens.so
}

# plugin_home DIR: installs the plugin into DIR/.local/lib/wireshark/plugins/X.Y/epan.
plugin_home() {
  local home=$1 v
  v=$(tshark --version 2>/dev/null | head -n 1 | awk '{print $3}' | cut -d. -f1,2)
  mkdir -p "$home/.local/lib/wireshark/plugins/$v/epan"
  cp "$TCPLENS_SO" "$home/.local/lib/wireshark/plugins/$v/epan/tcplens.so"
  chmod -R a+rX "$home"
  as_tshark_user "$home" tshark -G plugins 2>/dev/null | grep -q 'tcplens\.so' || {
    echo "tshark does not load $TCPLENS_SO from $home" >&2
    return 1
  }
}

# as_tshark_user HOME CMD...: runs CMD with HOME, as nobody when we are root.
as_tshark_user() {
  local home=$1
  shift
  if [ "$(id -u)" -eq 0 ]; then
    env -u XDG_CONFIG_HOME HOME="$home" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    env -u XDG_CONFIG_HOME HOME="$home" "$@"
  fi
}
