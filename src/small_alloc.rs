//! The allocator of the `hanji` binary: once [`enable`]d, blocks of up to 4 MiB come from one
//! reserved region; everything else goes to the system allocator.
//!
//! Why: a sheet makes some 20,000 small allocations, and glibc's `malloc`, `free` and
//! `realloc` took 15 % of a fresh render's instructions (callgrind); taking a block off a free
//! list is a few loads. And a fresh process pays for each page it touches, about 2 µs a page
//! on this VM when faulted in one by one, less than half that when populated ahead in one
//! call. With every block in one region, packed as tightly as glibc packs them, a render's
//! memory is one stretch that a single call populates.
//!
//! - Blocks of up to 1 KiB: per-thread free lists, one per 16-byte size class, carved from
//!   64 KiB chunks of the region.
//! - Larger blocks: first fit in one address-ordered list of holes, which merge with their
//!   neighbours when freed; a block grows in place into the hole or the free space after it.
//!
//! Transparent huge pages were tried and left out: a sheet fits in one, which halved its
//! memory cost when renders followed each other, but a huge page comes from a free 2 MiB
//! block, and on a VM that hands such blocks back to its host (free page reporting) the first
//! touch of one then cost some 5 ms, after any program that freed much memory (Typst).
//!
//! The region's memory is never handed back to the system, so only the commands that end
//! when their work is done switch it on; a server or a watcher, whose threads come and go,
//! keeps the system allocator alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, UnsafeCell};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Block sizes are multiples of this, which is also the largest alignment served.
const GRANULE: usize = 16;
/// The largest small block; larger ones, up to [`LARGEST_LARGE`], are fitted into holes.
const LARGEST: usize = 1024;
const CLASSES: usize = LARGEST / GRANULE;
const LARGEST_LARGE: usize = 4 << 20;
/// Large block sizes are multiples of this: a hole left over is then either none or big
/// enough to be of use, rather than a sliver that fills the list of holes.
const LARGE_STEP: usize = 256;
/// What a thread takes from the region at a time for its small blocks.
const CHUNK: usize = 64 * 1024;
/// Address space reserved (not committed): pages are touched only as blocks are first used.
/// When it runs out, blocks come from the system allocator.
const REGION: usize = 512 << 20;
/// Holes kept for reuse. Past this many, the smallest stays unused from then on: rendering
/// 900 varied files in one batch left some 140 KB so, against 300 MB before slivers were
/// avoided and the largest holes kept.
const MAX_HOLES: usize = 256;

/// The global allocator: `#[global_allocator] static A: SmallBlocks = SmallBlocks;`.
pub struct SmallBlocks;

/// Start of the region; 0 while the free lists are off.
static BASE: AtomicUsize = AtomicUsize::new(0);
/// The end of what the region has given out: the next chunk or large block starts here.
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
    // One thread at a time: the region's end must be set before its start is published, and a
    // second caller must neither map a region of its own nor move the end into it.
    static ENABLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _only = ENABLING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
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
        // Blocks over 4 MiB stay with glibc, which then keeps them in its heap rather than
        // mapping each on its own: a freed one is reused, not unmapped and faulted in again.
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: mallopt only sets the allocator's thresholds.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
        }
        let start = region as usize;
        NEXT.store(start, Ordering::Relaxed);
        BASE.store(start, Ordering::Release);
        true
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// A render touches memory roughly in proportion to its source, past what every render
/// needs (fonts, style, buffers): [`PREFAULT_BASE`] and this many bytes for each byte of
/// Markdown, up to [`PREFAULT_MOST`]. Measured on the samples and the guide's examples:
/// 0.3 MB for 225 bytes, 1.7 MB for the 4.7 KB seed sheet, 3.3 MB for 11 KB of lecture notes.
const PREFAULT_PER_SOURCE_BYTE: usize = 320;
const PREFAULT_BASE: usize = 256 << 10;
const PREFAULT_MOST: usize = 3 << 20;

/// Populates, in one call, about the memory a render of a source of `source_len` bytes will
/// touch: the next part of the region. A guess on the low side: pages not populated are still
/// faulted in when used, while populated pages never used are wasted work. Nothing when the
/// free lists are off.
pub fn prefault(source_len: usize) {
    let base = BASE.load(Ordering::Acquire);
    if base == 0 {
        return;
    }
    let total =
        source_len.saturating_mul(PREFAULT_PER_SOURCE_BYTE).saturating_add(PREFAULT_BASE).min(PREFAULT_MOST);
    #[cfg(target_os = "linux")]
    {
        let from = NEXT.load(Ordering::Relaxed);
        let (from, to) = ((from + 4095) & !4095, (from + total).min(base + REGION) & !4095);
        if to > from {
            // SAFETY: memory of the region, which is ours to write; populating only makes its
            // pages present. Kernels without MADV_POPULATE_WRITE refuse it, harmlessly.
            unsafe { libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_POPULATE_WRITE) };
        }
    }
}

