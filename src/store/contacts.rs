//! Contacts and their lookup index: unique keys for email, phone and external id, plus word
//! prefixes of names and every suffix of the phone's digits, so that any run of digits (the
//! local part without the country code, the last four digits) is a prefix scan.
//!
//! The keys of `Tbl::ContactIndex` are spelled in `store::keys`.

use std::collections::BTreeSet;

use super::StoreError;
use super::changes::Changes;
use super::keys::{
    MIN_PHONE_DIGITS, contact_digits_prefix, contact_email, contact_external, contact_index_keys, contact_name_prefix,
    contact_phone, id_after_slash,
};
use super::reader::{Reader, decode};
use super::tables::Tbl;
use crate::domain::contact::{Contact, fold, name_words, normalize_phone};
use crate::domain::validation::normalize_email;

/// Lookups of contacts, for any [`Reader`].
pub trait ContactReads: Reader + Sized {
    /// One contact.
    fn contact(&self, id: &str) -> Result<Option<Contact>, StoreError> {
        self.get_json(Tbl::Contacts, id)
    }
    /// The contact with this email (any case).
    fn contact_by_email(&self, email: &str) -> Result<Option<Contact>, StoreError> {
        self.contact_by_key(&contact_email(&normalize_email(email)))
    }
    /// The contact with this phone (any formatting).
    fn contact_by_phone(&self, phone: &str) -> Result<Option<Contact>, StoreError> {
        match normalize_phone(phone) {
            Some(p) => self.contact_by_key(&contact_phone(&p)),
            None => Ok(None),
        }
    }
    /// The contact with this external id.
    fn contact_by_external_id(&self, external_id: &str) -> Result<Option<Contact>, StoreError> {
        self.contact_by_key(&contact_external(external_id))
    }
    /// The contact an exact index key points to.
    fn contact_by_key(&self, key: &str) -> Result<Option<Contact>, StoreError> {
        match self.get_str(Tbl::ContactIndex, key)? {
            Some(id) => self.contact(&id),
            None => Ok(None),
        }
    }
    /// Up to `limit` contacts in creation order after the id `after`.
    fn contacts_page(&self, after: Option<&str>, limit: usize) -> Result<Vec<Contact>, StoreError> {
        self.scan_raw(Tbl::Contacts, "", after, limit)?.iter().map(|(_, v)| decode(v)).collect()
    }
    /// Ids of contacts whose name has a word starting with `q`, whose email starts with `q`,
    /// or whose phone contains the digits of `q` (at most `cap` ids).
    fn search_contact_ids(&self, q: &str, cap: usize) -> Result<BTreeSet<String>, StoreError> {
        let mut ids = BTreeSet::new();
        let q = q.trim();
        if q.is_empty() {
            return Ok(ids);
        }
        for word in name_words(q).into_iter().take(1) {
            for (k, _) in self.scan_raw(Tbl::ContactIndex, &contact_name_prefix(&word), None, cap)? {
                ids.insert(id_after_slash(&k).to_string());
            }
        }
        if q.contains('@') || q.contains('.') || q.chars().all(|c| c.is_alphanumeric()) {
            for (_, v) in self.scan_raw(Tbl::ContactIndex, &contact_email(&fold(q)), None, cap)? {
                ids.insert(String::from_utf8_lossy(&v).into_owned());
            }
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= MIN_PHONE_DIGITS && digits.len() * 2 >= q.chars().filter(|c| !c.is_whitespace()).count() {
            for (k, _) in self.scan_raw(Tbl::ContactIndex, &contact_digits_prefix(&digits), None, cap)? {
                ids.insert(id_after_slash(&k).to_string());
            }
        }
        Ok(ids)
    }
    /// The contact already holding a unique key of `c` (email, phone, external id), if not `c` itself.
    fn contact_clash(&self, c: &Contact) -> Result<Option<(&'static str, String)>, StoreError> {
        let checks = [
            ("email", c.email_key().map(|e| contact_email(&e))),
            ("phone", c.phone_key().map(|p| contact_phone(&p))),
            ("external_id", c.external_id.as_deref().map(contact_external)),
        ];
        for (field, key) in checks {
            if let Some(key) = key
                && let Some(owner) = self.get_str(Tbl::ContactIndex, &key)?
                && owner != c.id
            {
                return Ok(Some((field, owner)));
            }
        }
        Ok(None)
    }
}

impl<R: Reader> ContactReads for R {}

/// Stores a contact and moves its index keys from `previous`.
pub fn put_contact(c: &mut Changes, contact: &Contact, previous: Option<&Contact>) -> Result<(), StoreError> {
    let new_keys = contact_index_keys(contact);
    if let Some(old) = previous {
        for (k, _) in contact_index_keys(old) {
            if !new_keys.iter().any(|(nk, _)| *nk == k) {
                c.delete(Tbl::ContactIndex, &k);
            }
        }
    }
    for (k, v) in &new_keys {
        c.put_str(Tbl::ContactIndex, k, v);
    }
    c.put_json(Tbl::Contacts, &contact.id, contact)
}
