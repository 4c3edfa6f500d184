//! Word pairs: a token filter that turns a stream of words into the pairs of neighbouring words
//! (`muchas gracias` → `muchas graci` after stemming), indexed in their own fields without
//! positions.
//!
//! A two-word phrase is then one term lookup instead of a positional match over every document
//! holding both words (the slow part of phrases of common words such as "muchas gracias"),
//! and a longer phrase only checks positions in the documents holding all of its pairs. Two
//! words are a pair only when they are neighbours in one text: a word the analyzer dropped in
//! between (longer than its limit) breaks the pair, as it breaks a phrase.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Joins the two words of a pair; the analyzers never put a space inside a word.
pub const JOIN: char = ' ';

/// The pair term of two analysed words.
pub fn pair(first: &str, second: &str) -> String {
    let mut out = String::with_capacity(first.len() + second.len() + 1);
    out.push_str(first);
    out.push(JOIN);
    out.push_str(second);
    out
}

/// Emits the pairs of neighbouring tokens of the stream it wraps, and nothing else.
#[derive(Clone, Copy, Debug, Default)]
pub struct PairFilter;

impl TokenFilter for PairFilter {
    type Tokenizer<T: Tokenizer> = PairTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PairTokenizer<T> {
        PairTokenizer { inner: tokenizer }
    }
}

/// A tokenizer followed by [`PairFilter`].
#[derive(Clone)]
pub struct PairTokenizer<T: Tokenizer> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PairTokenizer<T> {
    type TokenStream<'a> = PairStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PairStream { tail: self.inner.token_stream(text), previous: None, token: Token::default() }
    }
}

/// The stream of pairs.
pub struct PairStream<S> {
    tail: S,
    /// The last word seen: its position, where it starts, and its text.
    previous: Option<(usize, usize, String)>,
    token: Token,
}

impl<S: TokenStream> TokenStream for PairStream<S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let t = self.tail.token();
            let current = (t.position, t.offset_from, t.text.clone());
            let before = self.previous.replace(current);
            if let Some((position, from, text)) = before.filter(|(p, _, _)| p + 1 == t.position) {
                self.token = Token {
                    offset_from: from,
                    offset_to: t.offset_to,
                    position,
                    text: pair(&text, &t.text),
                    position_length: 1,
                };
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};

    use super::*;

    fn pairs(text: &str) -> Vec<(usize, String)> {
        let mut a = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(8))
            .filter(LowerCaser)
            .filter(PairFilter)
            .build();
        let mut out = Vec::new();
        a.token_stream(text).process(&mut |t| out.push((t.position, t.text.clone())));
        out
    }

    #[test]
    fn neighbouring_words_make_pairs() {
        assert_eq!(
            pairs("Muchas gracias, Ana!"),
            vec![(0, "muchas gracias".to_string()), (1, "gracias ana".to_string())]
        );
        assert_eq!(pairs("one"), Vec::<(usize, String)>::new());
        assert_eq!(pairs(""), Vec::<(usize, String)>::new());
    }

    #[test]
    fn a_dropped_word_breaks_the_pair() {
        assert_eq!(pairs("plan extraordinarily pro plan"), vec![(2, "pro plan".to_string())]);
    }
}
