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
    // pkg-config's wireshark.pc does not name libwiretap.
    println!("cargo:rustc-link-lib=dylib=wiretap");
    println!("cargo:rustc-cdylib-link-arg=-Wl,--no-undefined");
    // Export only the loader's four symbols, not the core's C ABI linked in with it.
    println!("cargo:rustc-cdylib-link-arg=-Wl,--exclude-libs,ALL");

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
        "proto_tree_add_boolean",
        "proto_tree_add_time",
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