/// What the region does with a layout.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// A small block of this size class.
    Small(usize),
    /// A large block of this many bytes (the size rounded up to [`LARGE_STEP`]).
    Large(usize),
}

fn kind(size: usize, align: usize) -> Option<Kind> {
    if align > GRANULE || size > LARGEST_LARGE {
        return None;
    }
    Some(if size <= LARGEST { Kind::Small(small_class(size)) } else { Kind::Large(large_size(size)) })
}

/// The class of a small block of `size` bytes (at most [`LARGEST`]).
#[inline]
fn small_class(size: usize) -> usize {
    size.max(1).div_ceil(GRANULE) - 1
}

/// The bytes a large block of `size` takes.
#[inline]
fn large_size(size: usize) -> usize {
    size.next_multiple_of(LARGE_STEP)
}

/// Whether `ptr` was served from the region.
fn from_region(ptr: *mut u8) -> bool {
    let base = BASE.load(Ordering::Acquire);
    base != 0 && (ptr as usize).wrapping_sub(base) < REGION
}

/// A small block of class `class` from this thread's free list or its chunk; `None` when the
/// region is used up.
#[inline]
fn take_small(class: usize, base: usize) -> Option<*mut u8> {
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

/// Puts a small block on this thread's free list of its class.
///
/// # Safety
/// `ptr` is a small block of class `class` from the region that nothing uses any more.
#[inline]
unsafe fn give_back_small(ptr: *mut u8, class: usize) {
    // A thread being torn down keeps the block (it stays in the region, unused).
    let _ = LOCAL.try_with(|local| {
        // SAFETY: the block is free and at least 16 bytes, aligned to 16.
        unsafe { ptr.cast::<*mut u8>().write(local.free[class].get()) };
        local.free[class].set(ptr);
    });
}

/// The free stretches of the region between large blocks, by address, none touching another
/// or the end of what was given out.
struct Holes {
    count: usize,
    spans: [(usize, usize); MAX_HOLES],
}

/// [`Holes`] behind a spin lock: large blocks are few (a few hundred for a sheet), so the
/// lock is seldom contended, and a lock that may not allocate cannot be the standard one.
struct Shared {
    locked: AtomicBool,
    holes: UnsafeCell<Holes>,
}

// SAFETY: `holes` is only reached through `with_holes`, which holds the lock.
unsafe impl Sync for Shared {}

static SHARED: Shared = Shared {
    locked: AtomicBool::new(false),
    holes: UnsafeCell::new(Holes { count: 0, spans: [(0, 0); MAX_HOLES] }),
};

fn with_holes<T>(work: impl FnOnce(&mut Holes) -> T) -> T {
    let mut spins = 0u32;
    while SHARED.locked.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        spins += 1;
        if spins.is_multiple_of(64) {
            std::thread::yield_now();
        } else {
            std::hint::spin_loop();
        }
    }
    // SAFETY: the lock is held, so this is the only reference.
    let result = work(unsafe { &mut *SHARED.holes.get() });
    SHARED.locked.store(false, Ordering::Release);
    result
}

impl Holes {
    /// The first hole of at least `size` bytes, shortened from its start.
    fn take(&mut self, size: usize) -> Option<usize> {
        let index = self.spans[..self.count].iter().position(|&(_, len)| len >= size)?;
        Some(self.shorten(index, size))
    }

    /// Takes `size` bytes from the start of the hole that begins at `at`, if it is that long.
    fn take_at(&mut self, at: usize, size: usize) -> bool {
        let index = self.spans[..self.count].partition_point(|&(start, _)| start < at);
        let fits =
            self.spans[..self.count].get(index).is_some_and(|&(start, len)| start == at && len >= size);
        if fits {
            self.shorten(index, size);
        }
        fits
    }

    /// Takes `size` bytes from the start of hole `index` (dropping it when that is all of it)
    /// and returns where they start.
    fn shorten(&mut self, index: usize, size: usize) -> usize {
        let (start, len) = self.spans[index];
        if len == size {
            self.remove(index);
        } else {
            self.spans[index] = (start + size, len - size);
        }
        start
    }

