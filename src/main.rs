//! The command line: arguments in, exit code out. Everything else lives in the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use infrafix::pipeline::{self, Mode, Progress, RunOptions};
use infrafix::report::{render, summarize, summary_json, write_patches, OutputFormat, RenderOptions, RunReport};
use infrafix::rules::RuleId;

/// A run over many repositories keeps every finding and diff hunk to its end while it makes and
/// drops one project's model after another. With the system allocator, a run over 1,000
/// repositories took 17% more CPU time than four runs over 250 of them each, for the same work;
/// with mimalloc it costs what its parts do, and every run is faster. (ruff replaces the system
/// allocator too: jemalloc on Unix, mimalloc elsewhere.) `main` sends tree-sitter's allocations
/// there too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Finds deployment-blocking mistakes in infrastructure code and fixes them with minimal edits.
/// Without --write, prints the fixes as a unified diff and changes nothing.
#[derive(Parser, Debug)]
#[command(name = "infrafix", version)]
struct Cli {
    /// Files, project folders, or folders holding many projects.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,

    /// Apply the fixes in place.
    #[arg(long)]
    write: bool,

    /// Exit 1 when any finding or fix is pending, 0 when clean. Reports the findings and the fix
    /// each offers; works out no diff unless --diff is given (with --write: what is left).
    #[arg(long)]
    check: bool,

    /// With --check: also work out every fix and print the diff, as the dry run does.
    #[arg(long, requires = "check", conflicts_with_all = ["write", "patch_dir", "stdin_filename"])]
    diff: bool,

    /// Also apply fixes marked unsafe (they are always reported).
    #[arg(long)]
    unsafe_fixes: bool,

    /// Output format: text (a diff on stdout, findings on stderr), json, sarif (2.1.0, with fixes),
    /// or github (workflow annotations).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Batch mode: write one git-apply-able patch per repository found under the paths into DIR,
    /// instead of a diff on stdout.
    #[arg(long, value_name = "DIR", conflicts_with = "write")]
    patch_dir: Option<PathBuf>,

    /// Also write the per-repository summary (files scanned, findings and fixes by rule, files
    /// skipped) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    summary_json: Option<PathBuf>,

    /// Use this infrafix.toml for every project instead of the nearest one above it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Run only these rules (comma-separated ids).
    #[arg(long, value_name = "IDS", value_parser = parse_rule_ids)]
    select: Option<RuleList>,

    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_name = "IDS", value_parser = parse_rule_ids)]
    ignore: Option<RuleList>,

    /// List every rule: id, fix applicability, one-line summary.
    #[arg(long, exclusive = true)]
    list_rules: bool,

    /// Print a rule's documentation.
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(RuleId), exclusive = true)]
    explain: Option<RuleId>,

    /// Read one file's source from stdin, check it as if it were FILE, print the fixed source.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["write", "paths"])]
    stdin_filename: Option<PathBuf>,

    /// Worker threads (default: all cores).
    #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

impl From<Format> for OutputFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Text => OutputFormat::Text,
            Format::Json => OutputFormat::Json,
            Format::Sarif => OutputFormat::Sarif,
            Format::Github => OutputFormat::Github,
        }
    }
}

/// A comma-separated list of rule ids, as one argument.
#[derive(Debug, Clone)]
struct RuleList(Vec<RuleId>);

fn parse_rule_ids(list: &str) -> Result<RuleList, String> {
    RuleId::parse_list(list)
        .map(RuleList)
        .map_err(|error| error.to_string())
}

const EXIT_PENDING: u8 = 1;
const EXIT_ERROR: u8 = 2;

