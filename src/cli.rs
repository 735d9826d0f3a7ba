//! The command line shared by `poollint ARGS` and `cargo poollint ARGS`.

use crate::config::Config;
use crate::diagnostic::Level;
use crate::discover;
use crate::engine;
use crate::fix;
use crate::report;
use crate::rules;
use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Static analysis of object-pool discipline: pooled values that leak on some
/// path, are used after release, or are abandoned by a reassignment.
#[derive(Debug, Parser)]
#[command(
    name = "poollint",
    version,
    about,
    long_about = None,
    override_usage = "cargo poollint [OPTIONS] [PATHS]... [-- RULE FLAGS...]\n       poollint [OPTIONS] [PATHS]... [-- RULE FLAGS...]",
    after_help = AFTER_HELP
)]
pub struct Args {
    /// Files or directories to check (default: inside a cargo project, every
    /// member of its workspace; outside one, the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(
        long,
        value_enum,
        default_value_t = Format::Human,
        visible_aliases = ["output-format", "message-format"]
    )]
    pub format: Format,
    /// When to use colours in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print the documentation of a rule (by code or name) and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
    /// List every rule with its code, name, default level and summary.
    #[arg(long)]
    pub list_rules: bool,
    /// Print every pool API, pooled type and guard type the index knows for
    /// the given paths, and where it came from.
    #[arg(long)]
    pub explain_apis: bool,
    /// Use this config file instead of searching for one.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Set a rule to `warn` (repeatable; `all` names every rule).
    #[arg(short = 'W', long, value_name = "RULE")]
    pub warn: Vec<String>,
    /// Make a rule an error (repeatable; `-D warnings` makes every enabled
    /// rule an error, `-D all` every rule).
    #[arg(short = 'D', long, value_name = "RULE")]
    pub deny: Vec<String>,
    /// Turn a rule off (repeatable; `-A all` turns every rule off).
    #[arg(short = 'A', long, value_name = "RULE")]
    pub allow: Vec<String>,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Print only the findings: no summary, no hints.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Apply the fixes marked MachineApplicable to the files, check again,
    /// and report what changed and what is left. Refuses a git work tree
    /// with uncommitted changes.
    #[arg(long)]
    pub fix: bool,
    /// With `--fix`: fix even if the git work tree has uncommitted changes.
    #[arg(long, requires = "fix")]
    pub allow_dirty: bool,
    /// Check only this package of the cargo workspace (repeatable).
    #[arg(short = 'p', long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
    /// Check every member of the cargo workspace (the default inside one).
    #[arg(long)]
    pub workspace: bool,
    /// The cargo manifest of the project to check.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Also run `cargo check --message-format=json` and pass its messages
    /// through (with `--format json`), so an editor keeps compiler errors.
    #[arg(long, requires = "format")]
    pub with_cargo_check: bool,
    /// Also print notes on stderr: the items skipped because syn does not
    /// parse them (their code is not analysed).
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Do not read or write the cache of lowered files that speeds up
    /// checking a few files of a large crate (under `target/poollint/`).
    #[arg(long)]
    pub no_cache: bool,
    /// Rule flags after `--`, typed as for clippy: `cargo poollint -- -D warnings`.
    #[arg(last = true, value_name = "RULE FLAGS", allow_hyphen_values = true)]
    pub rule_flags: Vec<String>,
    /// Every rule flag (`-W/-D/-A` and those after `--`) in command-line order.
    #[arg(skip)]
    pub levels: Vec<(Level, String)>,
}

const AFTER_HELP: &str = "\
Rule flags: -W/-D/-A RULE take a code (PL001), a name (unreleased-acquire),
`warnings` (every rule that warns) or `all`; later flags win. After `--` they
are read as clippy reads them: `cargo poollint -- -D warnings`.

Example:
  cargo poollint -- -D warnings     check the workspace; every finding is an error

Exit status: 0 no findings, 1 findings, 2 poollint could not run (bad flag,
bad config, missing path).";

/// Run with these arguments (the first is the program name); returns the exit status.
pub fn main_with(args: Vec<std::ffi::OsString>) -> i32 {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(Parse::Clap(e)) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
        Err(Parse::RuleFlags(msg)) => {
            eprintln!("error: {msg}");
            return 2;
        }
    };
    match run(args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            2
        }
    }
}

enum Parse {
    Clap(clap::Error),
    RuleFlags(String),
}

