//! From what a person typed to a tantivy query (F32).
//!
//! The text is parsed by tantivy's own query grammar (`word`, `"a phrase"`, `prefix*`, `-not`,
//! `a OR b`, `field:value`); we then build the query ourselves so that every word is analysed
//! in each language and looked up in the fields the query may reach. Two words must both match
//! (AND). `from:contact` (or `customer`), `from:agent` and `from:note` narrow the text to one
//! author: every word must be in that author's text (a phrase's order and neighbours are
//! checked in the conversation's text, which holds the author's words); `label:vip` matches a
//! label by name. A word of five or more digits, or a whole query shaped like a phone number,
//! also matches any fragment of the contact's phone number.
//!
//! Each language's analysis of a word meets text of that language only (the index tags every
//! stem with its language, see `search::bylang`): "note" finds English notes, never the Italian
//! stem "not" in English text. The three analyses are three terms; a word absent from a
//! language's text is left out before the query runs, so an English word in an English archive
//! is one posting list.
//!
//! A prefix (`perfor*` or `"perfor"*`) means what was typed: it is looked up in the text's
//! unstemmed words, never as a stem (the stem of a prefix can start other words).
//!
//! When the query ranks, an exact word adds to the score of its stem's match and neighbouring
//! words of the query add when they are neighbours in the text, so an exact word outranks a
//! stem and a phrase outranks scattered words.

use std::collections::BTreeSet;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral, parse_query_lenient};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::dates::Dates;
use super::highlight::Highlighter;
use super::pairs::pair;
use super::schema::{Fields, Lang, Role, analyzer, plain_analyzer, plain_words_analyzer};

/// Who may be found: everything (supervisors, admins, `see_all`) or the conversations carrying
/// one of these permission keys.
#[derive(Clone, Debug)]
pub enum Scope {
    /// No restriction.
    Everything,
    /// Only documents with one of these `see` keys.
    Keys(Vec<String>),
}

/// The list filters of F4, resolved to index terms.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// Any of these statuses.
    pub statuses: Vec<String>,
    /// This detailed status.
    pub detailed: Option<String>,
    /// Assigned to this user.
    pub assignee: Option<String>,
    /// Queued for this team, or in one of these inboxes (the team's).
    pub team: Option<(String, Vec<String>)>,
    /// In this inbox.
    pub inbox: Option<String>,
    /// From inboxes of this channel.
    pub channel: Option<String>,
    /// Carrying this label id.
    pub label_id: Option<String>,
    /// Created in `[from, to)`, epoch millis.
    pub created: (Option<i64>, Option<i64>),
    /// Updated in `[from, to)`, epoch millis.
    pub updated: (Option<i64>, Option<i64>),
    /// With one of these contacts.
    pub contact_ids: Option<Vec<String>>,
}

/// The built query and what to highlight in messages.
pub struct Built {
    /// The full query: text, filters and permissions, but not the dates.
    pub query: Box<dyn Query>,
    /// The date filters, checked on each hit while collecting (see `search::dates`).
    pub dates: Dates,
    /// The words to mark in message text.
    pub highlighter: Highlighter,
}

struct Ctx<'a> {
    f: &'a Fields,
    searcher: Option<&'a Searcher>,
    rank: bool,
    roles: Vec<Role>,
    langs: Vec<(Lang, TextAnalyzer)>,
    plain: TextAnalyzer,
    plain_words: TextAnalyzer,
    hl: Highlighter,
}

/// How a query is going to be used.
#[derive(Clone, Copy, Debug)]
pub struct Use<'a> {
    /// The index it runs against: words in no document are left out of the query.
    pub searcher: Option<&'a Searcher>,
    /// Whether its scores rank the results (a word in the subject then counts more); a query
    /// that only counts or orders by date needs one list per word.
    pub rank: bool,
}

/// Builds the query for `text` with `filters` within `scope`.
pub fn build(f: &Fields, text: &str, filters: &Filters, scope: &Scope, with: Use) -> Built {
    let (ast, _errors) = parse_query_lenient(text);
    let mut roles: BTreeSet<usize> = BTreeSet::new();
    collect_roles(&ast, &mut roles);
    let roles: Vec<Role> = if roles.is_empty() {
        Role::ALL.to_vec()
    } else {
        Role::ALL.into_iter().filter(|r| roles.contains(&(*r as usize))).collect()
    };
    let mut ctx = Ctx {
        f,
        searcher: with.searcher,
        rank: with.rank,
        hl: Highlighter::new(roles.clone()),
        roles,
        langs: Lang::ALL.into_iter().map(|l| (l, analyzer(l))).collect(),
        plain: plain_analyzer(),
        plain_words: plain_words_analyzer(),
    };
    let mut text_query = build_ast(&ast, &mut ctx).unwrap_or_else(|| Box::new(AllQuery));
    // A query that is a whole phone number ("+39 333 123 4567") is also one fragment of a
    // number; its short groups alone would each match thousands of numbers.
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= MIN_PHONE_QUERY && phone_like(text) && text.split_whitespace().count() > 1 {
        text_query = Box::new(BooleanQuery::new(vec![
            (Occur::Should, text_query),
            (Occur::Should, phone_query(f.phone, &digits)),
        ]));
    }
    let dates = Dates { created: filters.created, updated: filters.updated };
    Built { query: with_filters(text_query, f, filters, scope), dates, highlighter: ctx.hl }
}

