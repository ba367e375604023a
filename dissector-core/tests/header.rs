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
