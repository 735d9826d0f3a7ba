//! The pipeline: read and parse every file once (in parallel), build the
//! knowledge index, infer wrappers, analyse the reported files' bodies (in
//! parallel) and collect diagnostics in a deterministic order.
//!
//! Bodies are lowered at the load only in files that look like pool code
//! (`lowers_at_load`); elsewhere the load keeps their keys, and the first
//! phase that needs a file's bodies lowers them from its text, once.

mod closure_results;
mod findable;
mod load;
mod resolve;
mod timings;

pub use load::Lowering;
pub use resolve::{borrowing, copy_parts, guard_locals, resolve};
pub use timings::{cpu_secs, proc_status_kb};

use findable::findable_keys;
use load::{Loaded, load, panic_message};
use timings::Timings;

use crate::cache::FactsCache;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::flow;
use crate::ir::Body;
use crate::knowledge::infer;
use crate::knowledge::packs::{self, Pack};
use crate::knowledge::{ApiOrigin, Index};
use crate::rules::{self, RuleContext, Unreadable, UnreadableSource};
use crate::source::SourceFile;
use crate::store::{FileBodies, Key, KeySet};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    /// The crate it belongs to: an index into [`RunOptions::crates`] (`None`:
    /// the run's `dependencies` and `packages` stand for its crate).
    pub krate: Option<usize>,
}

/// A crate of the run: the lint packs of its files come from its own
/// dependencies.
#[derive(Debug, Clone, Default)]
pub struct CrateInfo {
    /// The package name (`Cargo.toml`), or empty when none is known.
    pub name: String,
    /// Crates it depends on (every dependency table, renames resolved).
    pub dependencies: BTreeSet<String>,
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every input file, by id. Only the texts the output may show are kept:
    /// those of files with diagnostics or suppression comments; the others
    /// are empty (a whole tree's text would double a run's memory).
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub files_scanned: usize,
    /// The total size of the files' texts.
    pub bytes_scanned: u64,
    pub index: Index,
    /// Items the parser stepped over (valid Rust that syn does not parse):
    /// (file id, 1-based line, reason). Their code is not analysed.
    pub skipped_items: Vec<(usize, usize, String)>,
    /// Problems with the config that do not stop the run (a `pooled` type
    /// no source declares).
    pub warnings: Vec<String>,
}

/// Called for every body before it is analysed; tests use it to inject failures.
pub type BodyHook<'a> = &'a (dyn Fn(&Body) + Sync);

