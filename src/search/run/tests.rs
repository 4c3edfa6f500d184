//! The newest-first window gives exactly the page that ordering every hit gives.

use tantivy::collector::{Count, DocSetCollector};
use tantivy::{DocAddress, Index, IndexWriter, Searcher, TantivyDocument};

use super::{ORDER_ALL_BELOW, Request, newest_page, newest_with_total};
use crate::search::Order;
use crate::search::bylang::mark;
use crate::search::newest::bucket_terms;
use crate::search::query::{Built, Filters, Scope, Use, build};
use crate::search::schema::{self, Fields, Lang};
use crate::search::times::TimesCache;

const DAY: i64 = 86_400_000;

/// 6,000 documents over 400 days, unevenly (more recent days are busier, a quiet month in
/// between, many equal times); "common" in two of three, "rare" in one of forty, "recentish"
/// only before the last 20 days (so the newest documents hold none of its hits).
fn index() -> (Searcher, Fields) {
    let (schema, f) = schema::schema();
    let index = Index::create_in_ram(schema);
    schema::register(&index);
    let mut w: IndexWriter = index.writer(30 << 20).expect("writer");
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed >> 33
    };
    for i in 0..6_000u64 {
        let day = 400 - ((next() % 400) * (next() % 400) / 400) as i64;
        let day = if (200..230).contains(&day) { day + 40 } else { day };
        // One in ten at the very start of its day: equal times, broken by document order.
        let updated = if i % 10 == 0 { day * DAY } else { day * DAY + (next() % DAY as u64) as i64 };
        let mut words = vec!["hello"];
        if i % 3 != 0 {
            words.push("common");
        }
        if i % 40 == 0 {
            words.push("rare");
        }
        if day < 380 {
            words.push("recentish");
        }
        let mut d = TantivyDocument::default();
        d.add_text(f.id, format!("cv_{i}"));
        d.add_text(f.text, mark(Lang::En, &words.join(" ")));
        d.add_i64(f.updated, updated);
        d.add_i64(f.created, updated - DAY);
        for t in bucket_terms(updated) {
            d.add_text(f.bucket, &t);
        }
        w.add_document(d).expect("add");
        if i % 1_500 == 1_499 {
            w.commit().expect("commit");
        }
    }
    w.commit().expect("commit");
    let reader = index.reader().expect("reader");
    (reader.searcher(), f)
}

fn request(text: &str, offset: usize, limit: usize) -> Request {
    Request {
        text: text.into(),
        filters: Filters::default(),
        scope: Scope::Everything,
        order: Order::Newest,
        offset,
        limit,
        messages: 0,
    }
}

/// Every hit ordered by date (newest first, then the first document): what the window must
/// reproduce.
fn brute(searcher: &Searcher, f: &Fields, req: &Request, updated: (Option<i64>, Option<i64>)) -> Vec<DocAddress> {
    let mut built = build(f, &req.text, &req.filters, &req.scope, Use { searcher: None, rank: false });
    built.dates.updated = updated;
    let times = TimesCache::default().for_searcher(searcher).expect("times");
    let hits = super::collect(searcher, &times, &*built.query, built.dates, DocSetCollector).expect("search");
    let mut hits: Vec<(i64, DocAddress)> = hits
        .into_iter()
        .map(|a| {
            let column = searcher.segment_reader(a.segment_ord).fast_fields().i64("updated").expect("updated");
            (column.first(a.doc_id).expect("a value"), a)
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().skip(req.offset).take(req.limit).map(|(_, a)| a).collect()
}

type Updated = (Option<i64>, Option<i64>);

/// Each of `texts` with five pages (the last past most totals) and three update ranges: the
/// request and its query with the range.
fn cases<'a>(
    searcher: &'a Searcher,
    f: &'a Fields,
    texts: &'a [&'a str],
) -> impl Iterator<Item = (Request, Built, Updated)> + 'a {
    let pages = [(0, 20), (20, 20), (0, 1), (500, 50), (3_000, 20)];
    let ranges: [Updated; 3] = [(None, None), (None, Some(300 * DAY)), (Some(100 * DAY), Some(395 * DAY))];
    texts.iter().flat_map(move |text| {
        pages.into_iter().flat_map(move |(offset, limit)| {
            ranges.into_iter().map(move |updated| {
                let req = request(text, offset, limit);
                let mut built = build(f, text, &req.filters, &req.scope, Use { searcher: Some(searcher), rank: false });
                built.dates.updated = updated;
                (req, built, updated)
            })
        })
    })
}

#[test]
fn the_window_finds_the_same_page_as_ordering_every_hit() {
    let (searcher, f) = index();
    assert!(searcher.segment_readers().len() > 1, "several segments");
    let times = TimesCache::default().for_searcher(&searcher).expect("times");
    let mut windowed = 0;
    for (req, built, updated) in cases(&searcher, &f, &["common", "hello", "rare", "recentish", "common recentish"]) {
        let total = super::collect(&searcher, &times, &*built.query, built.dates, Count).expect("count");
        windowed += usize::from(total > ORDER_ALL_BELOW);
        let got = newest_page(&searcher, &times, f.bucket, &built, total, &req).expect("page");
        assert_eq!(got, brute(&searcher, &f, &req, updated), "{req:?} updated {updated:?} (total {total})");
    }
    assert!(windowed >= 20, "the window was used ({windowed} times)");
}

#[test]
fn counting_and_ordering_in_one_pass_finds_the_total_and_the_page() {
    let (searcher, f) = index();
    let times = TimesCache::default().for_searcher(&searcher).expect("times");
    let mut checked = 0;
    for (req, built, updated) in
        cases(&searcher, &f, &["common", "rare", "common recentish", "hello rare", "\"hello common\""])
    {
        let (total, got) = newest_with_total(&searcher, &times, f.bucket, &built, &req).expect("page");
        let all = brute(&searcher, &f, &Request { offset: 0, limit: usize::MAX, ..req.clone() }, updated);
        assert_eq!(total, all.len(), "{req:?} updated {updated:?}");
        assert_eq!(got, brute(&searcher, &f, &req, updated), "{req:?} updated {updated:?} (total {total})");
        checked += 1;
    }
    assert_eq!(checked, 75);
}
