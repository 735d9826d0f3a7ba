//! The command line shared by `poollint ARGS` and `cargo poollint ARGS`.

use crate::config::Config;
use crate::diagnostic::Level;
use crate::discover;
use crate::engine;
use crate::report;
use crate::rules;
use clap::{Parser, ValueEnum};
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
#[command(name = "poollint", version, about, long_about = None)]
pub struct Args {
    /// Files or directories to check (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
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
    /// Print every pool API the index knows for the given paths, and where it came from.
    #[arg(long)]
    pub explain_apis: bool,
    /// Use this config file instead of searching for one.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Set a rule to `warn` (repeatable).
    #[arg(long, value_name = "RULE")]
    pub warn: Vec<String>,
    /// Set a rule to `error` (repeatable).
    #[arg(long, value_name = "RULE")]
    pub deny: Vec<String>,
    /// Turn a rule off (repeatable).
    #[arg(long, value_name = "RULE")]
    pub allow: Vec<String>,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
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
}

/// Run with these arguments (the first is the program name); returns the exit status.
pub fn main_with(args: Vec<std::ffi::OsString>) -> i32 {
    let args = match Args::try_parse_from(args) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
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
        let rule = rules::find(key).ok_or_else(|| {
            let names = rules::ALL.iter().flat_map(|r| [r.code, r.name]);
            format!(
                "unknown rule `{key}`{}",
                crate::config::did_you_mean(key, names)
            )
        })?;
        let _ = writeln!(
            stdout,
            "{} ({}): {}\n\n{}",
            rule.code,
            rule.name,
            rule.summary,
            rule.doc.trim_end()
        );
        let _ = writeln!(
            stdout,
            "\nDefault level: {}",
            level_name(rule.default_level)
        );
        return Ok(0);
    }
    // Without paths, inside a cargo project: the members cargo would select.
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
    for (keys, level) in [
        (&args.warn, Level::Warn),
        (&args.deny, Level::Error),
        (&args.allow, Level::Allow),
    ] {
        for key in keys {
            let rule = rules::find(key).ok_or_else(|| {
                let names = rules::ALL.iter().flat_map(|r| [r.code, r.name]);
                format!(
                    "unknown rule `{key}`{}",
                    crate::config::did_you_mean(key, names)
                )
            })?;
            config.set_level(rule.code, level);
        }
    }
    let targets = if package_dirs.is_some() {
        discover::Targets::Packages(&paths)
    } else {
        discover::Targets::Paths(&paths)
    };
    let index_roots = plan.map(|p| p.index_only).unwrap_or_default();
    let found = discover::discover(targets, &index_roots, &config);
    // Each file's crate: its lint packs come from that crate's dependencies.
    let (inputs, crates) = engine::discovered_inputs(&found, &cwd);
    let mut extra_packs = Vec::new();
    for path in &config.packs {
        extra_packs.push(crate::knowledge::packs::load(path)?);
    }
    let options = engine::RunOptions {
        crates,
        dependencies: crate::workspace::manifest_dependencies(&found.crate_roots),
        packages: crate::workspace::manifest_packages(&found.crate_roots),
        extra_packs,
        // Only when a few files are checked and the rest indexed (a hook):
        // a whole-tree run would fill the cache with entries nobody reads.
        cache: match found.crate_roots.first() {
            Some(root) if !found.index_only.is_empty() && !args.no_cache => {
                crate::cache::FactsCache::open(root)
            }
            _ => None,
        },
        ..engine::RunOptions::default()
    };
    let outcome = engine::run_with(inputs, &config, options);
    for warning in &outcome.warnings {
        eprintln!("warning: {warning}");
    }
    if args.verbose {
        for (file, line, reason) in &outcome.skipped_items {
            eprintln!(
                "note: {}:{line}: skipped an item that does not parse ({reason}); its code is not analysed",
                outcome.files[*file].name
            );
        }
    }
    if args.explain_apis {
        for api in outcome.index.apis() {
            let _ = writeln!(
                stdout,
                "{:<32} {:<22} {}",
                api.display_name(),
                role_name(api.role, api.handle),
                api.origin
            );
        }
        if outcome.index.is_empty() {
            let _ = writeln!(stdout, "{}", report::NO_APIS_HINT);
        } else {
            let _ = writeln!(stdout, "\n{}", report::MATCHING_POLICY);
        }
        return Ok(0);
    }
    if args.with_cargo_check {
        cargo_check_passthrough(&args, &mut std::io::stdout().lock())?;
    }
    let written = match args.format {
        Format::Json => report::json::write(&mut stdout, &outcome),
        Format::Sarif => report::sarif::write(&mut stdout, &outcome),
        Format::Github => report::github::write(&mut stdout, &outcome),
        Format::Human => {
            drop(stdout);
            let choice = match args.color {
                Color::Always => ColorChoice::Always,
                Color::Never => ColorChoice::Never,
                Color::Auto if std::io::stdout().is_terminal() => ColorChoice::Auto,
                Color::Auto => ColorChoice::Never,
            };
            let mut out = StandardStream::stdout(choice);
            report::human::write(&mut out, &outcome)
        }
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write output: {e}"));
    }
    Ok(if outcome.diagnostics.is_empty() || args.exit_zero {
        0
    } else {
        1
    })
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

fn role_name(role: crate::knowledge::Role, handle: bool) -> String {
    use crate::knowledge::{ReleaseParam, Role};
    match role {
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
