//! Online backups and their restore (F40). A backup is a tar archive of one consistent
//! snapshot, taken while the server keeps serving: `manifest.json`, the database rewritten
//! table by table from a read transaction (`switchboard.redb`, in key order, so it is also
//! compact), and the attachment files the snapshot refers to (`files/…`, named by their
//! SHA-256). The search index is not in it: a restore rebuilds it.
//!
//! A restore unpacks into a new folder beside the target, checks every file against the
//! manifest and its name, opens the database once, and only then moves the folder into place:
//! a truncated or foreign archive is refused with the reason and the target is left untouched.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use redb::{Database, Durability, Key, ReadableTable, TableDefinition, Value};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::reader::decode;
use super::tables::{Bin, EVENTS, SCHEMA_VERSION, Tbl};
use super::{DB_FILE, Snapshot, Store, StoreError, db_err};
use crate::domain::attachment::Attachment;

/// What the archive holds, first in it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `switchboard-backup`.
    pub format: String,
    /// The schema of the database inside.
    pub schema_version: u64,
    /// The newest event in the snapshot.
    pub last_seq: u64,
    /// When it was taken (ms since the epoch).
    pub taken_at_ms: i64,
    /// SHA-256 of the database file, hex.
    pub database_sha256: String,
    /// Rows copied.
    pub rows: u64,
    /// Attachment files, by SHA-256.
    pub files: Vec<String>,
}

/// The manifest's format name.
pub const FORMAT: &str = "switchboard-backup";
/// Rows copied per write transaction of the copy.
const CHUNK: usize = 50_000;

fn io(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Unavailable(format!("{what} {}: {e}", path.display()))
}

fn copy_table<K: Key + 'static, V: Value + 'static>(
    snap: &Snapshot,
    into: &Database,
    def: TableDefinition<K, V>,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, StoreError> {
    let table = snap.open_table(def).map_err(db_err)?;
    let mut rows = table.iter().map_err(db_err)?;
    let mut n = 0u64;
    loop {
        let mut txn = into.begin_write().map_err(db_err)?;
        txn.set_durability(Durability::None).map_err(db_err)?;
        let mut in_chunk = 0;
        {
            let mut out = txn.open_table(def).map_err(db_err)?;
            while in_chunk < CHUNK {
                let Some(row) = rows.next() else { break };
                let (k, v) = row.map_err(db_err)?;
                out.insert(k.value(), v.value()).map_err(db_err)?;
                in_chunk += 1;
            }
        }
        txn.commit().map_err(db_err)?;
        n += in_chunk as u64;
        progress(n);
        if in_chunk < CHUNK {
            return Ok(n);
        }
    }
}

/// Writes the state of `snap` into a new database at `dest`; returns the rows copied.
fn copy_database(snap: &Snapshot, dest: &Path, progress: &mut dyn FnMut(u64)) -> Result<u64, StoreError> {
    let db = Database::create(dest).map_err(db_err)?;
    let mut total = 0;
    for t in Tbl::ALL {
        let base = total;
        total += copy_table(snap, &db, t.def(), &mut |n| progress(base + n))?;
    }
    for t in Bin::ALL {
        let base = total;
        total += copy_table(snap, &db, t.def(), &mut |n| progress(base + n))?;
    }
    let base = total;
    total += copy_table(snap, &db, EVENTS, &mut |n| progress(base + n))?;
    // One durable commit makes everything before it durable.
    let mut txn = db.begin_write().map_err(db_err)?;
    txn.set_durability(Durability::Immediate).map_err(db_err)?;
    txn.commit().map_err(db_err)?;
    Ok(total)
}

fn sha256_of(path: &Path) -> Result<String, StoreError> {
    let mut f = BufReader::new(File::open(path).map_err(|e| io("cannot read", path, e))?);
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf).map_err(|e| io("cannot read", path, e))?;
        if n == 0 {
            return Ok(super::files::hex(&h.finalize()));
        }
        h.update(&buf[..n]);
    }
}

impl Store {
    /// Writes a backup of the committed state to `out` while the server keeps serving;
    /// `progress(rows copied)` is called as the copy goes. Returns the manifest.
    pub fn backup_to(&self, out: &mut impl Write, progress: &mut dyn FnMut(u64)) -> Result<Manifest, StoreError> {
        let work =
            tempfile::tempdir().map_err(|e| StoreError::Unavailable(format!("cannot make a work folder: {e}")))?;
        let db_path = work.path().join(DB_FILE);
        let snap = self.snapshot()?;
        let last_seq = super::reader::Reader::last_seq(&snap)?;
        let rows = copy_database(&snap, &db_path, progress)?;
        let mut files = BTreeSet::new();
        {
            let table = snap.open_table(Tbl::Attachments.def()).map_err(db_err)?;
            for row in table.iter().map_err(db_err)? {
                let (_, v) = row.map_err(db_err)?;
                let a: Attachment = decode(v.value())?;
                files.insert(a.sha256);
            }
        }
        drop(snap);
        let manifest = Manifest {
            format: FORMAT.into(),
            schema_version: SCHEMA_VERSION,
            last_seq,
            taken_at_ms: time::OffsetDateTime::now_utc().unix_timestamp() * 1000,
            database_sha256: sha256_of(&db_path)?,
            rows,
            files: files.into_iter().collect(),
        };
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tar = tar::Builder::new(BufWriter::new(out));
        let append = |tar: &mut tar::Builder<_>, name: &str, path: &Path| -> Result<(), StoreError> {
            let mut f = File::open(path).map_err(|e| io("cannot read", path, e))?;
            tar.append_file(name, &mut f).map_err(|e| io("cannot write the archive with", path, e))
        };
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o600);
        header.set_cksum();
        tar.append_data(&mut header, "manifest.json", json.as_slice())
            .map_err(|e| StoreError::Unavailable(format!("cannot write the archive: {e}")))?;
        append(&mut tar, DB_FILE, &db_path)?;
        for sha in &manifest.files {
            let path = self.files().path_of(sha).ok_or_else(|| StoreError::Corrupt(format!("bad file name {sha}")))?;
            append(&mut tar, &format!("files/{}/{}/{sha}", &sha[..2], &sha[2..4]), &path)?;
        }
        let mut w = tar.into_inner().map_err(|e| StoreError::Unavailable(format!("cannot finish the archive: {e}")))?;
        w.flush().map_err(|e| StoreError::Unavailable(format!("cannot finish the archive: {e}")))?;
        Ok(manifest)
    }
}

