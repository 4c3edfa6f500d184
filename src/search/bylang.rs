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

use tantivy::tokenizer::{BoxTokenStream, TextAnalyzer, Tokenizer};

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
        assert_eq!(terms(&mark(Lang::It, "Le fatture")), ["le", "fattur"]);
        assert_eq!(terms(&mark(Lang::Es, "Las contraseñas")), ["las", "contrasen"]);
        assert_eq!(terms(&mark(Lang::En, "The invoices")), ["the", "invoic"]);
        assert_eq!(terms("unmarked invoices"), ["unmark", "invoic"], "English without a mark");
        assert_eq!(terms(&mark(Lang::It, "a\u{1}2 fatture")), ["a2", "fattur"], "a mark inside the text is dropped");
        assert!(terms(&mark(Lang::It, "")).is_empty());
    }
}
