//! Newest first without ordering every hit: a page of the most recently updated matches is
//! looked for among the most recently updated documents first.
//!
//! Each document is filed under the 30-day period (`p{n}`), the day (`d{n}`) and the hour
//! (`h{n}`) of its last update (the `bucket` field). For a page of `need` hits out of `total`,
//! [`window`] takes the newest periods, then days, then hours until they hold about
//! `need × documents / total` documents (twice that, for safety): a handful of short posting
//! lists. The query runs within that window, which the intersection walks from its shortest
//! list, so a very common word costs a few hundred documents instead of tens of thousands.
//!
//! The window is exactly "updated on or after the start of bucket B" (every later bucket is in
//! it), so when it holds at least `need` hits, no document outside it can be newer than the
//! page found inside: the answer is the same as ordering every hit. When it holds fewer (hits
//! need not be spread evenly in time: closed conversations are rarely the most recent ones),
//! every hit is ordered by [`Newest`], which keeps the best `need` with a floor that most
//! older documents fail at one comparison.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::times::{SegmentTimes, Times};

/// Milliseconds in an hour.
const HOUR: i64 = 3_600_000;
/// The bucket levels, coarsest first: term prefix and length in milliseconds (each a whole
/// number of the next).
const LEVELS: [(char, i64); 3] = [('p', 30 * 24 * HOUR), ('d', 24 * HOUR), ('h', HOUR)];

/// The bucket terms of a document updated at `updated` (epoch millis).
pub fn bucket_terms(updated: i64) -> [String; 3] {
    LEVELS.map(|(prefix, len)| format!("{prefix}{}", updated.div_euclid(len)))
}

/// The documents updated on or after the start of the latest bucket such that they number at
/// least `want`, as a query over the `bucket` field, with how many they are; `None` when that
/// would be half the index or more (ordering every hit is then as cheap). `newest` caps the
/// newest update looked at (an `updated` filter's end): later documents are in the window
/// anyway.
pub fn window(
    searcher: &Searcher,
    bucket_field: Field,
    want: u64,
    newest: Option<i64>,
) -> Option<(Box<dyn Query>, u64)> {
    let (oldest, latest) = span(searcher)?;
    let latest = newest.map_or(latest, |n| n.min(latest));
    if latest < oldest {
        return None;
    }
    let half = searcher.num_docs() / 2;
    let count = |level: usize, bucket: i64| {
        let term = format!("{}{bucket}", LEVELS[level].0);
        (searcher.doc_freq(&Term::from_field_text(bucket_field, &term)).unwrap_or(0), term)
    };
    // Children per bucket of the level above.
    let per_parent = |level: usize| LEVELS[level - 1].1 / LEVELS[level].1;
    let mut terms: Vec<String> = Vec::new();
    let mut got = 0u64;
    let (mut level, mut bucket) = (0, latest.div_euclid(LEVELS[0].1));
    loop {
        if level == 0 && bucket < oldest.div_euclid(LEVELS[0].1) {
            return None;
        }
        let (n, term) = count(level, bucket);
        if got + n >= want && level + 1 < LEVELS.len() {
            // This bucket reaches the count: take its newest parts instead.
            level += 1;
            let r = per_parent(level);
            bucket = (bucket * r + r - 1).min(latest.div_euclid(LEVELS[level].1));
            continue;
        }
        got += n;
        terms.push(term);
        if got >= want {
            break;
        }
        // The bucket before; past the first part of a bucket, the bucket before that one.
        while level > 0 && bucket.rem_euclid(per_parent(level)) == 0 {
            bucket = bucket.div_euclid(per_parent(level));
            level -= 1;
        }
        bucket -= 1;
    }
    if got >= half {
        return None;
    }
    let lists = terms
        .into_iter()
        .map(|t| {
            (
                Occur::Should,
                Box::new(TermQuery::new(Term::from_field_text(bucket_field, &t), IndexRecordOption::Basic))
                    as Box<dyn Query>,
            )
        })
        .collect();
    Some((Box::new(BooleanQuery::new(lists)), got))
}

