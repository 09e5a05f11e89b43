//! The zip container, written deterministically and atomically.
//!
//! Entries keep the order they are added in, carry the fixed 1980-01-01 timestamp and fixed
//! permissions, XML is deflated and media stored. The archive is written to a temporary
//! file beside the target and renamed over it only when complete, so a failed build leaves
//! an earlier deck untouched and no partial file behind.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::TempPath;
use thiserror::Error;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Why the deck could not be written.
#[derive(Debug, Error)]
pub enum WriteError {
    /// The output folder does not exist.
    #[error("the output folder {} does not exist", .0.display())]
    MissingFolder(PathBuf),
    /// Any I/O failure while writing.
    #[error("cannot write {}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    /// The same entry name twice.
    #[error("the package already has an entry {0}")]
    Duplicate(String),
}

/// How an entry is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// DEFLATE, for XML.
    Deflate,
    /// As is, for media that is already compressed.
    Store,
}

/// A zip archive being written to a temporary file beside its target.
pub struct ZipOut {
    zip: ZipWriter<BufWriter<File>>,
    temp: TempPath,
    target: PathBuf,
    names: HashSet<String>,
}

impl std::fmt::Debug for ZipOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZipOut")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl ZipOut {
    /// Starts an archive that `finish` will move to `target`.
    pub fn create(target: &Path) -> Result<ZipOut, WriteError> {
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !folder.is_dir() {
            return Err(WriteError::MissingFolder(folder));
        }
        let io = |err: std::io::Error| WriteError::Io {
            path: target.to_path_buf(),
            reason: err.to_string(),
        };
        let temp = tempfile::Builder::new()
            .prefix(".deckgen-")
            .suffix(".pptx.partial")
            .tempfile_in(&folder)
            .map_err(io)?;
        let (file, temp) = temp.into_parts();
        Ok(ZipOut {
            zip: ZipWriter::new(BufWriter::new(file)),
            temp,
            target: target.to_path_buf(),
            names: HashSet::new(),
        })
    }

    fn io_error(&self, err: impl ToString) -> WriteError {
        WriteError::Io {
            path: self.target.clone(),
            reason: err.to_string(),
        }
    }

    /// Adds one entry.
    pub fn add(&mut self, name: &str, data: &[u8], storage: Storage) -> Result<(), WriteError> {
        if !self.names.insert(name.to_ascii_lowercase()) {
            return Err(WriteError::Duplicate(name.to_string()));
        }
        let options = SimpleFileOptions::default()
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644)
            .large_file(false);
        let options = match storage {
            Storage::Deflate => options
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(6)),
            Storage::Store => options.compression_method(CompressionMethod::Stored),
        };
        self.zip
            .start_file(name, options)
            .map_err(|e| self.io_error(e))?;
        self.zip.write_all(data).map_err(|e| self.io_error(e))
    }

    /// Completes the archive and moves it over the target.
    pub fn finish(self) -> Result<PathBuf, WriteError> {
        let target = self.target.clone();
        let io = |err: &dyn ToString| WriteError::Io {
            path: target.clone(),
            reason: err.to_string(),
        };
        let writer = self.zip.finish().map_err(|e| io(&e))?;
        let file = writer
            .into_inner()
            .map_err(|e| io(&e.error().to_string()))?;
        file.sync_all().map_err(|e| io(&e))?;
        drop(file);
        set_readable(&self.temp).map_err(|e| io(&e))?;
        self.temp.persist(&target).map_err(|e| io(&e.error))?;
        Ok(target)
    }
}

#[cfg(unix)]
fn set_readable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // Temporary files are created private; a deck is an ordinary document.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(path: &Path) -> Vec<(String, u16)> {
        let mut archive = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
        (0..archive.len())
            .map(|i| {
                let entry = archive.by_index(i).unwrap();
                (
                    entry.name().unwrap().to_string(),
                    entry.last_modified().unwrap().year(),
                )
            })
            .collect()
    }

    #[test]
    fn writes_entries_in_order_with_fixed_times_and_is_repeatable() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str| {
            let mut out = ZipOut::create(&dir.path().join(name)).unwrap();
            out.add("[Content_Types].xml", b"<Types/>", Storage::Deflate)
                .unwrap();
            out.add("ppt/media/image1.png", b"\x89PNG", Storage::Store)
                .unwrap();
            out.finish().unwrap()
        };
        let first = write("a.pptx");
        let second = write("b.pptx");
        assert_eq!(
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap()
        );
        assert_eq!(
            entries(&first),
            vec![
                ("[Content_Types].xml".into(), 1980),
                ("ppt/media/image1.png".into(), 1980)
            ]
        );
    }

    #[test]
    fn an_unfinished_archive_leaves_the_old_deck_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("deck.pptx");
        std::fs::write(&target, b"earlier deck").unwrap();
        {
            let mut out = ZipOut::create(&target).unwrap();
            out.add("a.xml", b"<a/>", Storage::Deflate).unwrap();
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"earlier deck");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("deck.pptx")]);
    }

    #[test]
    fn missing_folders_and_duplicate_names_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope").join("deck.pptx");
        assert!(matches!(
            ZipOut::create(&missing),
            Err(WriteError::MissingFolder(_))
        ));
        let mut out = ZipOut::create(&dir.path().join("d.pptx")).unwrap();
        out.add("a.xml", b"", Storage::Deflate).unwrap();
        assert!(matches!(
            out.add("A.xml", b"", Storage::Deflate),
            Err(WriteError::Duplicate(_))
        ));
    }
}
