//! Embeds the built-in looks under `deck-templates/` so the binary works from anywhere.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest.join("deck-templates");
    println!("cargo:rerun-if-changed={}", root.display());

    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut code = String::from("/// Built-in template files: (look, path inside it, contents).\n");
    code.push_str("pub static FILES: &[(&str, &str, &[u8])] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(&root).expect("under deck-templates");
        let mut parts = relative.iter().map(|p| p.to_string_lossy().into_owned());
        let look = parts.next().expect("a look folder");
        let inner: Vec<String> = parts.collect();
        // Only the package parts are embedded; a look's folder may also hold its preview.
        if inner.first().map(String::as_str) != Some("ppt") {
            continue;
        }
        let _ = writeln!(
            code,
            "    ({look:?}, {:?}, include_bytes!({:?})),",
            inner.join("/"),
            file.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join("templates.rs"), code).expect("write templates.rs");
}
