//! Which messages of a found conversation matched, read from the index (issue 16, item 3).
//!
//! A conversation is one document whose `text` field holds one value per message (and one for
//! the subject). tantivy starts each value one position after the previous one ends, so the
//! document keeps, in its stored `spans`, how many positions each value takes ([`span`]) and which
//! message it is. The positions of the query's words in a found document then name the messages
//! that hold them: a result page reads those messages only, however long the conversation.
//!
//! [`span`]: super::bylang::span

use std::collections::{BTreeMap, HashMap};

use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED, Term};

use super::SearchError;
use super::highlight::Highlighter;
use super::schema::{Fields, Lang, Role, analyzer};

/// Words a typed prefix may stand for, per segment, when finding its messages. A prefix of a
/// few letters can stand for thousands; past this many, the messages of the words left out
/// are not looked for (the conversation is still found).
const MAX_EXPANSIONS: usize = 256;

/// The spans of a document's text values, as stored: per value, varints of its positions and
/// of its message index and role.
#[derive(Default)]
pub struct Spans {
    bytes: Vec<u8>,
}

impl Spans {
    /// Records the next value: who wrote it, its message index (0 for the subject) and how many
    /// positions it takes.
    pub fn push(&mut self, role: Role, index: u32, positions: u32) {
        varint(&mut self.bytes, u64::from(positions));
        varint(&mut self.bytes, (u64::from(index) << 2) | role.index() as u64);
    }

    /// The stored form.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// One value of a document's text: where it starts, its message and author.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value {
    /// Its first position.
    pub start: u32,
    /// The message's index in the timeline (0 for the subject).
    pub index: u32,
    /// Who wrote it.
    pub role: Role,
}

/// The values of stored spans, in order (an unreadable tail is left out).
pub fn decode(bytes: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    let (mut at, mut start) = (0, 0u32);
    while at < bytes.len() {
        let (Some(span), Some(who)) = (read_varint(bytes, &mut at), read_varint(bytes, &mut at)) else { break };
        let role = Role::ALL[(who & 3) as usize];
        out.push(Value { start, index: (who >> 2) as u32, role });
        start = start.saturating_add(span as u32).saturating_add(1);
    }
    out
}

/// A message that holds some of the query's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spot {
    /// Its index in the timeline.
    pub index: u32,
    /// How many of the query's distinct terms it holds.
    pub words: usize,
}

/// Finds the messages of found documents, caching per segment and language the terms a query
/// stands for.
pub struct Finder<'a> {
    f: &'a Fields,
    hl: &'a Highlighter,
    terms: HashMap<(u32, Lang), Vec<Term>>,
    positions: Vec<u32>,
}

impl<'a> Finder<'a> {
    /// A finder for the words `hl` marks.
    pub fn new(f: &'a Fields, hl: &'a Highlighter) -> Self {
        Finder { f, hl, terms: HashMap::new(), positions: Vec::new() }
    }

    /// The messages of document `doc` (written in `lang`, with the stored `spans`) holding the
    /// query's words, most words first, then the latest; at most `limit`. The subject and
    /// authors the query leaves out (`from:`) are not messages to show.
    pub fn spots(
        &mut self,
        segment_ord: u32,
        segment: &SegmentReader,
        doc: DocId,
        lang: Lang,
        spans: &[u8],
        limit: usize,
    ) -> Result<Vec<Spot>, SearchError> {
        let values = decode(spans);
        if values.is_empty() {
            return Ok(Vec::new());
        }
        if !self.terms.contains_key(&(segment_ord, lang)) {
            let terms = self.terms_of(segment, lang)?;
            self.terms.insert((segment_ord, lang), terms);
        }
        let terms = self.terms.get(&(segment_ord, lang)).map(Vec::as_slice).unwrap_or_default();
        let inverted = segment.inverted_index(self.f.text)?;
        // Value ordinal -> the distinct terms found in it.
        let mut found: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (t, term) in terms.iter().enumerate() {
            let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? else {
                continue;
            };
            // A list starts at its first document, which may already be past this one.
            let first = postings.doc();
            if first == TERMINATED || first > doc || (first < doc && postings.seek(doc) != doc) {
                continue;
            }
            self.positions.clear();
            postings.positions(&mut self.positions);
            for p in &self.positions {
                let k = values.partition_point(|v| v.start <= *p).saturating_sub(1);
                let words = found.entry(k).or_default();
                if words.last() != Some(&t) {
                    words.push(t);
                }
            }
        }
        let mut spots: Vec<Spot> = found
            .into_iter()
            .filter_map(|(k, words)| {
                let v = values.get(k)?;
                (v.role != Role::Subject && self.hl.covers(v.role))
                    .then_some(Spot { index: v.index, words: words.len() })
            })
            .collect();
        spots.sort_by(|a, b| b.words.cmp(&a.words).then(b.index.cmp(&a.index)));
        spots.truncate(limit);
        Ok(spots)
    }

