//! Running a search: the total, one page of conversations in relevance or date order.
//!
//! The total comes from a separate counting pass that scores nothing (and, for one word with
//! no filter, reads the word's document count instead of its list), so the page itself can
//! let tantivy skip blocks of documents that cannot reach the top (block-max WAND) instead of
//! scoring every hit of a very common word. Newest first, the page is looked for among the
//! most recently updated documents first (see `search::newest`).

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::dates::{Dates, Within};

use super::highlight::Highlighter;
use super::newest::{self, Newest};
use super::query::{Built, Filters, Scope, Use, build};
use super::schema::Lang;
use super::{SearchError, SearchIndex};

/// The order of results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Best match first (BM25).
    Relevance,
    /// Most recently updated first.
    Newest,
}

/// One search.
#[derive(Clone, Debug)]
pub struct Request {
    /// What the person typed.
    pub text: String,
    /// The list filters.
    pub filters: Filters,
    /// What the person may find.
    pub scope: Scope,
    /// The order.
    pub order: Order,
    /// Results to skip.
    pub offset: usize,
    /// Page size (at least 1).
    pub limit: usize,
}

/// A conversation found.
#[derive(Clone, Debug)]
pub struct FoundConversation {
    /// Its id.
    pub id: String,
    /// The language its text was indexed in.
    pub lang: Lang,
    /// Relevance (relevance order only).
    pub score: Option<f32>,
}

/// A page of results.
#[derive(Clone, Debug)]
pub struct Found {
    /// Every match, not just this page.
    pub total: usize,
    /// This page, in order.
    pub conversations: Vec<FoundConversation>,
    /// Marks the query's words in messages.
    pub highlighter: Highlighter,
}

impl SearchIndex {
    /// Runs one search against the last committed index.
    pub fn search(&self, req: &Request) -> Result<Found, SearchError> {
        let f = &self.inner.fields;
        let searcher = self.inner.reader.searcher();
        let counted = |rank| build(f, &req.text, &req.filters, &req.scope, Use { searcher: Some(&searcher), rank });
        let built = counted(false);
        let page = TopDocs::with_limit(req.limit.max(1)).and_offset(req.offset);
        // Counting scores nothing and needs one list per word.
        let total = collect(&searcher, &*built.query, built.dates, Count)?;
        let addrs: Vec<(Option<f32>, DocAddress)> = match req.order {
            _ if total <= req.offset => Vec::new(),
            Order::Relevance => {
                // The page alone is scored, with block-max WAND.
                let ranked = counted(true);
                collect(&searcher, &*ranked.query, ranked.dates, page.order_by_score())?.into_iter().map(|(s, a)| (Some(s), a)).collect()
            }
            Order::Newest => newest_page(&searcher, f.bucket, &built, total, req)?.into_iter().map(|a| (None, a)).collect(),
        };
        let mut conversations = Vec::with_capacity(addrs.len());
        for (score, addr) in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let id = text(f.id);
            let lang = Lang::from_code(&text(f.lang)).unwrap_or(Lang::En);
            conversations.push(FoundConversation { id, lang, score });
        }
        Ok(Found { total, conversations, highlighter: built.highlighter })
    }
}

/// Hits below which ordering every hit by date costs less than narrowing to recent ones.
const ORDER_ALL_BELOW: usize = 2_000;

/// Window sizes tried before ordering every hit.
const WINDOW_TRIES: usize = 2;

/// The page of the newest hits: within a window of recently updated documents large enough to
/// hold it (see `search::newest`), or among all hits when there are few or the window does not
/// find enough.
fn newest_page(searcher: &Searcher, bucket: Field, built: &Built, total: usize, req: &Request) -> tantivy::Result<Vec<DocAddress>> {
    let page = || Newest { offset: req.offset, limit: req.limit.max(1) };
    let need = req.offset + req.limit.max(1);
    if total > ORDER_ALL_BELOW {
        let docs = searcher.num_docs();
        // Twice the documents that should hold the page if hits were spread evenly in time.
        let mut want = (need as u64).saturating_mul(docs) / total.max(1) as u64 * 2 + 64;
        let before = built.dates.updated.1.map(|end| end.saturating_sub(1));
        for _ in 0..WINDOW_TRIES {
            let Some((window, held)) = newest::window(searcher, bucket, want, before) else { break };
            let within: Box<dyn Query> = Box::new(BooleanQuery::new(vec![(Occur::Must, built.query.box_clone()), (Occur::Must, window)]));
            let (found, top) = collect(searcher, &*within, built.dates, (Count, page()))?;
            if found >= need {
                return Ok(top);
            }
            // Recent documents hold fewer hits than average: size the next window by what this
            // one held (half again more), at least four times this one.
            let per_hit = held.max(1) as f64 / found.max(1) as f64;
            want = ((need as f64 * per_hit * 1.5) as u64).max(held.saturating_mul(4));
        }
    }
    collect(searcher, &*built.query, built.dates, page())
}

/// Runs `c` over the hits of `query` within `dates` (unwrapped when no date restricts, so a
/// top-by-score page keeps block-max WAND).
fn collect<C: Collector>(searcher: &Searcher, query: &dyn Query, dates: Dates, c: C) -> tantivy::Result<C::Fruit> {
    if dates.is_open() { searcher.search(query, &c) } else { searcher.search(query, &Within { dates, inner: c }) }
}

#[cfg(test)]
mod tests;
