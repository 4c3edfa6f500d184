//! Full-text search (F32): a tantivy index in `{data}/search`, derived from redb by tailing the
//! event log (DESIGN.md, "The spine").
//!
//! The index remembers the last event sequence number it reflects in its own commit payload,
//! so the two move together: after a crash or kill between a redb commit and an index commit,
//! [`SearchIndex::catch_up`] re-reads the events after that number and rebuilds the documents
//! they touched from the current state. A document is always rebuilt whole from redb (never
//! patched from an event), so replaying an event twice changes nothing: nothing is missed and
//! nothing is duplicated. The server calls `catch_up` on start and then on a short timer after
//! new events; `switchboard reindex` rebuilds everything with [`SearchIndex::rebuild`].

mod bylang;
mod dates;
mod document;
pub mod highlight;
mod newest;
mod pairs;
pub mod query;
mod run;
pub mod schema;
pub mod spots;
mod ties;
mod times;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::IndexWriterOptions;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

pub use document::{phone_suffixes, see_keys};
pub use run::{Found, FoundConversation, Order, Request};
pub use schema::Lang;
pub use spots::Spot;

use crate::domain::conversation::Sort;
use crate::domain::{Event, EventKind};
use crate::store::{ConversationReads, Partition, Reader, RecordReads, Store, StoreError};
use document::Catalog;
use schema::{Fields, INDEX_VERSION};

/// The index's folder inside the data folder.
pub const INDEX_DIR: &str = "search";
/// Memory the index writer may buffer before it flushes a segment.
pub const DEFAULT_WRITER_HEAP: usize = 64 << 20;
/// The least indexing buffer used (tantivy refuses less than 15,000,000 bytes).
const MIN_WRITER_HEAP: usize = 15 << 20;
/// Decompressed blocks of stored fields each segment keeps (tantivy keeps 100 of about 16 KB
/// by default: 1.6 MB a segment). Each hit of a page reads one stored document, mostly each in
/// a block of its own, and a new reader comes with every index commit, so a large cache is
/// seldom read again.
const DOC_STORE_CACHE_BLOCKS: usize = 8;
/// Events read per step while catching up.
const EVENT_CHUNK: usize = 5_000;
/// How often a long catch-up commits what it has indexed so far.
const CATCH_UP_COMMIT_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// A failure of the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed (I/O, corrupt segment, lock held).
    #[error("search index failure: {0}")]
    Index(String),
    /// Reading redb failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        SearchError::Index(e.to_string())
    }
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

/// What the index stores in its commit payload.
#[derive(Serialize, Deserialize)]
struct Payload {
    version: u32,
    seq: u64,
}

/// The search index: cheap to clone, safe to share.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// How the writer is opened (again after [`SearchIndex::release_writer`]).
    options: IndexWriterOptions,
    /// The writer while there is work; `None` once released while idle.
    writer: Mutex<Option<IndexWriter>>,
    indexed: AtomicU64,
    dir: std::path::PathBuf,
    /// Every document's times, decoded per segment (see `search::times`).
    times: times::TimesCache,
}

impl SearchIndex {
    /// Opens the index of a data folder, creating it (empty, at seq 0) when missing or when it
    /// was written by another version of the schema.
    pub fn open(data_dir: &Path) -> Result<SearchIndex, SearchError> {
        SearchIndex::open_with_heap(data_dir, DEFAULT_WRITER_HEAP)
    }

