//! Marking the words a query matched in a message: which messages match best, the fragment
//! to show, the highlighted ranges, and the same as escaped HTML with `<mark>`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use tantivy::tokenizer::TextAnalyzer;

use super::schema::{Lang, Role, analyzer, plain_words_analyzer};

/// Most characters of a fragment.
const FRAGMENT_CHARS: usize = 180;
/// Characters of context kept before the first match.
const LEAD_CHARS: usize = 50;

/// The analysed words of a query, per language, with the roles they may match.
#[derive(Clone, Debug)]
pub struct Highlighter {
    roles: Vec<Role>,
    /// Stemmed words, tagged with their language (see `search::bylang`).
    exact: BTreeMap<&'static str, BTreeSet<String>>,
    /// Prefixes as typed (lower-cased, folded, unstemmed), for any language.
    plain_prefixes: Vec<String>,
}

/// A message's matched fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// Distinct query words found in the whole message.
    pub score: usize,
    /// The fragment, plain text.
    pub fragment: String,
    /// Highlighted ranges in the fragment, in UTF-16 code units (as JavaScript counts).
    pub highlights: Vec<Range<usize>>,
    /// The fragment as HTML: text escaped, matches in `<mark>`.
    pub html: String,
}

impl Highlighter {
    /// A highlighter for text of the given roles.
    pub fn new(roles: Vec<Role>) -> Self {
        Highlighter { roles, exact: BTreeMap::new(), plain_prefixes: Vec::new() }
    }

    /// Adds the analysed words of one query literal in `lang`; with `prefix`, all but the last,
    /// which the caller adds as typed ([`Self::add_plain_prefix`]).
    pub fn add(&mut self, lang: Lang, toks: &[(usize, String)], prefix: bool) {
        let whole = if prefix { toks.len().saturating_sub(1) } else { toks.len() };
        for (_, t) in &toks[..whole] {
            self.exact.entry(lang.code()).or_default().insert(t.clone());
        }
    }

    /// Adds a prefix as typed (analysed by the plain analyzer: folded, never stemmed).
    pub fn add_plain_prefix(&mut self, prefix: &str) {
        if !self.plain_prefixes.iter().any(|p| p == prefix) {
            self.plain_prefixes.push(prefix.to_string());
        }
    }

    /// The query's stemmed words in `lang`, tagged as the index holds them.
    pub fn stems(&self, lang: Lang) -> impl Iterator<Item = &String> {
        self.exact.get(lang.code()).into_iter().flatten()
    }

    /// The query's prefixes as typed (folded).
    pub fn plain_prefixes(&self) -> &[String] {
        &self.plain_prefixes
    }