/// What a run knows besides its files and config.
pub struct RunOptions<'a> {
    /// The crates the files belong to ([`InputFile::krate`]).
    pub crates: Vec<CrateInfo>,
    /// Crates the scanned crates depend on (activate lint packs for files
    /// without a crate).
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
    /// When the load lowers a file's bodies.
    pub lowering: Lowering,
    /// The process ends after this run (the binaries): what only the run
    /// needed is left to the exit, not freed one allocation at a time (the
    /// unpacked bodies of a pre-commit run were 2.5% of its CPU time).
    pub process_ends: bool,
    /// The run set up the allocator ([`crate::allocator`]): it counts the
    /// bytes it reads, to keep freed pages once it is large.
    pub purging: Option<&'a crate::allocator::Purging>,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            crates: Vec::new(),
            dependencies: BTreeSet::new(),
            packages: BTreeSet::new(),
            extra_packs: Vec::new(),
            hook: &|_| {},
            cache: None,
            lowering: Lowering::Guess,
            process_ends: false,
            purging: None,
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
    let timer = Timings::new();
    let hints = load::Hints::new(config, options);
    // A run over a few files of a crate (the others only indexed) keeps
    // bodies unpacked: every phase wants every file of dense pool code.
    let keep_unpacked = inputs.iter().any(|i| !i.reported);
    if let Some(purging) = options.purging.filter(|_| keep_unpacked) {
        // Nor is the allocator to give pages back: the run is waited for.
        purging.keep_from_now();
    }
    let mut loaded: Vec<Loaded> = inputs
        .into_par_iter()
        .enumerate()
        .map(|(id, input)| {
            load(
                id,
                input,
                options.cache.as_ref(),
                options.lowering,
                &hints,
                keep_unpacked,
                options.purging,
            )
        })
        .collect();
    timer.mark("loaded");
    if timer.on {
        let texts: usize = loaded.iter().map(|l| l.text.size()).sum();
        let (bodies, keys) = loaded
            .iter()
            .filter_map(|l| l.facts.as_ref().ok())
            .map(|f| f.bodies.size())
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
        eprintln!(
            "poollint: kept: texts {} MB, bodies {} MB, keys {} MB",
            texts >> 20,
            bodies >> 20,
            keys >> 20
        );
    }

    // The pre-commit case: what the index phases learn depends only on the
    // files, the config and the crates, so a run over the same contents
    // takes it from the cache.
    let keys = options
        .cache
        .as_ref()
        .map(|cache| (cache, index_keys(&loaded, config, options)));
    let cached = keys.and_then(|(cache, (files, key))| cache.get_index::<Learnt>(files, key));
    let Learnt {
        mut index,
        warnings,
    } = match cached {
        Some(learnt) => {
            timer.mark("index (cached)");
            learnt
        }
        None => {
            let learnt = learn(&mut loaded, config, options, &timer);
            if let Some((cache, (files, key))) = keys {
                cache.put_index(files, key, &learnt);
            }
            learnt
        }
    };
    let source = |keys: &[KeySet], filter: Option<crate::store::FileFilter<'_>>| {
        bodies_matching(&loaded, keys, filter)
    };

    // Each reported file that can have a finding: unpack, analyse, and keep
    // its text only when the output may show it (a finding, or a suppression
    // comment to apply).
    let late_of = |file: usize, at: u32| loaded[file].borrowed_later(at);
    let late: crate::knowledge::LateBorrowed<'_> = &late_of;
    let findable = findable_keys(&index);
    let worth = |file: usize, probe: &dyn Fn(&KeySet) -> bool| {
        loaded[file].reported && findable.matches(&index, file, probe)
    };
    let sinks = crate::knowledge::sinks::compute(&index, &source, &worth);
    index.add_sinks(sinks);
    timer.mark("sinks");
    let analysed: Vec<(Vec<Diagnostic>, Option<String>)> = loaded
        .par_iter()
        .enumerate()
        .map(|(id, l)| {
            let analyse = l.reported
                && l.facts.as_ref().map_or(true, |f| {
                    findable.matches(&index, id, &|k: &KeySet| f.bodies.may_hold(k))
                });
            // A syntax error the parser recovered from: PL000 at it, and
            // the rest of the file analysed.
            let recovered = l
                .facts
                .as_ref()
                .ok()
                .and_then(|f| f.syntax_error.as_ref())
                .filter(|_| l.reported)
                .map(|(message, start, end)| {
                    UnreadableSource::diagnostic_in(
                        id,
                        &l.name,
                        Unreadable::Syntax {
                            message: message.clone(),
                            span: crate::ir::Span::new(*start as usize, *end as usize),
                        },
                        l.language,
                    )
                });
            if !analyse {
                let keep = l.reported && (l.mentions_poollint || recovered.is_some());
                return (
                    recovered.into_iter().collect(),
                    keep.then(|| l.text.get().ok()).flatten(),
                );
            }
            let text = match l.text.get() {
                Ok(text) => text,
                Err(message) => {
                    let unreadable = Unreadable::Internal(message);
                    let mut diagnostics =
                        vec![UnreadableSource::diagnostic(id, &l.name, unreadable)];
                    diagnostics.extend(recovered);
                    return (diagnostics, None);
                }
            };
            let mut diagnostics = match &l.facts {
                Err(d) => vec![d.clone()],
                Ok(_) => analyze_file(id, l, &text, &index, late, options.hook),
            };
            diagnostics.extend(recovered);
            let keep = !diagnostics.is_empty() || l.mentions_poollint;
            (diagnostics, keep.then_some(text))
        })
        .collect();
    if timer.on {
        let deferred = loaded
            .iter()
            .filter(|l| l.facts.as_ref().is_ok_and(|f| f.bodies.is_deferred()))
            .count();
        let later = loaded.iter().filter(|l| l.lowered_later.get().is_some());
        eprintln!(
            "poollint: lowering deferred in {deferred} of {} files, since done in {}",
            loaded.len(),
            later.count()
        );
    }
    let skipped_items: Vec<(usize, usize, String)> = loaded
        .iter()
        .enumerate()
        .filter_map(|(id, l)| Some((id, l.facts.as_ref().ok()?)))
        .flat_map(|(id, f)| {
            f.skipped
                .iter()
                .map(move |(line, m)| (id, *line, m.clone()))
        })
        .collect();
    let reported: Vec<bool> = loaded.iter().map(|l| l.reported).collect();
    let parsed: Vec<bool> = loaded.iter().map(|l| l.facts.is_ok()).collect();
    let bytes_scanned = loaded.iter().map(|l| l.len as u64).sum();
    let mut diagnostics = Vec::new();
    let mut files = Vec::with_capacity(loaded.len());
    let mut fn_ranges = Vec::with_capacity(loaded.len());
    // A label may point into another file (a field declared elsewhere): its
    // text is needed to show the label, though that file has no finding.
    let labelled: std::collections::HashSet<usize> = analysed
        .iter()
        .flat_map(|(found, _)| found)
        .flat_map(|d| d.secondary.iter().filter_map(|l| l.file))
        .collect();
    for (id, (mut l, (found, text))) in loaded.into_iter().zip(analysed).enumerate() {
        diagnostics.extend(found);
        let text = text.or_else(|| labelled.contains(&id).then(|| l.text.get().ok()).flatten());
        let (path, name) = (std::mem::take(&mut l.path), std::mem::take(&mut l.name));
        files.push(SourceFile::new(path, name, text.unwrap_or_default()));
        let ranges = l.facts.as_mut().map(|f| std::mem::take(&mut f.fn_ranges));
        fn_ranges.push(ranges.unwrap_or_default());
        if options.process_ends {
            std::mem::forget(l);
        }
    }
    for d in &mut diagnostics {
        d.level = config.level(d.code);
    }
    diagnostics.retain(|d| d.level != Level::Allow);
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
        bytes_scanned,
        index,
        skipped_items,
        warnings,
    }
}

