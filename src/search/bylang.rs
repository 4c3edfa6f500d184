//! One text field, three languages: each value carries its language in a mark at its start,
//! and the field's tokenizer reads the mark and analyses the rest with that language's analyzer.
//!
//! The index used to receive the text already analysed (tantivy's pre-tokenized values), but a
//! pre-tokenized value travels from the document to the indexing thread as JSON: serializing
//! and parsing every token took most of a full reindex (13 s grew to 49 s for 100,000
//! conversations). A marked string costs one copy, and the analysis happens on tantivy's
//! indexing threads.
//!
//! The mark is a control character (never in text: the documents' builder strips it) and the
//! language's digit. A value without a mark is analysed as English. Token offsets count from
//! after the mark; nothing reads them (highlights are computed from the stored messages).
//!
//! Every stemmed term starts with its language's tag ([`Tag`]): the stems of two languages are
//! different terms even when they are spelled alike (the Italian stem of "note" is "not", an
//! English word), so a query word analysed in Italian meets Italian text only.

use tantivy::tokenizer::{BoxTokenStream, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

use super::schema::Lang;

/// Starts a marked value.
const MARK: char = '\u{1}';

/// `text` marked as written in `lang`.
pub fn mark(lang: Lang, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(MARK);
    out.push(char::from(b'0' + lang.index() as u8));
    // A mark inside the text would be read as text anyway, but keep values unambiguous.
    out.extend(text.chars().filter(|c| *c != MARK));
    out
}

/// The language of a marked value and its text.
fn unmark(value: &str) -> (usize, &str) {
    let mut chars = value.chars();
    if chars.next() == Some(MARK)
        && let Some(digit) = chars.next().and_then(|c| c.to_digit(10))
        && (digit as usize) < Lang::ALL.len()
    {
        return (digit as usize, &value[2..]);
    }
    (Lang::En.index(), value)
}

/// Analyses each value with the analyzer of the language it is marked with (in `Lang::ALL`
/// order).
#[derive(Clone)]
pub struct ByLang {
    analyzers: Vec<TextAnalyzer>,
}

impl ByLang {
    /// Dispatches to `make(lang)` for each language.
    pub fn new(make: fn(Lang) -> TextAnalyzer) -> ByLang {
        ByLang { analyzers: Lang::ALL.iter().map(|l| make(*l)).collect() }
    }
}

impl Tokenizer for ByLang {
    type TokenStream<'a> = BoxTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, value: &'a str) -> BoxTokenStream<'a> {
        let (lang, text) = unmark(value);
        self.analyzers[lang].token_stream(text)
    }
}

/// Puts a language's tag in front of every token (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct Tag(pub char);

impl TokenFilter for Tag {
    type Tokenizer<T: Tokenizer> = TagTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> TagTokenizer<T> {
        TagTokenizer { inner: tokenizer, tag: self.0 }
    }
}

/// A tokenizer followed by [`Tag`].
#[derive(Clone)]
pub struct TagTokenizer<T> {
    inner: T,
    tag: char,
}

impl<T: Tokenizer> Tokenizer for TagTokenizer<T> {
    type TokenStream<'a> = TagStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        TagStream { tail: self.inner.token_stream(text), tag: self.tag }
    }
}

/// The tagged stream.
pub struct TagStream<S> {
    tail: S,
    tag: char,
}

impl<S: TokenStream> TokenStream for TagStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.tail.token_mut().text.insert(0, self.tag);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// How many positions the field's tokenizer gives a marked value: one past its last word's
/// (words longer than the analyzers keep take a position but index nothing, so a value ending
/// in one ends earlier), 0 without words. tantivy starts each value of a field one position
/// after the previous one ends, which is what lets `search::spots` find a message from a
/// position.
pub fn span(value: &str) -> u32 {
    let (_, text) = unmark(value);
    let mut words = super::schema::word_splitter();
    let mut end = 0;
    words.token_stream(text).process(&mut |t| end = t.position as u32 + 1);
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::schema::analyzer;

    fn terms(value: &str) -> Vec<String> {
        let mut an = TextAnalyzer::from(ByLang::new(analyzer));
        let mut out = Vec::new();
        an.token_stream(value).process(&mut |t| out.push(t.text.clone()));
        out
    }

    #[test]
    fn each_value_is_analysed_in_its_marked_language() {
        assert_eq!(terms(&mark(Lang::It, "Le fatture")), ["Ile", "Ifattur"]);
        assert_eq!(terms(&mark(Lang::Es, "Las contraseñas")), ["Slas", "Scontrasen"]);
        assert_eq!(terms(&mark(Lang::En, "The invoices")), ["Ethe", "Einvoic"]);
        assert_eq!(terms("unmarked invoices"), ["Eunmark", "Einvoic"], "English without a mark");
        assert_eq!(terms(&mark(Lang::It, "a\u{1}2 fatture")), ["Ia2", "Ifattur"], "a mark inside the text is dropped");
        assert!(terms(&mark(Lang::It, "")).is_empty());
    }
}