/// Parse the command line, keeping the order of the rule flags.
fn parse_args(args: Vec<std::ffi::OsString>) -> Result<Args, Parse> {
    let matches = Args::command()
        .try_get_matches_from(args)
        .map_err(Parse::Clap)?;
    let mut args = Args::from_arg_matches(&matches).map_err(Parse::Clap)?;
    let mut ordered: Vec<(usize, Level, String)> = Vec::new();
    for (id, level) in [
        ("warn", Level::Warn),
        ("deny", Level::Error),
        ("allow", Level::Allow),
    ] {
        if let (Some(indices), Some(values)) =
            (matches.indices_of(id), matches.get_many::<String>(id))
        {
            ordered.extend(indices.zip(values).map(|(i, v)| (i, level, v.clone())));
        }
    }
    ordered.sort_by_key(|(i, _, _)| *i);
    args.levels = ordered.into_iter().map(|(_, l, v)| (l, v)).collect();
    args.levels
        .extend(trailing_rule_flags(&args.rule_flags).map_err(Parse::RuleFlags)?);
    Ok(args)
}

/// The rule flags after `--` (`-D warnings`, `-Dwarnings`, `--deny=PL001`).
pub fn trailing_rule_flags(words: &[String]) -> Result<Vec<(Level, String)>, String> {
    let mut out = Vec::new();
    let mut words = words.iter();
    while let Some(word) = words.next() {
        let flag = [
            ("-W", "--warn", Level::Warn),
            ("-D", "--deny", Level::Error),
            ("-A", "--allow", Level::Allow),
        ]
        .into_iter()
        .find_map(|(short, long, level)| {
            if word == short || word == long {
                Some((level, None))
            } else if let Some(rest) = word.strip_prefix(&format!("{long}=")) {
                Some((level, Some(rest)))
            } else if let Some(rest) = word.strip_prefix(short).filter(|r| !r.is_empty()) {
                Some((level, Some(rest.trim_start_matches('='))))
            } else {
                None
            }
        });
        let Some((level, inline)) = flag else {
            return Err(format!(
                "`{word}` after `--`: only rule flags are read there (`-D RULE`, `-W RULE`, `-A RULE`; \
                 `cargo poollint -- -D warnings`); put paths and other options before `--`"
            ));
        };
        let rule = match inline {
            Some(rule) => rule.to_string(),
            None => words.next().cloned().ok_or_else(|| {
                format!("`{word}` after `--` needs a rule: `{word} PL001`, `{word} warnings`")
            })?,
        };
        out.push((level, rule));
    }
    Ok(out)
}

/// A rule by code or name (`poollint::PL001` too, as clippy's lints are written).
fn find_rule(key: &str) -> Result<&'static rules::RuleInfo, String> {
    let bare = key.strip_prefix("poollint::").unwrap_or(key);
    rules::find(bare).ok_or_else(|| {
        let names = rules::ALL
            .iter()
            .flat_map(|r| [r.code, r.name])
            .chain(["warnings", "all"]);
        format!(
            "unknown rule `{key}`{}",
            crate::config::did_you_mean(bare, names)
        )
    })
}

/// Apply the rule flags in order; `warnings` is applied last, as rustc does:
/// every rule that would warn takes its level.
pub fn apply_levels(config: &mut Config, flags: &[(Level, String)]) -> Result<(), String> {
    let mut warnings = None;
    for (level, key) in flags {
        match key.strip_prefix("poollint::").unwrap_or(key) {
            "warnings" => warnings = Some(*level),
            "all" => {
                for r in rules::ALL {
                    config.set_level(r.code, *level);
                }
            }
            _ => config.set_level(find_rule(key)?.code, *level),
        }
    }
    if let Some(level) = warnings.filter(|l| *l != Level::Warn) {
        for r in rules::ALL {
            if config.level(r.code) == Level::Warn {
                config.set_level(r.code, level);
            }
        }
    }
    Ok(())
}

/// Everything a check of the paths needs, to run it again after `--fix`.
struct Plan {
    paths: Vec<PathBuf>,
    packages: bool,
    /// Folders indexed but not reported (`-p`'s path dependencies).
    index_roots: Vec<PathBuf>,
    /// Names are shown relative to it.
    cwd: PathBuf,
    no_cache: bool,
    verbose: bool,
}

