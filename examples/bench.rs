//! The benchmark: `cargo run --release --example bench -- [--update-readme] [DIR]...`
//!
//! Over one tree, with the same thread count, it measures (a) reading every
//! file, (b) parsing every file with syn and nothing else (the floor), and
//! (c) the full poollint pipeline, each in a child process of its own so peak
//! memory is measured per phase. It prints each time, the ratio (c)/(b),
//! files/s, MB/s and peak memory; how the time grows when a synthetic corpus
//! doubles and quadruples; 1 thread against all; and the pre-commit case (5
//! files of a 100,000-line crate, the rest only indexed).
//!
//! Trees: a synthetic corpus of dense pool code generated deterministically
//! under `target/bench/`; the three-workspace folder (tokio, wasmtime and sqlx
//! as published, copied from cargo's registry sources into `target/bench/`,
//! or skipped with a message when they were never fetched; `--no-three-ws`
//! skips it); a Go tree (`--go DIR`, default the Debian Go sources of
//! golang.org/x/net when installed); and any directory given (the cargo
//! registry sources after `cargo fetch`, say). Each line gives wall and CPU
//! time (user + system) beside the floor's, peak memory, and whether the
//! output is that of a run that lowers every body at the load.

// mimalloc: syn's many small allocations are faster, and freed AST memory goes
// back to the system instead of staying in per-thread arenas (peak memory).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;

#[derive(Debug, Clone, Copy, Default)]
struct Phase {
    secs: f64,
    /// CPU time (user + system) of the phase's process: steadier than wall
    /// time on a shared machine.
    cpu_secs: f64,
    files: usize,
    bytes: u64,
    peak_kb: u64,
    /// The output's hash (full phases).
    output: u64,
}

/// The full phase's output, hashed (0 for the other phases).
static OUTPUT_HASH: std::sync::Mutex<u64> = std::sync::Mutex::new(0);

fn peak_kb() -> u64 {
    poollint_core::engine::proc_status_kb("VmHWM:")
}

fn cpu_secs() -> f64 {
    poollint_core::engine::cpu_secs()
}

fn files_of(dir: &Path) -> Vec<PathBuf> {
    poollint_core::discover::walk(dir)
}

/// Run one phase in this process and print it as one line.
fn run_phase(phase: &str, dir: &Path) {
    let files = files_of(dir);
    let start = Instant::now();
    let cpu_start = cpu_secs();
    // Every phase counts what it reads, as the binary does (see
    // `poollint_core::allocator`).
    let purging = poollint_core::allocator::Purging::default();
    let bytes: u64 = match phase {
        "read" => files
            .par_iter()
            .map(|f| std::fs::read(f).map(|b| b.len() as u64).unwrap_or(0))
            .sum(),
        "parse" => {
            let pool = rayon::ThreadPoolBuilder::new()
                .stack_size(512 << 20)
                .build()
                .unwrap();
            pool.install(|| {
                files
                    .par_iter()
                    .map(|f| {
                        let text = std::fs::read_to_string(f).unwrap_or_default();
                        purging.read(text.len() as u64);
                        if f.extension().is_some_and(|e| e == "go") {
                            // The Go floor: a bare tree-sitter-go parse.
                            let mut parser = tree_sitter::Parser::new();
                            parser
                                .set_language(&tree_sitter_go::LANGUAGE.into())
                                .unwrap();
                            drop(parser.parse(&text, None));
                        } else {
                            // syn with span locations (as poollint uses it),
                            // their data freed per file.
                            let parsed = syn::parse_file(&text);
                            drop(parsed);
                            proc_macro2::extra::invalidate_current_thread_spans();
                        }
                        text.len() as u64
                    })
                    .sum()
            })
        }
        "full" | "full-eager" => {
            let config = poollint_core::config::Config::load(dir, None).unwrap_or_default();
            let found = poollint_core::discover::discover(
                poollint_core::discover::Targets::Paths(&[dir.to_path_buf()]),
                &[],
                &config,
            );
            // What `poollint DIR` does: the manifests found decide the packs.
            let (inputs, crates) = poollint_core::engine::discovered_inputs(&found, dir);
            let options = poollint_core::engine::RunOptions {
                crates,
                dependencies: poollint_core::workspace::manifest_dependencies(&found.crate_roots),
                packages: poollint_core::workspace::manifest_packages(&found.crate_roots),
                // `full-eager`: every body lowered at the load, the path
                // the lazy one must give the same output as.
                lowering: if phase == "full-eager" {
                    poollint_core::engine::Lowering::AtLoad
                } else {
                    poollint_core::engine::Lowering::Guess
                },
                // As the binary: this process ends after the run.
                process_ends: true,
                purging: Some(&purging),
                ..Default::default()
            };
            let outcome = poollint_core::engine::run_with(inputs, &config, options);
            // What the output says, as one hash: the lazy and eager runs
            // must agree on it.
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(&format!("{:?}", outcome.diagnostics), &mut h);
            std::hash::Hash::hash(&outcome.skipped_items, &mut h);
            *OUTPUT_HASH.lock().unwrap() = std::hash::Hasher::finish(&h);
            let bytes = outcome.bytes_scanned;
            // As the binary, which leaves the outcome to the exit.
            std::mem::forget(outcome);
            bytes
        }
        other => panic!("unknown phase {other}"),
    };
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu_start;
    println!(
        "{secs} {} {bytes} {} {cpu} {}",
        files.len(),
        peak_kb(),
        OUTPUT_HASH.lock().unwrap()
    );
}