/// Digits in a query word before it is also looked up in phone numbers.
const MIN_PHONE_WORD: usize = 5;
/// Digits in a whole query that looks like a phone number.
const MIN_PHONE_QUERY: usize = 3;

fn phone_like(text: &str) -> bool {
    text.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// Numbers containing `digits` (every suffix of a number is indexed, so a fragment anywhere
/// is the prefix of one of them).
fn phone_query(field: Field, digits: &str) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(prefix_query(field, digits), 2.0))
}

fn with_filters(text_query: Box<dyn Query>, f: &Fields, filters: &Filters, scope: &Scope) -> Box<dyn Query> {
    let filters = filter_queries(f, filters, scope);
    if filters.is_empty() {
        return text_query;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
    for q in filters {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
    }
    Box::new(BooleanQuery::new(clauses))
}

fn role_of(value: &str) -> Option<Role> {
    match value.to_ascii_lowercase().as_str() {
        "contact" | "customer" => Some(Role::Customer),
        "agent" => Some(Role::Agent),
        "note" | "notes" => Some(Role::Note),
        _ => None,
    }
}

fn collect_roles(ast: &UserInputAst, out: &mut BTreeSet<usize>) {
    match ast {
        UserInputAst::Clause(cs) => cs.iter().for_each(|(_, a)| collect_roles(a, out)),
        UserInputAst::Boost(a, _) => collect_roles(a, out),
        UserInputAst::Leaf(leaf) => {
            if let UserInputLeaf::Literal(l) = leaf.as_ref()
                && l.field_name.as_deref() == Some("from")
                && let Some(r) = role_of(&l.phrase)
            {
                out.insert(r as usize);
            }
        }
    }
}

fn build_ast(ast: &UserInputAst, ctx: &mut Ctx) -> Option<Box<dyn Query>> {
    match ast {
        UserInputAst::Boost(a, b) => {
            build_ast(a, ctx).map(|q| Box::new(BoostQuery::new(q, b.into_inner() as f32)) as Box<dyn Query>)
        }
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(l) => literal(l, ctx),
            UserInputLeaf::All => Some(Box::new(AllQuery)),
            // Ranges, sets and regexes are not part of the search language; the list filters
            // cover dates and the rest.
            _ => None,
        },
        UserInputAst::Clause(cs) => {
            let mut subs: Vec<(Occur, Box<dyn Query>)> =
                cs.iter().filter_map(|(o, a)| build_ast(a, ctx).map(|q| (o.unwrap_or(Occur::Must), q))).collect();
            if subs.is_empty() {
                return None;
            }
            if subs.iter().all(|(o, _)| *o == Occur::MustNot) {
                subs.push((Occur::Must, Box::new(AllQuery)));
            }
            if ctx.rank && every_author(ctx) {
                subs.extend(neighbour_bonus(cs, ctx));
            }
            if let [(Occur::Must | Occur::Should, _)] = subs.as_slice() {
                return subs.pop().map(|(_, q)| q);
            }
            Some(Box::new(BooleanQuery::new(subs)))
        }
    }
}

