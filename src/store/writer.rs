//! The single writer thread: the only code that opens redb write transactions.
//!
//! Commands arrive over a channel. The writer takes every command that is waiting (up to a
//! batch limit), decides each one inside one write transaction against the state the previous
//! ones left, applies the accepted ones with their events, commits once, and only then answers
//! every caller (group commit: one fsync for many changes). A refused command wrote nothing; a
//! failed apply or commit aborts the batch and answers every command in it with that failure,
//! the commands not yet run included: each caller learns the real cause.

use std::sync::Arc;
use std::sync::mpsc;

use redb::{Database, ReadableTable, WriteTransaction};
use tokio::sync::watch;

use super::changes::{Changes, Op};
use super::codec;
use super::messages::ChunkEdit;
use super::partition_codes::Codes;
use super::reader::Tables;
use super::status_log;
use super::tables::{Bin, EVENTS, Tbl};
use super::{StoreError, db_err};
use crate::domain::Event;

/// Most commands decided in one transaction.
const MAX_BATCH: usize = 128;

/// Called after the batch's commit with its outcome; answers the waiting caller.
pub(crate) type Responder = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// A command as the writer sees it: decide and apply inside the transaction, then return how to
/// answer. `Err` means the transaction may hold partial writes and the batch must be aborted.
/// Given [`Turn::Skip`], it only returns its responder, which is then answered with the failure
/// that lost the batch.
pub(crate) type Job = Box<dyn FnOnce(Turn<'_, '_>) -> Result<Responder, (StoreError, Responder)> + Send>;

/// What a job is given: the batch to run in, or word that the batch is already lost.
pub(crate) enum Turn<'a, 'b> {
    /// Decide and apply in this batch.
    Run(&'a mut Batch<'b>),
    /// Do not run; the responder will be told why.
    Skip,
}

/// A responder for a command that did not run: it forwards the batch's failure.
pub(crate) fn skipped(answer: impl FnOnce(StoreError) + Send + 'static) -> Responder {
    Box::new(move |outcome: Result<(), StoreError>| {
        answer(outcome.err().unwrap_or_else(|| StoreError::Unavailable("the command was not run".into())));
    })
}

/// A read-only view of the open write transaction, handed to a command while it decides.
pub struct Staged<'a>(&'a WriteTransaction);

impl Tables for Staged<'_> {
    fn strings(&self, t: Tbl) -> Result<impl ReadableTable<&'static str, &'static [u8]> + '_, StoreError> {
        self.0.strings(t)
    }
    fn binary(&self, t: Bin) -> Result<impl ReadableTable<&'static [u8], &'static [u8]> + '_, StoreError> {
        self.0.binary(t)
    }
    fn events(&self) -> Result<impl ReadableTable<u64, &'static [u8]> + '_, StoreError> {
        Tables::events(self.0)
    }
}

/// The transaction of one batch, the next free sequence number and the partition codes the
/// batch has used.
pub(crate) struct Batch<'a> {
    txn: &'a WriteTransaction,
    next_seq: u64,
    codes: Codes,
}

