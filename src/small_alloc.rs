//! The allocator of the `hanji` binary: once [`enable`]d, blocks of up to 1 KiB come from
//! per-thread free lists carved out of one reserved region; everything else goes to the system
//! allocator.
//!
//! Why: a sheet makes some 20,000 small allocations, and glibc's `malloc`, `free` and
//! `realloc` took 15 % of a fresh render's instructions (callgrind); taking a block off a free
//! list is a few loads. The region's memory is never handed back to the system, so only the
//! commands that end when their work is done switch it on; a server or a watcher, whose
//! threads come and go, keeps the system allocator alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Block sizes are multiples of this, which is also the largest alignment served.
const GRANULE: usize = 16;
/// The largest block served from the free lists.
const LARGEST: usize = 1024;
const CLASSES: usize = LARGEST / GRANULE;
/// What a thread takes from the region at a time.
const CHUNK: usize = 64 * 1024;
/// Address space reserved (not committed): pages are touched only as blocks are first used.
/// When it runs out, small blocks come from the system allocator too.
const REGION: usize = 512 << 20;

/// The global allocator: `#[global_allocator] static A: SmallBlocks = SmallBlocks;`.
pub struct SmallBlocks;

/// Start of the region; 0 while the free lists are off.
static BASE: AtomicUsize = AtomicUsize::new(0);
/// The next chunk not yet given to a thread.
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A thread's free lists (one per size class, linked through the free blocks themselves) and
/// the rest of its current chunk.
struct Local {
    free: [Cell<*mut u8>; CLASSES],
    bump: Cell<usize>,
    end: Cell<usize>,
}

thread_local! {
    // Constant-initialised and without a destructor: reading it neither allocates nor fails.
    static LOCAL: Local = const {
        Local { free: [const { Cell::new(null_mut()) }; CLASSES], bump: Cell::new(0), end: Cell::new(0) }
    };
}

