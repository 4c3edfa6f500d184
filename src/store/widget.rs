//! The widget's records: customer sessions (keyed by the hash of their token, so a stolen
//! database holds no usable token) and satisfaction ratings (one per conversation).

use super::StoreError;
use super::changes::Changes;
use super::reader::Reader;
use super::tables::Tbl;
use crate::domain::widget::{CustomerSession, Rating};

/// Reads of sessions and ratings, for any [`Reader`].
pub trait WidgetReads: Reader + Sized {
    /// The session whose token hashes to `hash`.
    fn customer_session(&self, hash: &str) -> Result<Option<CustomerSession>, StoreError> {
        self.get_json(Tbl::CustomerSessions, hash)
    }
    /// A conversation's rating.
    fn rating(&self, conversation_id: &str) -> Result<Option<Rating>, StoreError> {
        self.get_json(Tbl::Ratings, conversation_id)
    }
    /// Every rating (reports read them and keep those of their period).
    fn ratings(&self) -> Result<Vec<Rating>, StoreError> {
        let rows = self.scan_raw(Tbl::Ratings, "", None, usize::MAX)?;
        rows.into_iter().map(|(_, v)| super::reader::decode(&v)).collect()
    }
    /// The sessions of a contact, with their token hashes (for revoking them all).
    fn sessions_of_contact(&self, contact_id: &str) -> Result<Vec<(String, CustomerSession)>, StoreError> {
        let rows = self.scan_raw(Tbl::CustomerSessions, "", None, usize::MAX)?;
        let mut out = Vec::new();
        for (k, v) in rows {
            let s: CustomerSession = super::reader::decode(&v)?;
            if s.contact_id == contact_id {
                out.push((k, s));
            }
        }
        Ok(out)
    }
}

impl<R: Reader> WidgetReads for R {}

/// Writes of sessions and ratings.
pub trait WidgetChanges {
    /// Stores a session under its token's hash.
    fn put_customer_session(&mut self, hash: &str, s: &CustomerSession) -> Result<(), StoreError>;
    /// Forgets a session: its token stops working.
    fn delete_customer_session(&mut self, hash: &str);
    /// Stores a rating.
    fn put_rating(&mut self, r: &Rating) -> Result<(), StoreError>;
}

impl WidgetChanges for Changes {
    fn put_customer_session(&mut self, hash: &str, s: &CustomerSession) -> Result<(), StoreError> {
        self.put_json(Tbl::CustomerSessions, hash, s)
    }
    fn delete_customer_session(&mut self, hash: &str) {
        self.delete(Tbl::CustomerSessions, hash);
    }
    fn put_rating(&mut self, r: &Rating) -> Result<(), StoreError> {
        self.put_json(Tbl::Ratings, &r.conversation_id, r)
    }
}
