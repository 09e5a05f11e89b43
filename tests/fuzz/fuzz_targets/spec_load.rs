//! Feeds any UTF-8 text to the spec loader: YAML tree, key checks, templates, crops.
//!
//! Text after the first NUL byte is read as `--var` overrides, one `name=value` per line,
//! so override templates are fuzzed too; YAML itself never contains a NUL.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use deckgen::spec::{Builtins, load_str};
use libfuzzer_sys::fuzz_target;

/// A spec path inside an empty folder, so relative image paths resolve to nothing.
fn spec_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("deckgen-fuzz-spec")
            .tempdir()
            .expect("a temporary folder");
        dir.keep().join("spec.yaml")
    })
}

/// The built-in variables for a fixed date, so runs are reproducible.
fn builtins() -> &'static Builtins {
    static BUILTINS: OnceLock<Builtins> = OnceLock::new();
    BUILTINS.get_or_init(|| Builtins::for_date(2026, 12, 3))
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (text, vars) = input.split_once('\0').unwrap_or((input, ""));
    let overrides: Vec<(String, String)> = vars
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();

    match load_str(text, spec_path(), &overrides, builtins()) {
        Ok(spec) => {
            for slide in &spec.slides {
                let _ = slide.describe();
            }
        }
        Err(errors) => {
            assert!(!errors.diagnostics.is_empty(), "a failed load names no problem");
            let _ = errors.to_string();
        }
    }
});