fn phase(phase: &str, dir: &Path, threads: Option<usize>) -> Phase {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--phase", phase]).arg(dir);
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t.to_string());
    }
    let out = cmd.output().expect("run phase");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<&str> = text.split_whitespace().collect();
    let num = |i: usize| -> f64 { v[i].parse().unwrap() };
    Phase {
        secs: num(0),
        files: num(1) as usize,
        bytes: num(2) as u64,
        peak_kb: num(3) as u64,
        cpu_secs: num(4),
        output: v[5].parse().unwrap(),
    }
}

/// The best of a few runs of a phase (least disturbed by the machine).
fn best(phase_name: &str, dir: &Path, threads: Option<usize>) -> Phase {
    best_of(3, phase_name, dir, threads)
}

fn best_of(runs: usize, phase_name: &str, dir: &Path, threads: Option<usize>) -> Phase {
    (0..runs)
        .map(|_| phase(phase_name, dir, threads))
        .reduce(fastest)
        .unwrap()
}

/// The faster of two runs; CPU time and peak memory are each the least seen.
fn fastest(a: Phase, b: Phase) -> Phase {
    let cpu_secs = a.cpu_secs.min(b.cpu_secs);
    let peak_kb = a.peak_kb.min(b.peak_kb);
    let best = if a.secs <= b.secs { a } else { b };
    Phase {
        cpu_secs,
        peak_kb,
        ..best
    }
}