impl Batch<'_> {
    /// The read-only view for deciding.
    pub(crate) fn staged(&self) -> Staged<'_> {
        Staged(self.txn)
    }

    /// Writes an accepted command's changes and events; returns the seq of its last event
    /// (or the current last seq when it has none).
    pub(crate) fn apply(&mut self, changes: Changes) -> Result<u64, StoreError> {
        // Entry writes to one timeline chunk share one read and one write of it while no entry
        // of another chunk comes between them; writes to other tables may, as they cannot
        // touch the chunk. A raw write to the timeline saves the chunk first, so every write
        // lands in order.
        let mut edit: Option<ChunkEdit> = None;
        for op in changes.ops {
            if let Op::PutEntry { conversation, index, row } = op {
                let (chunk, offset) = codec::locate(index);
                let mut current = match edit.take() {
                    Some(e) if e.holds(&conversation, chunk) => e,
                    other => {
                        if let Some(e) = other {
                            e.save(self.txn)?;
                        }
                        ChunkEdit::load(self.txn, conversation, chunk)?
                    }
                };
                current.set(offset, row);
                edit = Some(current);
                continue;
            }
            if matches!(op, Op::PutBin(Bin::Timeline, ..))
                && let Some(e) = edit.take()
            {
                e.save(self.txn)?;
            }
            match op {
                Op::Put(t, k, v) => {
                    self.txn.open_table(t.def()).map_err(db_err)?.insert(k.as_str(), v.as_slice()).map_err(db_err)?;
                }
                Op::Delete(t, k) => {
                    self.txn.open_table(t.def()).map_err(db_err)?.remove(k.as_str()).map_err(db_err)?;
                }
                Op::PutBin(t, k, v) => {
                    self.txn.open_table(t.def()).map_err(db_err)?.insert(k.as_slice(), v.as_slice()).map_err(db_err)?;
                }
                Op::IndexKey { partition, rest, put } => {
                    if let Some(code) = self.codes.resolve(self.txn, &partition, put)? {
                        let key = format!("{code}{rest}");
                        let mut index = self.txn.open_table(Tbl::ConvIndex.def()).map_err(db_err)?;
                        if put {
                            index.insert(key.as_str(), [].as_slice()).map_err(db_err)?;
                        } else {
                            index.remove(key.as_str()).map_err(db_err)?;
                        }
                    }
                }
                Op::PutEntry { .. } => {}
            }
        }
        if let Some(e) = edit {
            e.save(self.txn)?;
        }
        let mut events = self.txn.open_table(EVENTS).map_err(db_err)?;
        for kind in changes.events {
            let event = Event { seq: self.next_seq, at: changes.at, actor: changes.actor.clone(), kind };
            let bytes = codec::encode_event(&event)?;
            events.insert(event.seq, bytes.as_slice()).map_err(db_err)?;
            // Tables derived from events are written with them, never later.
            if let Some((k, v)) = status_log::row(&event)? {
                self.txn
                    .open_table(Tbl::StatusLog.def())
                    .map_err(db_err)?
                    .insert(k.as_str(), v.as_slice())
                    .map_err(db_err)?;
            }
            self.next_seq += 1;
        }
        Ok(self.next_seq - 1)
    }
}

/// What the writer has done since the store opened: batches committed, the commands in them
/// and the time their commits took (for `/metrics`: mean batch size and commit time).
#[derive(Debug, Default)]
pub struct WriterStats {
    /// Batches committed.
    pub batches: std::sync::atomic::AtomicU64,
    /// Commands in those batches.
    pub commands: std::sync::atomic::AtomicU64,
    /// Microseconds spent in their commits (durable: fsync included).
    pub commit_micros: std::sync::atomic::AtomicU64,
}

/// Runs the writer loop until every sender is gone. `last_seq` publishes the newest committed
/// sequence number to whoever tails the log.
pub(crate) fn run(db: Arc<Database>, jobs: mpsc::Receiver<Job>, last_seq: watch::Sender<u64>, stats: Arc<WriterStats>) {
    let mut next_seq = *last_seq.borrow() + 1;
    while let Ok(first) = jobs.recv() {
        let mut batch_jobs = vec![first];
        while batch_jobs.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch_jobs.push(job),
                Err(_) => break,
            }
        }
        next_seq = run_batch(&db, batch_jobs, next_seq, &last_seq, &stats);
    }
    tracing::debug!("writer thread stopped");
}