/// What the index phases learn from the files: the index (its items, the
/// config's and packs' APIs, inferred pools, wrappers, guard types,
/// summaries) and the config's warnings.
#[derive(serde::Serialize, serde::Deserialize)]
struct Learnt {
    index: Index,
    warnings: Vec<String>,
}

/// Build the index and run the phases that learn from every file.
fn learn(
    loaded: &mut [Loaded],
    config: &Config,
    options: &RunOptions<'_>,
    timer: &Timings,
) -> Learnt {
    let mut index = build_index(loaded);
    timer.mark("index");
    add_config_pools(&mut index, config);
    index.settle_release_args();
    index.apply_config_types(&config.pools);
    index.settle_config_returns();
    let warnings = config.file.as_deref().map_or_else(Vec::new, |file| {
        index.config_warnings(&config.named_types, file)
    });
    index.set_crates(
        options
            .packages
            .iter()
            .chain(options.crates.iter().map(|c| &c.name))
            .map(String::as_str),
        options
            .dependencies
            .iter()
            .chain(options.crates.iter().flat_map(|c| &c.dependencies))
            .map(String::as_str),
    );
    let loaded = &*loaded;
    let source = |keys: &[KeySet], filter: Option<crate::store::FileFilter<'_>>| {
        bodies_matching(loaded, keys, filter)
    };
    let packs = PackScopes::new(loaded, options, &source);
    for pack in &packs.packs {
        index.add_declared(
            &pack.pools,
            &ApiOrigin::Pack {
                name: pack.name.clone(),
            },
        );
        index.add_pack_borrows(&pack.crates, &pack.borrows);
    }
    let free_list_packs: Vec<String> = packs
        .packs
        .iter()
        .flat_map(|p| p.free_lists.iter().cloned())
        .collect();
    index.set_file_packs(
        packs
            .packs
            .iter()
            .map(|p| (p.name.clone(), p.crates.clone()))
            .collect(),
        packs.file_masks,
        packs.masked,
    );
    timer.mark("packs");

    let free_list_types: BTreeSet<String> = FREE_LISTS
        .iter()
        .map(|s| s.to_string())
        .chain(free_list_packs)
        .collect();
    crate::knowledge::pools::infer_pools(&mut index, &source, &free_list_types);
    timer.mark("pools");
    let late = |file: usize, at: u32| loaded[file].borrowed_later(at);
    infer::infer(&mut index, &source, &late);
    timer.mark("wrappers");
    crate::knowledge::guard_types::learn(&mut index, &source);
    crate::knowledge::claims::learn(&mut index, &source);
    crate::knowledge::guard_free_lists::learn(&mut index, &source);
    timer.mark("guard types+claims");
    crate::knowledge::summaries::compute(&mut index, &source);
    timer.mark("summaries");
    crate::knowledge::guards::infer(&mut index, &source);
    crate::knowledge::counted_fields::infer(&mut index, &source);
    let conventions = crate::knowledge::conventions::compute(&index, &source);
    index.set_put_back_by_convention(conventions);
    timer.mark("guards+conventions");
    Learnt { index, warnings }
}

