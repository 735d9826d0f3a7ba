//! The allocator's settings for a run (the binaries and the benchmark, which
//! declare mimalloc their global allocator).
//!
//! mimalloc hands the pages a thread frees back to the system a while after
//! (its `purge_delay`, 1 s in mimalloc 3); a run parses file after file, and
//! every page returned is soon asked for again, faulted in and zeroed by the
//! kernel: about 4% of a three-workspace run's CPU time, 8% of the registry
//! tree's. A run is short, so it keeps its freed pages until it ends (peak
//! memory +7% on the registry tree, within the noise on three-ws).
//!
//! mimalloc also asks Linux for transparent huge pages on the arena it
//! reserves before `main`: each first touch then faults in and zeroes 2 MB,
//! most of it never used by a short run. Without them (the process's
//! `PR_SET_THP_DISABLE`) the Go x/net tree's full run costs ~5% less CPU and
//! its peak memory is 50 MB instead of 80 MB. The option `allow_thp` set in
//! `main` would come too late (the arena is already advised).

use std::os::raw::{c_int, c_long};

unsafe extern "C" {
    /// mimalloc's `mi_option_set` (from the `libmimalloc-sys` that the
    /// `mimalloc` crate links).
    fn mi_option_set(option: c_int, value: c_long);
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

/// Keep freed pages for the rest of the process (`MIMALLOC_PURGE_DELAY=-1`),
/// and use no transparent huge pages: call first thing in `main`, where
/// mimalloc is the global allocator.
pub fn keep_freed_pages() {
    // Names the crate, so that its library is linked wherever this is.
    let _ = mimalloc::MiMalloc;
    // SAFETY: setting an option is allowed at any time, from any thread;
    // mimalloc reads this one whenever it considers purging.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
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
