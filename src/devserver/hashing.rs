//! Password hashing with a bound: each argon2id computation holds its memory cost, so at most
//! `password_hashes_in_flight` run at once, a short queue waits, and the rest are answered
//! 429 with `Retry-After` at once (an unauthenticated flood cannot grow the server's memory).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use super::crypto;
use super::errors::{ApiError, DevServerError};
use super::secret::Hidden;

/// How many hashes run now, and the most that ever ran at once (for tests and benchmarks).
#[derive(Debug, Default)]
pub struct HashCounters {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    total: AtomicUsize,
}

impl HashCounters {
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
    /// Hashes computed so far: each password guess that was evaluated counts one.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }
}

pub struct PasswordHasher {
    slots: Arc<Semaphore>,
    queue_limit: usize,
    waiting: AtomicUsize,
    pub counters: Arc<HashCounters>,
}

/// Leaves the queue whether the wait ends with a slot or the request is dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PasswordHasher {
    pub fn new(in_flight: usize, queue_limit: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(in_flight.max(1))),
            queue_limit,
            waiting: AtomicUsize::new(0),
            counters: Arc::default(),
        }
    }

    /// Whether `password` matches `hash` (constant time inside argon2).
    pub async fn verify(&self, password: Hidden, hash: Hidden) -> Result<bool, ApiError> {
        self.run(move || crypto::verify_password(password.expose(), &hash))
            .await
    }

    /// A new argon2id hash of `password`.
    pub async fn hash(&self, password: Hidden) -> Result<Hidden, ApiError> {
        self.run(move || crypto::hash_password(password.expose()))
            .await?
            .map_err(ApiError::from)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = match Arc::clone(&self.slots).try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue_limit {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(ApiError::too_many_requests(1));
                }
                let _queued = Waiting(&self.waiting);
                Arc::clone(&self.slots)
                    .acquire_owned()
                    .await
                    .map_err(|e| ApiError::from(DevServerError::Internal(e.to_string())))?
            }
        };
        let counters = Arc::clone(&self.counters);
        // The slot moves into the blocking task: a request dropped mid-hash still holds it
        // until argon2 has finished and its memory is freed.
        tokio::task::spawn_blocking(move || {
            let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            counters.peak.fetch_max(now, Ordering::SeqCst);
            counters.total.fetch_add(1, Ordering::SeqCst);
            let out = work();
            counters.in_flight.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            out
        })
        .await
        .map_err(|e| ApiError::from(DevServerError::Internal(e.to_string())))
    }
}
