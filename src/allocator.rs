//! The allocator's settings for a run (the binaries and the benchmark, which
//! declare mimalloc their global allocator).
//!
//! mimalloc hands the pages a thread frees back to the system a while after
//! (its `purge_delay`, 1 s in mimalloc 3). A run parses file after file, and
//! every page returned is soon asked for again, faulted in and zeroed by the
//! kernel: with a short delay a run over the registry tree (283 MB of source)
//! spends 15% more CPU time than one that keeps its freed pages until it
//! ends. Keeping them costs memory, though, bounded by what parsing the
//! largest files needs at once (~15 MB per thread): nothing beside a large
//! tree's source, but on a 21 MB tree (three-ws) it was the difference
//! between 43 MB and 58 MB at the peak. So a run purges freed pages after a
//! short delay until it has read [`KEEP_PAGES_AFTER`] bytes of source, and
//! keeps them from then on ([`Purging`]). A pre-commit run (a few files of
//! a crate checked, the rest indexed) keeps them from the start: it is
//! waited for, and purging cost its dense crate 5% of its time.
//!
//! mimalloc also asks Linux for transparent huge pages on the arena it
//! reserves before `main`: each first touch then faults in and zeroes 2 MB,
//! most of it never used by a short run. Without them (the process's
//! `PR_SET_THP_DISABLE`) the Go x/net tree's full run costs ~5% less CPU and
//! its peak memory is 50 MB instead of 80 MB. The option `allow_thp` set in
//! `main` would come too late (the arena is already advised).

use std::os::raw::{c_int, c_long, c_void};
use std::sync::atomic::{AtomicU64, Ordering};

unsafe extern "C" {
    /// mimalloc's `mi_option_set` (from the `libmimalloc-sys` that the
    /// `mimalloc` crate links).
    fn mi_option_set(option: c_int, value: c_long);
    /// mimalloc's C allocation functions, for tree-sitter's C core.
    fn mi_malloc(size: usize) -> *mut c_void;
    fn mi_calloc(count: usize, size: usize) -> *mut c_void;
    fn mi_realloc(ptr: *mut c_void, size: usize) -> *mut c_void;
    fn mi_free(ptr: *mut c_void);
}

#[cfg(target_os = "linux")]
unsafe extern "C" {
    /// Linux's `prctl(2)`.
    fn prctl(option: c_int, ...) -> c_int;
}

/// `PR_SET_THP_DISABLE` (`linux/prctl.h`).
#[cfg(target_os = "linux")]
const PR_SET_THP_DISABLE: c_int = 41;

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (the same index in
/// mimalloc 2 and 3, `include/mimalloc.h`).
const MI_OPTION_PURGE_DELAY: c_int = 15;

/// The purge delay until a run has read [`KEEP_PAGES_AFTER`] bytes, in
/// milliseconds: a file's parse takes about one, so a page freed by one
/// file is still there for the next few.
const SHORT_PURGE_DELAY_MS: c_long = 10;

/// Bytes of source after which a run keeps its freed pages: the pages kept
/// (~30 MB on two threads) are then under the source's size, and the
/// purges before cost ~2% more CPU time on the registry tree.
pub const KEEP_PAGES_AFTER: u64 = 32 << 20;

/// Set the allocator up for a run: purge freed pages after a short delay
/// ([`Purging::read`] keeps them once the run is large), use no transparent
/// huge pages, and give tree-sitter's C core mimalloc too (with glibc's
/// `malloc` it spent 6% of a Go tree's time allocating). Call first thing in
/// `main`, where mimalloc is the global allocator, before any parse.
pub fn set_up() {
    // Names the crate, so that its library is linked wherever this is.
    let _ = mimalloc::MiMalloc;
    set_purge_delay(SHORT_PURGE_DELAY_MS);
    // SAFETY: the four are one allocator's (mimalloc returns memory aligned
    // as `malloc`'s, and never null but when out of memory, as `malloc`),
    // and no tree-sitter object exists yet: this runs before any parse.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: mi_malloc,
            calloc: mi_calloc,
            realloc: mi_realloc,
            free: mi_free,
        }));
    }
    #[cfg(target_os = "linux")]
    {
        let (on, unused): (std::os::raw::c_ulong, std::os::raw::c_ulong) = (1, 0);
        // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process (its
        // later page faults map no huge pages); a failure changes nothing.
        unsafe {
            prctl(PR_SET_THP_DISABLE, on, unused, unused, unused);
        }
    }
}

fn set_purge_delay(ms: c_long) {
    // SAFETY: setting an option is allowed at any time, from any thread;
    // mimalloc reads this one whenever it considers purging.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, ms) }
}

/// Counts the bytes a run reads, and keeps freed pages from
/// [`KEEP_PAGES_AFTER`] on (`MIMALLOC_PURGE_DELAY=-1`). Only a run that set
/// up the allocator ([`set_up`]) has one.
#[derive(Debug, Default)]
pub struct Purging {
    read: AtomicU64,
}

impl Purging {
    /// Keep freed pages from now on, whatever the run reads: a run over a
    /// few files of a crate (a hook's) is waited for, and small.
    pub fn keep_from_now(&self) {
        let before = self.read.swap(KEEP_PAGES_AFTER, Ordering::Relaxed);
        if before < KEEP_PAGES_AFTER {
            set_purge_delay(-1);
        }
    }

    /// `bytes` more of source were read (from any thread).
    pub fn read(&self, bytes: u64) {
        let before = self.read.fetch_add(bytes, Ordering::Relaxed);
        if before < KEEP_PAGES_AFTER && before + bytes >= KEEP_PAGES_AFTER {
            set_purge_delay(-1);
        }
    }
}
