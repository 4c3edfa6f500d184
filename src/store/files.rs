//! Content-addressed file storage under the data folder: each attachment is stored once, at
//! `files/ab/cd/<sha256 hex>`, whatever its name and however many messages refer to it.
//!
//! Crash safety comes from the order of operations. [`FileStore::put`] writes the bytes to
//! `files/tmp/<random>.part`, syncs them, renames the file into place and syncs the folder, and
//! only returns after all that. The caller records the file (its hash) in redb only AFTER `put`
//! returned, so a crash at any moment leaves either no metadata at all (and at worst an
//! unreferenced blob or a `.part` file, removed by [`FileStore::sweep_tmp`] at start-up), or
//! metadata pointing to a complete, durable file. A referenced file is never missing or
//! half-written.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::StoreError;

/// Name of the folder, inside the data folder, that holds the files.
const FILES_DIR: &str = "files";
/// Name of the folder, inside `files/`, where files are written before being renamed in place.
const TMP_DIR: &str = "tmp";
/// Extension of unfinished files in `files/tmp/`.
const PART_EXT: &str = "part";

/// Content-addressed blobs in `<data>/files`, named by the SHA-256 of their bytes.
#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// Opens the file store of the data folder `data_dir`, creating `files/` and `files/tmp/`
    /// when missing.
    pub fn open(data_dir: &Path) -> Result<FileStore, StoreError> {
        let root = data_dir.join(FILES_DIR);
        let tmp = root.join(TMP_DIR);
        fs::create_dir_all(&tmp).map_err(|e| io_err("cannot create the folder", &tmp, e))?;
        Ok(FileStore { root })
    }

    /// Stores `bytes` durably and returns their SHA-256 in lowercase hex, the file's name.
    ///
    /// Storing the same bytes again finds the existing file and writes nothing. When this
    /// returns, the file is complete and on disk; record it in redb only after that.
    pub fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha = hex(&Sha256::digest(bytes));
        let dest = self.path_of(&sha).expect("a SHA-256 in lowercase hex is a valid name");
        match fs::metadata(&dest) {
            Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => return Ok(sha),
            // Missing, or (after a disk fault) damaged: write it (again) below.
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("cannot inspect", &dest, e)),
        }
        let parent = dest.parent().expect("a blob path has two parent folders");
        self.create_dirs(parent)?;

        let part = self.root.join(TMP_DIR).join(format!("{}.{PART_EXT}", random_name()?));
        if let Err(e) = write_synced(&part, bytes) {
            let _ = fs::remove_file(&part);
            return Err(io_err("cannot write", &part, e));
        }
        if let Err(e) = fs::rename(&part, &dest) {
            let _ = fs::remove_file(&part);
            return Err(io_err("cannot move the new file to", &dest, e));
        }
        sync_dir(parent)?;
        Ok(sha)
    }

    /// Stores what `src` yields, as [`FileStore::put`] does, reading it a block at a time:
    /// the bytes are hashed while they are written, so a large file never sits in memory.
    /// Returns the SHA-256 (the file's name) and the size.
    pub fn put_reader(&self, src: &mut impl io::Read) -> Result<(String, u64), StoreError> {
        let part = self.root.join(TMP_DIR).join(format!("{}.{PART_EXT}", random_name()?));
        let written = (|| -> io::Result<(String, u64)> {
            let mut file = File::options().write(true).create_new(true).open(&part)?;
            let (mut hasher, mut buf, mut size) = (Sha256::new(), vec![0u8; 256 * 1024], 0u64);
            loop {
                let n = src.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                let block = buf.get(..n).unwrap_or_default();
                hasher.update(block);
                file.write_all(block)?;
                size += n as u64;
            }
            file.sync_all()?;
            Ok((hex(&hasher.finalize()), size))
        })();
        let (sha, size) = match written {
            Ok(done) => done,
            Err(e) => {
                let _ = fs::remove_file(&part);
                return Err(io_err("cannot write", &part, e));
            }
        };
        let Some(dest) = self.path_of(&sha) else {
            let _ = fs::remove_file(&part);
            return Err(StoreError::Corrupt(format!("{sha} is not a file name")));
        };
        if fs::metadata(&dest).is_ok_and(|m| m.is_file() && m.len() == size) {
            // Already stored: keep the one there.
            let _ = fs::remove_file(&part);
            return Ok((sha, size));
        }
        let Some(parent) = dest.parent() else {
            let _ = fs::remove_file(&part);
            return Err(StoreError::Corrupt(format!("{} has no folder", dest.display())));
        };
        if let Err(e) = self.create_dirs(parent) {
            let _ = fs::remove_file(&part);
            return Err(e);
        }
        if let Err(e) = fs::rename(&part, &dest) {
            let _ = fs::remove_file(&part);
            return Err(io_err("cannot move the new file to", &dest, e));
        }
        sync_dir(parent)?;
        Ok((sha, size))
    }

    /// Opens the stored file named `sha` for reading; `None` when there is no such file or the
    /// name is not a SHA-256 in lowercase hex.
    pub fn open_blob(&self, sha: &str) -> Result<Option<File>, StoreError> {
        let Some(path) = self.path_of(sha) else { return Ok(None) };
        match File::open(&path) {
            Ok(file) => Ok(Some(file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err("cannot open", &path, e)),
        }
    }

    /// Where the file named `sha` is (or would be) stored; `None` unless `sha` is exactly 64
    /// lowercase hex characters, so that no path is ever built from unchecked input.
    pub fn path_of(&self, sha: &str) -> Option<PathBuf> {
        let valid = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| self.root.join(&sha[..2]).join(&sha[2..4]).join(sha))
    }

    /// The size in bytes of the file named `sha`; `None` when there is no such file or the name
    /// is not a SHA-256 in lowercase hex.
    pub fn len_of(&self, sha: &str) -> Result<Option<u64>, StoreError> {
        let Some(path) = self.path_of(sha) else { return Ok(None) };
        match fs::metadata(&path) {
            Ok(meta) => Ok(Some(meta.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err("cannot inspect", &path, e)),
        }
    }

    /// Deletes the `.part` files an interrupted [`FileStore::put`] left in `files/tmp/` and
    /// returns how many. Call it at start-up, before any `put`: a `put` in progress would lose
    /// its file and fail.
    pub fn sweep_tmp(&self) -> Result<usize, StoreError> {
        let tmp = self.root.join(TMP_DIR);
        let entries = fs::read_dir(&tmp).map_err(|e| io_err("cannot list", &tmp, e))?;
        let mut removed = 0;
        for entry in entries {
            let path = entry.map_err(|e| io_err("cannot list", &tmp, e))?.path();
            if path.extension().is_some_and(|ext| ext == PART_EXT) && path.is_file() {
                fs::remove_file(&path).map_err(|e| io_err("cannot delete", &path, e))?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Creates the two fan-out folders of a blob path when missing, syncing the parent of each
    /// new folder so that the folder itself survives a crash.
    fn create_dirs(&self, leaf: &Path) -> Result<(), StoreError> {
        let first = leaf.parent().expect("a fan-out folder has a parent");
        for dir in [first, leaf] {
            match fs::create_dir(dir) {
                Ok(()) => sync_dir(dir.parent().expect("a fan-out folder has a parent"))?,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_err("cannot create the folder", dir, e)),
            }
        }
        Ok(())
    }
}

/// Creates `path` and writes `bytes` to it, then waits until they are on disk.
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::options().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a folder's entries (a new or renamed file, a new sub-folder) durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| io_err("cannot sync the folder", dir, e))
}

/// Folders cannot be opened for syncing on this platform; the rename is as durable as it gets.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), StoreError> {
    Ok(())
}

