//! Compiles the one C file infrafix has (`src/syntax/tree_reading.c`, see there for why) against the
//! sources of the tree-sitter crate it is linked with.

use std::path::PathBuf;

fn main() {
    let source = "src/syntax/tree_reading.c";
    println!("cargo:rerun-if-changed={source}");
    // tree-sitter's build script publishes its public headers; its private ones sit beside them.
    let include = PathBuf::from(
        std::env::var("DEP_TREE_SITTER_INCLUDE").expect("the tree-sitter crate publishes its include directory"),
    );
    cc::Build::new()
        .std("c11")
        .include(&include)
        .include(include.join("..").join("src"))
        .define("_POSIX_C_SOURCE", "200112L")
        .define("_DEFAULT_SOURCE", None)
        .warnings(true)
        .file(source)
        .compile("infrafix-tree-reading");
}
