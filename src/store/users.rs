//! Typed access to users and their credentials, with the secondary indexes kept in step:
//! email → user, secret hash → credential, user → credentials.

use super::StoreError;
use super::changes::Changes;
use super::reader::{Reader, decode};
use super::tables::Tbl;
use crate::domain::{Credential, Role, User};

/// Lookups of users and credentials, for any [`Reader`].
pub trait UserReads: Reader + Sized {
    /// The user with this id.
    fn user(&self, id: &str) -> Result<Option<User>, StoreError> {
        self.get_json(Tbl::Users, id)
    }

    /// The user with this normalised email.
    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        match self.get_str(Tbl::UserEmails, email)? {
            Some(id) => self.user(&id),
            None => Ok(None),
        }
    }

    /// Up to `limit` users in creation order, after the user id `after`.
    fn users_page(&self, after: Option<&str>, limit: usize) -> Result<Vec<User>, StoreError> {
        self.scan_raw(Tbl::Users, "", after, limit)?.iter().map(|(_, v)| decode(v)).collect()
    }

    /// Number of users, active or not.
    fn user_count(&self) -> Result<u64, StoreError> {
        self.count(Tbl::Users)
    }

    /// Number of active admins (the workspace must always keep one).
    fn active_admin_count(&self) -> Result<usize, StoreError> {
        let mut n = 0;
        let mut after: Option<String> = None;
        loop {
            let page = self.users_page(after.as_deref(), 500)?;
            n += page.iter().filter(|u| u.active && u.role == Role::Admin).count();
            match page.last() {
                Some(last) if page.len() == 500 => after = Some(last.id.clone()),
                _ => return Ok(n),
            }
        }
    }

    /// The credential with this id.
    fn credential(&self, id: &str) -> Result<Option<Credential>, StoreError> {
        self.get_json(Tbl::Credentials, id)
    }

    /// Up to `limit` credentials in id order after the id `after`.
    fn credentials_page(&self, after: Option<&str>, limit: usize) -> Result<Vec<Credential>, StoreError> {
        self.scan_raw(Tbl::Credentials, "", after, limit)?.iter().map(|(_, v)| decode(v)).collect()
    }

    /// The credential whose secret hashes to `hash`.
    fn credential_by_hash(&self, hash: &str) -> Result<Option<Credential>, StoreError> {
        match self.get_str(Tbl::CredentialHashes, hash)? {
            Some(id) => self.credential(&id),
            None => Ok(None),
        }
    }

    /// Every credential of a user, revoked ones included, oldest first.
    fn credentials_of(&self, user_id: &str) -> Result<Vec<Credential>, StoreError> {
        let prefix = super::keys::user_credentials_prefix(user_id);
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self.scan_raw(Tbl::UserCredentials, &prefix, after.as_deref(), 500)?;
            for (key, _) in &page {
                if let Some(c) = self.credential(&key[prefix.len()..])? {
                    out.push(c);
                }
            }
            match page.last() {
                Some((key, _)) if page.len() == 500 => after = Some(key.clone()),
                _ => return Ok(out),
            }
        }
    }
}

impl<R: Reader> UserReads for R {}

/// Writes of users and credentials that keep the indexes consistent.
pub trait UserChanges {
    /// Stores `user`; `previous` is its stored version (to move the email index).
    fn put_user(&mut self, user: &User, previous: Option<&User>) -> Result<(), StoreError>;
    /// Stores a credential with its indexes.
    fn put_credential(&mut self, credential: &Credential) -> Result<(), StoreError>;
    /// Deletes a credential and its indexes (a token long revoked or expired).
    fn delete_credential(&mut self, credential: &Credential);
}

impl UserChanges for Changes {
    fn put_user(&mut self, user: &User, previous: Option<&User>) -> Result<(), StoreError> {
        if let Some(old) = previous.filter(|old| old.email != user.email) {
            self.delete(Tbl::UserEmails, &old.email);
        }
        self.put_str(Tbl::UserEmails, &user.email, &user.id);
        super::routing::index_user(self, user, previous);
        self.put_json(Tbl::Users, &user.id, user)
    }

    fn put_credential(&mut self, credential: &Credential) -> Result<(), StoreError> {
        // Revoked credentials keep their hash entry, so a revoked token is refused as
        // "revoked" rather than "unknown"; `Credential::check` refuses it either way.
        self.put_str(Tbl::CredentialHashes, &credential.secret_hash, &credential.id);
        self.put_str(Tbl::UserCredentials, &super::keys::user_credential_key(&credential.user_id, &credential.id), "");
        self.put_json(Tbl::Credentials, &credential.id, credential)
    }

    fn delete_credential(&mut self, credential: &Credential) {
        self.delete(Tbl::CredentialHashes, &credential.secret_hash);
        self.delete(Tbl::UserCredentials, &super::keys::user_credential_key(&credential.user_id, &credential.id));
        self.delete(Tbl::Credentials, &credential.id);
    }
}
