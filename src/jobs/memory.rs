//! Giving freed memory back to the system.
//!
//! glibc returns freed memory to the kernel only from the top of each of its heaps (one per
//! thread that allocates, up to eight per core); whatever is freed below a block still in use
//! stays resident, unused and uncounted by any cache limit. Start-up leaves such holes (the
//! search catch-up, the demo desk, parsing the spec for request checks), and so do the
//! indexer's segment buffers and merges under load. `malloc_trim(0)` walks every heap and
//! hands the free pages back; measured here, it took an idle restarted server from 16.8 to
//! 12.3 MB of anonymous memory, and a server ingesting 240 messages a second from 73 to 61 MB.
//!
//! [`return_large_blocks`], called first thing in `main`, keeps large blocks out of the heaps
//! altogether. Then a task first warms what the first request would otherwise build (`warm`), trims
//! [`FIRST_AFTER`] later, and then every [`EVERY`]. Each trim runs on a blocking thread; it
//! costs a few milliseconds for a heap of 100 MB. Elsewhere than glibc the task only warms.

use std::time::Duration;

use tokio::task::JoinHandle;

/// How long after the warm-up the first trim comes (start-up work is done by then).
pub const FIRST_AFTER: Duration = Duration::from_secs(3);
/// How often memory is trimmed after that.
pub const EVERY: Duration = Duration::from_secs(30);

/// Starts the task on the current runtime: `warm` runs once, before the first trim. Abort the
/// handle to stop it.
pub fn spawn(warm: fn()) -> JoinHandle<()> {
    tokio::spawn(async move {
        let _ = tokio::task::spawn_blocking(warm).await;
        if !TRIMS {
            return;
        }
        tokio::time::sleep(FIRST_AFTER).await;
        loop {
            let started = std::time::Instant::now();
            let before = crate::metrics::resident_memory_bytes();
            if tokio::task::spawn_blocking(trim).await.is_err() {
                return;
            }
            let after = crate::metrics::resident_memory_bytes();
            tracing::debug!(
                ms = started.elapsed().as_secs_f64() * 1e3,
                released_mb = (before - after) / 1e6,
                "freed memory handed back"
            );
            tokio::time::sleep(EVERY).await;
        }
    })
}

/// Whether [`trim`] does anything here (glibc only).
const TRIMS: bool = cfg!(all(target_os = "linux", target_env = "gnu"));

/// Hands the allocator's free pages back to the kernel.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn trim() {
    // SAFETY: malloc_trim only releases pages the allocator holds free; it takes each arena's
    // lock as any allocation does, and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators return memory on their own.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn trim() {}

/// Makes the allocator hand large blocks (256 KiB and more: argon2's 19 MiB for each password
/// check, search buffers, import batches) straight back to the kernel when they are freed.
/// glibc otherwise raises its threshold after the first such block and keeps them in its heap,
/// which held ~20 MB of a first run's password hashing for the life of the process.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn return_large_blocks() {
    // SAFETY: mallopt only sets an allocator parameter, under glibc's own lock; `main` calls
    // this first thing, so the setting holds for every allocation after.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// Other allocators need no such setting.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn return_large_blocks() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_keeps_live_memory_intact() {
        let kept: Vec<Vec<u8>> = (0..64u8).map(|i| vec![i; 64 * 1024]).collect();
        drop((0..64).map(|_| vec![0u8; 64 * 1024]).collect::<Vec<_>>());
        trim();
        assert!(kept.iter().enumerate().all(|(i, v)| v.len() == 64 * 1024 && v.iter().all(|b| usize::from(*b) == i)));
    }
}
