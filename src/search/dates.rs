//! Date filters applied while collecting: the `created` and `updated` ranges of a search are
//! checked on each hit's fast-field values instead of being query clauses.
//!
//! As a query clause, a range over a fast field walks the whole column of every segment, hit or
//! not, which cost more than the rest of a selective search. Checked per hit, it costs one read
//! per matching document.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

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
}

fn within((from, to): Range, value: Option<i64>) -> bool {
    match value {
        Some(v) => from.is_none_or(|f| v >= f) && to.is_none_or(|t| v < t),
        None => from.is_none() && to.is_none(),
    }
}

/// Passes to `inner` only the hits inside the ranges.
pub struct Within<C> {
    /// The ranges.
    pub dates: Dates,
    /// The collector of the hits that pass.
    pub inner: C,
}

impl<C: Collector> Collector for Within<C> {
    type Fruit = C::Fruit;
    type Child = WithinSegment<C::Child>;

    fn for_segment(&self, ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        let fast = reader.fast_fields();
        Ok(WithinSegment {
            dates: self.dates,
            created: fast.i64("created")?,
            updated: fast.i64("updated")?,
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
    created: Column<i64>,
    updated: Column<i64>,
    inner: S,
}

impl<S: SegmentCollector> SegmentCollector for WithinSegment<S> {
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if within(self.dates.created, self.created.first(doc)) && within(self.dates.updated, self.updated.first(doc)) {
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
        assert!(within((Some(10), Some(20)), Some(10)));
        assert!(within((Some(10), Some(20)), Some(19)));
        assert!(!within((Some(10), Some(20)), Some(20)));
        assert!(!within((Some(10), None), Some(9)));
        assert!(within((None, None), None));
        assert!(!within((Some(10), None), None));
        assert!(Dates::default().is_open());
    }
}
