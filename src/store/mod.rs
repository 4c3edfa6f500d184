//! Storage: redb in the data folder, the schema and its migrations, typed reads, and the single
//! writer thread through which every change passes (DESIGN.md, "The spine").
//!
//! Reads open their own snapshot ([`Store::snapshot`]) and never wait for the writer. Writes are
//! closures that decide against the current state and return [`Changes`]; [`Store::write`]
//! answers only after the change and its events are committed.

mod backup;
mod changes;
mod codec;
mod contacts;
mod conv_scan;
mod conversations;
mod files;
mod imports;
mod keys;
mod messages;
mod migrations;
mod partition_codes;
mod reader;
mod records;
mod repack;
mod routing;
mod status_log;
mod tables;
mod users;
mod webhooks;
mod widget;
mod workspace;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use redb::{Database, ReadTransaction, ReadableDatabase};
use tokio::sync::{oneshot, watch};

pub use backup::{Manifest, restore_archive};
pub use changes::Changes;
pub use contacts::{ContactReads, put_contact};
pub use conversations::{ConversationReads, ReadMark, put_conversation, put_read_mark, take_number, take_numbers};
pub use files::FileStore;
pub use imports::{ImportChanges, ImportReads};
pub use keys::{Partition, cursor_of, is_cursor};
pub use messages::put_message;
pub use reader::Reader;

/// A consistent read view of the store (what [`Store::snapshot`] gives); read it through
/// [`Reader`] and the typed read traits.
pub type Snapshot = ReadTransaction;
pub use records::{RecordChanges, RecordReads};
pub use repack::{CompactReport, Repacked, compact_folder};
pub use routing::{RoutingReads, last_seen};
pub use status_log::StatusLogReads;
pub use tables::SCHEMA_VERSION;
use tables::Tbl;
pub use users::{UserChanges, UserReads};
pub use webhooks::{WebhookChanges, WebhookReads, delivery_keys};
pub use widget::{WidgetChanges, WidgetReads};
pub use workspace::{WorkspaceReads, put_settings};
pub use writer::{Staged, WriterStats};

use tables::META_DEMO;
use writer::{Job, Responder, Turn, skipped};

/// Why storage could not do what was asked. Cheap to clone: one failed commit answers many
/// callers.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// redb reported an I/O or transaction failure.
    #[error("storage failure: {0}")]
    Unavailable(String),
    /// A stored value could not be decoded or encoded.
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// Another process has the data folder open.
    #[error("the data folder {0} is in use by another Switchboard process")]
    InUse(PathBuf),
    /// The data folder was written by a newer Switchboard.
    #[error("the data folder has schema version {found}, newer than this build's {supported}; upgrade Switchboard")]
    TooNew {
        /// Version found on disk.
        found: u64,
        /// Version this build understands.
        supported: u64,
    },
    /// The writer thread has stopped (the server is shutting down).
    #[error("storage is shutting down")]
    Closed,
}

/// Converts any redb error into a [`StoreError`].
pub(crate) fn db_err(e: impl Into<redb::Error>) -> StoreError {
    StoreError::Unavailable(e.into().to_string())
}

/// Name of the database file inside the data folder.
pub const DB_FILE: &str = "switchboard.redb";

/// The database's page cache unless configured (`cache_mb`): redb's own default is 1 GiB,
/// which a desk of a million messages never needs (see the load benchmark's memory figures).
pub const DEFAULT_CACHE_BYTES: usize = 32 << 20;

/// A handle on the open data folder; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: Arc<Database>,
    files: FileStore,
    dir: PathBuf,
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    last_seq: watch::Receiver<u64>,
    stats: Arc<WriterStats>,
    /// Declared last, so it drops after the database: then the file is truly released.
    released: ReleaseFlag,
}

/// Set when the last handle's fields, the database included, have been dropped.
struct ReleaseFlag(Arc<std::sync::atomic::AtomicBool>);

impl Drop for ReleaseFlag {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Close the channel, then wait for the writer to finish its batch, so that the
        // database file is released when the last handle goes away.
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.take();
        }
        if let Some(handle) = self.writer.lock().ok().and_then(|mut w| w.take()) {
            let _ = handle.join();
        }
    }
}

