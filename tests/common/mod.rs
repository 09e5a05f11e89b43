//! Shared test support: a temporary workspace that runs the real binary, and the
//! expectations file the conformance suite checks every built deck against.

#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixed build date, 2026-12-03T12:00:00Z, so built-in date variables are stable.
pub const SOURCE_DATE_EPOCH: &str = "1796299200";

/// A temporary folder with the example assets, where the binary runs with a clean
/// environment.
pub struct Workspace {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics with the output unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code {} instead of {code}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Panics unless stderr contains every piece.
    pub fn expect_stderr(&self, pieces: &[&str]) -> &Run {
        for piece in pieces {
            assert!(
                self.stderr.contains(piece),
                "stderr lacks {piece:?}:\n{}",
                self.stderr
            );
        }
        self
    }
}

impl Workspace {
    /// A workspace holding a copy of `specs/assets` under `assets/`.
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temporary folder");
        let assets = dir.path().join("assets");
        std::fs::create_dir(&assets).unwrap();
        for entry in std::fs::read_dir(repo().join("specs/assets")).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), assets.join(entry.file_name())).unwrap();
        }
        Workspace { dir }
    }

    /// The workspace folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the workspace.
    pub fn join(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes a file into the workspace and returns its path.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Runs `deckgen` with `args` in the workspace, with only PATH, HOME and a fixed
    /// SOURCE_DATE_EPOCH in its environment.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_deckgen"))
            .args(args)
            .current_dir(self.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .output()
            .expect("run deckgen");
        Run::from(output)
    }

    /// The names of the files in the workspace's top folder, sorted.
    pub fn files(&self, relative: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.join(relative))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// One picture a slide must show: `box` = (x, y, width, height) of the source image.
pub fn picture(source: &Path, bbox: [u32; 4], alt: &str) -> Value {
    let lossless = !source
        .extension()
        .is_some_and(|e| e == "jpeg" || e == "jpg");
    json!({ "source": source, "box": bbox, "alt": alt, "lossless": lossless })
}

/// What one slide must contain.
pub struct SlideExpect {
    pub layout: &'static str,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub notes: Option<String>,
    pub footer: Option<String>,
    pub slide_number: bool,
    pub pictures: Vec<Value>,
}

impl SlideExpect {
    /// A slide on `layout` with nothing on it yet.
    pub fn new(layout: &'static str) -> SlideExpect {
        SlideExpect {
            layout,
            title: None,
            subtitle: None,
            notes: None,
            footer: None,
            slide_number: false,
            pictures: Vec::new(),
        }
    }

    pub fn title(mut self, text: &str) -> SlideExpect {
        self.title = Some(text.into());
        self
    }

    pub fn subtitle(mut self, text: &str) -> SlideExpect {
        self.subtitle = Some(text.into());
        self
    }

    pub fn notes(mut self, text: &str) -> SlideExpect {
        self.notes = Some(text.into());
        self
    }

    /// A content slide: footer text (if the deck has one) and a slide number.
    pub fn numbered(mut self, footer: Option<&str>) -> SlideExpect {
        self.footer = footer.map(str::to_string);
        self.slide_number = true;
        self
    }

    pub fn picture(mut self, picture: Value) -> SlideExpect {
        self.pictures.push(picture);
        self
    }

    fn to_json(&self) -> Value {
        json!({
            "layout": self.layout,
            "title": self.title,
            "subtitle": self.subtitle,
            "notes": self.notes,
            "footer": self.footer,
            "slide_number": self.slide_number,
            "pictures": self.pictures,
        })
    }
}

/// Slide sizes in EMU.
pub const WIDE: [i64; 2] = [12_192_000, 6_858_000];
pub const STANDARD: [i64; 2] = [9_144_000, 6_858_000];

/// Hands a built deck to the conformance suite (python-pptx, openxml-audit, LibreOffice)
/// when `DECKGEN_CONFORMANCE_DIR` is set: the deck and what it must contain.
pub fn submit(name: &str, deck: &Path, size: [i64; 2], slides: &[SlideExpect]) {
    let Some(folder) = std::env::var_os("DECKGEN_CONFORMANCE_DIR") else {
        return;
    };
    let folder = PathBuf::from(folder);
    std::fs::create_dir_all(&folder).unwrap();
    let expect = json!({
        "slide_size": size,
        "slides": slides.iter().map(SlideExpect::to_json).collect::<Vec<_>>(),
    });
    // Sources live in temporary workspaces that vanish after the test: keep copies.
    let media = folder.join(format!("{name}.sources"));
    std::fs::create_dir_all(&media).unwrap();
    let mut expect = expect;
    for slide in expect["slides"].as_array_mut().unwrap() {
        for picture in slide["pictures"].as_array_mut().unwrap() {
            let source = PathBuf::from(picture["source"].as_str().unwrap());
            let copy = media.join(source.file_name().unwrap());
            std::fs::copy(&source, &copy).unwrap();
            picture["source"] = json!(copy);
        }
    }
    std::fs::copy(deck, folder.join(format!("{name}.pptx"))).unwrap();
    let text = serde_json::to_string_pretty(&expect).unwrap();
    std::fs::write(folder.join(format!("{name}.expect.json")), text).unwrap();
}
