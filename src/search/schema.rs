//! The index's schema and analyzers (F32).
//!
//! One document per conversation, indexed in the language its text is written in (English,
//! Italian or Spanish, guessed from stop words, the workspace language breaking ties), so each
//! word goes through that language's stemmer once, while a query is analysed in all three
//! languages and matches whichever one the conversation was indexed in. Every analyzer folds
//! accents before stemming, so "informacion" and "información" become the same term, and tags
//! each stem with its language (see `search::bylang`), so the stems of one language meet text of
//! that language only: the Italian stem of "note" is not the English word "not". A word spelled
//! the same in every language (a name, a code) is analysed alike on both sides and still
//! matches everywhere.
//!
//! All of a conversation's text (subject, customer messages, agent replies, notes) goes into
//! one field, with positions, analysed in the conversation's language (each value is marked
//! with it, see `search::bylang`), so a word is one posting list whoever wrote it and whatever the
//! language: counting or ordering the hits of a common word walks one list, not one per
//! author and language. A query word is analysed in the three languages and looks up the
//! distinct terms that gives (usually one). Beside it, a field of the pairs of neighbouring
//! words (no positions) answers phrases with term lookups (see `search::pairs`). Who wrote
//! what is kept apart only as much as `from:` and the subject's boost need: one field per
//! author holding which documents have a word (no frequencies, positions or lengths).
//!
//! The `bucket` field files each document under the day and the 30-day period of its last
//! update, so a newest-first search can look at the most recent documents first (see
//! `search::newest`).
//!
//! The text's words are also kept unstemmed (`plain_text`, folded, no positions): typed
//! prefixes are looked up there, and an exact word adds to the score of a stem match. The
//! `spans` bytes say where each message starts among the text's positions (see
//! `search::spots`), so a result page reads only the messages that matched.
//!
//! The other fields are filters (exact strings), the permission keys of the conversation
//! (`see`), dates as fast fields for ranges and date order, and the contact's phone digits as
//! suffixes so any tail fragment of a number is a prefix of a term.

use tantivy::Index;

use super::bylang::{ByLang, Tag};
use super::pairs::PairFilter;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};

/// Bumped whenever the schema or an analyzer changes; an index of another version is rebuilt.
pub const INDEX_VERSION: u32 = 7;

/// The languages the index stems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Italian.
    It,
    /// Spanish.
    Es,
}

impl Lang {
    /// All of them, in field order.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::It, Lang::Es];

    /// The ISO code, also the suffix of field and analyzer names.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::It => "it",
            Lang::Es => "es",
        }
    }

    /// The language of an ISO code (`it`, `es-ES` …), if it is one of ours.
    pub fn from_code(code: &str) -> Option<Lang> {
        let base = code.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == base)
    }

    fn stemmer(self) -> Language {
        match self {
            Lang::En => Language::English,
            Lang::It => Language::Italian,
            Lang::Es => Language::Spanish,
        }
    }

    /// The character in front of every stemmed term of the language.
    pub fn tag(self) -> char {
        match self {
            Lang::En => 'E',
            Lang::It => 'I',
            Lang::Es => 'S',
        }
    }

    /// Its place in `Lang::ALL`.
    pub(super) fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::It => 1,
            Lang::Es => 2,
        }
    }
}

/// Who wrote a piece of text; `from:` in a query picks one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The subject line.
    Subject,
    /// Customer messages.
    Customer,
    /// Agent replies.
    Agent,
    /// Internal notes (staff only).
    Note,
}

impl Role {
    /// Every role, in field order.
    pub const ALL: [Role; 4] = [Role::Subject, Role::Customer, Role::Agent, Role::Note];

    fn name(self) -> &'static str {
        match self {
            Role::Subject => "subject",
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Note => "note",
        }
    }

    /// Its place in `Role::ALL`.
    pub(super) fn index(self) -> usize {
        match self {
            Role::Subject => 0,
            Role::Customer => 1,
            Role::Agent => 2,
            Role::Note => 3,
        }
    }
}

/// Analyzer for names, emails, numbers and labels: lower-cased and folded, never stemmed.
pub const PLAIN: &str = "sb_plain";
/// Analyzer of the text's unstemmed words.
pub const PLAIN_WORDS: &str = "sb_plain_words";
/// The analyzer of conversation text: words, in the language each value is marked with.
pub const WORDS: &str = "sb_words";
/// The analyzer of neighbouring word pairs, in the language each value is marked with.
pub const PAIRS: &str = "sb_pairs";