fn literal(l: &UserInputLiteral, ctx: &mut Ctx) -> Option<Box<dyn Query>> {
    // tantivy's grammar reads `*` as a prefix only after a quoted phrase (`"perfor"*`); an
    // unquoted `perfor*` arrives as the word with its star, which the analyzers drop, so it was
    // searched as the whole word "perfor". Both spellings mean the same prefix.
    let unquoted_prefix = l.delimiter == Delimiter::None && l.phrase.ends_with('*');
    let owned;
    let l = if unquoted_prefix {
        owned = UserInputLiteral { phrase: l.phrase.trim_end_matches('*').to_string(), prefix: true, ..l.clone() };
        &owned
    } else {
        l
    };
    let phrase = match l.field_name.as_deref() {
        Some("from") if role_of(&l.phrase).is_some() => return None,
        Some("label") => {
            let tokens = tokens(&mut ctx.plain, &l.phrase);
            return Some(any_of(ctx.field_query(ctx.f.label, &tokens, l.prefix, 0).into_iter().collect()));
        }
        // Any other `word:` was not meant as a field: search it as text.
        Some(other) => format!("{other} {}", l.phrase),
        None => l.phrase.clone(),
    };
    let quoted = l.delimiter != Delimiter::None;
    let every_author = every_author(ctx);
    let mut alts: Vec<Box<dyn Query>> = Vec::new();
    let words = tokens(&mut ctx.plain_words, &phrase);
    if let Some((_, last)) = words.last().filter(|_| l.prefix) {
        // What was typed is what a prefix means: its last word is looked up (and marked) as
        // typed, unstemmed, since a stem can be shorter than the prefix ("informaci*" of
        // "información", stem "inform") and the stem of a prefix can be shorter still, and
        // start other words ("prepar*", Italian stem "prep").
        ctx.hl.add_plain_prefix(last);
    }
    if let ([(_, word)], true) = (words.as_slice(), l.prefix) {
        let typed = prefix_query(ctx.f.plain_text, word);
        if every_author {
            alts.push(typed);
        } else if let Some(authors) = ctx.authors_with_prefix(word) {
            alts.push(Box::new(BooleanQuery::new(vec![(Occur::Must, typed), (Occur::Must, authors)])));
        }
    } else {
        text_alternatives(l, &phrase, every_author, ctx, &mut alts);
        if let ([(_, word)], true, false) = (words.as_slice(), ctx.rank && every_author, l.prefix) {
            // The word as typed adds to the score of its stem: an exact word outranks a stem.
            let exact = Term::from_field_text(ctx.f.plain_text, word);
            if ctx.present(&exact) {
                let q = Box::new(TermQuery::new(exact, IndexRecordOption::Basic));
                alts.push(Box::new(BoostQuery::new(q, EXACT_BOOST)));
            }
        }
    }
    if every_author {
        let toks = tokens(&mut ctx.plain, &phrase);
        if !toks.is_empty() {
            let contact = ctx.field_query(ctx.f.contact, &toks, l.prefix, l.slop);
            alts.extend(contact.map(|q| Box::new(BoostQuery::new(q, 2.0)) as Box<dyn Query>));
            if !quoted {
                alts.extend(ctx.field_query(ctx.f.label, &toks, l.prefix, l.slop));
            }
        }
        let digits: String = phrase.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= MIN_PHONE_WORD && phone_like(&phrase) {
            alts.push(phone_query(ctx.f.phone, &digits));
        }
    }
    Some(any_of(alts))
}

/// How much an exact word adds to its stem's match.
const EXACT_BOOST: f32 = 1.0;
/// How much neighbouring words of an unquoted query add when they are neighbours in the text.
const PAIR_BOOST: f32 = 1.0;
/// How much a word in the subject adds.
const SUBJECT_BOOST: f32 = 1.5;

/// The stemmed text's alternatives for a literal: one per language, each meeting text of its
/// language only (the terms are tagged).
fn text_alternatives(
    l: &UserInputLiteral,
    phrase: &str,
    every_author: bool,
    ctx: &mut Ctx,
    alts: &mut Vec<Box<dyn Query>>,
) {
    let mut langs = std::mem::take(&mut ctx.langs);
    for (lang, an) in langs.iter_mut() {
        let toks = tokens(an, phrase);
        if toks.is_empty() {
            continue;
        }
        ctx.hl.add(*lang, &toks, l.prefix);
        let Some(text) = ctx.text_query(&toks, l.prefix, l.slop) else { continue };
        if every_author {
            if ctx.rank && toks.len() == 1 && !l.prefix {
                let subject = ctx.field_query(ctx.f.by_role(Role::Subject), &toks, false, 0);
                alts.extend(subject.map(|q| Box::new(BoostQuery::new(q, SUBJECT_BOOST)) as Box<dyn Query>));
            }
            alts.push(text);
        } else {
            // The words must be this author's; the phrase itself is checked in all the text.
            let authors: Vec<Box<dyn Query>> =
                ctx.roles.iter().filter_map(|role| ctx.all_words(ctx.f.by_role(*role), &toks, l.prefix)).collect();
            if !authors.is_empty() {
                let authors = Box::new(ConstScoreQuery::new(any_of(authors), 0.0));
                alts.push(Box::new(BooleanQuery::new(vec![(Occur::Must, text), (Occur::Must, authors)])));
            }
        }
    }
    ctx.langs = langs;
}