/// The keys of what [`learn`] learns from these files: a hash of their
/// names and order (one cache entry per set of files), and a hash of
/// everything it reads (each file's text, whether it parsed, the config,
/// the crates). The binary's identity is in the cache's folder name.
fn index_keys(loaded: &[Loaded], config: &Config, options: &RunOptions<'_>) -> (u64, u64) {
    use std::hash::{Hash, Hasher};
    let mut files = std::collections::hash_map::DefaultHasher::new();
    let mut key = std::collections::hash_map::DefaultHasher::new();
    for l in loaded {
        (&l.path, &l.name).hash(&mut files);
        (l.reported, l.krate, l.content, l.len, l.facts.is_ok()).hash(&mut key);
    }
    let files = files.finish();
    files.hash(&mut key);
    // The config and the crates as they print: none of them holds a hash
    // map, so the text is the same in every run.
    format!("{:?}", (&config.file, &config.pools, &config.named_types)).hash(&mut key);
    format!(
        "{:?}",
        (
            &options.crates,
            &options.dependencies,
            &options.packages,
            &options.extra_packs
        )
    )
    .hash(&mut key);
    (files, key.finish())
}

/// Containers a hand-rolled pool keeps its free values in (packs add more).
const FREE_LISTS: &[&str] = &[
    "Vec",
    "VecDeque",
    "LinkedList",
    "Sender",
    "SyncSender",
    "Receiver",
];

/// The index of every parsed file's items, unpacked a chunk of files at a
/// time (in parallel) and added in file order.
fn build_index(loaded: &mut [Loaded]) -> Index {
    let mut index = Index::default();
    let (file_namespaces, names) = namespaces(loaded);
    index.set_namespaces(file_namespaces, names);
    for (id, l) in loaded.iter_mut().enumerate() {
        if let Ok(facts) = &mut l.facts
            && let Ok(items) = facts.take_items()
        {
            index.add_file_items(id, Path::new(&l.name), items);
        }
    }
    index.items_added();
    index
}

/// Which lint packs apply where. A pack applies to a file when the file's
/// crate depends on one of the pack's crates or the file imports one, unless
/// the file's crate is one of the pack's own (its internals use the API on
/// purpose) or calls one of the pack's `unless-called` names (it manages the
/// accounting by hand). Config packs apply everywhere.
struct PackScopes {
    /// Every pack that applies to some file.
    packs: Vec<Pack>,
    /// Per file, bit `i` set when `packs[i]` applies to it (for the first
    /// `masked` packs; the others apply everywhere).
    file_masks: Vec<u64>,
    masked: usize,
}

