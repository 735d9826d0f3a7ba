//! The pipeline: read and lower every file once (in parallel), build the
//! knowledge index, infer wrappers, analyse the reported files' bodies (in
//! parallel) and collect diagnostics in a deterministic order.

use crate::cache::FactsCache;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::flow::{self, Resolution};
use crate::frontend::{self, FileFacts};
use crate::ir::{Body, PlaceKind};
use crate::knowledge::infer::{self, InferInput};
use crate::knowledge::packs::{self, Pack};
use crate::knowledge::pools::PoolInput;
use crate::knowledge::{ApiOrigin, Index};
use crate::rules::{self, RuleContext, Unreadable, UnreadableSource};
use crate::source::SourceFile;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Stack for worker threads: deeply nested code recurses deeply in the parser.
const WORKER_STACK: usize = 512 << 20;

/// One input file: where it is and how to show it.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub name: String,
    /// Findings are reported only for these; the others only feed the index.
    pub reported: bool,
    /// Text given directly (tests); otherwise read from `path`.
    pub text: Option<String>,
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub files_scanned: usize,
    pub index: Index,
}

struct Loaded {
    source: SourceFile,
    reported: bool,
    facts: Result<FileFacts, Diagnostic>,
}

/// Called for every body before it is analysed; tests use it to inject failures.
pub type BodyHook<'a> = &'a (dyn Fn(&Body) + Sync);

/// What a run knows besides its files and config.
pub struct RunOptions<'a> {
    /// Crates the scanned crates depend on (activate lint packs).
    pub dependencies: BTreeSet<String>,
    /// The scanned packages themselves: a crate's own pack does not apply to
    /// its implementation (its internals and tests use the API on purpose).
    pub packages: BTreeSet<String>,
    /// Lint packs from the config's `packs = [..]` (always active).
    pub extra_packs: Vec<Pack>,
    /// Called for every body before it is analysed; tests use it to inject failures.
    pub hook: BodyHook<'a>,
    /// Facts lowered by earlier runs, by content (the pre-commit case).
    pub cache: Option<FactsCache>,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            dependencies: BTreeSet::new(),
            packages: BTreeSet::new(),
            extra_packs: Vec::new(),
            hook: &|_| {},
            cache: None,
        }
    }
}

/// Run the whole pipeline over `inputs`.
pub fn run(inputs: Vec<InputFile>, config: &Config) -> Outcome {
    run_with(inputs, config, RunOptions::default())
}

/// [`run`], calling `hook` on every body before analysing it.
pub fn run_with_hook(inputs: Vec<InputFile>, config: &Config, hook: BodyHook<'_>) -> Outcome {
    run_with(
        inputs,
        config,
        RunOptions {
            hook,
            ..RunOptions::default()
        },
    )
}

/// [`run`] with everything a run can be given.
pub fn run_with(inputs: Vec<InputFile>, config: &Config, options: RunOptions<'_>) -> Outcome {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build();
    match pool {
        Ok(pool) => pool.install(|| run_in_pool(inputs, config, &options)),
        // Without a pool of our own (resource limits), run on the global one.
        Err(_) => run_in_pool(inputs, config, &options),
    }
}

/// [`run_with`] on the current rayon pool instead of a pool of its own: for
/// callers that run many small analyses (the fuzz target). The pool's threads
/// need large stacks for deeply nested input.
pub fn run_on_current_pool(
    inputs: Vec<InputFile>,
    config: &Config,
    options: RunOptions<'_>,
) -> Outcome {
    run_in_pool(inputs, config, &options)
}

