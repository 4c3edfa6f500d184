//! The supervisor monitor's search bar (F28): one text matched against people's names, emails
//! and phones, ignoring case and accents, anywhere in the text ("lucia" finds "María Lucía",
//! "example.net" finds every customer of that domain, "333 12" finds "+39 333 123 4567").

use super::FieldError;
use super::contact::fold;

/// Longest search text, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// Fewest digits a search needs before it also matches phones by their digits.
const MIN_PHONE_DIGITS: usize = 3;

/// A search text, folded once for matching many people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needle {
    folded: String,
    digits: String,
}

impl Needle {
    /// The needle of a search text; `None` when it is blank (no search).
    pub fn new(q: &str) -> Result<Option<Needle>, FieldError> {
        let q = q.trim();
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(FieldError::new("q", format!("must be at most {MAX_QUERY_CHARS} characters")));
        }
        if q.is_empty() {
            return Ok(None);
        }
        Ok(Some(Needle { folded: fold(q), digits: q.chars().filter(char::is_ascii_digit).collect() }))
    }

    /// Whether `text` contains the needle, ignoring case and accents.
    pub fn in_text(&self, text: &str) -> bool {
        fold(text).contains(&self.folded)
    }

    /// Whether a phone matches: as text, or, when the needle has at least three digits and
    /// nothing but digits and phone punctuation, by its digits alone.
    pub fn in_phone(&self, phone: &str) -> bool {
        if self.in_text(phone) {
            return true;
        }
        let phone_like = self.folded.chars().all(|c| c.is_ascii_digit() || " +-.()/".contains(c));
        phone_like
            && self.digits.len() >= MIN_PHONE_DIGITS
            && phone.chars().filter(char::is_ascii_digit).collect::<String>().contains(&self.digits)
    }

    /// Whether a person matches by name, email or phone.
    pub fn matches_person(&self, name: &str, email: Option<&str>, phone: Option<&str>) -> bool {
        self.in_text(name) || email.is_some_and(|e| self.in_text(e)) || phone.is_some_and(|p| self.in_phone(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needle(q: &str) -> Needle {
        Needle::new(q).expect("valid").expect("not blank")
    }

    #[test]
    fn names_emails_and_phones_match_anywhere_ignoring_case_and_accents() {
        assert!(needle("lucia").matches_person("María Lucía Pérez", None, None));
        assert!(needle("LUCÍA").matches_person("lucia", None, None));
        assert!(needle("cía pé").matches_person("María Lucía Pérez", None, None), "a substring across words");
        assert!(needle("example.NET").matches_person("", Some("nora@example.net"), None));
        assert!(!needle("example.org").matches_person("Nora", Some("nora@example.net"), None));
        let phone = Some("+39 333 123 4567");
        assert!(needle("333 12").matches_person("", None, phone), "digits across the spaces");
        assert!(needle("(333) 123-4567").matches_person("", None, phone));
        assert!(needle("+39 333").matches_person("", None, phone));
        assert!(
            !needle("33").matches_person("", None, Some("+44 20 3 311")),
            "two digits are too few for digit matching"
        );
        assert!(needle("33").matches_person("", None, Some("+44 33 11")), "but still match as text");
        assert!(!needle("room 333").matches_person("Ana", None, phone), "words are not a phone search");
    }

    #[test]
    fn blank_searches_are_no_search_and_long_ones_are_refused() {
        assert_eq!(Needle::new("   ").expect("valid"), None);
        assert_eq!(Needle::new(&"x".repeat(201)).unwrap_err().field, "q");
        assert!(Needle::new(&"x".repeat(200)).expect("valid").is_some());
    }
}
