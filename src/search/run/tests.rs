//! The newest-first window gives exactly the page that ordering every hit gives.

use tantivy::collector::{Count, TopDocs};
use tantivy::tokenizer::PreTokenizedString;
use tantivy::{DocAddress, Index, IndexWriter, Searcher, TantivyDocument};

use super::{ORDER_ALL_BELOW, Request, newest_page};
use crate::search::newest::bucket_terms;
use crate::search::query::{Filters, Scope, Use, build};
use crate::search::schema::{self, Fields, Lang};
use crate::search::Order;

const DAY: i64 = 86_400_000;

/// 6,000 documents over 400 days, unevenly (more recent days are busier, a quiet month in
/// between); "common" in two of three, "rare" in one of forty, "recentish" only before the
/// last 20 days.
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
        let updated = day * DAY + (next() % DAY as u64) as i64;
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
        let mut tokens = Vec::new();
        schema::analyzer(Lang::En).token_stream(&words.join(" ")).process(&mut |t| tokens.push(t.clone()));
        d.add_pre_tokenized_text(f.text, PreTokenizedString { text: String::new(), tokens });
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
    Request { text: text.into(), filters: Filters::default(), scope: Scope::Everything, order: Order::Newest, offset, limit }
}

/// Every hit ordered by date: what the window must reproduce.
fn brute(searcher: &Searcher, f: &Fields, req: &Request) -> Vec<DocAddress> {
    let built = build(f, &req.text, &req.filters, &req.scope, Use { searcher: None, rank: false });
    let top = TopDocs::with_limit(req.limit).and_offset(req.offset).order_by_fast_field::<i64>("updated", tantivy::Order::Desc);
    super::collect(searcher, &*built.query, built.dates, top).expect("search").into_iter().map(|(_, a)| a).collect()
}

#[test]
fn the_window_finds_the_same_page_as_ordering_every_hit() {
    let (searcher, f) = index();
    assert!(searcher.segment_readers().len() > 1, "several segments");
    let mut windowed = 0;
    for text in ["common", "hello", "rare", "recentish", "common recentish"] {
        for (offset, limit) in [(0, 20), (20, 20), (0, 1), (500, 50), (3_000, 20)] {
            let req = request(text, offset, limit);
            for updated in [(None, None), (None, Some(300 * DAY)), (Some(100 * DAY), Some(395 * DAY))] {
                let mut built = build(&f, text, &req.filters, &req.scope, Use { searcher: Some(&searcher), rank: false });
                built.dates.updated = updated;
                let total = super::collect(&searcher, &*built.query, built.dates, Count).expect("count");
                windowed += usize::from(total > ORDER_ALL_BELOW);
                let got = newest_page(&searcher, f.bucket, &built, total, &req).expect("page");
                let want = {
                    let top = TopDocs::with_limit(limit).and_offset(offset).order_by_fast_field::<i64>("updated", tantivy::Order::Desc);
                    super::collect(&searcher, &*built.query, built.dates, top).expect("all").into_iter().map(|(_, a)| a).collect::<Vec<_>>()
                };
                assert_eq!(got, want, "{text} offset {offset} limit {limit} updated {updated:?} (total {total})");
                if updated == (None, None) {
                    assert_eq!(got, brute(&searcher, &f, &req), "{text}: pruned and unpruned queries agree");
                }
            }
        }
    }
    assert!(windowed >= 20, "the window was used ({windowed} times)");
}