fn run_in_pool(inputs: Vec<InputFile>, config: &Config, options: &RunOptions<'_>) -> Outcome {
    let hook = options.hook;
    let timer = Timings::new();
    let loaded: Vec<Loaded> = inputs
        .into_par_iter()
        .enumerate()
        .map(|(id, input)| load(id, input, options.cache.as_ref()))
        .collect();

    let items: Vec<(usize, PathBuf, &crate::knowledge::FileItems)> = loaded
        .iter()
        .enumerate()
        .filter_map(|(id, l)| {
            l.facts
                .as_ref()
                .ok()
                .map(|f| (id, PathBuf::from(&l.source.name), &f.items))
        })
        .collect();
    timer.mark("loaded");
    let mut index = Index::build(&items);
    add_config_pools(&mut index, config);
    let crates_in_use: BTreeSet<String> = options
        .dependencies
        .iter()
        .map(|d| packs::normalize(d))
        .chain(
            loaded
                .iter()
                .filter_map(|l| l.facts.as_ref().ok())
                .flat_map(|f| f.items.imported_crates.iter().cloned()),
        )
        .collect();
    let active: Vec<Pack> = packs::builtin()
        .iter()
        .filter(|p| p.is_active(&crates_in_use))
        .filter(|p| !p.crates.iter().any(|c| options.packages.contains(c)))
        .cloned()
        .chain(options.extra_packs.iter().cloned())
        .collect();
    // `unless-called`: a crate calling these manages the accounting itself.
    let called = |name: &str| {
        loaded
            .iter()
            .filter_map(|l| l.facts.as_ref().ok())
            .flat_map(|f| &f.bodies)
            .any(|b| b.callees.iter().any(|c| c.name == name))
    };
    for pack in &active {
        let pools: Vec<_> = pack
            .pools
            .iter()
            .filter(|p| !p.unless_called.iter().any(|n| called(n)))
            .cloned()
            .collect();
        index.add_declared(
            &pools,
            &ApiOrigin::Pack {
                name: pack.name.clone(),
            },
        );
    }

    let line_fns: Vec<Box<dyn Fn(u32) -> usize + Sync + '_>> = loaded
        .iter()
        .map(|l| {
            let src = &l.source;
            Box::new(move |offset: u32| src.line_col(offset as usize).0)
                as Box<dyn Fn(u32) -> usize + Sync>
        })
        .collect();
    let infer_inputs: Vec<InferInput<'_>> = loaded
        .iter()
        .zip(&line_fns)
        .map(|(l, line_of)| InferInput {
            path: PathBuf::from(&l.source.name),
            bodies: l.facts.as_ref().map(|f| f.bodies.as_slice()).unwrap_or(&[]),
            line_of: line_of.as_ref(),
        })
        .collect();
    let pool_inputs: Vec<PoolInput<'_>> = loaded
        .iter()
        .enumerate()
        .zip(&line_fns)
        .filter_map(|((id, l), line_of)| {
            l.facts.as_ref().ok().map(|f| PoolInput {
                file: id,
                path: PathBuf::from(&l.source.name),
                bodies: &f.bodies,
                line_of: line_of.as_ref(),
            })
        })
        .collect();
    let free_list_types: BTreeSet<String> = [
        "Vec",
        "VecDeque",
        "LinkedList",
        "Sender",
        "SyncSender",
        "Receiver",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(active.iter().flat_map(|p| p.free_lists.iter().cloned()))
    .collect();
    timer.mark("index+packs");
    crate::knowledge::pools::infer_pools(&mut index, &pool_inputs, &free_list_types);
    drop(pool_inputs);
    timer.mark("pools");
    infer::infer(&mut index, &infer_inputs);
    drop(infer_inputs);
    let bodies: Vec<(usize, &[Body])> = loaded
        .iter()
        .enumerate()
        .filter_map(|(id, l)| l.facts.as_ref().ok().map(|f| (id, f.bodies.as_slice())))
        .collect();
    timer.mark("wrappers");
    crate::knowledge::summaries::compute(&mut index, &bodies);
    drop(bodies);
    drop(line_fns);

    timer.mark("summaries");
    let mut diagnostics: Vec<Diagnostic> = loaded
        .par_iter()
        .enumerate()
        .filter(|(_, l)| l.reported)
        .flat_map_iter(|(id, l)| match &l.facts {
            Err(d) => vec![d.clone()],
            Ok(facts) => analyze_file(id, l, facts, &index, hook),
        })
        .collect();

    for d in &mut diagnostics {
        d.level = config.level(d.code);
    }
    diagnostics.retain(|d| d.level != Level::Allow);
    let reported: Vec<bool> = loaded.iter().map(|l| l.reported).collect();
    let parsed: Vec<bool> = loaded.iter().map(|l| l.facts.is_ok()).collect();
    let fn_ranges: Vec<Vec<(u32, u32)>> = loaded
        .iter()
        .map(|l| {
            l.facts
                .as_ref()
                .map(|f| f.fn_ranges.clone())
                .unwrap_or_default()
        })
        .collect();
    let files: Vec<SourceFile> = loaded.into_iter().map(|l| l.source).collect();
    timer.mark("analysis");
    let mut diagnostics =
        crate::suppress::apply(diagnostics, &files, &fn_ranges, &reported, &parsed, |c| {
            config.level(c)
        });
    for d in &mut diagnostics {
        d.level = config.level(d.code);
    }
    diagnostics.sort_by(|a, b| {
        let fa = &files[a.file];
        let fb = &files[b.file];
        (
            &fa.name,
            fa.line_col(a.primary.span.start as usize),
            a.code,
            &a.message,
        )
            .cmp(&(
                &fb.name,
                fb.line_col(b.primary.span.start as usize),
                b.code,
                &b.message,
            ))
    });
    timer.mark("suppress+sort");
    diagnostics.dedup();
    let files_scanned = files.len();
    Outcome {
        files,
        diagnostics,
        files_scanned,
        index,
    }
}

fn load(id: usize, input: InputFile, cache: Option<&FactsCache>) -> Loaded {
    let text = match input.text {
        Some(t) => Ok(t),
        None => read_regular_file(&input.path)
            .map_err(Unreadable::Io)
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|e| Unreadable::NotUtf8 {
                    valid_up_to: e.utf8_error().valid_up_to(),
                })
            }),
    };
    let (text, facts) = match text {
        Ok(text) => {
            let lowered = match cache.and_then(|c| c.get(&text)) {
                Some(facts) => Ok(Ok(facts)),
                None => {
                    let lowered = catch_unwind(AssertUnwindSafe(|| frontend::lower_source(&text)));
                    if let (Some(cache), Ok(Ok(facts))) = (cache, &lowered) {
                        cache.put(&text, facts);
                    }
                    lowered
                }
            };
            let facts = match lowered {
                Ok(Ok(facts)) => Ok(facts),
                Ok(Err(e)) => Err(Unreadable::Syntax {
                    message: e.message,
                    span: crate::ir::Span::new(e.start, e.end),
                }),
                Err(panic) => Err(Unreadable::Internal(panic_message(&panic))),
            };
            (text, facts)
        }
        Err(reason) => (String::new(), Err(reason)),
    };
    let source = SourceFile::new(input.path, input.name, text);
    let facts = facts.map_err(|reason| UnreadableSource::diagnostic(id, &source.name, reason));
    Loaded {
        source,
        reported: input.reported,
        facts,
    }
}