/// Discover, index and analyse; findings in files the config's
/// `[per-file-ignores]` exempts from their rule are dropped.
fn check(plan: &Plan, config: &Config) -> Result<engine::Outcome, String> {
    let targets = if plan.packages {
        discover::Targets::Packages(&plan.paths)
    } else {
        discover::Targets::Paths(&plan.paths)
    };
    let found = discover::discover(targets, &plan.index_roots, config);
    // Each file's crate: its lint packs come from that crate's dependencies.
    let (inputs, crates) = engine::discovered_inputs(&found, &plan.cwd);
    let mut extra_packs = Vec::new();
    for path in &config.packs {
        extra_packs.push(crate::knowledge::packs::load(path)?);
    }
    // The binaries set up the allocator ([`crate::allocator`]).
    let purging = crate::allocator::Purging::default();
    let options = engine::RunOptions {
        crates,
        dependencies: crate::workspace::manifest_dependencies(&found.crate_roots),
        packages: crate::workspace::manifest_packages(&found.crate_roots),
        extra_packs,
        // Only when a few files are checked and the rest indexed (a hook):
        // a whole-tree run would fill the cache with entries nobody reads.
        cache: match found.crate_roots.first() {
            Some(root) if !found.index_only.is_empty() && !plan.no_cache => {
                crate::cache::FactsCache::open(root)
            }
            _ => None,
        },
        process_ends: true,
        purging: Some(&purging),
        ..engine::RunOptions::default()
    };
    let mut outcome = engine::run_with(inputs, config, options);
    for warning in &outcome.warnings {
        eprintln!("warning: {warning}");
    }
    if plan.verbose {
        for (file, line, reason) in &outcome.skipped_items {
            eprintln!(
                "note: {}:{line}: skipped an item that does not parse ({reason}); its code is not analysed",
                outcome.files[*file].name
            );
        }
    }
    let files = &outcome.files;
    outcome
        .diagnostics
        .retain(|d| !config.ignores_in_file(&files[d.file].path, d.code));
    Ok(outcome)
}

