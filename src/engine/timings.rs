//! Phase timings and memory figures for `POOLLINT_TIMINGS=1` and the benchmark.

/// Phase timings on stderr when `POOLLINT_TIMINGS` is set (for profiling).
pub(super) struct Timings {
    pub(super) on: bool,
    last: std::cell::Cell<std::time::Instant>,
    /// CPU seconds (user + system) of the process at the last mark.
    last_cpu: std::cell::Cell<f64>,
}

impl Timings {
    pub(super) fn new() -> Timings {
        Timings {
            on: std::env::var_os("POOLLINT_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
            last_cpu: std::cell::Cell::new(cpu_secs()),
        }
    }

    pub(super) fn mark(&self, phase: &str) {
        if self.on {
            let now = std::time::Instant::now();
            let cpu = cpu_secs();
            eprintln!(
                "poollint: {phase}: {:.3} s, CPU {:.3} s, resident {} MB, peak {} MB",
                (now - self.last.get()).as_secs_f64(),
                cpu - self.last_cpu.get(),
                proc_status_kb("VmRSS:") / 1000,
                proc_status_kb("VmHWM:") / 1000
            );
            self.last.set(now);
            self.last_cpu.set(cpu);
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

/// CPU seconds (user + system) this process has used so far; 0 where
/// `/proc/self/stat` does not exist.
pub fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the parenthesised command name, utime and stime are the 12th and
    // 13th fields, in clock ticks (100 a second on Linux).
    let rest = stat.rsplit(')').next().unwrap_or("");
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}