/// Phase timings on stderr when `POOLLINT_TIMINGS` is set (for profiling).
struct Timings {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timings {
    fn new() -> Timings {
        Timings {
            on: std::env::var_os("POOLLINT_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    fn mark(&self, phase: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "poollint: {phase}: {:.3} s",
                (now - self.last.get()).as_secs_f64()
            );
            self.last.set(now);
        }
    }
}

/// Read a file, refusing what is not a regular file (a FIFO would block forever).
fn read_regular_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn analyze_file(
    id: usize,
    loaded: &Loaded,
    facts: &FileFacts,
    index: &Index,
    hook: BodyHook<'_>,
) -> Vec<Diagnostic> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut out = Vec::new();
        for body in &facts.bodies {
            hook(body);
            let res = resolve(body, index, id);
            let facts = flow::analyze(body, &res).unwrap_or_default();
            let cx = RuleContext {
                body,
                facts: &facts,
                index,
                file: id,
                text: &loaded.source.text,
            };
            rules::check_body(&cx, &mut out);
        }
        out
    }));
    result.unwrap_or_else(|panic| {
        vec![UnreadableSource::diagnostic(
            id,
            &loaded.source.name,
            Unreadable::Internal(panic_message(&panic)),
        )]
    })
}

/// Resolve a body's calls and the pooled fields of `self` against the index.
pub fn resolve(body: &Body, index: &Index, file: usize) -> Resolution {
    let calls = body.callees.iter().map(|c| index.effect(c, file)).collect();
    let mut entry_fields = Vec::new();
    if let (Some((receiver, _)), Some(self_type)) = (body.receiver, &body.self_type) {
        for (p, place) in body.places.iter().enumerate() {
            if place.kind == PlaceKind::Field
                && place.parent == Some(receiver)
                && index.field_holds_pooled(self_type, body.field_path(p as u32)[0])
            {
                entry_fields.push(p as u32);
            }
        }
    }
    Resolution {
        calls,
        entry_fields,
        track_params: false,
    }
}

/// `[[pools]]` entries of the config become index entries.
fn add_config_pools(index: &mut Index, config: &Config) {
    let origin = ApiOrigin::Config {
        file: config.file.clone().unwrap_or_default(),
    };
    index.add_declared(&config.pools, &origin);
}

/// Build the inputs of a run from discovered paths, naming files relative to `base`.
pub fn inputs(report: &[PathBuf], index_only: &[PathBuf], base: &Path) -> Vec<InputFile> {
    let name = |p: &Path| {
        p.strip_prefix(base)
            .unwrap_or(p)
            .to_string_lossy()
            .trim_start_matches("./")
            .to_string()
    };
    report
        .iter()
        .map(|p| (p, true))
        .chain(index_only.iter().map(|p| (p, false)))
        .map(|(p, reported)| InputFile {
            path: p.clone(),
            name: name(p),
            reported,
            text: None,
        })
        .collect()
}
