//! `include/tcplens.h` is what cbindgen generates from `src/ffi.rs` today.
#![deny(unsafe_code)]

use std::path::Path;

#[test]
fn include_header_is_current() {
    let crate_dir = env!("CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(Path::new(crate_dir).join("cbindgen.toml"))
        .expect("cbindgen.toml");
    // Only the FFI module: the rest of the crate is not part of the C ABI.
    let bindings = cbindgen::Builder::new()
        .with_src(Path::new(crate_dir).join("src/ffi.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen could not read the crate");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let header = Path::new(crate_dir).join("../include/tcplens.h");
    if std::env::var_os("UPDATE_HEADER").is_some() {
        std::fs::write(&header, &generated).expect("writing include/tcplens.h");
        return;
    }
    let current = std::fs::read(&header).unwrap_or_default();
    assert!(
        current == generated,
        "include/tcplens.h is stale: regenerate it with `UPDATE_HEADER=1 cargo test -p tcplens-core --test header` and commit it"
    );
}

/// Every key of the frame schema reaches C: a `TcplensVerdict` member (named as the key, or
/// with the unit or part it holds: `_ns`, `_addr`) or, for the explanation, a function;
/// and `tests/c/tcplens_dump.c`, which must print exactly the JSONL of `tcplens analyze`,
/// writes every key.
#[test]
fn every_schema_key_reaches_the_c_abi_and_the_c_program() {
    use tcplens_core::schema::{FrameKey, FRAME_KEYS};
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(crate_dir.join("../include/tcplens.h")).unwrap();
    let start = header
        .find("typedef struct TcplensVerdict {")
        .expect("TcplensVerdict in the header");
    let end = start + header[start..].find("} TcplensVerdict;").unwrap();
    let members: Vec<&str> = header[start..end]
        .lines()
        .filter_map(|l| {
            let l = l.trim().strip_suffix(';')?;
            let name = l.rsplit(' ').next()?;
            Some(name.split('[').next().unwrap_or(name))
        })
        .collect();
    let dump = std::fs::read_to_string(crate_dir.join("../tests/c/tcplens_dump.c")).unwrap();
    for key in FRAME_KEYS {
        let name = key.name;
        if FrameKey::from_name(name) == Some(FrameKey::Explain) {
            assert!(header.contains("tcplens_explain("), "tcplens_explain");
        } else {
            assert!(
                ["", "_ns", "_addr"]
                    .iter()
                    .any(|suffix| members.contains(&format!("{name}{suffix}").as_str())),
                "TcplensVerdict has no member for key {name}: {members:?}"
            );
        }
        assert!(
            dump.contains(&format!("\"{name}\"")) || dump.contains(&format!("\\\"{name}\\\"")),
            "tests/c/tcplens_dump.c never writes key {name}"
        );
    }
}