impl Store {
    /// Opens (or creates) the data folder with the default page cache
    /// ([`DEFAULT_CACHE_BYTES`]), runs pending migrations and starts the writer.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_cache(dir, DEFAULT_CACHE_BYTES)
    }

    /// Opens (or creates) the data folder with a page cache of `cache_bytes`, runs pending
    /// migrations and starts the writer.
    pub fn open_with_cache(dir: &Path, cache_bytes: usize) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join(DB_FILE);
        let mut db = match Database::builder().set_cache_size(cache_bytes).create(&path) {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => return Err(StoreError::InUse(dir.to_path_buf())),
            Err(e) => return Err(db_err(e)),
        };
        if migrations::migrate(&db)? {
            // The rewrite freed most of the file's pages and left tables fragmented: rewrite
            // those in key order and give the space back once.
            match repack::repack_and_compact(&mut db) {
                Ok(tables) => tracing::info!(rewritten = tables.len(), "compacted the data folder after the migration"),
                Err(e) => tracing::warn!(error = %e, "could not compact the data folder after the migration"),
            }
        }
        let files = FileStore::open(dir)?;
        let swept = files.sweep_tmp()?;
        if swept > 0 {
            tracing::info!(swept, "removed unfinished uploads left by a crash");
        }
        let db = Arc::new(db);
        let last = db.begin_read().map_err(db_err)?.last_seq()?;
        let (seq_tx, seq_rx) = watch::channel(last);
        let (jobs_tx, jobs_rx) = mpsc::channel();
        let writer_db = db.clone();
        let stats = Arc::new(WriterStats::default());
        let writer_stats = stats.clone();
        let writer = std::thread::Builder::new()
            .name("switchboard-writer".into())
            .spawn(move || writer::run(writer_db, jobs_rx, seq_tx, writer_stats))
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer thread: {e}")))?;
        Ok(Store {
            inner: Arc::new(Inner {
                db,
                files,
                dir: dir.to_path_buf(),
                jobs: Mutex::new(Some(jobs_tx)),
                writer: Mutex::new(Some(writer)),
                last_seq: seq_rx,
                stats,
                released: ReleaseFlag(Arc::default()),
            }),
        })
    }

    /// A handle that does not keep the store open, to learn when the last handle is gone
    /// (the database file is released then).
    pub fn downgrade(&self) -> WeakStore {
        WeakStore(Arc::downgrade(&self.inner), self.inner.released.0.clone())
    }

    /// What the writer has done since the store opened.
    pub fn writer_stats(&self) -> &WriterStats {
        &self.inner.stats
    }

    /// The content-addressed file store (attachments).
    pub fn files(&self) -> &FileStore {
        &self.inner.files
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// A consistent read-only view of the committed state. Never blocks on the writer; do not
    /// hold it across an `.await`.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        self.inner.db.begin_read().map_err(db_err)
    }

    /// Follows the sequence number of the newest committed event.
    pub fn watch_seq(&self) -> watch::Receiver<u64> {
        self.inner.last_seq.clone()
    }

    /// Decides and writes one command. `decide` runs on the writer thread against the current
    /// state (including earlier commands of the same batch) and returns the changes to apply
    /// and the answer, or refuses with an error, which writes nothing. The answer arrives only
    /// after the commit; the `u64` is the seq of the command's last event.
    pub async fn write<T, E, F>(&self, decide: F) -> Result<(T, u64), E>
    where
        F: FnOnce(&Staged<'_>) -> Result<(Changes, T), E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<(T, u64), E>>();
        let job: Job = Box::new(move |turn: Turn<'_, '_>| {
            let batch = match turn {
                Turn::Run(batch) => batch,
                Turn::Skip => {
                    return Ok(skipped(move |cause| {
                        let _ = tx.send(Err(E::from(cause)));
                    }));
                }
            };
            let decided = decide(&batch.staged());
            match decided {
                Err(refusal) => Ok(Box::new(move |_: Result<(), StoreError>| {
                    let _ = tx.send(Err(refusal));
                }) as Responder),
                Ok((changes, value)) => match batch.apply(changes) {
                    Ok(seq) => Ok(Box::new(move |commit: Result<(), StoreError>| {
                        let _ = tx.send(commit.map(|()| (value, seq)).map_err(E::from));
                    }) as Responder),
                    Err(err) => {
                        let answer = err.clone();
                        Err((
                            err,
                            Box::new(move |_: Result<(), StoreError>| {
                                let _ = tx.send(Err(E::from(answer)));
                            }) as Responder,
                        ))
                    }
                },
            }
        });
        let sender = self.inner.jobs.lock().ok().and_then(|j| j.clone()).ok_or(StoreError::Closed)?;
        sender.send(job).map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| E::from(StoreError::Closed))?
    }

    /// Whether the workspace was created with demo data.
    pub fn is_demo(&self) -> Result<bool, StoreError> {
        Ok(self.snapshot()?.get_json::<bool>(Tbl::Meta, META_DEMO)?.unwrap_or(false))
    }

    /// Marks the workspace as a demo workspace (inside a command's changes).
    pub fn mark_demo(changes: &mut Changes) -> Result<(), StoreError> {
        changes.put_json(Tbl::Meta, META_DEMO, &true)
    }
}

/// A non-owning handle on a [`Store`].
#[derive(Clone)]
pub struct WeakStore(std::sync::Weak<Inner>, Arc<std::sync::atomic::AtomicBool>);

impl WeakStore {
    /// Whether the data folder is still open: some [`Store`] handle keeps it, or the last one
    /// is still closing the database.
    pub fn is_open(&self) -> bool {
        !self.1.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// A full handle, while some other handle keeps the store open.
    pub fn upgrade(&self) -> Option<Store> {
        self.0.upgrade().map(|inner| Store { inner })
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_index;