impl PackScopes {
    fn new(
        loaded: &[Loaded],
        options: &RunOptions<'_>,
        source: crate::store::BodySource<'_>,
    ) -> PackScopes {
        // Per file: the crates in use and the file's own crate names.
        let normalized = |set: &BTreeSet<String>| -> BTreeSet<String> {
            set.iter().map(|d| packs::normalize(d)).collect()
        };
        let run_deps = normalized(&options.dependencies);
        let run_own = normalized(&options.packages);
        let crate_deps: Vec<BTreeSet<String>> = options
            .crates
            .iter()
            .map(|c| normalized(&c.dependencies))
            .collect();
        let crate_own: Vec<BTreeSet<String>> = options
            .crates
            .iter()
            .map(|c| BTreeSet::from([packs::normalize(&c.name)]))
            .collect();
        let file_crate = |l: &Loaded| l.krate.filter(|&k| k < options.crates.len());
        let imports = namespace_imports(loaded);
        let mut packs_out = Vec::new();
        let mut masks = vec![0u64; loaded.len()];
        for pack in packs::builtin() {
            let names: Vec<String> = pack.crates.iter().map(|c| packs::normalize(c)).collect();
            // Crates (by index; `None` for files without one) that call an
            // `unless-called` name.
            let unless: Vec<&str> = pack
                .pools
                .iter()
                .flat_map(|p| &p.unless_called)
                .map(String::as_str)
                .collect();
            let mut opted_out: BTreeSet<Option<usize>> = BTreeSet::new();
            if !unless.is_empty() {
                let watched = KeySet::new(unless.iter().map(|n| Key::Calls(n)));
                for file in source(std::slice::from_ref(&watched), None) {
                    let calls = file
                        .bodies
                        .iter()
                        .flat_map(|b| &b.callees)
                        .any(|c| unless.contains(&c.name.as_str()));
                    if calls {
                        opted_out.insert(file_crate(&loaded[file.file]));
                    }
                }
            }
            let bit = packs_out.len();
            let mut any = false;
            for (id, l) in loaded.iter().enumerate() {
                let krate = file_crate(l);
                let (deps, own) = match krate {
                    Some(k) => (&crate_deps[k], &crate_own[k]),
                    None => (&run_deps, &run_own),
                };
                let imports = &imports[id];
                let in_use = names
                    .iter()
                    .any(|n| n == "std" || deps.contains(n) || imports.iter().any(|i| i == n));
                let applies = in_use
                    && !pack
                        .crates
                        .iter()
                        .any(|c| own.contains(&packs::normalize(c)))
                    && !opted_out.contains(&krate);
                if applies && bit < 64 {
                    masks[id] |= 1 << bit;
                }
                any |= applies;
            }
            if any {
                packs_out.push(pack.clone());
            }
        }
        // Config packs apply everywhere (see `Index::pack_active`).
        let masked = packs_out.len().min(64);
        packs_out.extend(options.extra_packs.iter().cloned());
        PackScopes {
            packs: packs_out,
            file_masks: masks,
            masked,
        }
    }
}

/// Each file's namespace where the files of a folder are one (a Go
/// package: its folder, within its module), and each namespace's name.
fn namespaces(loaded: &[Loaded]) -> (Vec<Option<u32>>, Vec<String>) {
    let mut ids: HashMap<(Option<usize>, &Path), u32> = HashMap::new();
    let mut names = Vec::new();
    let file_namespaces = loaded
        .iter()
        .map(|l| {
            let dir = l.path.parent()?;
            let name = l.language.namespace_name(dir)?;
            Some(*ids.entry((l.krate, dir)).or_insert_with(|| {
                names.push(name);
                names.len() as u32 - 1
            }))
        })
        .collect();
    (file_namespaces, names)
}

