//! The allocator's settings for a run (the binaries and the benchmark, which
//! declare mimalloc their global allocator).
//!
//! mimalloc hands the pages a thread frees back to the system a while after
//! (its `purge_delay`, 1 s in mimalloc 3); a run parses file after file, and
//! every page returned is soon asked for again, faulted in and zeroed by the
//! kernel: about 4% of a three-workspace run's CPU time, 8% of the registry
//! tree's. A run is short, so it keeps its freed pages until it ends (peak
//! memory +7% on the registry tree, within the noise on three-ws).

use std::os::raw::{c_int, c_long};

unsafe extern "C" {
    /// mimalloc's `mi_option_set` (from the `libmimalloc-sys` that the
    /// `mimalloc` crate links).
    fn mi_option_set(option: c_int, value: c_long);
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (the same index in
/// mimalloc 2 and 3, `include/mimalloc.h`).
const MI_OPTION_PURGE_DELAY: c_int = 15;

/// Keep freed pages for the rest of the process (`MIMALLOC_PURGE_DELAY=-1`):
/// call first thing in `main`, where mimalloc is the global allocator.
pub fn keep_freed_pages() {
    // Names the crate, so that its library is linked wherever this is.
    let _ = mimalloc::MiMalloc;
    // SAFETY: setting an option is allowed at any time, from any thread;
    // mimalloc reads this one whenever it considers purging.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}