/// The fields of the schema.
#[derive(Clone, Debug)]
pub struct Fields {
    /// Conversation id (stored; the key deletes go by).
    pub id: Field,
    /// The language the text was indexed in (stored).
    pub lang: Field,
    /// All text, analysed in the conversation's language, with positions.
    pub text: Field,
    /// The same text as pairs of neighbouring words (no positions; see `search::pairs`).
    pub pairs: Field,
    /// The same text's words lower-cased and folded but never stemmed (no frequencies or
    /// positions): where a typed prefix is looked up, since a stem can be shorter than the
    /// prefix a person types ("informaci*" of "información", whose Spanish stem is "inform").
    pub plain_text: Field,
    /// Where each value of `text` starts and which message it is (stored; see `search::spots`).
    pub spans: Field,
    /// Which documents hold a word, by author (no frequencies, positions or lengths).
    by_role: [Field; 4],
    /// Contact name and email, and the conversation's number.
    pub contact: Field,
    /// Suffixes of the contact's phone digits.
    pub phone: Field,
    /// Label names (`label:vip`).
    pub label: Field,
    /// Label ids (the list filter).
    pub label_id: Field,
    /// Status.
    pub status: Field,
    /// Detailed status.
    pub detailed: Field,
    /// Assignee id.
    pub assignee: Field,
    /// The team it is queued for.
    pub team: Field,
    /// Inbox id.
    pub inbox: Field,
    /// The inbox's channel.
    pub channel: Field,
    /// Contact id.
    pub contact_id: Field,
    /// Who may see it: `u:{user}`, `q:{inbox}` (queued), `t:{team}` (queued for a team).
    pub see: Field,
    /// Created, epoch millis.
    pub created: Field,
    /// Updated, epoch millis.
    pub updated: Field,
    /// The day (`d{n}`) and 30-day period (`p{n}`) of the last update (see `search::newest`).
    pub bucket: Field,
}

impl Fields {
    /// The field of the words one author wrote.
    pub fn by_role(&self, role: Role) -> Field {
        self.by_role[role.index()]
    }
}

/// Builds the schema.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let positions = IndexRecordOption::WithFreqsAndPositions;
    // Text values are marked with their conversation's language (see `search::bylang`).
    let by_lang = |tokenizer, option, norms| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(option).set_fieldnorms(norms),
        )
    };
    let text = b.add_text_field("text", by_lang(WORDS, positions, true));
    let pairs = b.add_text_field("pairs", by_lang(PAIRS, IndexRecordOption::WithFreqs, true));
    // These fields only filter (`from:`) or add a constant (the subject).
    let by_role = Role::ALL.map(|role| b.add_text_field(role.name(), by_lang(WORDS, IndexRecordOption::Basic, false)));
    let plain = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(PLAIN).set_index_option(positions));
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        lang: b.add_text_field("lang", STRING | STORED),
        text,
        pairs,
        plain_text: b.add_text_field(
            "plain_text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(PLAIN_WORDS)
                    .set_index_option(IndexRecordOption::Basic)
                    .set_fieldnorms(false),
            ),
        ),
        spans: b.add_bytes_field("spans", STORED),
        by_role,
        contact: b.add_text_field("contact", plain.clone()),
        phone: b.add_text_field("phone", STRING),
        label: b.add_text_field("label", plain),
        label_id: b.add_text_field("label_id", STRING),
        status: b.add_text_field("status", STRING),
        detailed: b.add_text_field("detailed", STRING),
        assignee: b.add_text_field("assignee", STRING),
        team: b.add_text_field("team", STRING),
        inbox: b.add_text_field("inbox", STRING),
        channel: b.add_text_field("channel", STRING),
        contact_id: b.add_text_field("contact_id", STRING),
        see: b.add_text_field("see", STRING),
        created: b.add_i64_field("created", INDEXED | FAST),
        updated: b.add_i64_field("updated", INDEXED | FAST),
        bucket: b.add_text_field("bucket", STRING),
    };
    (b.build(), fields)
}

/// Bytes of the longest word the text analyzers keep.
const MAX_WORD: usize = 40;

/// The text analyzers' words before any change: positions and offsets are theirs.
pub fn word_splitter() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(MAX_WORD)).build()
}

/// A language's analyzer: words, lower-cased, accents folded, stemmed, tagged with the language.
pub fn analyzer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(lang.stemmer()))
        .filter(Tag(lang.tag()))
        .build()
}