/// A deterministic corpus: `files` files mixing ordinary code with annotated
/// pools and their callers (clean and buggy), so the flow analysis really runs.
fn synthesize(dir: &Path, files: usize, fns_per_file: usize) {
    // The marker names the shape, so a change of shape regenerates the corpus.
    let shape = format!("{files} files, {fns_per_file} fns per file");
    if std::fs::read_to_string(dir.join(".complete")).is_ok_and(|s| s == shape) {
        return;
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"corpus\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let mut lib = String::new();
    for i in 0..files {
        let _ = writeln!(lib, "mod m{i};");
        let mut s = String::new();
        let _ = writeln!(
            s,
            "use std::collections::HashMap;\n\npub struct Buf{i} {{ data: Vec<u8>, len: usize }}\n\npub struct Pool{i} {{ free: std::sync::Mutex<Vec<Buf{i}>> }}\n\nimpl Pool{i} {{\n    #[poollint::acquire]\n    pub fn get(&self) -> Buf{i} {{\n        self.free.lock().unwrap().pop().unwrap_or(Buf{i} {{ data: Vec::new(), len: 0 }})\n    }}\n\n    #[poollint::release]\n    pub fn put(&self, buf: Buf{i}) {{\n        self.free.lock().unwrap().push(buf);\n    }}\n}}\n"
        );
        for f in 0..fns_per_file {
            match f % 4 {
                0 => {
                    let _ = writeln!(
                        s,
                        "pub fn handle_{f}(pool: &Pool{i}, input: &[u8], map: &mut HashMap<u32, u32>) -> Result<usize, String> {{\n    let mut buf = pool.get();\n    for (k, b) in input.iter().enumerate() {{\n        if *b == 0 {{\n            continue;\n        }}\n        buf.data.push(*b);\n        *map.entry(k as u32).or_insert(0) += 1;\n    }}\n    let n = buf.data.len();\n    if n > 4096 {{\n        pool.put(buf);\n        return Err(format!(\"too long: {{}}\", n));\n    }}\n    pool.put(buf);\n    Ok(n)\n}}\n"
                    );
                }
                1 => {
                    let _ = writeln!(
                        s,
                        "pub fn parse_{f}(pool: &Pool{i}, input: &str) -> Result<u64, std::num::ParseIntError> {{\n    let buf = pool.get();\n    let value: u64 = input.trim().parse()?;\n    pool.put(buf);\n    Ok(value * 2)\n}}\n"
                    );
                }
                2 => {
                    let _ = writeln!(
                        s,
                        "pub fn compute_{f}(xs: &[i64]) -> i64 {{\n    let mut total = 0;\n    for x in xs {{\n        match x % 3 {{\n            0 => total += x,\n            1 => total -= x,\n            _ => {{\n                if *x > 100 {{\n                    break;\n                }}\n                total *= 2;\n            }}\n        }}\n    }}\n    let v: Vec<i64> = xs.iter().map(|x| x * 2).filter(|x| *x > 0).collect();\n    total + v.len() as i64\n}}\n"
                    );
                }
                _ => {
                    let _ = writeln!(
                        s,
                        "pub async fn serve_{f}(pool: &Pool{i}, rx: &mut Receiver) -> Option<usize> {{\n    let mut buf = pool.get();\n    let msg = rx.recv().await?;\n    buf.data.extend_from_slice(&msg);\n    let n = buf.data.len();\n    pool.put(buf);\n    Some(n)\n}}\n"
                    );
                }
            }
        }
        std::fs::write(dir.join(format!("src/m{i}.rs")), s).unwrap();
    }
    std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
    std::fs::write(dir.join(".complete"), shape).unwrap();
}

/// The crates of the three-workspace folder: tokio, wasmtime and sqlx with
/// their workspace members, as published (their sources in cargo's registry).
const THREE_WORKSPACES: &[&str] = &[
    "sqlx-0.8.6",
    "sqlx-core-0.8.6",
    "sqlx-macros-0.8.6",
    "sqlx-macros-core-0.8.6",
    "sqlx-mysql-0.8.6",
    "sqlx-postgres-0.8.6",
    "sqlx-sqlite-0.8.6",
    "tokio-1.54.1",
    "wasmtime-50.0.1",
    "wasmtime-cli-flags-50.0.1",
    "wasmtime-environ-50.0.1",
    "wasmtime-internal-cache-50.0.1",
    "wasmtime-internal-component-macro-50.0.1",
    "wasmtime-internal-component-util-50.0.1",
    "wasmtime-internal-core-50.0.1",
    "wasmtime-internal-cranelift-50.0.1",
    "wasmtime-internal-fiber-50.0.1",
    "wasmtime-internal-jit-debug-50.0.1",
    "wasmtime-internal-jit-icache-coherence-50.0.1",
    "wasmtime-internal-unwinder-50.0.1",
    "wasmtime-internal-versioned-export-macros-50.0.1",
    "wasmtime-internal-winch-50.0.1",
    "wasmtime-internal-wit-bindgen-50.0.1",
    "wasmtime-wasi-50.0.1",
    "wasmtime-wasi-config-50.0.1",
    "wasmtime-wasi-http-50.0.1",
    "wasmtime-wasi-io-50.0.1",
    "wasmtime-wasi-keyvalue-50.0.1",
    "wasmtime-wasi-tls-50.0.1",
    "wasmtime-wast-50.0.1",
];

/// The three-workspace folder under `root`, copied from cargo's registry
/// sources the first time (`cargo fetch` of a crate depending on these
/// versions puts them there).
fn three_workspaces(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("three-ws");
    let marker = dir.join(".complete");
    let listing = THREE_WORKSPACES.join("\n");
    if std::fs::read_to_string(&marker).is_ok_and(|m| m == listing) {
        return Ok(dir);
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or("no CARGO_HOME or HOME")?;
    let registries: Vec<PathBuf> = std::fs::read_dir(home.join("registry/src"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    let mut missing = Vec::new();
    let mut found = Vec::new();
    for krate in THREE_WORKSPACES {
        match registries
            .iter()
            .map(|r| r.join(krate))
            .find(|p| p.is_dir())
        {
            Some(p) => found.push((krate, p)),
            None => missing.push(*krate),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "{} of its {} crates are not in cargo's registry sources ({}...): `cargo fetch` a crate that depends on `tokio = \"=1.54.1\"`, `wasmtime = \"=50.0.1\"` (with `wasmtime-wasi`, `wasmtime-wasi-http`, `wasmtime-wast`...) and `sqlx = \"=0.8.6\"` (features `postgres`, `mysql`, `sqlite`).",
            missing.len(),
            THREE_WORKSPACES.len(),
            missing[..missing.len().min(3)].join(", ")
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    for (krate, from) in found {
        copy_tree(&from, &dir.join(krate)).map_err(|e| format!("copying {krate}: {e}"))?;
    }
    std::fs::write(dir.join("MANIFEST"), format!("{listing}\n")).map_err(|e| e.to_string())?;
    std::fs::write(&marker, listing).map_err(|e| e.to_string())?;
    Ok(dir)
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The Go tree: `--go DIR`, or the Go sources Debian's golang-golang-x-net-dev
/// installs (see scripts/go-precision.sh).
fn go_tree(args: &[String]) -> Result<PathBuf, String> {
    let given = args
        .iter()
        .position(|a| a == "--go")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let dir = given.unwrap_or_else(|| PathBuf::from("/usr/share/gocode/src/golang.org/x/net"));
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "{} is absent (apt-get install golang-golang-x-net-dev, or give `--go DIR`)",
            dir.display()
        ))
    }
}

fn lines_of(dir: &Path) -> usize {
    files_of(dir)
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .map(|t| t.lines().count())
                .unwrap_or(0)
        })
        .sum()
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    // Every phase (the floor too) with the allocator set as poollint sets it.
    poollint_core::allocator::set_up();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--phase") {
        run_phase(&args[1], Path::new(&args[2]));
        return;
    }
    let update_readme = args.iter().any(|a| a == "--update-readme");
    let extra: Vec<PathBuf> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--go"))
        .map(|(_, a)| PathBuf::from(a))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut report = String::new();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let _ = writeln!(report, "Machine: {threads} threads, {cpu}.\n");
    let _ = writeln!(
        report,
        "| tree | files | MB | read s | floor s | floor CPU s | poollint s | poollint CPU s | poollint / floor | same, CPU time | files/s | MB/s | peak RSS MB | peak / source | floor peak MB | output = eager |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );

    let scales = [1usize, 2, 4];
    let mut synthetic = Vec::new();
    for s in scales {
        let dir = root.join(format!("synthetic-{s}x"));
        synthesize(&dir, 150 * s, 40);
        synthetic.push(dir);
    }
    let mut trees: Vec<(String, PathBuf)> = vec![(
        "synthetic 1x (dense pool code)".into(),
        synthetic[0].clone(),
    )];
    let mut notes = Vec::new();
    if !args.iter().any(|a| a == "--no-three-ws") {
        match three_workspaces(&root) {
            Ok(dir) => trees.push(("three workspaces (tokio, wasmtime, sqlx)".into(), dir)),
            Err(why) => notes.push(format!("Three-workspace folder skipped: {why}")),
        }
    }
    match go_tree(&args) {
        Ok(dir) => trees.push((format!("Go: {}", dir.display()), dir)),
        Err(why) => notes.push(format!("Go tree skipped: {why}")),
    }
    trees.extend(extra.iter().map(|d| (d.display().to_string(), d.clone())));
    for (name, dir) in &trees {
        // Three rounds, each phase once per round (interleaved, so a slow
        // spell of a shared machine hits both), keeping each phase's best.
        let (mut read, mut parse, mut full) = (None, None, None);
        for _ in 0..3 {
            let keep =
                |best: Option<Phase>, run: Phase| Some(best.map_or(run, |b| fastest(b, run)));
            read = keep(read, phase("read", dir, None));
            parse = keep(parse, phase("parse", dir, None));
            full = keep(full, phase("full", dir, None));
        }
        let (read, parse, full) = (read.unwrap(), parse.unwrap(), full.unwrap());
        // The lazy path must say what lowering everything at the load says.
        let eager = phase("full-eager", dir, None);
        let same = if eager.output == full.output {
            "yes"
        } else {
            "**NO**"
        };
        let _ = writeln!(
            report,
            "| {name} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {:.1} | {:.0} | {:.2} | {:.0} | {same} |",
            full.files,
            mb(full.bytes),
            read.secs,
            parse.secs,
            parse.cpu_secs,
            full.secs,
            full.cpu_secs,
            full.secs / parse.secs,
            full.cpu_secs / parse.cpu_secs,
            full.files as f64 / full.secs,
            mb(full.bytes) / full.secs,
            full.peak_kb as f64 / 1e3,
            (full.peak_kb * 1000) as f64 / full.bytes.max(1) as f64,
            parse.peak_kb as f64 / 1e3,
        );
        eprintln!("measured {name}");
    }
    let _ = writeln!(
        report,
        "\nFloor: each file read and parsed alone (Rust: syn with span locations, their data freed per file, mimalloc, as poollint; Go: a bare tree-sitter-go parse). CPU time is user + system of the whole process, best of 3 interleaved rounds. \"output = eager\": the diagnostics and skipped items are those of a run that lowers every body at the load."
    );
    for note in notes {
        let _ = writeln!(report, "\n{note}");
    }

    if args.iter().any(|a| a == "--trees-only") {
        let _ = writeln!(
            report,
            "\nScaling, threads and pre-commit not measured in this run (`--trees-only`)."
        );
        finish(&report, update_readme);
        return;
    }

    let _ = writeln!(
        report,
        "\nScaling (synthetic corpus, 1 thread, full pipeline and parse floor in 5 interleaved rounds, best of each):\n\n| size | files | lines | s | CPU µs per line | vs 1x | floor CPU µs per line | vs 1x | poollint / floor, CPU | vs 1x |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    // The floor beside it, measured alongside: on a shared machine the cost
    // of a line drifts with the size of the run even for syn alone (caches,
    // page faults), so poollint's own growth is its ratio to the floor.
    let mut per_line_1x = (0.0, 0.0, 0.0);
    for (s, dir) in scales.iter().zip(&synthetic) {
        let (mut full, mut floor) = (None, None);
        for _ in 0..5 {
            let keep =
                |best: Option<Phase>, run: Phase| Some(best.map_or(run, |b| fastest(b, run)));
            full = keep(full, phase("full", dir, Some(1)));
            floor = keep(floor, phase("parse", dir, Some(1)));
        }
        let (full, floor) = (full.unwrap(), floor.unwrap());
        let lines = lines_of(dir) as f64;
        let per_line = (
            full.cpu_secs * 1e6 / lines,
            floor.cpu_secs * 1e6 / lines,
            full.cpu_secs / floor.cpu_secs,
        );
        if *s == 1 {
            per_line_1x = per_line;
        }
        let _ = writeln!(
            report,
            "| {s}x | {} | {lines} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            full.files,
            full.secs,
            per_line.0,
            per_line.0 / per_line_1x.0,
            per_line.1,
            per_line.1 / per_line_1x.1,
            per_line.2,
            per_line.2 / per_line_1x.2,
        );
    }

    let one = best("full", &synthetic[2], Some(1));
    let all = best("full", &synthetic[2], None);
    let _ = writeln!(
        report,
        "\nThreads (synthetic 4x): 1 thread {:.2} s, {threads} threads {:.2} s ({:.2}x).",
        one.secs,
        all.secs,
        one.secs / all.secs
    );

    // Pre-commit: 5 files of a 100,000-line crate, through the real binary:
    // a dense one (every file declares a pool and uses it), and tokio's
    // crate (the case of issue 19) when the three-workspace folder is here.
    let dense = root.join("precommit-crate");
    synthesize(&dense, 190, 40);
    let five: Vec<String> = (0..5).map(|i| format!("src/m{}.rs", i * 20)).collect();
    precommit(
        &mut report,
        "dense pool code",
        &dense,
        &five,
        &dense.join("target"),
    );
    match three_workspaces(&root) {
        Ok(dir) => precommit(
            &mut report,
            "tokio 1.54.1",
            &dir.join("tokio-1.54.1"),
            &TOKIO_FIVE.map(String::from),
            &root.join("precommit-tokio-target"),
        ),
        Err(why) => {
            let _ = writeln!(report, "\nPre-commit on tokio skipped: {why}");
        }
    }

    finish(&report, update_readme);
}

/// Five files of tokio's crate, for its pre-commit run: a task, a channel,
/// an I/O helper, a socket and the scheduler's worker.
const TOKIO_FIVE: [&str; 5] = [
    "src/runtime/task/mod.rs",
    "src/sync/mpsc/chan.rs",
    "src/io/util/buf_reader.rs",
    "src/net/tcp/stream.rs",
    "src/runtime/scheduler/multi_thread/worker.rs",
];

/// Time `poollint FILE...` over `files` of the crate at `crate_dir` (the rest
/// only indexed), cold (`--no-cache`) and warm (the cache under `target`,
/// which poollint uses only when cargo made it: made here), as the median
/// wall time of 5 runs each.
fn precommit(report: &mut String, label: &str, crate_dir: &Path, files: &[String], target: &Path) {
    let lines = lines_of(crate_dir);
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/poollint");
    if !bin.is_file() {
        let _ = writeln!(
            report,
            "\nPre-commit: build `target/release/poollint` first (`cargo build --release`)."
        );
        return;
    }
    let median = |extra: &[&str]| {
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let out = Command::new(&bin)
                .args(files)
                .args(extra)
                .current_dir(crate_dir)
                .env("CARGO_TARGET_DIR", target)
                .output()
                .unwrap();
            times.push(start.elapsed().as_secs_f64());
            assert!(out.status.code() == Some(0) || out.status.code() == Some(1));
        }
        times.sort_by(f64::total_cmp);
        times[2]
    };
    // Cold: every file parsed. Warm: the files' facts and what the index
    // phases learnt come from the cache, filled by one run first.
    let cold = median(&["--no-cache"]);
    let _ = std::fs::remove_dir_all(target);
    std::fs::create_dir_all(target).unwrap();
    median(&[]);
    assert!(
        target.join("poollint").is_dir(),
        "the pre-commit run wrote no cache"
    );
    let warm = median(&[]);
    let _ = writeln!(
        report,
        "\nPre-commit, {label}: 5 files of a {lines}-line crate (the rest only indexed), median wall time over 5 runs of `poollint FILE...`: {warm:.3} s with the cache warm (nothing changed since the last run: every file's facts and what the index phases learnt come from it), {cold:.3} s without it (`--no-cache`)."
    );
}

/// Print the report, and write it into the README if asked.
fn finish(report: &str, update_readme: bool) {
    println!("{report}");
    if update_readme {
        let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let text = std::fs::read_to_string(&readme).unwrap();
        let (begin, end) = ("<!-- bench:begin -->", "<!-- bench:end -->");
        if let (Some(a), Some(b)) = (text.find(begin), text.find(end)) {
            let new = format!("{}{begin}\n{report}\n{}", &text[..a], &text[b..]);
            std::fs::write(&readme, new).unwrap();
            eprintln!("README.md updated");
        }
    }
}
