//! Newest first without ordering every hit: a page of the most recently updated matches is
//! looked for among the most recently updated documents first.
//!
//! Each document is filed under the day (`d{n}`) and the 30-day period (`p{n}`) of its last
//! update (the `bucket` field). For a page of `need` hits out of `total`, [`window`] takes the
//! newest periods and then days until they hold about `need × documents / total` documents
//! (twice that, for safety): a handful of short posting lists. The query runs within that
//! window, which the intersection walks from its shortest list, so a very common word costs a
//! few hundred documents instead of tens of thousands.
//!
//! The window is exactly "updated on or after the start of day D" (every later bucket is in
//! it), so when it holds at least `need` hits, no document outside it can be newer than the
//! page found inside: the answer is the same as ordering every hit. When it holds fewer (hits
//! need not be spread evenly in time: closed conversations are rarely the most recent ones),
//! the window grows to what the hits it did hold suggest, at least fourfold, and the search
//! runs again; past half of the index it is dropped and every hit is ordered.

use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

/// Milliseconds in a day.
const DAY: i64 = 86_400_000;
/// Days in a period.
const PERIOD: i64 = 30;

/// The bucket terms of a document updated at `updated` (epoch millis).
pub fn bucket_terms(updated: i64) -> [String; 2] {
    let day = updated.div_euclid(DAY);
    [format!("d{day}"), format!("p{}", day.div_euclid(PERIOD))]
}

/// The documents updated on or after the start of the latest day such that they number at
/// least `want`, as a query over the `bucket` field, with how many they are; `None` when that
/// would be half the index or more (ordering every hit is then as cheap). `newest` caps the
/// newest update looked at (an `updated` filter's end): later documents are in the window
/// anyway.
pub fn window(searcher: &Searcher, bucket: Field, want: u64, newest: Option<i64>) -> Option<(Box<dyn Query>, u64)> {
    let (oldest, latest) = span(searcher)?;
    let latest = newest.map_or(latest, |n| n.min(latest));
    if latest < oldest {
        return None;
    }
    let (first_day, last_day) = (oldest.div_euclid(DAY), latest.div_euclid(DAY));
    let half = searcher.num_docs() / 2;
    let count = |t: &str| searcher.doc_freq(&Term::from_field_text(bucket, t)).unwrap_or(0);
    let mut terms: Vec<String> = Vec::new();
    let mut got = 0u64;
    let mut period = last_day.div_euclid(PERIOD);
    // Whole periods, newest first, while they hold fewer than wanted.
    loop {
        if period < first_day.div_euclid(PERIOD) {
            return None;
        }
        let term = format!("p{period}");
        let n = count(&term);
        if got + n >= want {
            break;
        }
        got += n;
        terms.push(term);
        period -= 1;
    }
    // Then the days of the period where the count is reached, newest first.
    let mut day = (period * PERIOD + PERIOD - 1).min(last_day);
    loop {
        let term = format!("d{day}");
        got += count(&term);
        terms.push(term);
        if got >= want || day == period * PERIOD {
            break;
        }
        day -= 1;
    }
    if got >= half {
        return None;
    }
    let lists = terms
        .into_iter()
        .map(|t| (Occur::Should, Box::new(TermQuery::new(Term::from_field_text(bucket, &t), IndexRecordOption::Basic)) as Box<dyn Query>))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_the_day_and_its_period() {
        assert_eq!(bucket_terms(0), ["d0".to_string(), "p0".to_string()]);
        assert_eq!(bucket_terms(DAY * 29 + 5), ["d29".to_string(), "p0".to_string()]);
        assert_eq!(bucket_terms(DAY * 30), ["d30".to_string(), "p1".to_string()]);
        assert_eq!(bucket_terms(-1), ["d-1".to_string(), "p-1".to_string()], "before 1970 still sorts into a day");
    }
}