    /// Frees `size` bytes at `start`, merging with the holes on either side and with the free
    /// space at the end of the region.
    fn give(&mut self, mut start: usize, mut size: usize) {
        let mut index = self.spans[..self.count].partition_point(|&(s, _)| s < start);
        if index > 0 && self.spans[index - 1].0 + self.spans[index - 1].1 == start {
            index -= 1;
            start = self.spans[index].0;
            size += self.spans[index].1;
            self.remove(index);
        }
        if index < self.count && start + size == self.spans[index].0 {
            size += self.spans[index].1;
            self.remove(index);
        }
        // The last thing given out goes back to the free space.
        if NEXT.compare_exchange(start + size, start, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            return;
        }
        if self.count == MAX_HOLES {
            // Full: the smallest hole makes room, unless this one is smaller still.
            let smallest = (0..self.count).min_by_key(|&i| self.spans[i].1).unwrap_or(0);
            if self.spans[smallest].1 >= size {
                return;
            }
            self.remove(smallest);
            if smallest < index {
                index -= 1;
            }
        }
        self.spans.copy_within(index..self.count, index + 1);
        self.spans[index] = (start, size);
        self.count += 1;
    }

    fn remove(&mut self, index: usize) {
        self.spans.copy_within(index + 1..self.count, index);
        self.count -= 1;
    }
}

/// A large block of `size` bytes (a multiple of [`LARGE_STEP`]): the first hole that holds it,
/// or the free space at the end.
#[inline(never)]
fn take_large(size: usize, base: usize) -> Option<*mut u8> {
    if let Some(start) = with_holes(|holes| holes.take(size)) {
        return Some(start as *mut u8);
    }
    let start = NEXT.fetch_add(size, Ordering::Relaxed);
    (start + size <= base + REGION).then_some(start as *mut u8)
}

/// Grows or shrinks the large block at `ptr` in place: into the hole or the free space after
/// it, or giving its tail back. False when what follows it is in use.
fn resize_large(ptr: usize, size: usize, new_size: usize) -> bool {
    let end = ptr + size;
    if new_size <= size {
        if new_size < size {
            with_holes(|holes| holes.give(ptr + new_size, size - new_size));
        }
        return true;
    }
    let more = new_size - size;
    let base = BASE.load(Ordering::Acquire);
    with_holes(|holes| {
        holes.take_at(end, more)
            || (ptr + new_size <= base + REGION
                && NEXT.compare_exchange(end, ptr + new_size, Ordering::Relaxed, Ordering::Relaxed).is_ok())
    })
}

impl SmallBlocks {
    /// A block from the region; `None` when the layout is not the region's or it is full.
    /// Small blocks, nearly every allocation, take the first test.
    #[inline]
    fn take(layout: Layout) -> Option<*mut u8> {
        let base = BASE.load(Ordering::Acquire);
        let size = layout.size();
        if base == 0 || layout.align() > GRANULE {
            None
        } else if size <= LARGEST {
            take_small(small_class(size), base)
        } else if size <= LARGEST_LARGE {
            take_large(large_size(size), base)
        } else {
            None
        }
    }
}

