//! Embeds the workspace's workflow templates (`../workflows/*.json`) as seeds for a new
//! catalogue: generates `$OUT_DIR/seeds.rs` with one `include_str!` per file (0..n files).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = manifest.join("..").join("workflows");
    // Re-run when files are added or removed (the folder changes) and when one changes.
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = json_files(&dir);
    files.sort();
    let mut out =
        String::from("/// Workflow templates embedded at build time: (file name, JSON text).\n");
    out.push_str("pub static SEEDS: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = std::fs::write(out_dir.join("seeds.rs"), out) {
        panic!("cannot write seeds.rs: {e}");
    }
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect()
}