fn run_batch(db: &Database, jobs: Vec<Job>, next_seq: u64, last_seq: &watch::Sender<u64>, stats: &WriterStats) -> u64 {
    let commands = jobs.len() as u64;
    let txn = match db.begin_write() {
        Ok(txn) => txn,
        Err(e) => {
            let err = db_err(e);
            tracing::error!(error = %err, "cannot begin a write transaction");
            // Nothing ran: every caller is told why.
            for job in jobs {
                let responder = match job(Turn::Skip) {
                    Ok(r) | Err((_, r)) => r,
                };
                responder(Err(err.clone()));
            }
            return next_seq;
        }
    };
    let mut batch = Batch { txn: &txn, next_seq, codes: Codes::default() };
    let mut responders = Vec::with_capacity(jobs.len());
    let mut failure = None;
    for job in jobs {
        if failure.is_some() {
            // The batch is already lost; the rest are answered with its failure, not run.
            match job(Turn::Skip) {
                Ok(r) | Err((_, r)) => responders.push(r),
            }
            continue;
        }
        match job(Turn::Run(&mut batch)) {
            Ok(responder) => responders.push(responder),
            Err((err, responder)) => {
                responders.push(responder);
                failure = Some(err);
            }
        }
    }
    let produced = batch.next_seq;
    let outcome = match failure {
        Some(err) => {
            if let Err(e) = txn.abort() {
                tracing::error!(error = %db_err(e), "abort failed");
            }
            Err(err)
        }
        None => {
            let started = std::time::Instant::now();
            let done = txn.commit().map_err(db_err);
            if done.is_ok() {
                use std::sync::atomic::Ordering::Relaxed;
                stats.batches.fetch_add(1, Relaxed);
                stats.commands.fetch_add(commands, Relaxed);
                stats.commit_micros.fetch_add(started.elapsed().as_micros() as u64, Relaxed);
            }
            done
        }
    };
    let next = match &outcome {
        Ok(()) => {
            if produced > next_seq {
                last_seq.send_replace(produced - 1);
            }
            produced
        }
        Err(err) => {
            tracing::error!(error = %err, "write batch failed; every command in it was refused");
            next_seq
        }
    };
    for responder in responders {
        responder(outcome.clone());
    }
    next
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use redb::backends::InMemoryBackend;

    use super::*;

    type Answers = Arc<Mutex<Vec<(usize, Result<(), StoreError>)>>>;

    /// A job that succeeds, or fails with `fails`, and records the answer its caller gets.
    fn job(n: usize, fails: Option<StoreError>, answers: &Answers) -> Job {
        let answers = answers.clone();
        Box::new(move |turn: Turn<'_, '_>| {
            let record = {
                let answers = answers.clone();
                move |r: Result<(), StoreError>| answers.lock().expect("lock").push((n, r))
            };
            match (turn, fails) {
                (Turn::Skip, _) => Ok(skipped(move |e| record(Err(e)))),
                (Turn::Run(_), None) => Ok(Box::new(record) as Responder),
                (Turn::Run(_), Some(e)) => Err((e, Box::new(record) as Responder)),
            }
        })
    }

    #[test]
    fn a_failed_batch_answers_every_command_with_the_real_cause() {
        let db = Database::builder().create_with_backend(InMemoryBackend::new()).expect("in-memory database");
        let answers: Answers = Arc::default();
        let boom = StoreError::Corrupt("row 7 does not decode".into());
        let jobs = vec![job(1, None, &answers), job(2, Some(boom), &answers), job(3, None, &answers)];
        let (last_seq, _) = watch::channel(0);
        assert_eq!(run_batch(&db, jobs, 1, &last_seq, &WriterStats::default()), 1, "nothing was committed");
        let answers = answers.lock().expect("lock");
        assert_eq!(answers.len(), 3, "every caller is answered");
        for (n, answer) in answers.iter() {
            let cause = answer.as_ref().expect_err("refused").to_string();
            assert_eq!(cause, "stored data is unreadable: row 7 does not decode", "command {n}");
        }
    }

    #[test]
    fn a_good_batch_commits_and_answers_ok() {
        let db = Database::builder().create_with_backend(InMemoryBackend::new()).expect("in-memory database");
        let answers: Answers = Arc::default();
        let (last_seq, _) = watch::channel(0);
        let stats = WriterStats::default();
        run_batch(&db, vec![job(1, None, &answers), job(2, None, &answers)], 1, &last_seq, &stats);
        assert_eq!(
            (
                stats.batches.load(std::sync::atomic::Ordering::Relaxed),
                stats.commands.load(std::sync::atomic::Ordering::Relaxed)
            ),
            (1, 2)
        );
        assert!(answers.lock().expect("lock").iter().all(|(_, a)| a.is_ok()));
    }
}
