//! A bounded pool of render threads. Each worker loads its fonts once and keeps them (and its
//! thread's shaping, formula and emoji caches) for every request it takes; a font book is
//! never shared between threads. At most `workers + queue` requests are admitted at once —
//! running or waiting — so memory stays bounded however many clients call; the rest are
//! turned away at once (503) before their bodies are read.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;

use super::{answer, Answer, Job};
use crate::text::fonts::FontBook;

/// A place in the pool, taken before a request's body is read and given back when its render
/// has ended (or was dropped unstarted), whether or not anyone still waits for the answer.
pub struct Ticket {
    admitted: Arc<AtomicUsize>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A job on its way to a worker, with where its answer goes.
struct Work {
    job: Job,
    reply: tokio::sync::oneshot::Sender<Answer>,
    ticket: Ticket,
}

/// The render threads and their queue.
pub struct Pool {
    sender: Option<mpsc::Sender<Work>>,
    threads: Vec<JoinHandle<()>>,
    admitted: Arc<AtomicUsize>,
    capacity: usize,
    workers: usize,
}

impl Pool {
    /// Starts `workers` threads (at least one) taking jobs from a queue of `queue` places.
    /// `root` is the canonical folder local files are read from, if any. `release_memory` is
    /// called on a worker after a render of [`LARGE_RENDER`] or more: the allocator's way to
    /// hand that thread's freed memory back to the system (allocators keep it for reuse, so
    /// each worker would otherwise hold the peak of the largest render it ever did).
    pub fn start(
        workers: usize,
        queue: usize,
        root: Option<PathBuf>,
        release_memory: fn(),
    ) -> std::io::Result<Pool> {
        let workers = workers.max(1);
        let (sender, receiver) = mpsc::channel::<Work>();
        let receiver = Arc::new(Mutex::new(receiver));
        let root = Arc::new(root);
        let mut threads = Vec::with_capacity(workers);
        for index in 0..workers {
            let receiver = Arc::clone(&receiver);
            let root = Arc::clone(&root);
            let thread = std::thread::Builder::new()
                .name(format!("hanji-render-{index}"))
                .spawn(move || work(&receiver, root.as_deref(), release_memory))?;
            threads.push(thread);
        }
        Ok(Pool {
            sender: Some(sender),
            threads,
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: workers + queue,
            workers,
        })
    }

    /// A place for one more request, or `None` when every worker is busy and the queue full.
    pub fn admit(&self) -> Option<Ticket> {
        let taken = self
            .admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < self.capacity).then_some(n + 1));
        taken.ok().map(|_| Ticket { admitted: Arc::clone(&self.admitted) })
    }

    /// Queues a job; the answer comes on the returned channel. Dropping the receiver (a
    /// request that timed out or whose client left) lets a worker skip the job unstarted.
    pub fn submit(&self, ticket: Ticket, job: Job) -> tokio::sync::oneshot::Receiver<Answer> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        if let Some(sender) = &self.sender {
            // Fails only once the workers are gone; the dropped reply then says so.
            let _ = sender.send(Work { job, reply, ticket });
        }
        answer
    }

    /// Requests admitted and not yet finished (running or waiting).
    pub fn in_flight(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }

    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Places: workers plus queue.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Lets the workers finish what is queued and running, then ends them.
    pub fn shut_down(mut self) {
        self.sender = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// One worker: fonts loaded once, then jobs until the queue closes.
fn work(receiver: &Mutex<mpsc::Receiver<Work>>, root: Option<&std::path::Path>, release_memory: fn()) {
    let mut book = preloaded_fonts();
    loop {
        let next = {
            let queue = receiver.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            queue.recv()
        };
        let Ok(Work { job, reply, ticket }) = next else { return };
        if reply.is_closed() {
            // Nobody waits for it any more (timed out while queued, or the client left).
            continue;
        }
        let started = std::time::Instant::now();
        let answered =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(&job, root, &mut book)));
        let answer = answered.unwrap_or_else(|_| {
            // A bug, not the input's fault: the worker stays, with fresh fonts.
            book = preloaded_fonts();
            Answer::error(500, "the render failed inside Hanji (a bug): please report it with the source")
        });
        let _ = reply.send(answer);
        if started.elapsed() >= LARGE_RENDER {
            release_memory();
        }
        drop(ticket);
    }
}

/// A render that took this long may have used hundreds of megabytes (a long document, a PNG
/// at a high resolution); sheets take a few milliseconds.
pub const LARGE_RENDER: std::time::Duration = std::time::Duration::from_millis(50);

/// The fonts of the built-in styles and of math, loaded before the first request.
fn preloaded_fonts() -> FontBook {
    let mut book = FontBook::new();
    for style in crate::style::BUILTIN_STYLES {
        // A failure here would fail each render again with its message: nothing to do now.
        let _ = crate::style::load(style, std::path::Path::new("."), &mut book);
    }
    let _ = book.load_math();
    book
}
