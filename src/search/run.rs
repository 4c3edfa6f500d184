//! Running a search: the total, one page of conversations in relevance or date order.
//!
//! By relevance, the total comes from a separate counting pass that scores nothing (and, for one
//! word with no filter, reads the word's document count instead of its list), so the page itself
//! can let tantivy skip blocks of documents that cannot reach the top (block-max WAND) instead of
//! scoring every hit of a very common word. Newest first, one word with no filter is counted the
//! same way and its page looked for among the most recently updated documents first (see
//! `search::newest`); any other query is counted and ordered in the same single pass.

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, Score, Searcher, TantivyDocument};

use super::dates::{Dates, Within};

use super::highlight::Highlighter;
use super::newest::{self, Newest};
use super::query::{Built, Filters, Scope, Use, build};
use super::schema::Lang;
use super::spots::{Finder, Spot};
use super::ties::{self, AtLeast};
use super::times::Times;
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
    /// Matching messages to find per conversation found.
    pub messages: usize,
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
    /// Its messages holding the query's words, best first (see `search::spots`).
    pub messages: Vec<Spot>,
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
        let times = self.inner.times.for_searcher(&searcher)?;
        let (total, addrs): (usize, Vec<(Option<f32>, DocAddress)>) = match req.order {
            Order::Relevance => {
                // Counting scores nothing and needs one list per word; then the page alone is
                // scored, with block-max WAND, and its ties ordered (see `search::ties`).
                let total = collect(&searcher, &times, &*built.query, built.dates, Count)?;
                let want = req.offset + req.limit.max(1);
                let ranked = counted(true);
                let top = if total <= req.offset {
                    Vec::new()
                } else {
                    let floor = if total <= want {
                        Score::MIN
                    } else {
                        let best = TopDocs::with_limit(want).order_by_score();
                        let best = collect(&searcher, &times, &*ranked.query, ranked.dates, best)?;
                        best.last().map_or(Score::MIN, |(s, _)| *s)
                    };
                    let at_least = AtLeast { floor, dates: ranked.dates, times: &times };
                    let mut hits = searcher.search(&*ranked.query, &at_least)?;
                    hits.sort_by(ties::order);
                    hits.into_iter().skip(req.offset).take(req.limit.max(1)).collect()
                };
                (total, top.into_iter().map(|(s, _, a)| (Some(s), a)).collect())
            }
            Order::Newest => {
                let (total, top) = newest_with_total(&searcher, &times, f.bucket, &built, req)?;
                (total, top.into_iter().map(|a| (None, a)).collect())
            }
        };
        let mut conversations = Vec::with_capacity(addrs.len());
        let mut finder = Finder::new(f, &built.highlighter);
        for (score, addr) in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let id = text(f.id);
            let lang = Lang::from_code(&text(f.lang)).unwrap_or(Lang::En);
            let messages = match doc.get_first(f.spans).and_then(|v| v.as_bytes()) {
                Some(spans) if req.messages > 0 => {
                    let segment = searcher.segment_reader(addr.segment_ord);
                    finder.spots(addr.segment_ord, segment, addr.doc_id, lang, spans, req.messages)?
                }
                _ => Vec::new(),
            };
            conversations.push(FoundConversation { id, lang, score, messages });
        }
        Ok(Found { total, conversations, highlighter: built.highlighter })
    }
}

/// The total and the page of the newest hits.
///
/// When the query is one posting list with no date range, the total is (nearly) free: the
/// list's length, or one pass over it skipping deleted documents. The page is then looked for in
/// a window of recent documents ([`newest_page`]). Otherwise counting walks every hit (an
/// intersection, a union, a date check), and the same walk orders them: one pass instead of a
/// count followed by a window that a filter correlated with age (closed conversations are rarely
/// the newest) can make fail, then a second full pass.
fn newest_with_total(
    searcher: &Searcher,
    times: &Times,
    bucket: Field,
    built: &Built,
    req: &Request,
) -> tantivy::Result<(usize, Vec<DocAddress>)> {
    let query = &*built.query;
    if built.dates.is_open() && (query.is::<TermQuery>() || query.is::<AllQuery>()) {
        let total = collect(searcher, times, query, built.dates, Count)?;
        let top =
            if total <= req.offset { Vec::new() } else { newest_page(searcher, times, bucket, built, total, req)? };
        return Ok((total, top));
    }
    collect(searcher, times, query, built.dates, (Count, Newest { offset: req.offset, limit: req.limit.max(1), times }))
}

/// Hits below which ordering every hit by date costs less than narrowing to recent ones.
const ORDER_ALL_BELOW: usize = 2_000;

/// Window sizes tried before ordering every hit.
const WINDOW_TRIES: usize = 2;

/// The page of the newest hits: within a window of recently updated documents large enough to
/// hold it (see `search::newest`), or among all hits when there are few or the window does not
/// find enough.
fn newest_page(
    searcher: &Searcher,
    times: &Times,
    bucket: Field,
    built: &Built,
    total: usize,
    req: &Request,
) -> tantivy::Result<Vec<DocAddress>> {
    let page = || Newest { offset: req.offset, limit: req.limit.max(1), times };
    let need = req.offset + req.limit.max(1);
    if total > ORDER_ALL_BELOW {
        let docs = searcher.num_docs();
        // Twice the documents that should hold the page if hits were spread evenly in time.
        let mut want = (need as u64).saturating_mul(docs) / total.max(1) as u64 * 2 + 64;
        let before = built.dates.updated.1.map(|end| end.saturating_sub(1));
        for _ in 0..WINDOW_TRIES {
            let Some((window, held)) = newest::window(searcher, bucket, want, before) else { break };
            let within: Box<dyn Query> =
                Box::new(BooleanQuery::new(vec![(Occur::Must, built.query.box_clone()), (Occur::Must, window)]));
            let (found, top) = collect(searcher, times, &*within, built.dates, (Count, page()))?;
            if found >= need {
                return Ok(top);
            }
            // Recent documents hold fewer hits than average: size the next window by what this
            // one held (half again more), at least four times this one.
            let per_hit = held.max(1) as f64 / found.max(1) as f64;
            want = ((need as f64 * per_hit * 1.5) as u64).max(held.saturating_mul(4));
        }
    }
    collect(searcher, times, &*built.query, built.dates, page())
}

/// Runs `c` over the hits of `query` within `dates` (unwrapped when no date restricts, so a
/// top-by-score page keeps block-max WAND).
fn collect<C: Collector>(
    searcher: &Searcher,
    times: &Times,
    query: &dyn Query,
    dates: Dates,
    c: C,
) -> tantivy::Result<C::Fruit> {
    if dates.is_open() {
        searcher.search(query, &c)
    } else {
        searcher.search(query, &Within { dates, times, inner: c })
    }
}

#[cfg(test)]
mod tests;