/// For ranking only: the pairs of neighbouring plain words of a clause (`reset password`),
/// which add to the score of documents where they are neighbours too, so a phrase outranks
/// scattered words.
fn neighbour_bonus(cs: &[(Option<Occur>, UserInputAst)], ctx: &mut Ctx) -> Vec<(Occur, Box<dyn Query>)> {
    let word = |a: &UserInputAst| match a {
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(l)
                if l.field_name.is_none() && l.delimiter == Delimiter::None && !l.phrase.ends_with('*') =>
            {
                Some(l.phrase.clone())
            }
            _ => None,
        },
        _ => None,
    };
    let required = |o: &Option<Occur>| matches!(o, None | Some(Occur::Must));
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for w in cs.windows(2) {
        let (Some(a), Some(b)) = (word(&w[0].1), word(&w[1].1)) else { continue };
        if !required(&w[0].0) || !required(&w[1].0) {
            continue;
        }
        let mut langs = std::mem::take(&mut ctx.langs);
        for (_, an) in langs.iter_mut() {
            let (ta, tb) = (tokens(an, &a), tokens(an, &b));
            let ([(_, ta)], [(_, tb)]) = (ta.as_slice(), tb.as_slice()) else { continue };
            let term = Term::from_field_text(ctx.f.pairs, &pair(ta, tb));
            if ctx.present(&term) {
                let q = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                out.push((Occur::Should, Box::new(BoostQuery::new(q, PAIR_BOOST))));
            }
        }
        ctx.langs = langs;
    }
    out
}

fn every_author(ctx: &Ctx) -> bool {
    ctx.roles.len() == Role::ALL.len()
}

/// Documents matching any of `alts`: nothing for none, the query itself for one.
fn any_of(mut alts: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match alts.len() {
        0 => Box::new(EmptyQuery),
        1 => alts.remove(0),
        _ => Box::new(BooleanQuery::new(alts.into_iter().map(|q| (Occur::Should, q)).collect())),
    }
}

fn tokens(an: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    an.token_stream(text).process(&mut |t| out.push((t.position, t.text.clone())));
    out
}

impl Ctx<'_> {
    /// Whether `term` is in the index at all. A word no document holds is left out of the
    /// query instead of becoming one more (empty) list to merge; without a searcher every term
    /// is kept.
    fn present(&self, term: &Term) -> bool {
        self.searcher.is_none_or(|s| s.doc_freq(term).map_or(true, |n| n > 0))
    }

    /// The text, in the terms of one analysis. A phrase of neighbouring words is looked up in the word-pair
    /// field: two words are one pair term; longer phrases need all their pairs and then their
    /// positions, checked only in the documents holding every pair. `None` when a word or pair
    /// is in no document.
    fn text_query(&self, toks: &[(usize, String)], prefix: bool, slop: u32) -> Option<Box<dyn Query>> {
        let field = self.f.text;
        let neighbours = toks.windows(2).all(|w| w[0].0 + 1 == w[1].0);
        if toks.len() < 2 || prefix || slop > 0 || !neighbours {
            return self.field_query(field, toks, prefix, slop);
        }
        let pairs: Vec<Term> =
            toks.windows(2).map(|w| Term::from_field_text(self.f.pairs, &pair(&w[0].1, &w[1].1))).collect();
        if !pairs.iter().all(|t| self.present(t)) {
            return None;
        }
        let mut all: Vec<(Occur, Box<dyn Query>)> = pairs
            .into_iter()
            .map(|t| (Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>))
            .collect();
        if toks.len() == 2 {
            return all.pop().map(|(_, q)| q);
        }
        all.push((Occur::Must, Box::new(ConstScoreQuery::new(field_query(field, toks, false, 0), 0.0))));
        Some(Box::new(BooleanQuery::new(all)))
    }

    /// [`field_query`], or `None` when one of its words (all but a prefix) is in no document.
    fn field_query(&self, field: Field, toks: &[(usize, String)], prefix: bool, slop: u32) -> Option<Box<dyn Query>> {
        let whole = if prefix { toks.len().saturating_sub(1) } else { toks.len() };
        toks[..whole]
            .iter()
            .all(|(_, t)| self.present(&Term::from_field_text(field, t)))
            .then(|| field_query(field, toks, prefix, slop))
    }

    /// Documents where one of the query's authors wrote a word starting with the typed
    /// `prefix`, as far as their stemmed words tell: a stem starting with it, or a stem that the
    /// prefix starts with (the stem of a word the prefix starts, for suffix-removing stemmers).
    /// The typed prefix itself is checked in the unstemmed words. `None` when no author can have
    /// such a word.
    fn authors_with_prefix(&self, prefix: &str) -> Option<Box<dyn Query>> {
        let mut any: Vec<Box<dyn Query>> = Vec::new();
        for role in &self.roles {
            let field = self.f.by_role(*role);
            for lang in Lang::ALL {
                let tagged = format!("{}{prefix}", lang.tag());
                any.push(prefix_query(field, &tagged));
                let cuts = tagged.char_indices().map(|(i, _)| i).skip(3);
                for cut in cuts {
                    let term = Term::from_field_text(field, &tagged[..cut]);
                    if self.present(&term) {
                        any.push(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
                    }
                }
            }
        }
        (!any.is_empty()).then(|| Box::new(ConstScoreQuery::new(any_of(any), 0.0)) as Box<dyn Query>)
    }

    /// Documents holding every word of `toks` in `field` (the last one as a prefix if `prefix`),
    /// in any order: what an author field can tell.
    fn all_words(&self, field: Field, toks: &[(usize, String)], prefix: bool) -> Option<Box<dyn Query>> {
        let mut words: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(toks.len());
        for (i, (_, t)) in toks.iter().enumerate() {
            let q = if prefix && i + 1 == toks.len() {
                prefix_query(field, t)
            } else {
                let term = Term::from_field_text(field, t);
                if !self.present(&term) {
                    return None;
                }
                Box::new(TermQuery::new(term, IndexRecordOption::Basic))
            };
            words.push((Occur::Must, q));
        }
        Some(if words.len() == 1 { words.remove(0).1 } else { Box::new(BooleanQuery::new(words)) })
    }
}