/// The oldest and newest update in the index, from the fast field's bounds.
fn span(searcher: &Searcher) -> Option<(i64, i64)> {
    let mut bounds: Option<(i64, i64)> = None;
    for segment in searcher.segment_readers() {
        if segment.num_docs() == 0 {
            continue;
        }
        let column = segment.fast_fields().i64("updated").ok()?;
        let (lo, hi) = (column.min_value(), column.max_value());
        bounds = Some(bounds.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
    }
    bounds
}

/// The page `offset..offset + limit` of the hits by last update, newest first (ties: the
/// first document first), without the total.
pub struct Newest<'t> {
    /// Hits skipped.
    pub offset: usize,
    /// Hits returned.
    pub limit: usize,
    /// Every document's times.
    pub times: &'t Times,
}

/// Hits a segment buffers, as a multiple of the page, before it keeps only the best.
const BUFFER_PAGES: usize = 8;

impl Collector for Newest<'_> {
    type Fruit = Vec<DocAddress>;
    type Child = NewestSegment;

    fn for_segment(&self, ord: SegmentOrdinal, _reader: &SegmentReader) -> tantivy::Result<NewestSegment> {
        let keep = self.offset + self.limit.max(1);
        Ok(NewestSegment {
            ord,
            times: self.times.segment(ord)?,
            keep,
            hits: Vec::with_capacity(keep * BUFFER_PAGES),
            floor: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(i64, DocAddress)>>) -> tantivy::Result<Vec<DocAddress>> {
        let mut all: Vec<(i64, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_unstable_by(newer_first);
        Ok(all.into_iter().skip(self.offset).take(self.limit).map(|(_, a)| a).collect())
    }
}

/// Newest first, then the first document first.
fn newer_first<D: Ord>(a: &(i64, D), b: &(i64, D)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1))
}

/// [`Newest`] in one segment: the best `keep` hits so far, in a buffer trimmed when full.
/// After a trim, a hit no newer than the worst one kept cannot get in (hits come in document
/// order, so on equal times the one kept wins), which is one comparison.
pub struct NewestSegment {
    ord: SegmentOrdinal,
    times: Arc<SegmentTimes>,
    keep: usize,
    hits: Vec<(i64, DocId)>,
    floor: Option<i64>,
}

impl NewestSegment {
    fn trim(&mut self) {
        if self.hits.len() > self.keep {
            self.hits.select_nth_unstable_by(self.keep - 1, newer_first);
            self.hits.truncate(self.keep);
            self.floor = self.hits.iter().map(|h| h.0).min();
        }
    }
}

impl SegmentCollector for NewestSegment {
    type Fruit = Vec<(i64, DocAddress)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let updated = self.times.updated(doc);
        if self.floor.is_some_and(|floor| updated <= floor) {
            return;
        }
        self.hits.push((updated, doc));
        if self.hits.len() >= self.keep * BUFFER_PAGES {
            self.trim();
        }
    }

    fn harvest(mut self) -> Self::Fruit {
        self.trim();
        self.hits.into_iter().map(|(v, doc)| (v, DocAddress::new(self.ord, doc))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_the_period_the_day_and_the_hour() {
        let day = 24 * HOUR;
        let terms = |t: i64| bucket_terms(t).map(|s| s.to_string());
        assert_eq!(terms(0), ["p0", "d0", "h0"].map(String::from));
        assert_eq!(terms(day * 29 + HOUR * 23 + 5), ["p0", "d29", "h719"].map(String::from));
        assert_eq!(terms(day * 30), ["p1", "d30", "h720"].map(String::from));
        assert_eq!(terms(-1), ["p-1", "d-1", "h-1"].map(String::from), "before 1970 still sorts into a bucket");
    }

    #[test]
    fn the_segment_keeps_the_newest_and_the_first_of_equals() {
        let mut hits: Vec<(i64, u32)> = vec![(5, 1), (9, 2), (5, 3), (7, 4), (9, 5)];
        hits.sort_unstable_by(newer_first);
        assert_eq!(hits, vec![(9, 2), (9, 5), (7, 4), (5, 1), (5, 3)]);
    }
}