/// The exit code of a run stopped by SIGINT, as shells expect.
const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    // SAFETY: first thing in `main`: no parser or tree exists yet, and no other thread runs.
    unsafe { infrafix::allocation::route_tree_sitter_to_mimalloc() };
    let cli = Cli::parse();
    // An interrupt lets the file being written finish and stops the rest.
    if let Err(error) = signal_hook::flag::register(signal_hook::consts::SIGINT, pipeline::interruption()) {
        eprintln!("infrafix: warning: cannot handle interrupts cleanly: {error}");
    }
    if cli.list_rules {
        return print_or_fail(list_rules());
    }
    if let Some(rule) = cli.explain {
        return print_or_fail(explain(rule));
    }
    let mode = run_mode(&cli);
    let options = RunOptions {
        paths: cli.paths.clone(),
        mode,
        unsafe_fixes: cli.unsafe_fixes,
        config: cli.config.clone(),
        select: cli.select.clone().map(|list| list.0),
        ignore: cli.ignore.clone().map(|list| list.0).unwrap_or_default(),
        jobs: cli.jobs.map(usize::from),
        report_edits: matches!(OutputFormat::from(cli.format), OutputFormat::Sarif),
        report_diffs: cli.patch_dir.is_some()
            || (OutputFormat::from(cli.format) == OutputFormat::Text && mode == Mode::DryRun),
    };
    if let Some(path) = &cli.stdin_filename {
        return check_stdin(&cli, path.clone(), &options);
    }
    let report = match pipeline::run(&options, &ProgressOnTerminal::new()) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("infrafix: error: {error:#}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let mut failed = false;
    if let Some(folder) = &cli.patch_dir {
        match write_patches(&report, folder) {
            Ok(patches) => eprintln!("infrafix: wrote {} patch(es) to {}", patches.len(), folder.display()),
            Err(error) => {
                eprintln!("infrafix: error: {error:#}");
                failed = true;
            }
        }
    }
    let fixes = options.mode.fix_stage();
    // Each summary looks up the repository of every folder on disk: done once, for all outputs.
    let summaries = summarize(&report, fixes);
    if let Some(file) = &cli.summary_json {
        let json = format!("{:#}\n", summary_json(&summaries));
        if let Err(error) = std::fs::write(file, json) {
            eprintln!("infrafix: error: writing {}: {error}", file.display());
            failed = true;
        }
    }
    let printed = render(
        &report,
        &RenderOptions {
            format: cli.format.into(),
            fixes,
            patches: cli.patch_dir.is_some(),
            unsafe_fixes: cli.unsafe_fixes,
            repository_summary: (cli.patch_dir.is_some() || cli.summary_json.is_some() || summaries.len() > 1)
                .then_some(summaries.as_slice()),
        },
        &mut std::io::BufWriter::new(std::io::stdout().lock()),
        &mut std::io::BufWriter::new(std::io::stderr().lock()),
    );
    if printed.is_err() || failed {
        return ExitCode::from(EXIT_ERROR);
    }
    if pipeline::interrupt_stopped_work() {
        return ExitCode::from(EXIT_INTERRUPTED);
    }
    let pending = match options.mode {
        Mode::Write => report.remaining() > 0,
        Mode::Check | Mode::DryRun | Mode::Buffer => report.findings().next().is_some(),
    };
    exit_code(&report, cli.check && pending)
}

/// A check without --diff needs only the findings of the texts as read; patches and a buffer's
/// fixed text need the fixes made.
fn run_mode(cli: &Cli) -> Mode {
    if cli.write {
        Mode::Write
    } else if cli.check && !cli.diff && cli.patch_dir.is_none() {
        Mode::Check
    } else {
        Mode::DryRun
    }
}

/// A progress bar on stderr, drawn only when a person watches a terminal and the run is long.
struct ProgressOnTerminal {
    bar: ProgressBar,
}

/// Runs over fewer projects than this end before a bar would help.
const PROGRESS_MIN_PROJECTS: usize = 20;

impl ProgressOnTerminal {
    fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} projects {elapsed}") {
            bar.set_style(style);
        }
        Self { bar }
    }
}

impl Progress for ProgressOnTerminal {
    fn start(&self, projects: usize) {
        self.bar.set_length(projects as u64);
        // ProgressDrawTarget::stderr() draws nothing when stderr is not a terminal (pipes, CI logs).
        if projects >= PROGRESS_MIN_PROJECTS {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn project_done(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn exit_code(report: &RunReport, pending: bool) -> ExitCode {
    if report.has_errors() {
        ExitCode::from(EXIT_ERROR)
    } else if pending {
        ExitCode::from(EXIT_PENDING)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_or_fail(text: String) -> ExitCode {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(EXIT_ERROR),
    }
}

fn list_rules() -> String {
    let mut listing = String::new();
    for rule in RuleId::ALL {
        listing.push_str(&format!(
            "{:<36} {:<15} {}\n",
            rule.as_str(),
            rule.fix_applicability(),
            rule.summary()
        ));
    }
    listing
}

fn explain(rule: RuleId) -> String {
    format!(
        "# {rule}\n\nFix: {}\n\n{}",
        rule.fix_applicability(),
        rule.documentation()
    )
}

/// Editor integration: the buffer comes on stdin and the fixed buffer goes to stdout (the buffer
/// as it was when it cannot be fixed, so an editor never loses text).
fn check_stdin(cli: &Cli, path: PathBuf, options: &RunOptions) -> ExitCode {
    if cli.format != Format::Text {
        eprintln!("infrafix: error: --stdin-filename prints the fixed source; it takes no --format");
        return ExitCode::from(EXIT_ERROR);
    }
    let mut source = Vec::new();
    if let Err(error) = std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut source) {
        eprintln!("infrafix: error: reading stdin: {error}");
        return ExitCode::from(EXIT_ERROR);
    }
    let report = match pipeline::run_source(path, source.clone(), options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("infrafix: error: {error:#}");
            let _ = std::io::stdout().lock().write_all(&source);
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let fixed = report
        .files
        .first()
        .and_then(|file| file.change.as_ref())
        .and_then(|change| change.fixed.as_ref())
        .map(|fixed| fixed.as_bytes().to_vec());
    // The findings go to stderr; stdout is the fixed buffer alone.
    let printed = render(
        &report,
        &RenderOptions {
            format: OutputFormat::Text,
            fixes: Mode::Buffer.fix_stage(),
            patches: true,
            unsafe_fixes: cli.unsafe_fixes,
            repository_summary: None,
        },
        &mut std::io::sink(),
        &mut std::io::stderr().lock(),
    )
    .and_then(|()| std::io::stdout().lock().write_all(fixed.as_deref().unwrap_or(&source)));
    if printed.is_err() {
        return ExitCode::from(EXIT_ERROR);
    }
    exit_code(&report, cli.check && report.findings().next().is_some())
}