/// Per file, the crates it imports; where the files of a folder are one
/// namespace (a Go package), what any of them imports: a `sync.Pool`
/// declared in `pool.go` is used in `chunk.go`, which imports no `sync`.
fn namespace_imports(loaded: &[Loaded]) -> Vec<Vec<&str>> {
    fn own(l: &Loaded) -> Vec<&str> {
        l.facts
            .as_ref()
            .map(|f| f.imported_crates.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }
    let mut shared: BTreeMap<(Option<usize>, &Path), BTreeSet<&str>> = BTreeMap::new();
    for l in loaded {
        if l.language.folder_is_namespace()
            && let Some(dir) = l.path.parent()
        {
            shared.entry((l.krate, dir)).or_default().extend(own(l));
        }
    }
    loaded
        .iter()
        .map(|l| match l.path.parent() {
            Some(dir) if l.language.folder_is_namespace() => shared
                .get(&(l.krate, dir))
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
            _ => own(l),
        })
        .collect()
}

/// The bodies of every parsed file that may hold one of `keys`, unpacked in
/// parallel, in file order. Bodies that cannot be read or lowered are skipped
/// here (the analysis reports them).
fn bodies_matching(
    loaded: &[Loaded],
    keys: &[KeySet],
    filter: Option<crate::store::FileFilter<'_>>,
) -> Vec<FileBodies> {
    if keys.iter().any(KeySet::is_empty) {
        return Vec::new();
    }
    loaded
        .par_iter()
        .enumerate()
        .filter_map(|(id, l)| {
            let facts = l.facts.as_ref().ok()?;
            if !keys.iter().all(|k| facts.bodies.may_hold(k)) {
                return None;
            }
            if let Some(filter) = filter
                && !filter(id, &|k| facts.bodies.may_hold(k))
            {
                return None;
            }
            Some(FileBodies {
                file: id,
                path: PathBuf::from(&l.name),
                bodies: l.bodies().ok()?,
            })
        })
        .collect()
}

fn analyze_file(
    id: usize,
    loaded: &Loaded,
    text: &str,
    index: &Index,
    late: crate::knowledge::LateBorrowed<'_>,
    hook: BodyHook<'_>,
) -> Vec<Diagnostic> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut out = Vec::new();
        let bodies = loaded.bodies()?;
        let closure_acquires = closure_results::closure_acquires(&bodies, index, id, late);
        for body in &bodies {
            hook(body);
            let mut res = resolve(body, index, id, late);
            closure_results::apply(body, index, &closure_acquires, &mut res);
            let facts = flow::analyze(body, &res).unwrap_or_default();
            let cx = RuleContext {
                body,
                facts: &facts,
                index,
                file: id,
                text,
                wording: loaded.language.wording(),
            };
            rules::check_body(&cx, &mut out);
        }
        Ok(out)
    }));
    let failure = match result {
        Ok(Ok(out)) => return out,
        Ok(Err(message)) => message,
        Err(panic) => panic_message(&panic),
    };
    vec![UnreadableSource::diagnostic(
        id,
        &loaded.name,
        Unreadable::Internal(failure),
    )]
}

/// `[[pools]]` entries of the config become index entries.
fn add_config_pools(index: &mut Index, config: &Config) {
    let origin = ApiOrigin::Config {
        file: config.file.clone().unwrap_or_default(),
    };
    index.add_declared(&config.pools, &origin);
}

/// The inputs of a run over what discovery found, each with its crate, and
/// the crates (their names and dependencies, from their manifests).
pub fn discovered_inputs(
    found: &crate::discover::Discovered,
    base: &Path,
) -> (Vec<InputFile>, Vec<CrateInfo>) {
    let mut inputs = inputs(&found.report, &found.index_only, base);
    let mut roots: Vec<&PathBuf> = Vec::new();
    // By the root's bytes: comparing paths component by component, file by
    // root, was 1% of a registry run (16,000 files, 570 crates).
    let mut ids: HashMap<&std::ffi::OsStr, usize> = HashMap::new();
    for (input, root) in inputs.iter_mut().zip(&found.file_roots) {
        input.krate = root.as_ref().map(|r| {
            *ids.entry(r.as_os_str()).or_insert_with(|| {
                roots.push(r);
                roots.len() - 1
            })
        });
    }
    let crates = roots
        .iter()
        .map(|r| crate::workspace::crate_info(r))
        .collect();
    (inputs, crates)
}

/// Build the inputs of a run from discovered paths, naming files relative to
/// `base` (the directory poollint started from), with `..` for files outside it.
pub fn inputs(report: &[PathBuf], index_only: &[PathBuf], base: &Path) -> Vec<InputFile> {
    let canonical_base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    let name = |p: &Path| {
        let relative = if p.is_absolute() {
            p.strip_prefix(base)
                .ok()
                .map(Path::to_path_buf)
                .or_else(|| relative_path(p, &canonical_base))
                .unwrap_or_else(|| p.to_path_buf())
        } else {
            p.to_path_buf()
        };
        relative
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
            krate: None,
        })
        .collect()
}

/// `path` relative to `base` (both absolute; `base` canonical), going up
/// with `..` where needed.
fn relative_path(path: &Path, base: &Path) -> Option<PathBuf> {
    let path = match path.strip_prefix(base) {
        Ok(rest) => return Some(rest.to_path_buf()),
        Err(_) => path,
    };
    // A path through a link: compare canonical forms of its folder.
    let dir = std::fs::canonicalize(path.parent()?).ok()?;
    let file = dir.join(path.file_name()?);
    let common = base
        .components()
        .zip(file.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in base.components().skip(common) {
        out.push("..");
    }
    for c in file.components().skip(common) {
        out.push(c);
    }
    Some(out)
}
