//! Relevance order with ties broken by recency: of two conversations that match equally well,
//! the more recently updated comes first (issue 16).
//!
//! tantivy's top-by-score keeps, among equal scores, the documents it met first, which are the
//! ones indexed first, so the oldest. The page is therefore found in two steps: the usual
//! top-by-score pass (block-max WAND) gives the lowest score that reaches the page; then
//! [`AtLeast`] collects every hit scoring at least that much, skipping with the same pruning
//! every block that cannot reach it, so it costs the page plus the documents tied with its last
//! one. Sorting those by score, then update time, then address gives an order that is total, so
//! pages that follow one another by offset neither repeat nor skip a conversation.

use std::cmp::Ordering;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::dates::Dates;
use super::times::Times;

/// A hit: its score, when it was last updated, its address.
pub type Hit = (Score, i64, DocAddress);

/// Collects every hit scoring at least `floor` within `dates`.
pub struct AtLeast<'t> {
    /// The lowest score kept.
    pub floor: Score,
    /// The date ranges a hit must be in.
    pub dates: Dates,
    /// Every document's times.
    pub times: &'t Times,
}

/// [`AtLeast`] on one segment.
pub struct AtLeastSegment {
    ord: SegmentOrdinal,
    dates: Dates,
    times: std::sync::Arc<super::times::SegmentTimes>,
    hits: Vec<Hit>,
}

impl Collector for AtLeast<'_> {
    type Fruit = Vec<Hit>;
    type Child = AtLeastSegment;

    fn for_segment(&self, ord: SegmentOrdinal, _reader: &SegmentReader) -> tantivy::Result<AtLeastSegment> {
        Ok(AtLeastSegment { ord, dates: self.dates, times: self.times.segment(ord)?, hits: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Hit>>) -> tantivy::Result<Vec<Hit>> {
        Ok(fruits.into_iter().flatten().collect())
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<Hit>> {
        let mut child = self.for_segment(ord, reader)?;
        // Pruning passes the hits scoring above the threshold: just below the floor.
        let threshold = if self.floor == Score::MIN { Score::MIN } else { self.floor.next_down() };
        let alive = reader.alive_bitset();
        weight.for_each_pruning(threshold, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                child.collect(doc, score);
            }
            threshold
        })?;
        Ok(child.harvest())
    }
}

impl SegmentCollector for AtLeastSegment {
    type Fruit = Vec<Hit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.dates.contains(&self.times, doc) {
            self.hits.push((score, self.times.updated(doc), DocAddress::new(self.ord, doc)));
        }
    }

    fn harvest(self) -> Vec<Hit> {
        self.hits
    }
}

/// Best score first, then the most recently updated, then the address.
pub fn order(a: &Hit, b: &Hit) -> Ordering {
    b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
}
