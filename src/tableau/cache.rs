//! The disk cache of fetched renders and view look-ups, so a rebuild within `max_age` and
//! an `--offline` build need no server.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::View;

/// A folder of cached renders (`images/KEY.png`) and view look-ups (`views/KEY.json`).
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// The user's cache folder: `$XDG_CACHE_HOME/deckgen`, else `~/.cache/deckgen`.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("deckgen");
    }
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(home) => PathBuf::from(home).join(".cache").join("deckgen"),
        None => std::env::temp_dir().join("deckgen-cache"),
    }
}

/// Writes `data` to `path` through a temporary file, so readers never see half a file.
fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let mut temp = tempfile::NamedTempFile::new_in(folder)?;
    std::io::Write::write_all(&mut temp, data)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

impl Cache {
    /// A cache in `dir`, created on first write.
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the render with `key` is kept.
    pub fn image_path(&self, key: &str) -> PathBuf {
        self.dir.join("images").join(format!("{key}.png"))
    }

    /// The cached render with `key`, if there is one no older than `max_age` (any age when
    /// `max_age` is `None`).
    pub fn image(&self, key: &str, max_age: Option<Duration>) -> Option<PathBuf> {
        let path = self.image_path(key);
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
        let age = SystemTime::now()
            .duration_since(modified)
            .unwrap_or_default();
        match max_age {
            Some(limit) if age > limit => None,
            _ => Some(path),
        }
    }

    /// Keeps a render.
    pub fn put_image(&self, key: &str, png: &[u8]) -> std::io::Result<PathBuf> {
        let path = self.image_path(key);
        write_atomic(&path, png)?;
        Ok(path)
    }

    fn workbook_path(&self, key: &str) -> PathBuf {
        self.dir.join("workbooks").join(format!("{key}.twb"))
    }

    /// The cached workbook file (`.twb` or `.twbx` bytes) with `key`.
    pub fn workbook(&self, key: &str) -> Option<PathBuf> {
        let path = self.workbook_path(key);
        path.is_file().then_some(path)
    }

    /// Keeps a workbook file.
    pub fn put_workbook(&self, key: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let path = self.workbook_path(key);
        write_atomic(&path, bytes)?;
        Ok(path)
    }

    fn view_path(&self, key: &str) -> PathBuf {
        self.dir.join("views").join(format!("{key}.json"))
    }

    /// The cached look-up of a view reference.
    pub fn view(&self, key: &str) -> Option<View> {
        let text = std::fs::read(self.view_path(key)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Keeps the look-up of a view reference.
    pub fn put_view(&self, key: &str, view: &View) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(view).map_err(std::io::Error::other)?;
        write_atomic(&self.view_path(key), &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_round_trip_and_age_out() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"));
        assert_eq!(cache.image("k", None), None);
        let path = cache.put_image("k", b"\x89PNG").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"\x89PNG");
        assert_eq!(cache.image("k", None), Some(path.clone()));
        assert_eq!(
            cache.image("k", Some(Duration::from_secs(3600))),
            Some(path)
        );
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(cache.image("k", Some(Duration::from_millis(1))), None);
    }

    #[test]
    fn views_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let view = View {
            id: "V".into(),
            name: "Incidents".into(),
            content_url: "SafetyOverview/sheets/Incidents".into(),
            workbook_id: "W".into(),
            workbook: Some("Safety Overview".into()),
            project: None,
            sheet_type: Some("dashboard".into()),
        };
        cache.put_view("k", &view).unwrap();
        assert_eq!(cache.view("k"), Some(view));
    }
}
