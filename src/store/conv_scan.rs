//! Reading the conversation index in a sort: several partitions merged key by key, one batch
//! of keys at a time, so a page reads about one page of keys per partition.
//!
//! The waiting order is read in two runs per partition: its `w` keys (only conversations that
//! wait), then its `d` keys without the waiting ones (see `keys`).
//!
//! Keys hold human numbers, not ids: the merge works on numbers and looks the id up
//! in `Tbl::ConvNumbers` only for the conversations it hands out.

use std::collections::VecDeque;

use super::StoreError;
use super::conversations::ConversationReads;
use super::keys::{Position, after_position, prefix, tail_number, tail_waits};
use super::partition_codes::code_in;
use super::reader::Reader;
use super::tables::Tbl;
use crate::domain::conversation::Sort;

/// One run of keys of one partition.
struct Run {
    prefix: String,
    /// The sort letter of the keys (`w`, `d` or `n`).
    sort: char,
    /// Orders the runs of a partition: the tails of the first run sort before the second's.
    rank: char,
    /// Leave out `d` keys of waiting conversations (they came in the `w` run).
    skip_waiting: bool,
    after: Option<String>,
    done: bool,
}

/// One partition being read: its runs and the keys read but not yet merged.
struct Lane {
    runs: Vec<Run>,
    /// `(rank + tail, human number)`.
    buffer: VecDeque<(String, u64)>,
}

/// A merged read of several partitions in one sort.
pub(super) struct Merge {
    lanes: Vec<Lane>,
    batch: usize,
    last: Option<String>,
}

/// The runs of the partition whose code is `code`.
fn runs(code: &str, sort: Sort, from: Option<Position>) -> Vec<Run> {
    let run = |sort: char, rank: char, skip_waiting: bool, from: Option<Position>| {
        let prefix = prefix(code, sort);
        let after = from.map(|p| after_position(&prefix, sort, p));
        Run { prefix, sort, rank, skip_waiting, after, done: false }
    };
    match sort {
        Sort::Waiting => match from {
            Some(p) if !p.waiting => vec![run('d', '1', true, Some(p))],
            from => vec![run('w', '0', false, from), run('d', '1', true, None)],
        },
        Sort::Updated => vec![run('d', '1', false, from)],
        Sort::Created => vec![run('n', '1', false, from)],
    }
}

impl Merge {
    /// Starts reading `partitions` in `sort` after `from`, `batch` keys per read. A partition
    /// without a code has no keys and adds nothing.
    pub(super) fn new(
        r: &impl Reader,
        partitions: &[String],
        sort: Sort,
        from: Option<Position>,
        batch: usize,
    ) -> Result<Merge, StoreError> {
        let mut lanes = Vec::with_capacity(partitions.len());
        for p in partitions {
            if let Some(code) = code_in(r, p)? {
                lanes.push(Lane { runs: runs(&code, sort, from), buffer: VecDeque::new() });
            }
        }
        Ok(Merge { lanes, batch: batch.max(1), last: None })
    }

    /// Reads keys into a lane until it has one or its runs are exhausted.
    fn fill(&self, r: &impl Reader, lane: &mut Lane) -> Result<(), StoreError> {
        while lane.buffer.is_empty() {
            let Some(run) = lane.runs.iter_mut().find(|run| !run.done) else { return Ok(()) };
            let page = r.scan_raw(Tbl::ConvIndex, &run.prefix, run.after.as_deref(), self.batch)?;
            run.done = page.len() < self.batch;
            if let Some((k, _)) = page.last() {
                run.after = Some(k.clone());
            }
            for (key, _) in page {
                let tail = &key[run.prefix.len()..];
                if run.skip_waiting && tail_waits(tail) {
                    continue;
                }
                let number = tail_number(tail, run.sort)
                    .ok_or_else(|| StoreError::Corrupt(format!("conversation index key {key:?} holds no number")))?;
                lane.buffer.push_back((format!("{}{tail}", run.rank), number));
            }
        }
        Ok(())
    }

    /// The id of the next conversation in the merged order, each conversation once.
    pub(super) fn next_id(&mut self, r: &impl Reader) -> Result<Option<String>, StoreError> {
        loop {
            let mut lanes = std::mem::take(&mut self.lanes);
            for lane in lanes.iter_mut() {
                self.fill(r, lane)?;
            }
            self.lanes = lanes;
            let next = self
                .lanes
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.buffer.front().map(|t| (i, &t.0)))
                .min_by(|a, b| a.1.cmp(b.1))
                .map(|(i, _)| i);
            let Some(i) = next else { return Ok(None) };
            let Some((tail, number)) = self.lanes[i].buffer.pop_front() else { return Ok(None) };
            // The same conversation sits at the same tail in every partition it belongs to.
            for lane in self.lanes.iter_mut() {
                if lane.buffer.front().is_some_and(|f| f.0 == tail) {
                    lane.buffer.pop_front();
                }
            }
            if self.last.as_deref() == Some(tail.as_str()) {
                continue;
            }
            self.last = Some(tail);
            match r.conversation_id_by_number(number)? {
                Some(id) => return Ok(Some(id)),
                // A key without its conversation is skipped, like a key whose row is gone.
                None => tracing::warn!(number, "the conversation index names a number no conversation has"),
            }
        }
    }
}