/// The language's analyzer followed by [`PairFilter`]: the pairs of neighbouring words.
pub fn pairs_analyzer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(lang.stemmer()))
        .filter(Tag(lang.tag()))
        .filter(PairFilter)
        .build()
}

/// The analyzer of the text's unstemmed words: lower-cased and folded, as long as the stemmed
/// ones.
pub fn plain_words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The analyzer of names, emails and labels.
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the analyzers the schema names (tantivy does not store them in the index).
pub fn register(index: &Index) {
    index.tokenizers().register(PLAIN, plain_analyzer());
    index.tokenizers().register(PLAIN_WORDS, plain_words_analyzer());
    index.tokenizers().register(WORDS, TextAnalyzer::from(ByLang::new(analyzer)));
    index.tokenizers().register(PAIRS, TextAnalyzer::from(ByLang::new(pairs_analyzer)));
}

const STOP_EN: &[&str] = &[
    "the", "and", "is", "are", "you", "my", "to", "of", "it", "for", "with", "have", "was", "this", "that", "can",
    "not", "please", "thanks", "thank", "hello", "your", "we", "our", "i", "in", "on", "would", "cannot", "order",
];
const STOP_IT: &[&str] = &[
    "il",
    "la",
    "che",
    "di",
    "non",
    "per",
    "sono",
    "mi",
    "ho",
    "una",
    "della",
    "grazie",
    "buongiorno",
    "come",
    "vostro",
    "questo",
    "anche",
    "ma",
    "gli",
    "alla",
    "nel",
    "ciao",
    "salve",
    "e",
    "è",
    "le",
    "del",
    "riesco",
    "vorrei",
    "ordine",
];
const STOP_ES: &[&str] = &[
    "el", "los", "las", "que", "de", "no", "para", "es", "mi", "por", "una", "con", "gracias", "hola", "buenos", "del",
    "pero", "su", "al", "muy", "esta", "tengo", "como", "y", "la", "en", "lo", "me", "sobre", "necesito", "puedo",
    "quiero", "pedido",
];

/// Letters only one of the languages writes.
fn letter_hint(c: char) -> Option<Lang> {
    match c {
        'ñ' | 'Ñ' | '¿' | '¡' | 'á' | 'í' | 'ó' | 'ú' => Some(Lang::Es),
        'à' | 'è' | 'ì' | 'ò' | 'ù' => Some(Lang::It),
        _ => None,
    }
}

/// Guesses the language of a text from its stop words and letters; `fallback` when nothing
/// decides.
pub fn detect<'a>(texts: impl IntoIterator<Item = &'a str>, fallback: Lang) -> Lang {
    let mut score = [0u32; 3];
    for text in texts {
        for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
            let w = word.to_lowercase();
            for (i, list) in [STOP_EN, STOP_IT, STOP_ES].iter().enumerate() {
                if list.contains(&w.as_str()) {
                    score[i] += 1;
                }
            }
            for l in w.chars().filter_map(letter_hint) {
                score[l.index()] += 2;
            }
        }
    }
    let best = score.iter().copied().max().unwrap_or(0);
    if best == 0 || score[fallback.index()] == best {
        return fallback;
    }
    Lang::ALL.into_iter().find(|l| score[l.index()] == best).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: Lang, text: &str) -> Vec<String> {
        let mut a = analyzer(lang);
        let mut out = Vec::new();
        a.token_stream(text).process(&mut |t| out.push(t.text.clone()));
        out
    }

    #[test]
    fn stems_and_folds_each_language() {
        assert_eq!(terms(Lang::It, "fatture"), terms(Lang::It, "fattura"));
        assert_eq!(terms(Lang::Es, "contraseñas"), terms(Lang::Es, "contraseña"));
        assert_eq!(terms(Lang::Es, "informacion"), terms(Lang::Es, "información"));
        assert_eq!(terms(Lang::En, "invoices"), terms(Lang::En, "invoice"));
    }

    #[test]
    fn detects_the_language_from_stop_words() {
        assert_eq!(detect(["Buongiorno, non riesco a scaricare la fattura"], Lang::En), Lang::It);
        assert_eq!(detect(["Hola, no puedo cambiar mi contraseña"], Lang::En), Lang::Es);
        assert_eq!(detect(["Hello, I cannot download the invoice"], Lang::It), Lang::En);
        assert_eq!(detect(["ok"], Lang::Es), Lang::Es);
        assert_eq!(detect(["Hola, olvidé mi contraseña y necesito información sobre la factura"], Lang::En), Lang::Es);
    }
}
