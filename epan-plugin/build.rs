//! Generates the epan bindings from the system's Wireshark headers (pkg-config `wireshark`)
//! and links the plugin so that a missing symbol fails the build, not the load.
#![deny(unsafe_code)]

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=wrapper.h");
    let ws = pkg_config::Config::new()
        .atleast_version("4.0")
        .probe("wireshark")
        .unwrap_or_else(|e| {
            panic!("Wireshark's development files are needed (apt install libwireshark-dev libglib2.0-dev): {e}")
        });
    // Wireshark 4.3+ loaders also read an optional plugin_describe().
    println!("cargo::rustc-check-cfg=cfg(ws_plugin_describe)");
    let mut parts = ws.version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if (major, minor) >= (4, 3) {
        println!("cargo:rustc-cfg=ws_plugin_describe");
    }
    // Wireshark 4.2 moved its API from gboolean to C99 bool (src/compat.rs says where).
    // 4.4 and 4.6 are built and tested (scripts/wireshark-chroots.sh); 4.2 takes the same
    // gate untested, as no Debian suite reachable here ships it.
    println!("cargo::rustc-check-cfg=cfg(ws_c99_bool)");
    if (major, minor) >= (4, 2) {
        println!("cargo:rustc-cfg=ws_c99_bool");
    }
    // pkg-config's wireshark.pc does not name libwiretap.
    println!("cargo:rustc-link-lib=dylib=wiretap");
    println!("cargo:rustc-cdylib-link-arg=-Wl,--no-undefined");
    hide_the_core_c_abi();

    let mut builder = bindgen::Builder::default()
        .header("wrapper.h")
        .default_enum_style(bindgen::EnumVariation::Consts)
        .prepend_enum_name(false)
        .derive_default(true)
        .layout_tests(false)
        .generate_comments(false);
    for inc in &ws.include_paths {
        builder = builder.clang_arg(format!("-I{}", inc.display()));
    }
    for f in [
        "proto_register_protocol",
        "proto_register_field_array",
        "proto_register_subtree_array",
        "proto_register_plugin",
        "proto_tree_add_item",
        "proto_tree_add_protocol_format",
        "proto_item_add_subtree",
        "proto_tree_add_uint",
        "proto_tree_add_uint_format_value",
        "proto_tree_add_string",
        "proto_tree_add_string_format_value",
        "proto_tree_add_subtree_format",
        "proto_tree_add_boolean",
        "proto_tree_add_time",
        "proto_tree_add_ipv4",
        "proto_tree_add_ipv6",
        "proto_field_is_referenced",
        "proto_registrar_get_nth",
        "expert_register_protocol",
        "expert_register_field_array",
        "expert_add_info",
        "expert_add_info_format",
        "expert_get_highest_severity",
        "find_tap_id",
        "have_tap_listener",
        "prefs_register_protocol",
        "prefs_register_bool_preference",
        "prefs_register_enum_preference",
        "create_dissector_handle",
        "register_postdissector",
        "register_init_routine",
        "register_cleanup_routine",
        "tvb_captured_length",
        "tvb_reported_length",
        "tvb_get_ptr",
    ] {
        builder = builder.allowlist_function(f);
    }
    for t in [
        "packet_info",
        "frame_data",
        "wtap_rec",
        "hf_register_info",
        "ei_register_info",
        "expert_field",
        "proto_plugin",
        "enum_val_t",
        "field_display_e",
        "ftenum",
        "epan_column_info",
    ] {
        builder = builder.allowlist_type(t);
    }
    for v in [
        "ENC_.*",
        "PI_.*",
        "FT_.*",
        "BASE_.*",
        "WTAP_ENCAP_.*",
        "REC_TYPE_.*",
        "WIRESHARK_VERSION_.*",
        "HF_REF_TYPE_.*",
        "COL_EXPERT",
    ] {
        builder = builder.allowlist_var(v);
    }
    let bindings = builder
        .generate()
        .expect("bindgen could not read the Wireshark headers");
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("bindings.rs");
    bindings.write_to_file(out).expect("writing the bindings");
}

/// Exports only the loader's symbols (`plugin_register`, `plugin_version`,
/// `plugin_want_major`, `plugin_want_minor`, `plugin_describe`), not the core's C ABI
/// (`tcplens_*`, `#[no_mangle]` in tcplens-core), which rustc exports from every cdylib that
/// links the core.
///
/// Without LTO the core's code comes from its rlib, an archive, and `--exclude-libs` hides
/// it. With LTO (the release profile) the core is compiled into this library's own objects,
/// so a second version script names each C ABI function local. rustc passes its own
/// version script, which lists them as global; LLD merges the two and gives an exact local
/// name precedence (with a warning per name, which rustc does not show), while GNU ld
/// refuses two version scripts. So the library is linked by LLD: the toolchain's own
/// (`rust-lld` behind `gcc-ld/ld.lld`, what rustc 1.90 and later use by default on
/// x86_64 Linux), else an `ld.lld` on PATH; without either, only `--exclude-libs` applies.
fn hide_the_core_c_abi() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,--exclude-libs,ALL");
    // The C ABI's functions, from the header generated from the core's ffi.rs.
    let header = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"))
        .join("../include/tcplens.h");
    println!("cargo:rerun-if-changed={}", header.display());
    let text = std::fs::read_to_string(&header).expect("reading include/tcplens.h");
    // Each name followed by `(`: the functions the header declares.
    let mut names: Vec<&str> = text
        .split('(')
        .filter_map(|before| {
            before
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
        })
        .filter(|w| w.starts_with("tcplens_"))
        .collect();
    names.sort_unstable();
    names.dedup();
    assert!(
        names.contains(&"tcplens_feed"),
        "no tcplens_* function found in {}",
        header.display()
    );
    let Some(lld_dir) = lld_dir() else {
        println!(
            "cargo:warning=no LLD found (rust-lld or ld.lld): with LTO the plugin also exports the core's tcplens_* symbols"
        );
        return;
    };
    let script = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("hide-core.map");
    let locals: String = names.iter().map(|n| format!("    {n};\n")).collect();
    std::fs::write(&script, format!("{{\n  local:\n{locals}}};\n"))
        .expect("writing the version script");
    if let Some(dir) = lld_dir {
        println!("cargo:rustc-cdylib-link-arg=-B{}", dir.display());
    }
    println!("cargo:rustc-cdylib-link-arg=-fuse-ld=lld");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        script.display()
    );
}

/// Where LLD is: `Some(Some(dir))` for the toolchain's `gcc-ld` folder (passed to cc with
/// `-B`), `Some(None)` for an `ld.lld` on PATH, `None` when there is none.
fn lld_dir() -> Option<Option<PathBuf>> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let host = env::var("HOST").expect("HOST");
    let sysroot = std::process::Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(dir) = sysroot.map(|s| s.join("lib/rustlib").join(host).join("bin/gcc-ld")) {
        if dir.join("ld.lld").is_file() {
            return Some(Some(dir));
        }
    }
    let on_path = env::var_os("PATH")
        .is_some_and(|paths| env::split_paths(&paths).any(|d| d.join("ld.lld").is_file()));
    on_path.then_some(None)
}
