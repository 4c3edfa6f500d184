//! Issue 16's reference test: a generated three-language corpus, a few hundred queries (words,
//! AND, phrases, prefixes, names, emails), and a naive matcher written here that says which
//! conversations each query must find. Search must find all of them (recall 1.0), and every
//! conversation it finds must hold each query word in the conversation's own language (its
//! stem there, the word as typed, or a prefix as typed): no stem of one language may meet text
//! of another. Known colliding pairs ("note" and "not", "guido" and "guide" …) are checked one by
//! one, after checking that they really collide across languages.

use std::collections::BTreeSet;

use crate::common::Harness;
use crate::common::desk::{Desk, cid};
use serde_json::json;
use switchboard::search::Lang;
use switchboard::search::schema::analyzer;

const EN_STOP: &[&str] = &["the", "and", "is", "you", "my", "to", "of", "for", "with", "this", "can", "please", "your"];
const IT_STOP: &[&str] = &["il", "la", "che", "di", "non", "per", "sono", "mi", "ho", "una", "della", "questo", "gli"];
const ES_STOP: &[&str] = &["el", "los", "las", "que", "de", "no", "para", "es", "mi", "por", "una", "con", "pero"];
const EN_WORDS: &[&str] = &[
    "invoice",
    "invoices",
    "payment",
    "refund",
    "refunds",
    "password",
    "download",
    "downloads",
    "portal",
    "account",
    "delivery",
    "shipping",
    "performance",
    "vector",
    "somewhere",
    "argument",
    "strategy",
    "printer",
    "laptop",
    "warranty",
    "subscription",
    "discount",
    "receipt",
    "address",
    "upgrade",
    "battery",
    "screen",
    "keyboard",
    "error",
    "message",
    "billing",
    "contract",
    "meeting",
    "ticket",
    "report",
    "garden",
    "kitchen",
    "running",
    "happily",
];
const IT_WORDS: &[&str] = &[
    "fattura",
    "fatture",
    "pagamento",
    "rimborso",
    "password",
    "scaricare",
    "portale",
    "conto",
    "consegna",
    "spedizione",
    "prestazioni",
    "stampante",
    "garanzia",
    "abbonamento",
    "sconto",
    "ricevuta",
    "indirizzo",
    "batteria",
    "schermo",
    "tastiera",
    "errore",
    "messaggio",
    "aggiornamento",
    "contratto",
    "riunione",
    "assistenza",
    "città",
    "perché",
    "note",
    "preparazione",
    "giardino",
    "cucina",
    "cercavo",
];
const ES_WORDS: &[&str] = &[
    "factura",
    "facturas",
    "pago",
    "reembolso",
    "contraseña",
    "contraseñas",
    "descargar",
    "portal",
    "cuenta",
    "entrega",
    "envío",
    "rendimiento",
    "impresora",
    "garantía",
    "suscripción",
    "descuento",
    "recibo",
    "dirección",
    "batería",
    "pantalla",
    "teclado",
    "error",
    "mensaje",
    "actualización",
    "contrato",
    "reunión",
    "información",
    "jardín",
    "cocina",
    "también",
    "niño",
    "año",
];
/// (query, a word of English text it must not find, why): each collided across languages
/// before issue 16.
const COLLIDING: &[(&str, &str)] = &[
    ("note", "not"),
    ("Julian", "July"),
    ("chicken", "chick"),
    ("cited", "cits"),
    ("guido", "guide"),
    ("prepar*", "prep"),
];
const FIRST: &[&str] = &["Mario", "Lucía", "John", "Robert", "Giulia", "Pedro", "Ana", "Chloé", "Matteo", "Sofía"];
const LAST: &[&str] = &["Rossi", "Gómez", "Smith", "Bianchi", "Fernández", "Brown", "Ricci", "Núñez", "Taylor"];

struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next(from.len())]
    }
}

/// A generated conversation as the naive matcher sees it.
struct Conv {
    id: String,
    lang: Lang,
    /// Each line's words, lower-cased and folded.
    lines: Vec<Vec<String>>,
    /// The contact's name and email words, folded.
    contact: Vec<String>,
    email: String,
}

fn fold(s: &str) -> String {
    switchboard::domain::contact::fold(s)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(fold).collect()
}

/// A word's stem in `lang`, as the index holds it.
fn stem(lang: Lang, word: &str) -> String {
    let mut out = String::new();
    analyzer(lang).token_stream(word).process(&mut |t| out = t.text.clone());
    out
}

impl Conv {
    fn all_words(&self) -> impl Iterator<Item = &String> {
        self.lines.iter().flatten()
    }

    /// Whether the conversation holds `q` (one typed word, or `prefix*`) in the naive sense.
    fn holds_exactly(&self, q: &str) -> bool {
        match q.strip_suffix('*') {
            Some(p) => {
                let p = fold(p);
                self.all_words().chain(&self.contact).any(|w| w.starts_with(&p))
            }
            None => self.all_words().chain(&self.contact).any(|w| *w == fold(q)),
        }
    }

    /// Whether a found conversation may hold `q`: exactly, or by its stem in this
    /// conversation's language.
    fn may_hold(&self, q: &str) -> bool {
        self.holds_exactly(q)
            || (!q.ends_with('*') && self.all_words().any(|w| stem(self.lang, w) == stem(self.lang, q)))
    }

    fn holds_phrase(&self, phrase: &[String]) -> bool {
        self.lines.iter().any(|l| l.windows(phrase.len()).any(|w| w == phrase))
    }
}