    /// The `text` terms the query stands for in `lang`: its stemmed words, and the stems of the
    /// segment's words that start with its typed prefixes.
    fn terms_of(&self, segment: &SegmentReader, lang: Lang) -> Result<Vec<Term>, SearchError> {
        let mut words: Vec<String> = self.hl.stems(lang).cloned().collect();
        let prefixes = self.hl.plain_prefixes();
        if !prefixes.is_empty() {
            let plain = segment.inverted_index(self.f.plain_text)?;
            let mut an = analyzer(lang);
            for p in prefixes {
                let mut stream = plain.terms().range().ge(p.as_bytes()).lt(format!("{p}\u{10FFFF}")).into_stream()?;
                let mut n = 0;
                while n < MAX_EXPANSIONS && stream.advance() {
                    n += 1;
                    let Ok(word) = std::str::from_utf8(stream.key()) else { continue };
                    an.token_stream(word).process(&mut |t| {
                        if !words.contains(&t.text) {
                            words.push(t.text.clone());
                        }
                    });
                }
            }
        }
        Ok(words.iter().map(|w| Term::from_field_text(self.f.text, w)).collect())
    }
}

#[cfg(test)]
mod tests {
    use tantivy::{Index, TantivyDocument};

    use super::*;
    use crate::search::bylang::{mark, span};
    use crate::search::schema::{self, plain_words_analyzer};

    /// One document of Spanish values (the subject first), the way `search::document` adds them.
    fn index(values: &[(Role, &str)]) -> (Index, Fields) {
        let (schema, f) = schema::schema();
        let index = Index::create_in_ram(schema);
        schema::register(&index);
        let mut d = TantivyDocument::default();
        let mut spans = Spans::default();
        for (i, (role, text)) in values.iter().enumerate() {
            let marked = mark(Lang::Es, text);
            spans.push(*role, i as u32 * 10, span(&marked));
            d.add_text(f.plain_text, text);
            d.add_text(f.text, marked);
        }
        d.add_bytes(f.spans, &spans.into_bytes());
        let mut w = index.writer::<TantivyDocument>(15 << 20).expect("writer");
        w.add_document(d).expect("add");
        w.commit().expect("commit");
        (index, f)
    }

    fn find(index: &Index, f: &Fields, words: &[&str], prefix: Option<&str>, roles: &[Role]) -> Vec<(u32, usize)> {
        let mut hl = Highlighter::new(roles.to_vec());
        let mut an = analyzer(Lang::Es);
        for w in words {
            let mut toks = Vec::new();
            an.token_stream(w).process(&mut |t| toks.push((t.position, t.text.clone())));
            hl.add(Lang::Es, &toks, false);
        }
        if let Some(p) = prefix {
            plain_words_analyzer().token_stream(p).process(&mut |t| hl.add_plain_prefix(&t.text));
        }
        let searcher = index.reader().expect("reader").searcher();
        let doc: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, 0)).expect("doc");
        let spans = doc.get_first(f.spans).and_then(|v| tantivy::schema::Value::as_bytes(&v)).expect("spans").to_vec();
        let mut finder = Finder::new(f, &hl);
        let spots = finder.spots(0, searcher.segment_reader(0), 0, Lang::Es, &spans, 10).expect("spots");
        spots.into_iter().map(|s| (s.index, s.words)).collect()
    }

    #[test]
    fn positions_name_the_messages_holding_the_words() {
        let long = "x".repeat(50);
        let ends_long = format!("beta {long}");
        let values = [
            (Role::Subject, "Factura de abril"),
            (Role::Customer, "necesito la factura"),
            (Role::Agent, ""),
            (Role::Agent, &long),
            (Role::Customer, &ends_long),
            (Role::Note, "Facturas: gamma; beta"),
            (Role::Customer, "informaciones y más factura"),
        ];
        let (index, f) = index(&values);
        let all = Role::ALL;
        assert_eq!(find(&index, &f, &["facturas"], None, &all), vec![(60, 1), (50, 1), (10, 1)], "latest first");
        assert_eq!(find(&index, &f, &["beta", "factura"], None, &all), vec![(50, 2), (60, 1), (40, 1), (10, 1)]);
        assert_eq!(find(&index, &f, &["gamma"], None, &[Role::Customer]), vec![], "a note, not the customer's");
        assert_eq!(find(&index, &f, &[], Some("informaci"), &all), vec![(60, 1)], "a prefix through its words");
        assert!(find(&index, &f, &["ninguna"], None, &all).is_empty());
    }

    #[test]
    fn spans_give_each_value_its_start() {
        let mut s = Spans::default();
        s.push(Role::Subject, 0, 3);
        s.push(Role::Customer, 0, 0);
        s.push(Role::Agent, 7, 200);
        s.push(Role::Note, 100_000, 1);
        let v = decode(&s.into_bytes());
        assert_eq!(
            v,
            vec![
                Value { start: 0, index: 0, role: Role::Subject },
                Value { start: 4, index: 0, role: Role::Customer },
                Value { start: 5, index: 7, role: Role::Agent },
                Value { start: 206, index: 100_000, role: Role::Note },
            ]
        );
        assert!(decode(&[0x80]).is_empty(), "a cut varint ends the list");
    }
}
