//! Secrets: argon2id password hashes (computed off the async threads) and random bearer tokens
//! stored only as SHA-256 hashes.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use super::DeskError;
use crate::store::StoreError;

/// Fills an array with bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xF)]));
    }
    s
}

/// A new bearer secret with the given prefix: 256 random bits in hex.
pub fn new_secret(prefix: &str) -> String {
    format!("{prefix}{}", hex(&random_bytes::<32>()))
}

/// The stored form of a bearer secret.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// A readable random password for one-time use: 16 characters without look-alikes.
pub fn new_one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<16>().iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect()
}

fn hash_blocking(password: &str) -> Result<String, DeskError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| DeskError::Storage(StoreError::Unavailable(format!("password hashing failed: {e}"))))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Hashes a password with argon2id on the blocking pool.
pub async fn hash(password: String) -> Result<String, DeskError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| DeskError::Storage(StoreError::Unavailable(format!("hashing task failed: {e}"))))?
}

/// Checks a password against a stored hash on the blocking pool. With no hash (unknown
/// account) it checks against a dummy hash, so both cases take the same time.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    let result = tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => {
            static DUMMY: OnceLock<String> = OnceLock::new();
            let dummy = DUMMY.get_or_init(|| hash_blocking(&new_one_time_password()).unwrap_or_default());
            verify_blocking(&password, dummy);
            false
        }
    })
    .await;
    result.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_hash_stably() {
        let a = new_secret("sbs_");
        let b = new_secret("sbs_");
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert_eq!(secret_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(new_one_time_password().len(), 16);
    }

    #[tokio::test]
    async fn passwords_verify_only_with_the_right_password() {
        let h = hash("correct horse".into()).await.expect("hashes");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(h.clone())).await);
        assert!(!verify("wrong".into(), Some(h)).await);
        assert!(!verify("anything".into(), None).await);
    }
}
