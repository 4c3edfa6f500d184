//! Secrets: argon2id password hashes and random bearer tokens stored only as SHA-256 hashes.
//!
//! Every argon2 computation runs on one dedicated hasher thread that owns one reusable 19 MiB
//! block buffer. Letting argon2 allocate per call (its default) grows the resident memory by
//! 19 MiB on every sign-in with glibc: the 64-byte-aligned `calloc` it asks for is a little
//! larger than the chunk the previous call freed, so the heap grows and is never trimmed (an
//! idle server reached 170 MB after nine sign-ins). With the shared buffer it stays flat.
//! The buffer is released once no hash has been asked for during [`KEEP_BLOCKS`], so an idle
//! server does not hold 19 MiB for the sign-ins of the morning (the server sets glibc's mmap
//! threshold, so a block that large is mapped and unmapped, never left in the heap).
//! One thread also bounds the CPU a flood of sign-in attempts can take.

use std::cell::RefCell;
use std::sync::{Mutex, OnceLock, mpsc};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// How long the hasher keeps its block buffer after the last hash.
pub const KEEP_BLOCKS: std::time::Duration = std::time::Duration::from_secs(2);

thread_local! {
    /// The hasher thread's argon2 working memory, reused by every hash.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 with the thread's reusable memory.
fn argon2_into(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), String> {
    BLOCKS.with(|cell| {
        let mut blocks = cell.borrow_mut();
        let needed = params.block_count();
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..needed]).map_err(|e| e.to_string())
    })
}

/// Gives the thread's argon2 working memory back (the next hash allocates it again).
fn release_blocks() {
    BLOCKS.with(|cell| {
        if let Ok(mut blocks) = cell.try_borrow_mut() {
            *blocks = Vec::new();
        }
    });
}

/// Bytes of argon2 working memory the calling thread holds.
fn held_blocks() -> usize {
    BLOCKS.with(|cell| cell.borrow().len() * std::mem::size_of::<Block>())
}

fn hash_blocking(password: &str) -> Result<String, DeskError> {
    let failed = |e: String| DeskError::Storage(StoreError::Unavailable(format!("password hashing failed: {e}")));
    let params = Params::DEFAULT;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = argon2::password_hash::generate_salt();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&argon, &params, password.as_bytes(), &salt, &mut out).map_err(failed)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| failed(e.to_string()))?,
        salt: Some(Salt::new(&salt).map_err(|e| failed(e.to_string()))?),
        hash: Some(Output::new(&out).map_err(|e| failed(e.to_string()))?),
    };
    Ok(phc.to_string())
}

fn verify_blocking(password: &str, stored: &str) -> bool {
    let check = || -> Option<bool> {
        let parsed = PasswordHash::new(stored).ok()?;
        let algorithm = Algorithm::new(parsed.algorithm).ok()?;
        let version = match parsed.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&parsed).ok()?;
        let (salt, expected) = (parsed.salt?, parsed.hash?);
        let mut out = vec![0u8; expected.len()];
        argon2_into(
            &Argon2::new(algorithm, version, params.clone()),
            &params,
            password.as_bytes(),
            salt.as_ref(),
            &mut out,
        )
        .ok()?;
        // `Output` compares in constant time.
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Runs `f` on the hasher thread (started on first use) and awaits its result.
async fn on_hasher<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    static HASHER: OnceLock<Mutex<mpsc::Sender<HashJob>>> = OnceLock::new();
    let sender = HASHER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<HashJob>();
        let spawned = std::thread::Builder::new().name("switchboard-hasher".into()).spawn(move || {
            // Waits without a timeout while it holds nothing, so an idle server never wakes it.
            loop {
                let next = match held_blocks() > 0 {
                    true => rx.recv_timeout(KEEP_BLOCKS),
                    false => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                };
                match next {
                    Ok(job) => job(),
                    Err(mpsc::RecvTimeoutError::Timeout) => release_blocks(),
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the password hasher thread");
        }
        Mutex::new(tx)
    });
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: HashJob = Box::new(move || {
        let _ = tx.send(f());
    });
    sender.lock().ok()?.send(job).ok()?;
    rx.await.ok()
}

/// Hashes a password with argon2id on the hasher thread.
pub async fn hash(password: String) -> Result<String, DeskError> {
    on_hasher(move || hash_blocking(&password))
        .await
        .unwrap_or_else(|| Err(DeskError::Storage(StoreError::Unavailable("the password hasher stopped".into()))))
}

/// Checks a password against a stored hash on the hasher thread. With no hash (unknown
/// account) it checks against a dummy hash, so both cases take the same time.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    on_hasher(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => {
            static DUMMY: OnceLock<String> = OnceLock::new();
            let dummy = DUMMY.get_or_init(|| hash_blocking(&new_one_time_password()).unwrap_or_default());
            verify_blocking(&password, dummy);
            false
        }
    })
    .await
    .unwrap_or(false)
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

    #[test]
    fn the_working_memory_is_released_when_idle() {
        hash_blocking("first").expect("hashes");
        assert_eq!(held_blocks(), 19_456 * 1024, "argon2's default 19 MiB is kept between hashes");
        release_blocks();
        assert_eq!(held_blocks(), 0);
        let h = hash_blocking("again").expect("hashes after a release");
        assert!(verify_blocking("again", &h));
    }

    #[test]
    fn hashes_are_standard_phc_strings_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash_blocking("interop").expect("hashes");
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        let parsed = PasswordHash::new(&ours).expect("parses");
        assert!(Argon2::default().verify_password(b"interop", &parsed).is_ok());
        let stock = Argon2::default().hash_password(b"interop").expect("hashes").to_string();
        assert!(verify_blocking("interop", &stock));
        assert!(!verify_blocking("other", &stock));
        assert!(!verify_blocking("interop", "not a phc string"));
    }
}