    /// Opens the index with an indexing buffer of `heap` bytes (at least 15 MB, tantivy's
    /// least).
    ///
    /// One indexing thread and one merging thread: the server commits small batches often,
    /// and each indexing thread makes its own segment per commit, so a second one only doubles
    /// the segments to merge; concurrent merges of large segments add up their buffers. On two
    /// cores the writer, the HTTP workers and the indexer already share the CPU.
    pub fn open_with_heap(data_dir: &Path, heap: usize) -> Result<SearchIndex, SearchError> {
        let dir = data_dir.join(INDEX_DIR);
        let io = |e: std::io::Error| SearchError::Index(format!("cannot use {}: {e}", dir.display()));
        std::fs::create_dir_all(&dir).map_err(io)?;
        let (schema, fields) = schema::schema();
        let existing = Index::open_in_dir(&dir).ok().filter(|i| i.schema() == schema).and_then(|i| {
            let p = payload(&i)?;
            (p.version == INDEX_VERSION).then_some((i, p.seq))
        });
        let (index, seq) = match existing {
            Some(found) => found,
            None => {
                // Unknown or outdated: start again from nothing and let catch-up refill it.
                std::fs::remove_dir_all(&dir).map_err(io)?;
                std::fs::create_dir_all(&dir).map_err(io)?;
                let mmap = MmapDirectory::open(&dir).map_err(|e| SearchError::Index(e.to_string()))?;
                (Index::create(mmap, schema, Default::default())?, 0)
            }
        };
        schema::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS)
            .try_into()?;
        let options = IndexWriterOptions::builder()
            .num_worker_threads(1)
            .num_merge_threads(1)
            .memory_budget_per_thread(heap.max(MIN_WRITER_HEAP))
            .build();
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                index,
                reader,
                fields,
                options,
                // Opened by the first change to index (redb's lock already keeps a second
                // process out of the data folder).
                writer: Mutex::new(None),
                indexed: AtomicU64::new(seq),
                dir,
                times: Default::default(),
            }),
        })
    }

    /// The last event sequence number the searchable index reflects.
    pub fn indexed_seq(&self) -> u64 {
        self.inner.indexed.load(Ordering::SeqCst)
    }

    /// Indexes every event committed after [`Self::indexed_seq`], a chunk of events at a time
    /// (each with its own snapshot), committing every few seconds and at the end, and makes
    /// it searchable. Returns how many conversations were re-indexed.
    pub fn catch_up(&self, store: &Store) -> Result<usize, SearchError> {
        let mut slot = self.lock()?;
        let snap = store.snapshot()?;
        let last = snap.last_seq()?;
        let mut after = self.indexed_seq();
        if after >= last {
            return Ok(0);
        }
        if after == 0 {
            drop(slot);
            return self.rebuild(store, &mut |_, _| {});
        }
        let w = self.writer(&mut slot)?;
        let cat = Catalog::load(&snap)?;
        let f = &self.inner.fields;
        let mut touched = 0;
        let mut snap = Some(snap);
        let (mut committed, mut done) = (std::time::Instant::now(), after);
        while after < last {
            // A fresh snapshot per chunk: a long catch-up must not hold one read transaction
            // all along, which would keep every page the writer frees meanwhile from reuse
            // (the database file grew by gigabytes under a long, steady load).
            let snap = match snap.take() {
                Some(first) => first,
                None => store.snapshot()?,
            };
            let events = snap.events_after(after, EVENT_CHUNK)?;
            let Some(end) = events.last().map(|e| e.seq) else { break };
            let mut ids = BTreeSet::new();
            for e in &events {
                affected(&snap, e, &mut ids)?;
            }
            for id in &ids {
                w.delete_term(Term::from_field_text(f.id, id));
                if let Some(c) = snap.conversation(id)? {
                    w.add_document(document::build(&snap, f, &cat, c)?)?;
                }
            }
            touched += ids.len();
            after = end;
            // Committed every few seconds: an index far behind becomes searchable as it
            // catches up, while a short catch-up still commits once.
            if committed.elapsed() >= CATCH_UP_COMMIT_EVERY {
                self.commit(w, after)?;
                committed = std::time::Instant::now();
                done = after;
            }
        }
        if done < after {
            self.commit(w, after)?;
        }
        Ok(touched)
    }

    /// Rebuilds the whole index from redb, reporting `(done, total)` conversations as it goes.
    pub fn rebuild(&self, store: &Store, progress: &mut dyn FnMut(u64, u64)) -> Result<usize, SearchError> {
        let mut slot = self.lock()?;
        let w = self.writer(&mut slot)?;
        w.delete_all_documents()?;
        let snap = store.snapshot()?;
        let last = snap.last_seq()?;
        let total = snap.conversation_count()?;
        let cat = Catalog::load(&snap)?;
        let f = &self.inner.fields;
        let mut done = 0u64;
        let mut after: Option<String> = None;
        loop {
            let (page, last_id) = snap.conversations_after(after.as_deref(), 1_000)?;
            let Some(last_id) = last_id else { break };
            after = Some(last_id);
            for c in page {
                w.add_document(document::build(&snap, f, &cat, c)?)?;
                done += 1;
            }
            progress(done, total);
        }
        self.commit(w, last)?;
        Ok(done as usize)
    }

    /// Closes the writer, waiting for its merges to finish: its document queue (about 2.5 MB,
    /// allocated whole) and its threads go until the next change opens it again. Returns
    /// whether it was open. Call it when the index has caught up: what a failed catch-up
    /// added and did not commit is dropped, and found again by the next catch-up, which starts
    /// from the last committed position. Holds the writer's lock until the merges are done, so
    /// a catch-up meanwhile waits instead of finding tantivy's directory lock still taken.
    pub fn release_writer(&self) -> Result<bool, SearchError> {
        let mut slot = self.lock()?;
        let Some(w) = slot.take() else { return Ok(false) };
        w.wait_merging_threads()?;
        Ok(true)
    }

    /// Whether the writer is open (see [`Self::release_writer`]).
    pub fn holds_writer(&self) -> bool {
        self.lock().is_ok_and(|w| w.is_some())
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Option<IndexWriter>>, SearchError> {
        self.inner
            .writer
            .lock()
            .map_err(|_| SearchError::Index("the index writer panicked earlier; restart the server".into()))
    }

    /// The open writer, opened again if it was released.
    fn writer<'a>(&self, slot: &'a mut Option<IndexWriter>) -> Result<&'a mut IndexWriter, SearchError> {
        let w = match slot.take() {
            Some(w) => w,
            None => self.inner.index.writer_with_options(self.inner.options.clone())?,
        };
        Ok(slot.insert(w))
    }

    fn commit(&self, w: &mut IndexWriter, seq: u64) -> Result<(), SearchError> {
        let mut prepared = w.prepare_commit()?;
        let payload = serde_json::to_string(&Payload { version: INDEX_VERSION, seq })
            .map_err(|e| SearchError::Index(e.to_string()))?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.inner.reader.reload()?;
        self.inner.indexed.store(seq, Ordering::SeqCst);
        Ok(())
    }

    /// Bytes the index takes on disk.
    pub fn disk_bytes(&self) -> u64 {
        std::fs::read_dir(&self.inner.dir)
            .map(|entries| {
                entries.filter_map(|e| e.ok()?.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()
            })
            .unwrap_or(0)
    }
}