// SAFETY: blocks of the region are handed out once until given back; their kind and size
// follow from the layout, which Rust passes unchanged to `dealloc` and `realloc`; all else is
// `System`'s.
unsafe impl GlobalAlloc for SmallBlocks {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if let Some(block) = Self::take(layout) {
            return block;
        }
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if let Some(block) = Self::take(layout) {
            // SAFETY: the block holds at least `layout.size()` bytes.
            unsafe { block.write_bytes(0, layout.size()) };
            return block;
        }
        // SAFETY: the caller's layout, passed on (calloc skips clearing fresh pages).
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !from_region(ptr) {
            // SAFETY: not from the region, so from `System` with this layout.
            return unsafe { System.dealloc(ptr, layout) };
        }
        // A block of the region was made with a layout it serves: at most 16-byte aligned and
        // at most the largest size.
        let size = layout.size();
        if size <= LARGEST {
            // SAFETY: the caller gives the block up; its layout is the one it was made with.
            unsafe { give_back_small(ptr, small_class(size)) };
        } else {
            with_holes(|holes| holes.give(ptr as usize, large_size(size)));
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !from_region(ptr) {
            // SAFETY: a `System` block, resized by `System`.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        match (kind(layout.size(), layout.align()), kind(new_size, layout.align())) {
            (Some(Kind::Small(old)), Some(Kind::Small(new))) if old == new => return ptr,
            (Some(Kind::Large(old)), Some(Kind::Large(new))) if resize_large(ptr as usize, old, new) => {
                return ptr
            }
            _ => {}
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
    fn sizes_round_up_to_the_granule_and_stop_at_the_largest() {
        assert_eq!(kind(0, 1), Some(Kind::Small(0)));
        assert_eq!(kind(1, 8), Some(Kind::Small(0)));
        assert_eq!(kind(16, 16), Some(Kind::Small(0)));
        assert_eq!(kind(17, 8), Some(Kind::Small(1)));
        assert_eq!(kind(1024, 8), Some(Kind::Small(CLASSES - 1)));
        assert_eq!(kind(1025, 8), Some(Kind::Large(1280)));
        assert_eq!(kind(1280, 8), Some(Kind::Large(1280)));
        assert_eq!(kind(LARGEST_LARGE, 8), Some(Kind::Large(LARGEST_LARGE)));
        assert_eq!(kind(LARGEST_LARGE + 1, 8), None);
        assert_eq!(kind(64, 32), None);
    }

    /// Holes merge with their neighbours whichever order they are freed in, are taken first
    /// fit from their start, and a block grows into the hole right after it.
    #[test]
    fn holes_merge_split_and_grow_blocks() {
        // Addresses far from the region's end, which no hole here may touch.
        let mut holes = Holes { count: 0, spans: [(0, 0); MAX_HOLES] };
        let spans = |h: &Holes| h.spans[..h.count].to_vec();
        holes.give(0x3000, 0x100);
        holes.give(0x1000, 0x100);
        assert_eq!(spans(&holes), [(0x1000, 0x100), (0x3000, 0x100)]);
        holes.give(0x1100, 0x100); // merges with the hole before
        holes.give(0x2f00, 0x100); // merges with the hole after
        assert_eq!(spans(&holes), [(0x1000, 0x200), (0x2f00, 0x200)]);
        holes.give(0x1200, 0x1d00); // fills the gap: one hole
        assert_eq!(spans(&holes), [(0x1000, 0x2100)]);
        assert_eq!(holes.take(0x80), Some(0x1000));
        assert_eq!(spans(&holes), [(0x1080, 0x2080)]);
        assert!(!holes.take_at(0x1000, 0x10), "no hole starts there");
        assert!(holes.take_at(0x1080, 0x80));
        assert_eq!(holes.take(0x3000), None);
        assert_eq!(holes.take(0x2000), Some(0x1100));
        assert_eq!(spans(&holes), []);
        // Past the limit, the smallest hole gives way to a larger one, and one smaller than
        // all is not kept; merging still works.
        for i in 0..MAX_HOLES {
            holes.give(0x10_0000 + i * 0x1000, 0x10 + i);
        }
        assert_eq!(holes.count, MAX_HOLES);
        holes.give(0x90_0000, 0x80);
        assert_eq!(holes.count, MAX_HOLES);
        assert_eq!(holes.spans[0], (0x10_1000, 0x11), "the smallest, (0x10_0000, 0x10), gave way");
        assert_eq!(holes.spans[MAX_HOLES - 1], (0x90_0000, 0x80));
        holes.give(0xA0_0000, 0x8);
        assert!(spans(&holes).iter().all(|&(start, _)| start != 0xA0_0000));
        holes.give(0x10_1011, 0x1000 - 0x11);
        assert_eq!(holes.spans[0], (0x10_1000, 0x1012), "merged with the holes on both sides");
        assert_eq!(holes.count, MAX_HOLES - 1);
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
                        let large = [1500, 4096, 10_000, 70_000, 300_000, LARGEST_LARGE];
                        for size in (1..=1100usize).step_by(7).chain(large) {
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
    /// fresh ones are zero, and glibc still serves blocks over 4 MiB.
    #[test]
    fn prefaulted_memory_serves_blocks_as_before() {
        assert!(enable());
        prefault(0);
        prefault(usize::MAX);
        let a = SmallBlocks;
        let small = Layout::from_size_align(48, 8).unwrap();
        let large = Layout::from_size_align(300_000, 8).unwrap();
        let huge = Layout::from_size_align(LARGEST_LARGE + 1, 8).unwrap();
        let (p, q, r) = unsafe { (a.alloc_zeroed(small), a.alloc_zeroed(large), a.alloc_zeroed(huge)) };
        assert!(from_region(p) && from_region(q) && !from_region(r));
        let zero =
            |ptr: *mut u8, n: usize| unsafe { std::slice::from_raw_parts(ptr, n) }.iter().all(|&b| b == 0);
        assert!(zero(p, 48) && zero(q, 300_000) && zero(r, huge.size()));
        unsafe {
            q.write_bytes(7, 300_000);
            a.dealloc(p, small);
            a.dealloc(q, large);
            a.dealloc(r, huge);
        }
    }

    #[test]
    fn huge_and_over_aligned_blocks_come_from_the_system() {
        assert!(enable());
        let a = SmallBlocks;
        let huge = Layout::from_size_align(LARGEST_LARGE + 16, 8).unwrap();
        for layout in
            [huge, Layout::from_size_align(64, 64).unwrap(), Layout::from_size_align(4096, 32).unwrap()]
        {
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

    /// Many large blocks freed and made again in a mixed order (as a batch of varied files
    /// does) reuse the region's holes: it grows by about what is live at once, not by
    /// everything ever made.
    #[test]
    fn churning_large_blocks_reuses_the_region() {
        assert!(enable());
        let a = SmallBlocks;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let before = NEXT.load(Ordering::Relaxed);
        let mut live: Vec<(*mut u8, Layout)> = Vec::new();
        let mut made = 0usize;
        // 600 blocks live, then each step frees one at random and makes a new one.
        for step in 0..10_000 {
            if step >= 600 {
                let (p, layout) = live.swap_remove((next() % live.len() as u64) as usize);
                unsafe { a.dealloc(p, layout) };
            }
            let layout = Layout::from_size_align(1025 + (next() % 64_000) as usize, 8).unwrap();
            let p = unsafe { a.alloc(layout) };
            assert!(from_region(p));
            made += layout.size();
            live.push((p, layout));
        }
        let grown = NEXT.load(Ordering::Relaxed) - before;
        for (p, layout) in live {
            unsafe { a.dealloc(p, layout) };
        }
        // At most 600 blocks of at most 64 KB are live at once (38 MB); 320 MB were made. Other
        // tests running alongside take some of the region too.
        assert!(grown < 120 << 20, "the region grew by {} MB for {} MB made", grown >> 20, made >> 20);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 64,
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0068_6f6c_6573),
            ..proptest::test_runner::Config::default()
        })]

        /// Random allocations, frees and resizes, small and large: every live block keeps its
        /// own bytes, and no two live blocks overlap.
        #[test]
        fn random_blocks_keep_their_bytes_and_never_overlap(
            steps in proptest::collection::vec((0u8..4, 1usize..200_000, proptest::num::usize::ANY), 1..300)
        ) {
            proptest::prop_assert!(enable());
            let a = SmallBlocks;
            let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
            let check = |p: *mut u8, layout: Layout, fill: u8| {
                let bytes = unsafe { std::slice::from_raw_parts(p, layout.size()) };
                bytes.iter().all(|&b| b == fill)
            };
            for (n, (op, raw_size, pick)) in steps.into_iter().enumerate() {
                // Sizes spread over both kinds: a third small, the rest large.
                let size = if raw_size % 3 == 0 { raw_size % 1024 + 1 } else { raw_size };
                let fill = n as u8;
                match op {
                    0 | 1 => {
                        let layout = Layout::from_size_align(size, 8).unwrap();
                        let p = unsafe { a.alloc(layout) };
                        proptest::prop_assert!(!p.is_null());
                        unsafe { p.write_bytes(fill, size) };
                        live.push((p, layout, fill));
                    }
                    2 if !live.is_empty() => {
                        let (p, layout, old) = live.swap_remove(pick % live.len());
                        proptest::prop_assert!(check(p, layout, old));
                        unsafe { a.dealloc(p, layout) };
                    }
                    3 if !live.is_empty() => {
                        let index = pick % live.len();
                        let (p, layout, old) = live[index];
                        proptest::prop_assert!(check(p, layout, old));
                        let moved = unsafe { a.realloc(p, layout, size) };
                        proptest::prop_assert!(!moved.is_null());
                        let kept = unsafe { std::slice::from_raw_parts(moved, layout.size().min(size)) };
                        proptest::prop_assert!(kept.iter().all(|&b| b == old));
                        unsafe { moved.write_bytes(fill, size) };
                        live[index] = (moved, Layout::from_size_align(size, 8).unwrap(), fill);
                    }
                    _ => {}
                }
                let mut spans: Vec<(usize, usize)> = live.iter().map(|(p, l, _)| (*p as usize, l.size())).collect();
                spans.sort_unstable();
                proptest::prop_assert!(spans.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0), "overlap");
            }
            for (p, layout, fill) in live {
                proptest::prop_assert!(check(p, layout, fill));
                unsafe { a.dealloc(p, layout) };
            }
        }
    }
}