/// Why a restore was refused or failed.
fn refuse(why: impl Into<String>) -> StoreError {
    StoreError::Unavailable(why.into())
}

/// Rebuilds a data folder at `dir` from the backup `archive`. `dir` must not exist or be
/// empty. Nothing is written to `dir` unless the whole archive checks out. The search index
/// is left to rebuild (`switchboard reindex`, or the server on start).
pub fn restore_archive(archive: &Path, dir: &Path) -> Result<Manifest, StoreError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| io("cannot list", dir, e))?;
        if entries.next().is_some() {
            return Err(refuse(format!("{} is not empty: restore into a new or empty folder", dir.display())));
        }
    }
    let parent =
        dir.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&parent).map_err(|e| io("cannot create", &parent, e))?;
    let work = tempfile::Builder::new()
        .prefix(".switchboard-restore-")
        .tempdir_in(&parent)
        .map_err(|e| io("cannot make a work folder in", &parent, e))?;
    let file = File::open(archive).map_err(|e| io("cannot open", archive, e))?;
    let mut tar = tar::Archive::new(BufReader::new(file));
    let mut manifest: Option<Manifest> = None;
    let mut seen_files = BTreeSet::new();
    let mut have_db = false;
    let bad = |why: String| refuse(format!("{} is not a complete Switchboard backup: {why}", archive.display()));
    for entry in tar.entries().map_err(|e| bad(e.to_string()))? {
        let mut entry = entry.map_err(|e| bad(e.to_string()))?;
        let name = entry.path().map_err(|e| bad(e.to_string()))?.to_string_lossy().into_owned();
        if manifest.is_none() {
            if name != "manifest.json" {
                return Err(bad(format!("it starts with {name:?}, not manifest.json")));
            }
            let mut json = Vec::new();
            entry.read_to_end(&mut json).map_err(|e| bad(e.to_string()))?;
            let m: Manifest = serde_json::from_slice(&json).map_err(|e| bad(format!("its manifest: {e}")))?;
            if m.format != FORMAT {
                return Err(bad(format!("its format is {:?}", m.format)));
            }
            if m.schema_version > SCHEMA_VERSION {
                return Err(refuse(format!(
                    "the backup has schema {} and this binary knows up to {SCHEMA_VERSION}: restore it with a newer switchboard",
                    m.schema_version
                )));
            }
            manifest = Some(m);
            continue;
        }
        let target = if name == DB_FILE {
            have_db = true;
            work.path().join(DB_FILE)
        } else if let Some(sha) = name.strip_prefix("files/").and_then(|r| r.rsplit('/').next()) {
            let expected = format!("files/{}/{}/{sha}", sha.get(..2).unwrap_or(""), sha.get(2..4).unwrap_or(""));
            if name != expected || sha.len() != 64 {
                return Err(bad(format!("unexpected entry {name:?}")));
            }
            seen_files.insert(sha.to_string());
            work.path().join(&name)
        } else {
            return Err(bad(format!("unexpected entry {name:?}")));
        };
        if let Some(p) = target.parent() {
            std::fs::create_dir_all(p).map_err(|e| io("cannot create", p, e))?;
        }
        let mut out = File::create(&target).map_err(|e| io("cannot write", &target, e))?;
        std::io::copy(&mut entry, &mut out).map_err(|e| bad(format!("{name}: {e}")))?;
        out.sync_all().map_err(|e| io("cannot write", &target, e))?;
    }
    let manifest = manifest.ok_or_else(|| bad("it is empty".into()))?;
    if !have_db {
        return Err(bad("the database is missing".into()));
    }
    if sha256_of(&work.path().join(DB_FILE))? != manifest.database_sha256 {
        return Err(bad("the database does not match its checksum (the file is damaged)".into()));
    }
    for sha in &manifest.files {
        if !seen_files.contains(sha) {
            return Err(bad(format!("the file {sha} is missing")));
        }
        let path = work.path().join(format!("files/{}/{}/{sha}", &sha[..2], &sha[2..4]));
        if sha256_of(&path)? != *sha {
            return Err(bad(format!("the file {sha} is damaged")));
        }
    }
    // Opening it once runs any migration and proves it readable.
    drop(Store::open(work.path())?);
    if dir.exists() {
        std::fs::remove_dir(dir).map_err(|e| io("cannot replace the empty folder", dir, e))?;
    }
    let kept = work.keep();
    std::fs::rename(&kept, dir).map_err(|e| io("cannot move the restored folder to", dir, e))?;
    Ok(manifest)
}
