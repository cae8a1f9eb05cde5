use std::path::Path;

fn main() {
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .set_out_dir(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .emit_rerun_directives(true)
        .process()
        .expect("the grammar in grammar/ compiles");
    // Tests over Azure's built-in definitions (tests/builtins.rs) need `../shared/data`, which
    // is not part of the repository: where it is absent they are compiled as ignored, so that
    // `cargo test` lists them as such instead of passing them silently. (Where the folder
    // appears later, `touch build.rs` lets the tests see it.)
    println!("cargo::rustc-check-cfg=cfg(azure_builtins)");
    println!("cargo::rustc-check-cfg=cfg(azure_schemas)");
    let schemas = Path::new("../shared/data/schema/arm-schemas/2026-06-01/Microsoft.Authorization.json");
    if schemas.is_file() {
        println!("cargo::rerun-if-changed={}", schemas.display());
        println!("cargo::rustc-cfg=azure_schemas");
    }
    let builtins = Path::new("../shared/data/azure-policy/built-in-policies/README.md");
    if builtins.is_file() {
        println!("cargo::rerun-if-changed={}", builtins.display());
        println!("cargo::rustc-cfg=azure_builtins");
    }
}
