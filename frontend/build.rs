//! The designer's wasm keeps its relocations, which `cargo xtask`'s split at the `wasm_split`
//! functions of `src/main.rs` reads (`xtask/src/designer.rs`). Only that binary: the other
//! apps are not split.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32") {
        println!("cargo:rustc-link-arg-bin=fachwerk-frontend=--emit-relocs");
    }
}