/// A random name for a temporary file: 32 hex characters.
fn random_name() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Unavailable(format!("cannot draw a random name for a temporary file: {e}")))?;
    Ok(hex(&bytes))
}

/// Lowercase hex of `bytes`.
/// Bytes in lowercase hex.
pub(super) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0F)]));
    }
    out
}

/// An I/O failure, as a [`StoreError`] naming what was done and where.
fn io_err(what: &str, path: &Path, e: io::Error) -> StoreError {
    StoreError::Unavailable(format!("{what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    fn read(store: &FileStore, sha: &str) -> Vec<u8> {
        let mut out = Vec::new();
        store.open_blob(sha).unwrap().unwrap().read_to_end(&mut out).unwrap();
        out
    }

    fn tmp_entries(store: &FileStore) -> usize {
        fs::read_dir(store.root.join(TMP_DIR)).unwrap().count()
    }

    #[test]
    fn put_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let bytes: Vec<u8> = (0..=255).cycle().take(70_000).collect();
        let sha = store.put(&bytes).unwrap();
        assert_eq!(read(&store, &sha), bytes);
        assert_eq!(store.len_of(&sha).unwrap(), Some(70_000));
        let path = store.path_of(&sha).unwrap();
        assert_eq!(path, dir.path().join("files").join(&sha[..2]).join(&sha[2..4]).join(&sha));
        assert_eq!(tmp_entries(&store), 0, "nothing is left in tmp after put");
    }

    #[test]
    fn the_name_is_the_sha256_of_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        assert_eq!(store.put(b"abc").unwrap(), ABC);
        assert!(dir.path().join("files/ba/78").join(ABC).is_file());
    }

    #[test]
    fn the_same_bytes_are_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let first = store.put(b"same bytes").unwrap();
        let second = store.put(b"same bytes").unwrap();
        assert_eq!(first, second);
        let folder = store.path_of(&first).unwrap().parent().unwrap().to_path_buf();
        assert_eq!(fs::read_dir(folder).unwrap().count(), 1);
        assert_eq!(tmp_entries(&store), 0);
    }

    #[test]
    fn a_stream_is_stored_like_bytes_once_and_whole() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = FileStore::open(dir.path()).expect("the store opens");
        let bytes: Vec<u8> = (0..=255).cycle().take(1_000_003).collect();
        let (sha, size) = store.put_reader(&mut bytes.as_slice()).expect("stored");
        assert_eq!((sha.as_str(), size), (store.put(&bytes).expect("stored").as_str(), 1_000_003));
        assert_eq!(read(&store, &sha), bytes);
        assert_eq!(store.put_reader(&mut bytes.as_slice()).expect("stored").0, sha, "stored once");
        assert_eq!(store.put_reader(&mut &b"abc"[..]).expect("stored"), (ABC.to_string(), 3));
        assert_eq!(tmp_entries(&store), 0, "no part file is left behind");
    }

    #[test]
    fn a_damaged_file_is_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let sha = store.put(b"complete content").unwrap();
        fs::write(store.path_of(&sha).unwrap(), b"compl").unwrap();
        assert_eq!(store.put(b"complete content").unwrap(), sha);
        assert_eq!(read(&store, &sha), b"complete content");
    }

    #[test]
    fn invalid_names_never_become_paths() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        store.put(b"abc").unwrap();
        let dotted = format!("../{}", &ABC[3..]);
        for bad in ["../etc/passwd", &ABC.to_uppercase(), &ABC[..63], "", &dotted, &format!("{ABC}0")] {
            assert_eq!(store.path_of(bad), None, "{bad}");
            assert!(store.open_blob(bad).unwrap().is_none(), "{bad}");
            assert_eq!(store.len_of(bad).unwrap(), None, "{bad}");
        }
        let absent = "0".repeat(64);
        assert!(store.path_of(&absent).is_some());
        assert!(store.open_blob(&absent).unwrap().is_none());
        assert_eq!(store.len_of(&absent).unwrap(), None);
    }

    #[test]
    fn sweep_tmp_removes_leftover_parts_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let tmp = dir.path().join("files/tmp");
        fs::write(tmp.join("0123abcd.part"), b"half a file").unwrap();
        fs::write(tmp.join("notes.txt"), b"not ours").unwrap();
        assert_eq!(store.sweep_tmp().unwrap(), 1);
        assert!(!tmp.join("0123abcd.part").exists());
        assert!(tmp.join("notes.txt").exists());
        assert_eq!(store.sweep_tmp().unwrap(), 0);
    }

    #[test]
    fn open_reports_the_path_it_cannot_create() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("data");
        fs::write(&blocker, b"a file where the data folder should be").unwrap();
        let err = FileStore::open(&blocker).unwrap_err();
        assert!(err.to_string().contains(&blocker.join("files").join("tmp").display().to_string()), "{err}");
    }
}
