//! The committed `include/credit.h` must equal a fresh cbindgen run.
//! Set `CREDIT_BLESS=1` to rewrite it after an intended API change.

use std::path::PathBuf;

#[test]
fn header_is_up_to_date() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    let fresh = String::from_utf8(fresh).expect("UTF-8 header");
    let path = crate_dir.join("../include/credit.h");
    if std::env::var_os("CREDIT_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/credit.h differs from a fresh cbindgen run; regenerate with \
         `CREDIT_BLESS=1 cargo test -p credit-ffi --test header` and commit it"
    );
}

#[test]
fn version_macros_match_the_crate() {
    let header =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/credit.h"))
            .unwrap();
    for (name, value) in [
        ("CREDIT_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("CREDIT_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("CREDIT_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        assert!(
            header.contains(&format!("#define {name} {value}")),
            "{name} != {value}"
        );
    }
    assert_eq!(
        credit::CREDIT_VERSION_MAJOR.to_string(),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        credit::CREDIT_VERSION_MINOR.to_string(),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        credit::CREDIT_VERSION_PATCH.to_string(),
        env!("CARGO_PKG_VERSION_PATCH")
    );
}
