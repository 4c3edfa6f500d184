//! Importing history from files: JSON Lines ([`jsonl`]), mbox and Maildir ([`mail`]).
//!
//! A reader turns its file into [`Thread`]s and hands them over in batches; each batch goes
//! to [`Desk::import_history`] (one transaction). Progress is the bytes of the source read so
//! far, reported after every batch. The command line (`switchboard import`) and the API's
//! background jobs (`POST /api/v1/imports`) both run [`run`].

pub mod job;
pub mod jsonl;
pub mod mail;

use std::path::Path;

use crate::desk::{Desk, DeskError};
use crate::domain::import::{ImportJob, Skip, Thread};

/// Threads per transaction.
pub const BATCH_THREADS: usize = 200;
/// File bytes per transaction, at most (a batch is cut early when its files pass this).
pub const BATCH_FILE_BYTES: usize = 32 << 20;
/// An imported message's text is cut at this many bytes (and the cut reported).
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// The formats an import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A folder with `conversations.jsonl` (or that file itself).
    Jsonl,
    /// An mbox file.
    Mbox,
    /// A Maildir folder (`cur/` and `new/`).
    Maildir,
}

impl Format {
    /// The format's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Mbox => "mbox",
            Format::Maildir => "maildir",
        }
    }
}

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Where threads that name no inbox go (a name or an id).
    pub inbox: Option<String>,
    /// Mail from these addresses (and from any user's address) is the desk's reply, not the
    /// customer's.
    pub desk_addresses: Vec<String>,
    /// The user id files are recorded as uploaded by.
    pub uploaded_by: String,
    /// The source's name in reports (default: the file's name).
    pub source_name: Option<String>,
}

/// Collects threads into batches and imports each one.
pub struct Sink<'a> {
    desk: &'a Desk,
    opts: &'a Options,
    rt: &'a tokio::runtime::Handle,
    batch: Vec<Thread>,
    batch_bytes: usize,
    /// The totals so far.
    pub job: ImportJob,
    progress: &'a mut (dyn FnMut(&ImportJob) + Send),
}

impl Sink<'_> {
    /// Adds a thread; imports the batch when it is full.
    pub fn push(&mut self, t: Thread, bytes_read: u64) -> Result<(), DeskError> {
        self.batch_bytes += t.messages.iter().flat_map(|m| &m.files).map(|f| f.bytes.len()).sum::<usize>();
        self.batch.push(t);
        if self.batch.len() >= BATCH_THREADS || self.batch_bytes >= BATCH_FILE_BYTES {
            self.flush(bytes_read)?;
        }
        Ok(())
    }

    /// Records something left out.
    pub fn skip(&mut self, at: String, reason: String) {
        self.job.add(0, 0, 0, 0, vec![Skip { at, reason }]);
    }

    /// Imports what is waiting and reports progress.
    pub fn flush(&mut self, bytes_read: u64) -> Result<(), DeskError> {
        let threads = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        if !threads.is_empty() {
            let fut = self.desk.import_history(threads, self.opts.inbox.clone(), self.opts.uploaded_by.clone());
            let b = self.rt.block_on(fut)?;
            self.job.add(b.conversations, b.messages, b.files, b.already, b.skips);
        }
        self.job.bytes_read = bytes_read.max(self.job.bytes_read);
        (self.progress)(&self.job);
        Ok(())
    }

    /// The user emails of the desk (lower-cased), for telling the desk's mail from customers'.
    pub fn user_emails(&self) -> Result<Vec<String>, DeskError> {
        self.desk.user_emails()
    }
}

/// Imports `path` in `format`, blocking (run it on a blocking thread): `job` carries the
/// totals and `progress` hears of every batch. Returns the finished totals; an error means the
/// source could not be read at all (what was imported before it stays, and importing again
/// resumes).
pub fn run(
    desk: &Desk,
    rt: &tokio::runtime::Handle,
    format: Format,
    path: &Path,
    opts: &Options,
    job: ImportJob,
    progress: &mut (dyn FnMut(&ImportJob) + Send),
) -> Result<ImportJob, String> {
    let mut sink = Sink { desk, opts, rt, batch: Vec::new(), batch_bytes: 0, job, progress };
    let read = match format {
        Format::Jsonl => jsonl::read(path, opts.source_name.as_deref(), &mut sink),
        Format::Mbox | Format::Maildir => mail::read(path, format, opts, &mut sink),
    };
    read?;
    let total = sink.job.bytes_total;
    sink.flush(total).map_err(|e| e.to_string())?;
    Ok(sink.job)
}

/// The size of what `path` names (a file, or every file under a folder), for progress.
pub fn size_of(path: &Path) -> u64 {
    fn walk(p: &Path) -> u64 {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                std::fs::read_dir(p).map(|d| d.filter_map(Result::ok).map(|e| walk(&e.path())).sum()).unwrap_or(0)
            }
            Ok(m) => m.len(),
            Err(_) => 0,
        }
    }
    walk(path)
}

/// Cuts `text` to [`MAX_TEXT_BYTES`] at a character boundary; says so when it did.
pub fn cut_text(mut text: String) -> (String, Option<String>) {
    if text.len() <= MAX_TEXT_BYTES {
        return (text, None);
    }
    let was = text.len();
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(" […]");
    (text, Some(format!("its text of {was} bytes was cut to the first {MAX_TEXT_BYTES} bytes")))
}