fn run(args: Args) -> Result<i32, String> {
    let mut stdout = std::io::stdout().lock();
    if args.list_rules {
        for r in rules::ALL {
            let _ = writeln!(
                stdout,
                "{}  {:<24} {:<6} {}",
                r.code,
                r.name,
                level_name(r.default_level),
                r.summary
            );
        }
        return Ok(0);
    }
    if let Some(key) = &args.explain {
        let rule = find_rule(key)?;
        let markdown = report::rule_markdown(rule);
        let text = if stdout.is_terminal() {
            report::markdown_to_plain(&markdown)
        } else {
            markdown
        };
        let _ = writeln!(
            stdout,
            "{} ({}): {}\n\n{}",
            rule.code,
            rule.name,
            rule.summary,
            text.trim_end()
        );
        let _ = writeln!(
            stdout,
            "\nDefault level: {}",
            level_name(rule.default_level)
        );
        return Ok(0);
    }
    // A path that does not exist is a mistake on the command line, not a
    // finding: say so and stop, before anything is scanned.
    for path in &args.paths {
        if let Err(e) = std::fs::symlink_metadata(path)
            && e.kind() == std::io::ErrorKind::NotFound
        {
            return Err(format!("no such file or directory: {}", path.display()));
        }
    }
    if args.statistics && matches!(args.format, Format::Sarif | Format::Github) {
        return Err("--statistics prints with --format human or json".to_string());
    }
    // Without paths, inside a cargo project: its workspace members (or `-p`).
    let selection = crate::workspace::Selection {
        manifest_path: args.manifest_path.clone(),
        packages: args.packages.clone(),
        workspace: args.workspace,
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let plan = if args.paths.is_empty() {
        crate::workspace::plan(&selection, &cwd)?
    } else {
        None
    };
    let package_dirs = plan.as_ref().map(|p| p.report.clone());
    let paths = match (&package_dirs, args.paths.is_empty()) {
        (Some(dirs), _) => dirs.clone(),
        (None, true) => vec![PathBuf::from(".")],
        (None, false) => args.paths.clone(),
    };
    // The config is searched from the manifest's directory, or the first path.
    let config_start = match &args.manifest_path {
        Some(m) => m
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf(),
        None if args.paths.is_empty() => PathBuf::from("."),
        None => paths[0].clone(),
    };
    let mut config =
        Config::load(&config_start, args.config.as_deref()).map_err(|e| e.to_string())?;
    apply_levels(&mut config, &args.levels)?;
    if args.fix && !args.allow_dirty {
        let dir = if config_start.is_dir() {
            config_start.clone()
        } else {
            config_start
                .parent()
                .unwrap_or(Path::new("."))
                .to_path_buf()
        };
        if let Some(dirty) = fix::dirty_files(&dir).filter(|d| !d.is_empty()) {
            return Err(format!(
                "--fix would change files in a git work tree with uncommitted changes:\n  {}\n\
                 commit or stash them first (so that the fixes can be reviewed with `git diff`), \
                 or run with --allow-dirty",
                dirty.join("\n  ")
            ));
        }
    }
    let plan = Plan {
        paths,
        packages: package_dirs.is_some(),
        index_roots: plan.map(|p| p.index_only).unwrap_or_default(),
        cwd,
        no_cache: args.no_cache,
        verbose: args.verbose,
    };
    let mut outcome = check(&plan, &config)?;
    if args.explain_apis {
        explain_apis(&mut stdout, &outcome);
        return Ok(0);
    }
    if args.fix {
        let mut applied = fix::Applied::default();
        // A fix can make room for another (two edits in one spot): a few rounds.
        for _ in 0..4 {
            let round = fix::apply(&outcome);
            let changed = round.count() > 0;
            applied.merge(round);
            if !changed {
                break;
            }
            outcome = check(&plan, &config)?;
        }
        report_fixes(&applied, &outcome);
    }
    if args.with_cargo_check {
        cargo_check_passthrough(&args, &mut std::io::stdout().lock())?;
    }
    let human_options = report::human::Options {
        quiet: args.quiet,
        terminal: std::io::stdout().is_terminal(),
    };
    let written = if args.statistics {
        report::statistics(
            &mut stdout,
            &outcome,
            matches!(args.format, Format::Json),
            args.quiet,
        )
    } else {
        match args.format {
            Format::Json => report::json::write(&mut stdout, &outcome),
            Format::Sarif => report::sarif::write(&mut stdout, &outcome),
            Format::Github => report::github::write_with(&mut stdout, &outcome, args.quiet),
            Format::Human => {
                drop(stdout);
                let choice = match args.color {
                    Color::Always => ColorChoice::Always,
                    Color::Never => ColorChoice::Never,
                    Color::Auto if human_options.terminal => ColorChoice::Auto,
                    Color::Auto => ColorChoice::Never,
                };
                let mut out = StandardStream::stdout(choice);
                report::human::write(&mut out, &outcome, human_options)
            }
        }
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write output: {e}"));
    }
    let status = if outcome.diagnostics.is_empty() || args.exit_zero {
        0
    } else {
        1
    };
    // The process ends now (only the binaries call this): freeing the index
    // and the files' facts one allocation at a time would cost ~1% of a
    // large tree's CPU time for nothing.
    std::mem::forget(outcome);
    Ok(status)
}

/// What `--fix` changed and what it left, on stderr (stdout stays the
/// report, in any format).
fn report_fixes(applied: &fix::Applied, outcome: &engine::Outcome) {
    for (file, n) in &applied.files {
        eprintln!(
            "poollint: fixed {file} ({n} fix{})",
            if *n == 1 { "" } else { "es" }
        );
    }
    for (file, why) in &applied.skipped {
        eprintln!("poollint: did not fix {file}: {why}");
    }
    let by_rule: Vec<String> = applied
        .by_rule
        .iter()
        .map(|(code, n)| format!("{code}: {n}"))
        .collect();
    let left = outcome.diagnostics.len();
    eprintln!(
        "poollint: {} fix{} applied{}; {left} finding{} left{}",
        applied.count(),
        if applied.count() == 1 { "" } else { "es" },
        if by_rule.is_empty() {
            String::new()
        } else {
            format!(" ({})", by_rule.join(", "))
        },
        if left == 1 { "" } else { "s" },
        if left == 0 {
            ""
        } else {
            " (they need a person: see the report)"
        },
    );
}

/// `--explain-apis`: the pool APIs the summary counts, the pooled and guard
/// types, and the standard library's leaks (always known, not counted).
fn explain_apis(out: &mut dyn Write, outcome: &engine::Outcome) {
    let index = &outcome.index;
    let (std_leaks, apis): (Vec<_>, Vec<_>) = index.apis().iter().partition(
        |a| matches!(&a.origin, crate::knowledge::ApiOrigin::Pack { name } if name == "std"),
    );
    let _ = writeln!(out, "pool APIs ({}):", apis.len());
    for api in &apis {
        let _ = writeln!(
            out,
            "  {:<32} {:<22} {}",
            api.display_name(),
            role_name(api.role, api.handle, index.counts(api)),
            api.origin
        );
    }
    let at = |file: usize, line: usize| {
        let name = outcome.files.get(file).map_or("?", |f| f.name.as_str());
        // Inferred guards carry no line of their own.
        if line == 0 {
            name.to_string()
        } else {
            format!("{name}:{line}")
        }
    };
    let mut structs: Vec<_> = index.struct_decls().collect();
    structs.sort_by(|a, b| (a.file, a.line, &a.name).cmp(&(b.file, b.line, &b.name)));
    let pooled: Vec<_> = structs.iter().filter(|s| s.pooled).collect();
    let _ = writeln!(out, "pooled types ({}):", pooled.len());
    for s in pooled {
        let reset = s
            .reset
            .as_deref()
            .map_or("pooled".to_string(), |r| format!("pooled, reset `{r}`"));
        let _ = writeln!(out, "  {:<32} {:<22} {}", s.name, reset, at(s.file, s.line));
    }
    let guards: Vec<_> = structs.iter().filter(|s| s.guard).collect();
    let _ = writeln!(out, "guard types ({}):", guards.len());
    for s in guards {
        let _ = writeln!(
            out,
            "  {:<32} {:<22} {}",
            s.name,
            "guard",
            at(s.file, s.line)
        );
    }
    // Fields whose claims the pools' acquires owe back (shown when any).
    let claims = index.claim_field_list();
    if !claims.is_empty() {
        let _ = writeln!(out, "claim fields ({}):", claims.len());
        for (pool, field) in claims {
            let _ = writeln!(out, "  {field:<32} {:<22} pool `{pool}`", "claim");
        }
    }
    // Collection fields guards give back to, popped inline by their pools.
    let lists = index.guard_free_lists();
    if !lists.is_empty() {
        let _ = writeln!(out, "guard free lists ({}):", lists.len());
        for l in lists {
            let _ = writeln!(
                out,
                "  {:<32} {:<22} `{}`'s `Drop` gives back to it; taken by `{}`",
                format!("{}.{}", l.owner, l.field),
                "free list",
                l.guard,
                l.takers.join("`, `")
            );
        }
    }
    let _ = writeln!(
        out,
        "standard-library leaks, always known and not counted ({}):",
        std_leaks.len()
    );
    for api in &std_leaks {
        let _ = writeln!(
            out,
            "  {:<32} {:<22} {}",
            api.display_name(),
            role_name(api.role, api.handle, index.counts(api)),
            api.origin
        );
    }
    if !index.is_empty() {
        let _ = writeln!(out, "\n{}\n", report::MATCHING_POLICY);
    }
    let _ = writeln!(out, "{}", report::known_summary(outcome));
    if index.is_empty() {
        let _ = writeln!(out, "{}", report::NO_APIS_HINT);
    }
}

/// Run `cargo check --message-format=json` and copy its messages to `out`.
fn cargo_check_passthrough(args: &Args, out: &mut dyn Write) -> Result<(), String> {
    if !matches!(args.format, Format::Json) {
        return Err("--with-cargo-check needs --format json".to_string());
    }
    let mut cmd =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(["check", "--message-format=json"]);
    if let Some(m) = &args.manifest_path {
        cmd.arg("--manifest-path").arg(m);
    }
    for p in &args.packages {
        cmd.args(["-p", p]);
    }
    if args.workspace {
        cmd.arg("--workspace");
    }
    let output = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo check: {e}"))?;
    out.write_all(&output.stdout)
        .map_err(|e| format!("cannot write output: {e}"))
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Allow => "allow",
        Level::Warn => "warn",
        Level::Error => "error",
    }
}

fn role_name(role: crate::knowledge::Role, handle: bool, counts: bool) -> String {
    use crate::knowledge::{ReleaseParam, Role};
    match role {
        Role::Acquire { guard: false } if counts => "acquire (count)".into(),
        Role::Release(_) if counts => "release (count)".into(),
        Role::Acquire { guard: false } if handle => "acquire (handle)".into(),
        Role::Acquire { guard: false } => "acquire".into(),
        Role::Acquire { guard: true } => "acquire (guard)".into(),
        Role::Release(ReleaseParam::Receiver) => "release (self)".into(),
        Role::Release(ReleaseParam::Param(i)) => format!("release (arg {i})"),
        Role::Detach => "detach".into(),
        Role::Reset => "reset".into(),
        Role::Forget => "forget".into(),
    }
}
