//! Phase timings and memory figures for `POOLLINT_TIMINGS=1` and the benchmark.

/// Phase timings on stderr when `POOLLINT_TIMINGS` is set (for profiling).
pub(super) struct Timings {
    pub(super) on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timings {
    pub(super) fn new() -> Timings {
        Timings {
            on: std::env::var_os("POOLLINT_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    pub(super) fn mark(&self, phase: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "poollint: {phase}: {:.3} s, resident {} MB",
                (now - self.last.get()).as_secs_f64(),
                proc_status_kb("VmRSS:") / 1000
            );
            self.last.set(now);
        }
    }
}

/// A memory figure of this process in kB, by its `/proc/self/status` key
/// (`VmRSS:` resident now, `VmHWM:` peak); 0 where there is no such file.
pub fn proc_status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}