fn field_query(field: Field, toks: &[(usize, String)], prefix: bool, slop: u32) -> Box<dyn Query> {
    let terms: Vec<(usize, Term)> = toks.iter().map(|(p, t)| (*p, Term::from_field_text(field, t))).collect();
    match (terms.len(), prefix) {
        (0, _) => Box::new(EmptyQuery),
        (1, true) => prefix_query(field, &toks[0].1),
        (1, false) => Box::new(TermQuery::new(terms[0].1.clone(), IndexRecordOption::WithFreqs)),
        (_, true) => Box::new(PhrasePrefixQuery::new_with_offset(terms)),
        (_, false) => Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)),
    }
}

/// Terms of `field` starting with `prefix` (constant score: a prefix says little about relevance).
fn prefix_query(field: Field, prefix: &str) -> Box<dyn Query> {
    let lower = Term::from_field_text(field, prefix);
    let upper = Term::from_field_text(field, &format!("{prefix}\u{10FFFF}"));
    Box::new(ConstScoreQuery::new(Box::new(RangeQuery::new(Bound::Included(lower), Bound::Included(upper))), 1.0))
}

/// Filter values above which a term set (one bitset per segment) beats a union of postings.
const TERM_SET_FROM: usize = 32;

/// Documents with any of `values` in `field`. A few values are a union of their postings,
/// which the rest of the query seeks into; a term set would first mark every document of
/// every value in a bitset and build an automaton of the values, per segment and per search.
fn terms(field: Field, values: &[String]) -> Box<dyn Query> {
    let term = |v: &String| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic))
    };
    match values {
        [] => Box::new(EmptyQuery),
        [one] => term(one),
        _ if values.len() < TERM_SET_FROM => {
            Box::new(BooleanQuery::new(values.iter().map(|v| (Occur::Should, term(v))).collect()))
        }
        _ => Box::new(TermSetQuery::new(values.iter().map(|v| Term::from_field_text(field, v)))),
    }
}

fn filter_queries(f: &Fields, fl: &Filters, scope: &Scope) -> Vec<Box<dyn Query>> {
    let one = |field: Field, v: &Option<String>| v.as_ref().map(|v| terms(field, std::slice::from_ref(v)));
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if let Scope::Keys(keys) = scope {
        out.push(terms(f.see, keys));
    }
    if !fl.statuses.is_empty() {
        out.push(terms(f.status, &fl.statuses));
    }
    out.extend(one(f.detailed, &fl.detailed));
    out.extend(one(f.assignee, &fl.assignee));
    if let Some((team, inboxes)) = &fl.team {
        out.push(Box::new(BooleanQuery::new(vec![
            (Occur::Should, terms(f.team, std::slice::from_ref(team))),
            (Occur::Should, terms(f.inbox, inboxes)),
        ])));
    }
    out.extend(one(f.inbox, &fl.inbox));
    out.extend(one(f.channel, &fl.channel));
    out.extend(one(f.label_id, &fl.label_id));
    if let Some(ids) = &fl.contact_ids {
        out.push(terms(f.contact_id, ids));
    }
    out
}
