//! Writing a file so that it is either complete or absent: the bytes go to a temporary file in
//! the same directory (so that the final rename stays on one file system; `tempfile` picks an
//! unused name and never follows a link planted there), which is flushed to disk and renamed over
//! the target only once everything has been written. Dropping an [`AtomicFile`] that was not
//! committed removes the temporary file, so an error anywhere, a failed stream or a panic, leaves
//! nothing at the target and no litter beside it.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::CliError;

/// A file being written; see the module documentation.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    file: NamedTempFile,
    written: u64,
}

impl AtomicFile {
    /// Starts writing `target`: creates a new temporary file next to it.
    pub fn create(target: &Path) -> Result<Self, CliError> {
        let directory = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| CliError::usage(format!("{} không phải tên tệp", target.display())))?
            .to_string_lossy()
            .into_owned();
        let file = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(&directory)
            .map_err(|e| {
                CliError::Other(format!(
                    "không tạo được tệp tạm trong {}: {e}",
                    directory.display()
                ))
            })?;
        Ok(Self {
            target: target.to_path_buf(),
            file,
            written: 0,
        })
    }

    /// The temporary file's path (for tests and messages).
    pub fn temporary_path(&self) -> &Path {
        self.file.path()
    }

    /// Appends `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.file.write_all(bytes).map_err(|e| {
            CliError::Other(format!(
                "không ghi được {}: {e}",
                self.file.path().display()
            ))
        })?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Flushes the data to disk and renames the temporary file over the target. Returns the
    /// number of bytes written. On failure the temporary file is removed.
    pub fn commit(self) -> Result<u64, CliError> {
        self.file.as_file().sync_all().map_err(|e| {
            CliError::Other(format!(
                "không ghi được {} ra đĩa: {e}",
                self.file.path().display()
            ))
        })?;
        // On failure the error carries the temporary file, whose drop removes it.
        self.file.persist(&self.target).map_err(|e| {
            CliError::Other(format!(
                "không ghi được {}: {}",
                self.target.display(),
                e.error
            ))
        })?;
        // Persisting the directory entry is best effort: the file itself is already whole.
        if let Some(directory) = self.target.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(directory) = File::open(directory)
        {
            let _ = directory.sync_all();
        }
        Ok(self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("partyctl-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_committed_file_appears_whole() {
        let dir = scratch("commit");
        let target = dir.join("thong-ke.csv");
        let mut file = AtomicFile::create(&target).expect("created");
        file.write(b"a,b\n").expect("written");
        assert!(!target.exists(), "nothing at the target before the commit");
        file.write(b"1,2\n").expect("written");
        assert_eq!(file.commit().expect("committed"), 8);
        assert_eq!(std::fs::read(&target).expect("readable"), b"a,b\n1,2\n");
        assert_eq!(entries(&dir), ["thong-ke.csv"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_error_midway_leaves_nothing_behind() {
        let dir = scratch("error");
        let target = dir.join("thong-ke.xlsx");
        let outcome: Result<u64, CliError> = (|| {
            let mut file = AtomicFile::create(&target)?;
            file.write(b"PK\x03\x04 partial")?;
            assert!(file.temporary_path().exists());
            // The stream fails before the end, as a broken connection would.
            Err(CliError::Other("stream broken".to_owned()))?;
            file.commit()
        })();
        assert!(outcome.is_err());
        assert!(!target.exists());
        assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_existing_file_is_replaced_only_on_commit() {
        let dir = scratch("replace");
        let target = dir.join("bao-cao.csv");
        std::fs::write(&target, b"old").expect("seeded");
        {
            let mut file = AtomicFile::create(&target).expect("created");
            file.write(b"new but abandoned").expect("written");
        }
        assert_eq!(std::fs::read(&target).expect("readable"), b"old");
        let mut file = AtomicFile::create(&target).expect("created");
        file.write(b"new").expect("written");
        file.commit().expect("committed");
        assert_eq!(std::fs::read(&target).expect("readable"), b"new");
        assert_eq!(entries(&dir), ["bao-cao.csv"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_directory_is_an_error_without_litter() {
        let dir = scratch("missing");
        let target = dir.join("no-such").join("x.csv");
        assert!(AtomicFile::create(&target).is_err());
        assert!(!target.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