/// A line in `lang`: stop words and content words alternating, sometimes a colliding word.
fn line(rng: &mut Rng, lang: Lang) -> String {
    let (stop, content) = match lang {
        Lang::En => (EN_STOP, EN_WORDS),
        Lang::It => (IT_STOP, IT_WORDS),
        Lang::Es => (ES_STOP, ES_WORDS),
    };
    let mut out: Vec<&str> = Vec::new();
    for _ in 0..(3 + rng.next(4)) {
        out.push(rng.pick(stop));
        out.push(rng.pick(content));
    }
    if lang == Lang::En && rng.next(3) == 0 {
        out.push(COLLIDING[rng.next(COLLIDING.len())].1);
    }
    out.join(" ")
}

/// Every conversation `q` finds (all pages of 500).
async fn found(h: &Harness, token: &str, q: &str) -> BTreeSet<String> {
    let enc: String = q.bytes().map(|b| format!("%{b:02X}")).collect();
    let a = h.get(&format!("/api/v1/search?q={enc}&limit=500"), token).await;
    assert_eq!(a.status, 200, "{q}: {}", a.text);
    let items = a.body["items"].as_array().expect("items");
    assert_eq!(a.body["total"].as_u64(), Some(items.len() as u64), "{q}: one page holds them all");
    items.iter().map(|i| i["conversation"]["id"].as_str().expect("id").to_string()).collect()
}

async fn corpus(h: &Harness, d: &Desk, rng: &mut Rng) -> Vec<Conv> {
    let mut out = Vec::new();
    for n in 0..150 {
        let lang = Lang::ALL[n % 3];
        let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
        let email = format!("{}.{}{n}@example.org", fold(first), fold(last));
        let texts: Vec<String> = (0..2 + rng.next(3)).map(|_| line(rng, lang)).collect();
        let transcript: Vec<_> = texts.iter().map(|t| json!({"from": "customer", "text": t})).collect();
        let body = json!({
            "inbox_id": d.web, "subject": "",
            "contact": {"name": format!("{first} {last}"), "email": email},
            "handoff": {"bot_name": "Helpbot", "transcript": transcript},
        });
        let a = h.post("/api/v1/conversations", &d.admin, body).await;
        assert_eq!(a.status, 201, "{}", a.text);
        let mut contact = words(&format!("{first} {last}"));
        contact.extend(words(&email));
        out.push(Conv { id: cid(&a.body), lang, lines: texts.iter().map(|t| words(t)).collect(), contact, email });
    }
    out
}

#[tokio::test]
async fn a_generated_corpus_finds_what_a_naive_matcher_finds_and_no_false_stem() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let mut rng = Rng(16);
    let convs = corpus(&h, &d, &mut rng).await;
    h.desk.index_now().expect("indexed");
    let sup = &d.sup;

    // The queries: words of each language, words that collide, prefixes, AND, phrases, names.
    let mut queries: Vec<String> = Vec::new();
    for list in [EN_WORDS, IT_WORDS, ES_WORDS] {
        queries.extend(list.iter().map(|w| w.to_string()));
        queries.extend(
            list.iter()
                .filter(|w| w.chars().count() > 5)
                .map(|w| format!("{}*", &w[..w.char_indices().nth(4).map_or(w.len(), |(i, _)| i)])),
        );
    }
    queries.extend(COLLIDING.iter().map(|(q, _)| q.to_string()));
    queries.extend(
        ["informaci*", "Informació*", "contraseñ*", "rob*", "smi*", "gómez", "GOMEZ", "chloe"].map(String::from),
    );
    for c in convs.iter().step_by(3) {
        let line = &c.lines[0];
        queries.push(format!("{} {}", line[1], line[line.len() - 1]));
        queries.push(format!("\"{} {} {}\"", line[1], line[2], line[3]));
        queries.push(c.email.clone());
    }
    assert!(queries.len() > 250, "{} queries", queries.len());

    for q in &queries {
        let got = found(&h, sup, q).await;
        let phrase = q.strip_prefix('"').and_then(|p| p.strip_suffix('"')).map(words);
        let terms: Vec<String> = q.split_whitespace().map(String::from).collect();
        let is_email = q.contains('@');
        for c in &convs {
            let want = match (&phrase, is_email) {
                (_, true) => c.email == *q,
                (Some(p), _) => c.holds_phrase(p),
                (None, _) => terms.iter().all(|t| c.holds_exactly(t)),
            };
            if want {
                assert!(got.contains(&c.id), "{q:?} must find {} ({:?}: {:?})", c.id, c.lang, c.lines);
            }
            if got.contains(&c.id) && !is_email {
                let words: Vec<String> = phrase.clone().unwrap_or_else(|| terms.clone());
                for t in &words {
                    assert!(
                        c.may_hold(t),
                        "{q:?} found {} ({:?}) without {t:?} in its language: {:?}",
                        c.id,
                        c.lang,
                        c.lines
                    );
                }
            }
        }
    }

    // The colliding pairs did collide: another language's stem of the query is the English
    // stem of the word. Now no English conversation holding only the word is found.
    for (q, word) in COLLIDING {
        let q_word = q.trim_end_matches('*');
        let untagged = |lang, w: &str| stem(lang, w)[1..].to_string();
        let collides = [Lang::It, Lang::Es].iter().any(|l| {
            let s = untagged(*l, q_word);
            let e = untagged(Lang::En, word);
            if q.ends_with('*') { e.starts_with(&s) } else { s == e }
        });
        assert!(collides, "{q} and {word} collide across languages");
        let victims: Vec<&Conv> =
            convs.iter().filter(|c| c.lang == Lang::En && c.holds_exactly(word) && !c.holds_exactly(q)).collect();
        assert!(!victims.is_empty(), "the corpus has English text with {word:?}");
        let got = found(&h, sup, q).await;
        for c in victims {
            assert!(!got.contains(&c.id), "{q:?} found {word:?} in English text: {:?}", c.lines);
        }
    }
}