/// Switches the free lists on for the rest of the process; false when the region cannot be
/// reserved (the system allocator then serves everything, as before).
pub fn enable() -> bool {
    if BASE.load(Ordering::Acquire) != 0 {
        return true;
    }
    #[cfg(unix)]
    {
        // SAFETY: an anonymous private mapping at an address of the kernel's choice touches no
        // existing memory.
        let region = unsafe {
            libc::mmap(
                null_mut(),
                REGION,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if region == libc::MAP_FAILED {
            return false;
        }
        // Larger blocks stay with glibc, which then keeps them in its heap rather than mapping
        // each of a fresh process's few large buffers on its own: a freed one is reused, not
        // unmapped and faulted in again.
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: mallopt only sets the allocator's thresholds.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
        }
        let start = region as usize;
        NEXT.store(start, Ordering::Relaxed);
        if BASE.compare_exchange(0, start, Ordering::AcqRel, Ordering::Acquire).is_err() {
            // Another thread enabled it first.
            // SAFETY: the mapping was made above and nothing points into it.
            unsafe { libc::munmap(region, REGION) };
        }
        true
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Pages touched one by one cost a page fault each (about 2.5 µs here); pages populated in one
/// call cost less than half of that. A render touches memory roughly in proportion to its
/// source: this many bytes for each byte of Markdown, up to [`PREFAULT_MOST`].
const PREFAULT_PER_SOURCE_BYTE: usize = 300;
const PREFAULT_MOST: usize = 1600 << 10;

/// Populates, in two calls, about the memory a render of a source of `source_len` bytes will
/// touch: the next part of the region (two fifths) and the top of glibc's heap (the rest).
/// A guess on the low side: pages not populated are still faulted in when used, while
/// populated pages never used are wasted work. Nothing when the free lists are off.
pub fn prefault(source_len: usize) {
    let base = BASE.load(Ordering::Acquire);
    let total = source_len.saturating_mul(PREFAULT_PER_SOURCE_BYTE).min(PREFAULT_MOST);
    if base == 0 || total < 64 << 10 {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let pool = total * 2 / 5;
        let from = NEXT.load(Ordering::Relaxed);
        populate(from, (from + pool).min(base + REGION));
        #[cfg(target_env = "gnu")]
        {
            let heap = total - pool;
            // SAFETY: a block of glibc's own, populated while it is ours and given back at once;
            // it joins the top of the heap, which the next allocations are cut from.
            unsafe {
                let block = libc::malloc(heap);
                if !block.is_null() {
                    populate(block as usize, block as usize + heap);
                    libc::free(block);
                }
            }
        }
    }
}

/// Makes the whole pages between `from` and `to` present in one call. Kernels without
/// MADV_POPULATE_WRITE refuse it, harmlessly.
#[cfg(target_os = "linux")]
fn populate(from: usize, to: usize) {
    let (from, to) = ((from + 4095) & !4095, to & !4095);
    if to > from {
        // SAFETY: callers pass memory that is theirs to write (the region, a live block);
        // populating only makes its pages present.
        unsafe { libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_POPULATE_WRITE) };
    }
}

/// The size class of a layout the free lists serve.
fn class(size: usize, align: usize) -> Option<usize> {
    (size <= LARGEST && align <= GRANULE).then(|| size.max(1).div_ceil(GRANULE) - 1)
}

/// Whether `ptr` was served from the region.
fn from_region(ptr: *mut u8) -> bool {
    let base = BASE.load(Ordering::Acquire);
    base != 0 && (ptr as usize).wrapping_sub(base) < REGION
}

/// A block of class `class` from this thread's free list or its chunk; `None` when the region
/// is used up.
fn take(class: usize, base: usize) -> Option<*mut u8> {
    LOCAL
        .try_with(|local| {
            let head = local.free[class].get();
            if !head.is_null() {
                // SAFETY: a block on a free list holds the next free block's address.
                local.free[class].set(unsafe { head.cast::<*mut u8>().read() });
                return Some(head);
            }
            let size = (class + 1) * GRANULE;
            let mut bump = local.bump.get();
            if bump + size > local.end.get() {
                let chunk = NEXT.fetch_add(CHUNK, Ordering::Relaxed);
                if chunk + CHUNK > base + REGION {
                    return None;
                }
                bump = chunk;
                local.end.set(chunk + CHUNK);
            }
            local.bump.set(bump + size);
            Some(bump as *mut u8)
        })
        .ok()
        .flatten()
}

/// Puts a block of the region on this thread's free list of its class.
///
/// # Safety
/// `ptr` is a block of class `class` from the region that nothing uses any more.
unsafe fn give_back(ptr: *mut u8, class: usize) {
    // A thread being torn down keeps the block (it stays in the region, unused).
    let _ = LOCAL.try_with(|local| {
        // SAFETY: the block is free and at least 16 bytes, aligned to 16.
        unsafe { ptr.cast::<*mut u8>().write(local.free[class].get()) };
        local.free[class].set(ptr);
    });
}

// SAFETY: blocks of the region are handed out once until given back; their size class is the
// layout's, which Rust passes unchanged to `dealloc` and `realloc`; all else is `System`'s.
unsafe impl GlobalAlloc for SmallBlocks {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = BASE.load(Ordering::Acquire);
        if base != 0 {
            if let Some(block) = class(layout.size(), layout.align()).and_then(|c| take(c, base)) {
                return block;
            }
        }
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let base = BASE.load(Ordering::Acquire);
        if base != 0 {
            if let Some(block) = class(layout.size(), layout.align()).and_then(|c| take(c, base)) {
                // SAFETY: the block holds at least `layout.size()` bytes.
                unsafe { block.write_bytes(0, layout.size()) };
                return block;
            }
        }
        // SAFETY: the caller's layout, passed on (calloc skips clearing fresh pages).
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if from_region(ptr) {
            if let Some(c) = class(layout.size(), layout.align()) {
                // SAFETY: the caller gives the block up; its layout is the one it was made with.
                unsafe { give_back(ptr, c) };
            }
            return;
        }
        // SAFETY: not from the region, so from `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !from_region(ptr) {
            // SAFETY: a `System` block, resized by `System`.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        let old_class = class(layout.size(), layout.align());
        if old_class.is_some() && old_class == class(new_size, layout.align()) {
            return ptr;
        }
        // SAFETY: `GlobalAlloc::realloc`'s contract: the new size, rounded to the alignment,
        // does not overflow.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a non-zero size (the caller's contract).
        let moved = unsafe { self.alloc(new_layout) };
        if !moved.is_null() {
            // SAFETY: both blocks hold at least the smaller size and do not overlap.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_round_up_to_the_granule_and_stop_at_the_largest() {
        assert_eq!(class(0, 1), Some(0));
        assert_eq!(class(1, 8), Some(0));
        assert_eq!(class(16, 16), Some(0));
        assert_eq!(class(17, 8), Some(1));
        assert_eq!(class(1024, 8), Some(CLASSES - 1));
        assert_eq!(class(1025, 8), None);
        assert_eq!(class(64, 32), None);
    }

    /// Blocks of every class from several threads: each keeps its own bytes while the others
    /// are written, freed blocks are reused, realloc keeps the contents across classes and
    /// into and out of the system allocator.
    #[test]
    fn blocks_keep_their_bytes_across_threads_reuse_and_realloc() {
        assert!(enable());
        let a = SmallBlocks;
        let workers: Vec<_> = (0..4u8)
            .map(|t| {
                std::thread::spawn(move || {
                    let a = SmallBlocks;
                    let mut blocks = Vec::new();
                    for round in 0..3u8 {
                        for size in (1..=1100usize).step_by(7) {
                            let layout = Layout::from_size_align(size, 8).unwrap();
                            let p = unsafe { a.alloc(layout) };
                            assert!(!p.is_null());
                            assert_eq!(p as usize % 8, 0);
                            let fill = t ^ round ^ size as u8;
                            unsafe { p.write_bytes(fill, size) };
                            blocks.push((p, layout, fill));
                        }
                        // Free every other block, so the next round reuses them.
                        let mut kept = Vec::new();
                        for (i, (p, layout, fill)) in blocks.drain(..).enumerate() {
                            let bytes = unsafe { std::slice::from_raw_parts(p, layout.size()) };
                            assert!(bytes.iter().all(|&b| b == fill), "thread {t} size {}", layout.size());
                            if i % 2 == 0 {
                                unsafe { a.dealloc(p, layout) };
                            } else {
                                kept.push((p, layout, fill));
                            }
                        }
                        blocks = kept;
                    }
                    for (p, layout, _) in blocks {
                        unsafe { a.dealloc(p, layout) };
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        // Grow one block byte by byte through the classes and past them, then shrink it.
        let mut layout = Layout::from_size_align(1, 1).unwrap();
        let mut p = unsafe { a.alloc(layout) };
        unsafe { p.write(0) };
        for size in 2..=3000usize {
            p = unsafe { a.realloc(p, layout, size) };
            assert!(!p.is_null());
            layout = Layout::from_size_align(size, 1).unwrap();
            unsafe { p.add(size - 1).write(size as u8) };
        }
        p = unsafe { a.realloc(p, layout, 40) };
        layout = Layout::from_size_align(40, 1).unwrap();
        let bytes = unsafe { std::slice::from_raw_parts(p, 40) };
        assert_eq!(bytes[0], 0);
        assert!((1..40).all(|i| bytes[i] == (i + 1) as u8));
        unsafe { a.dealloc(p, layout) };
    }

    #[test]
    fn zeroed_blocks_are_zero_even_when_reused() {
        assert!(enable());
        let a = SmallBlocks;
        for size in [8usize, 200, 1000, 5000] {
            let layout = Layout::from_size_align(size, 8).unwrap();
            let p = unsafe { a.alloc(layout) };
            unsafe { p.write_bytes(0xAB, size) };
            unsafe { a.dealloc(p, layout) };
            let z = unsafe { a.alloc_zeroed(layout) };
            assert!(unsafe { std::slice::from_raw_parts(z, size) }.iter().all(|&b| b == 0), "{size}");
            unsafe { a.dealloc(z, layout) };
        }
    }

    /// Populating ahead changes nothing a caller can see: blocks still come from the region,
    /// fresh ones are zero, and glibc's heap still serves large blocks.
    #[test]
    fn prefaulted_memory_serves_blocks_as_before() {
        assert!(enable());
        prefault(0);
        prefault(usize::MAX);
        let a = SmallBlocks;
        let small = Layout::from_size_align(48, 8).unwrap();
        let large = Layout::from_size_align(300_000, 8).unwrap();
        let (p, q) = unsafe { (a.alloc_zeroed(small), a.alloc_zeroed(large)) };
        assert!(from_region(p) && !from_region(q));
        let zero =
            |ptr: *mut u8, n: usize| unsafe { std::slice::from_raw_parts(ptr, n) }.iter().all(|&b| b == 0);
        assert!(zero(p, 48) && zero(q, 300_000));
        unsafe {
            q.write_bytes(7, 300_000);
            a.dealloc(p, small);
            a.dealloc(q, large);
        }
    }

    #[test]
    fn large_and_over_aligned_blocks_come_from_the_system() {
        assert!(enable());
        let a = SmallBlocks;
        for layout in [Layout::from_size_align(4096, 8).unwrap(), Layout::from_size_align(64, 64).unwrap()] {
            let p = unsafe { a.alloc(layout) };
            assert!(!from_region(p));
            assert_eq!(p as usize % layout.align(), 0);
            unsafe { a.dealloc(p, layout) };
        }
        let small = Layout::from_size_align(24, 8).unwrap();
        let p = unsafe { a.alloc(small) };
        assert!(from_region(p));
        unsafe { a.dealloc(p, small) };
        // The freed block is the next one of its class on this thread.
        let again = unsafe { a.alloc(small) };
        assert_eq!(again, p);
        unsafe { a.dealloc(again, small) };
    }
}
