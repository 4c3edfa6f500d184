//! Field validation shared by every use case: the list of offending fields that becomes the
//! `errors` member of a `422` problem, and the common checks (email, names, passwords).

use serde::Serialize;

/// One invalid field and what is wrong with it, in words a person can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name as it appears in the request body.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl FieldError {
    /// A new field error.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.to_string(), message: message.into() }
    }
}

/// Collects field errors so that every problem in a request is reported at once.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    /// An empty collection.
    pub fn new() -> Self {
        Checks(Vec::new())
    }

    /// Records `message` against `field` unless `ok`.
    pub fn require(&mut self, ok: bool, field: &str, message: impl Into<String>) {
        if !ok {
            self.0.push(FieldError::new(field, message));
        }
    }

    /// Records an error from a check that returned one.
    pub fn add(&mut self, result: Result<(), FieldError>) {
        if let Err(e) = result {
            self.0.push(e);
        }
    }

    /// `Ok` when nothing was recorded, otherwise every error.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }
}

/// Longest accepted email address (RFC 5321 path limit).
pub const MAX_EMAIL: usize = 254;
/// Longest accepted display name, in characters.
pub const MAX_NAME: usize = 100;
/// Shortest password a person may choose.
pub const MIN_PASSWORD: usize = 8;
/// Longest password accepted (argon2 hashes any length; this bounds the work per request).
pub const MAX_PASSWORD: usize = 1024;

/// Normalises an email for storage and matching: trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks an already normalised email address: one `@`, something on each side, no spaces.
pub fn check_email(field: &str, email: &str) -> Result<(), FieldError> {
    let mut parts = email.split('@');
    let (local, domain) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let ok = !local.is_empty()
        && !domain.is_empty()
        && parts.next().is_none()
        && email.len() <= MAX_EMAIL
        && !email.chars().any(char::is_whitespace)
        && !domain.starts_with('.')
        && !domain.ends_with('.');
    if ok { Ok(()) } else { Err(FieldError::new(field, "must be an email address such as ana@example.com")) }
}

/// Checks a display name: not blank, at most [`MAX_NAME`] characters.
pub fn check_name(field: &str, name: &str) -> Result<(), FieldError> {
    let n = name.trim().chars().count();
    if n == 0 {
        Err(FieldError::new(field, "must not be empty"))
    } else if n > MAX_NAME {
        Err(FieldError::new(field, format!("must be at most {MAX_NAME} characters")))
    } else {
        Ok(())
    }
}

/// Checks a password a person chose: between [`MIN_PASSWORD`] and [`MAX_PASSWORD`] characters.
pub fn check_password(field: &str, password: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        Err(FieldError::new(field, format!("must be at least {MIN_PASSWORD} characters")))
    } else if n > MAX_PASSWORD {
        Err(FieldError::new(field, format!("must be at most {MAX_PASSWORD} characters")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(normalize_email("  Ana@Example.COM "), "ana@example.com");
        assert!(check_email("email", "ana@example.com").is_ok());
        assert!(check_email("email", "admin@localhost").is_ok());
        for bad in ["", "ana", "@example.com", "ana@", "a@b@c", "a b@c.d", "a@.com", "a@com."] {
            assert!(check_email("email", bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn names_and_passwords() {
        assert!(check_name("name", "Ana").is_ok());
        assert!(check_name("name", "   ").is_err());
        assert!(check_name("name", &"x".repeat(101)).is_err());
        assert!(check_password("password", "12345678").is_ok());
        assert_eq!(check_password("password", "short").unwrap_err().field, "password");
        assert!(check_password("password", &"x".repeat(1025)).is_err());
    }

    #[test]
    fn checks_collect_every_error() {
        let mut c = Checks::new();
        c.require(false, "a", "bad a");
        c.add(check_name("b", ""));
        c.require(true, "c", "fine");
        let errors = c.finish().unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    }
}