    /// Whether text written in `role` can match at all (`from:` narrows it).
    pub fn covers(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The fragment of `text` (indexed in `lang`) around what the query matched, if anything:
    /// whole words for the query's words, the typed part of a word for a prefix.
    pub fn snippet(&self, lang: Lang, text: &str) -> Option<Snippet> {
        let exact = self.exact.get(lang.code());
        let mut matched: Vec<Range<usize>> = Vec::new();
        let mut words: BTreeSet<String> = BTreeSet::new();
        let mut plain = plain_words_analyzer();
        analyzer(lang).token_stream(text).process(&mut |t| {
            if exact.is_some_and(|e| e.contains(&t.text)) {
                matched.push(t.offset_from..t.offset_to);
                words.insert(t.text.clone());
                return;
            }
            if self.plain_prefixes.is_empty() {
                return;
            }
            let word = text.get(t.offset_from..t.offset_to).unwrap_or_default();
            if let Some((p, end)) = self.plain_prefixes.iter().find_map(|p| Some((p, typed_part(&mut plain, word, p)?)))
            {
                matched.push(t.offset_from..t.offset_from + end);
                words.insert(p.clone());
            }
        });
        let first = matched.first()?.start;
        // Start a little before the first match, at a word boundary.
        let lead_start =
            floor_char(text, first.saturating_sub(LEAD_CHARS * 2).max(nth_char_back(text, first, LEAD_CHARS)));
        let start = if lead_start == 0 {
            0
        } else {
            text[lead_start..first].find(' ').map_or(lead_start, |i| lead_start + i + 1)
        };
        let end = text[start..].char_indices().nth(FRAGMENT_CHARS).map_or(text.len(), |(i, _)| start + i);
        let prefix = if start > 0 { "…" } else { "" };
        let suffix = if end < text.len() { "…" } else { "" };
        let mut fragment = String::from(prefix);
        let mut html = String::from(prefix);
        let mut highlights = Vec::new();
        let mut pos = start;
        for r in matched.iter().filter(|r| r.start >= start && r.end <= end) {
            push_plain(&mut fragment, &mut html, &text[pos..r.start]);
            let from = utf16_len(&fragment);
            fragment.push_str(&text[r.clone()]);
            html.push_str("<mark>");
            html.push_str(&escape(&text[r.clone()]));
            html.push_str("</mark>");
            highlights.push(from..utf16_len(&fragment));
            pos = r.end;
        }
        push_plain(&mut fragment, &mut html, &text[pos..end]);
        fragment.push_str(suffix);
        html.push_str(suffix);
        Some(Snippet { score: words.len(), fragment, highlights, html })
    }
}

/// The bytes of `word` whose folded form is `prefix` (folded by `plain`, the analyzer of the
/// index's plain words), if the word starts with it: "Informació" for the prefix "informacio"
/// of "Información".
fn typed_part(plain: &mut TextAnalyzer, word: &str, prefix: &str) -> Option<usize> {
    let mut fold = |s: &str| {
        let mut out = String::new();
        plain.token_stream(s).process(&mut |t| out.push_str(&t.text));
        out
    };
    if !fold(word).starts_with(prefix) {
        return None;
    }
    let mut folded = String::new();
    for (i, c) in word.char_indices() {
        if folded.len() >= prefix.len() {
            return Some(i);
        }
        let mut buf = [0u8; 4];
        folded.push_str(&fold(c.encode_utf8(&mut buf)));
    }
    Some(word.len())
}

fn push_plain(fragment: &mut String, html: &mut String, s: &str) {
    fragment.push_str(s);
    html.push_str(&escape(s));
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte index `n` characters before `at`.
fn nth_char_back(s: &str, at: usize, n: usize) -> usize {
    s[..at].char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i)
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(lang: Lang, words: &[&str]) -> Highlighter {
        let mut h = Highlighter::new(Role::ALL.to_vec());
        let mut an = analyzer(lang);
        for w in words {
            let mut toks = Vec::new();
            an.token_stream(w).process(&mut |t| toks.push((t.position, t.text.clone())));
            h.add(lang, &toks, false);
        }
        h
    }

    #[test]
    fn marks_stemmed_matches_and_escapes_the_rest() {
        let h = hl(Lang::It, &["fatture"]);
        let s = h.snippet(Lang::It, "Non trovo la <b>fattura</b> di marzo").expect("matches");
        assert_eq!(s.fragment, "Non trovo la <b>fattura</b> di marzo");
        assert_eq!(s.html, "Non trovo la &lt;b&gt;<mark>fattura</mark>&lt;/b&gt; di marzo");
        assert_eq!(s.highlights, vec![16..23]);
        assert_eq!(s.score, 1);
        assert!(h.snippet(Lang::It, "Buongiorno a tutti").is_none());
    }

    #[test]
    fn a_prefix_marks_the_typed_part_of_each_word_it_starts() {
        let mut h = Highlighter::new(Role::ALL.to_vec());
        h.add_plain_prefix("informacio");
        let s = h.snippet(Lang::En, "Información, INFORMACIONES e informe").expect("matches");
        assert_eq!(s.html, "<mark>Informació</mark>n, <mark>INFORMACIO</mark>NES e informe");
        assert_eq!(s.score, 1, "one query word");
        let mut plain = plain_words_analyzer();
        assert_eq!(typed_part(&mut plain, "Straße", "strass"), Some("Straß".len()), "a letter that folds to two");
        assert_eq!(typed_part(&mut plain, "Straße", "strast"), None);
        assert_eq!(typed_part(&mut plain, "ab", "abc"), None);
    }

    #[test]
    fn prefixes_and_long_texts_give_a_window_with_ellipses() {
        let mut h = Highlighter::new(Role::ALL.to_vec());
        h.add_plain_prefix("factur");
        let text = format!("{} necesito la factura de abril {}", "palabra ".repeat(40), "otra ".repeat(60));
        let s = h.snippet(Lang::Es, &text).expect("matches");
        assert!(s.fragment.starts_with('…') && s.fragment.ends_with('…'), "{}", s.fragment);
        assert!(s.html.contains("<mark>factur</mark>a"));
        let r = s.highlights[0].clone();
        let units: Vec<u16> = s.fragment.encode_utf16().collect();
        assert_eq!(String::from_utf16_lossy(&units[r]), "factur");
    }
}