fn payload(index: &Index) -> Option<Payload> {
    index.load_metas().ok()?.payload.and_then(|p| serde_json::from_str(&p).ok())
}

/// The conversations whose documents an event may change.
fn affected(r: &impl ConversationReads, e: &Event, out: &mut BTreeSet<String>) -> Result<(), StoreError> {
    match &e.kind {
        EventKind::ConversationCreated { conversation_id, .. }
        | EventKind::ConversationChanged { conversation_id, .. }
        | EventKind::MessageCreated { conversation_id, .. }
        | EventKind::OfferMade { conversation_id, .. }
        | EventKind::OfferEnded { conversation_id, .. } => {
            out.insert(conversation_id.clone());
        }
        EventKind::ContactUpdated { contact_id, .. } => partition(r, &Partition::Contact(contact_id.clone()), out)?,
        EventKind::ConfigChanged { entity, id, .. } if entity == "label" => {
            partition(r, &Partition::Label(id.clone()), out)?
        }
        _ => {}
    }
    Ok(())
}

/// Every conversation id of a list partition (the store owns the index's key format).
fn partition(r: &impl ConversationReads, part: &Partition, out: &mut BTreeSet<String>) -> Result<(), StoreError> {
    out.extend(r.partition_ids(part, Sort::Created, usize::MAX)?);
    Ok(())
}
