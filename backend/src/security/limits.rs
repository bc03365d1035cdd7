//! CPU-heavy work (parsing and validating workflows, diffs, password hashing) runs on the
//! blocking pool behind one semaphore sized to the cores, so it can neither stall the async
//! workers (health checks, file serving) nor start more hashes or validations at once than
//! there are cores to run them (each argon2 hash holds 19 MiB).

use std::sync::{Arc, OnceLock};

use tokio::sync::Semaphore;

/// Number of CPU-heavy tasks that may run at once.
pub fn cpu_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn slots() -> Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    Arc::clone(SLOTS.get_or_init(|| Arc::new(Semaphore::new(cpu_slots()))))
}

/// Runs `f` on the blocking pool once a CPU slot is free.
pub async fn cpu<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let permit = slots()
        .acquire_owned()
        .await
        .map_err(|e| anyhow::anyhow!("CPU slots closed: {e}"))?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    })
    .await
    .map_err(|e| anyhow::anyhow!("background task failed: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_tasks_run_at_once_than_there_are_slots() {
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..cpu_slots() * 4)
            .map(|_| {
                let (running, peak) = (running.clone(), peak.clone());
                tokio::spawn(cpu(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert!(peak.load(Ordering::SeqCst) <= cpu_slots());
    }
}
