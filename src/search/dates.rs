//! Date filters applied while collecting: the `created` and `updated` ranges of a search are
//! checked on each hit's fast-field values instead of being query clauses.
//!
//! As a query clause, a range over a fast field walks the whole column of every segment, hit or
//! not, which cost more than the rest of a selective search. Checked per hit, it costs one read
//! per matching document, from the decoded arrays of `search::times`.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::times::{MISSING, SegmentTimes, Times};

/// A half-open range of epoch millis, `[from, to)`; a missing end is open.
pub type Range = (Option<i64>, Option<i64>);

/// The date ranges of a search.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dates {
    /// Created in this range.
    pub created: Range,
    /// Updated in this range.
    pub updated: Range,
}

impl Dates {
    /// Whether no range restricts anything.
    pub fn is_open(&self) -> bool {
        *self == Dates::default()
    }

    /// Whether document `doc` of a segment with these times is inside the ranges.
    pub fn contains(&self, times: &SegmentTimes, doc: DocId) -> bool {
        let open = |r: Range| r.0.is_none() && r.1.is_none();
        (open(self.created) || within(self.created, times.created(doc)))
            && (open(self.updated) || within(self.updated, times.updated(doc)))
    }
}

fn within((from, to): Range, value: i64) -> bool {
    if value == MISSING {
        return from.is_none() && to.is_none();
    }
    from.is_none_or(|f| value >= f) && to.is_none_or(|t| value < t)
}

/// Passes to `inner` only the hits inside the ranges.
pub struct Within<'t, C> {
    /// The ranges.
    pub dates: Dates,
    /// Every document's times.
    pub times: &'t Times,
    /// The collector of the hits that pass.
    pub inner: C,
}

impl<C: Collector> Collector for Within<'_, C> {
    type Fruit = C::Fruit;
    type Child = WithinSegment<C::Child>;

    fn for_segment(&self, ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(WithinSegment {
            dates: self.dates,
            times: self.times.segment(ord)?,
            inner: self.inner.for_segment(ord, reader)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(&self, fruits: Vec<<Self::Child as SegmentCollector>::Fruit>) -> tantivy::Result<Self::Fruit> {
        self.inner.merge_fruits(fruits)
    }
}

/// [`Within`] on one segment.
pub struct WithinSegment<S> {
    dates: Dates,
    times: Arc<SegmentTimes>,
    inner: S,
}

impl<S: SegmentCollector> SegmentCollector for WithinSegment<S> {
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.dates.contains(&self.times, doc) {
            self.inner.collect(doc, score);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.inner.harvest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_include_the_start_and_exclude_the_end() {
        assert!(within((Some(10), Some(20)), 10));
        assert!(within((Some(10), Some(20)), 19));
        assert!(!within((Some(10), Some(20)), 20));
        assert!(!within((Some(10), None), 9));
        assert!(within((None, None), MISSING));
        assert!(!within((Some(10), None), MISSING));
        assert!(!within((None, Some(10)), MISSING), "a document without the time is outside any range");
        assert!(Dates::default().is_open());
    }
}
