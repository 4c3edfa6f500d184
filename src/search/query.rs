//! From what a person typed to a tantivy query (F32).
//!
//! The text is parsed by tantivy's own query grammar (`word`, `"a phrase"`, `prefix*`, `-not`,
//! `a OR b`, `field:value`); we then build the query ourselves so that every word is analysed
//! in each language and looked up in the fields the query may reach. Two words must both match
//! (AND). `from:contact` (or `customer`), `from:agent` and `from:note` narrow the text to one
//! author; `label:vip` matches a label by name. A word of five or more digits, or a whole query
//! shaped like a phone number, also matches any fragment of the contact's phone number.

use std::collections::BTreeSet;
use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral, parse_query_lenient};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::dates::Dates;
use super::highlight::Highlighter;
use super::pairs::pair;
use super::schema::{Fields, Lang, Role, analyzer, plain_analyzer};

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
    roles: Vec<Role>,
    langs: Vec<(Lang, TextAnalyzer)>,
    plain: TextAnalyzer,
    hl: Highlighter,
}

/// Builds the query for `text` with `filters` within `scope`.
pub fn build(f: &Fields, text: &str, filters: &Filters, scope: &Scope) -> Built {
    let (ast, _errors) = parse_query_lenient(text);
    let mut roles: BTreeSet<usize> = BTreeSet::new();
    collect_roles(&ast, &mut roles);
    let roles: Vec<Role> =
        if roles.is_empty() { Role::ALL.to_vec() } else { Role::ALL.into_iter().filter(|r| roles.contains(&(*r as usize))).collect() };
    let mut ctx = Ctx {
        f,
        hl: Highlighter::new(roles.clone()),
        roles,
        langs: Lang::ALL.into_iter().map(|l| (l, analyzer(l))).collect(),
        plain: plain_analyzer(),
    };
    let mut text_query = build_ast(&ast, &mut ctx).unwrap_or_else(|| Box::new(AllQuery));
    // A query that is a whole phone number ("+39 333 123 4567") is also one fragment of a
    // number; its short groups alone would each match thousands of numbers.
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= MIN_PHONE_QUERY && phone_like(text) && text.split_whitespace().count() > 1 {
        text_query = Box::new(BooleanQuery::new(vec![(Occur::Should, text_query), (Occur::Should, phone_query(f.phone, &digits))]));
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
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
    for q in filter_queries(f, filters, scope) {
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
        UserInputAst::Boost(a, b) => build_ast(a, ctx).map(|q| Box::new(BoostQuery::new(q, b.into_inner() as f32)) as Box<dyn Query>),
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
            Some(Box::new(BooleanQuery::new(subs)))
        }
    }
}

fn literal(l: &UserInputLiteral, ctx: &mut Ctx) -> Option<Box<dyn Query>> {
    let phrase = match l.field_name.as_deref() {
        Some("from") if role_of(&l.phrase).is_some() => return None,
        Some("label") => {
            let tokens = tokens(&mut ctx.plain, &l.phrase);
            return Some(field_query(ctx.f.label, &tokens, l.prefix, 0));
        }
        // Any other `word:` was not meant as a field: search it as text.
        Some(other) => format!("{other} {}", l.phrase),
        None => l.phrase.clone(),
    };
    let quoted = l.delimiter != Delimiter::None;
    let mut alts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut langs = std::mem::take(&mut ctx.langs);
    for (lang, an) in langs.iter_mut() {
        let toks = tokens(an, &phrase);
        if toks.is_empty() {
            continue;
        }
        ctx.hl.add(*lang, &toks, l.prefix);
        for role in &ctx.roles {
            let q = text_query(ctx.f, *role, *lang, &toks, l.prefix, l.slop);
            let q: Box<dyn Query> = if *role == Role::Subject { Box::new(BoostQuery::new(q, 1.5)) } else { q };
            alts.push((Occur::Should, q));
        }
    }
    ctx.langs = langs;
    if ctx.roles.len() == Role::ALL.len() {
        let toks = tokens(&mut ctx.plain, &phrase);
        if !toks.is_empty() {
            alts.push((Occur::Should, Box::new(BoostQuery::new(field_query(ctx.f.contact, &toks, l.prefix, l.slop), 2.0))));
            if !quoted {
                alts.push((Occur::Should, field_query(ctx.f.label, &toks, l.prefix, l.slop)));
            }
        }
        let digits: String = phrase.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= MIN_PHONE_WORD && phone_like(&phrase) {
            alts.push((Occur::Should, phone_query(ctx.f.phone, &digits)));
        }
    }
    match alts.len() {
        0 => Some(Box::new(EmptyQuery)),
        _ => Some(Box::new(BooleanQuery::new(alts))),
    }
}

fn tokens(an: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    an.token_stream(text).process(&mut |t| out.push((t.position, t.text.clone())));
    out
}

/// A role's text in a language. A phrase of neighbouring words is looked up in the word-pair
/// field: two words are one pair term; longer phrases need all their pairs and then their
/// positions, checked only in the documents holding every pair.
fn text_query(f: &Fields, role: Role, lang: Lang, toks: &[(usize, String)], prefix: bool, slop: u32) -> Box<dyn Query> {
    let field = f.text(role, lang);
    let neighbours = toks.windows(2).all(|w| w[0].0 + 1 == w[1].0);
    if toks.len() < 2 || prefix || slop > 0 || !neighbours {
        return field_query(field, toks, prefix, slop);
    }
    let pair_query = |w: &[(usize, String)]| -> Box<dyn Query> {
        let term = Term::from_field_text(f.pairs(role, lang), &pair(&w[0].1, &w[1].1));
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    };
    if toks.len() == 2 {
        return pair_query(toks);
    }
    let mut all: Vec<(Occur, Box<dyn Query>)> = toks.windows(2).map(|w| (Occur::Must, pair_query(w))).collect();
    all.push((Occur::Must, Box::new(ConstScoreQuery::new(field_query(field, toks, false, 0), 0.0))));
    Box::new(BooleanQuery::new(all))
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
    let term = |v: &String| -> Box<dyn Query> { Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)) };
    match values {
        [] => Box::new(EmptyQuery),
        [one] => term(one),
        _ if values.len() < TERM_SET_FROM => Box::new(BooleanQuery::new(values.iter().map(|v| (Occur::Should, term(v))).collect())),
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
