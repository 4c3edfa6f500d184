//! Running a search: the total, one page of conversations in relevance or date order.
//!
//! The total comes from a separate counting pass that scores nothing, so the page itself can
//! let tantivy skip blocks of documents that cannot reach the top (block-max WAND) instead of
//! scoring every hit of a very common word.

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::dates::{Dates, Within};

use super::highlight::Highlighter;
use super::query::{Filters, Scope, build};
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
        let built = build(f, &req.text, &req.filters, &req.scope);
        let searcher = self.inner.reader.searcher();
        let page = TopDocs::with_limit(req.limit.max(1)).and_offset(req.offset);
        let (total, addrs): (usize, Vec<(Option<f32>, DocAddress)>) = match req.order {
            Order::Relevance => {
                // Counting scores nothing; the page alone is scored, with block-max WAND.
                let total = collect(&searcher, &*built.query, built.dates, Count)?;
                let addrs = if total <= req.offset {
                    Vec::new()
                } else {
                    collect(&searcher, &*built.query, built.dates, page.order_by_score())?.into_iter().map(|(s, a)| (Some(s), a)).collect()
                };
                (total, addrs)
            }
            Order::Newest => {
                // Nothing is scored: one pass counts every hit and keeps the newest page.
                let by_date = page.order_by_fast_field::<i64>("updated", tantivy::Order::Desc);
                let (total, top) = collect(&searcher, &*built.query, built.dates, (Count, by_date))?;
                (total, top.into_iter().map(|(_, a)| (None, a)).collect())
            }
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

/// Runs `c` over the hits of `query` within `dates` (unwrapped when no date restricts, so a
/// top-by-score page keeps block-max WAND).
fn collect<C: Collector>(searcher: &Searcher, query: &dyn Query, dates: Dates, c: C) -> tantivy::Result<C::Fruit> {
    if dates.is_open() { searcher.search(query, &c) } else { searcher.search(query, &Within { dates, inner: c }) }
}
