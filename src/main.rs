//! The command line: arguments in, exit code out. Everything else lives in the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};

use infrafix::pipeline::{self, Mode, RunOptions};
use infrafix::report::{finding_lines, findings_json, summary_line, unified_diff, RunReport};
use infrafix::rules::RuleId;

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

    /// Exit 1 when any finding or fix is pending, 0 when clean.
    #[arg(long)]
    check: bool,

    /// Also apply fixes marked unsafe (they are always reported).
    #[arg(long)]
    unsafe_fixes: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

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

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.list_rules {
        return print_or_fail(list_rules());
    }
    if let Some(rule) = cli.explain {
        return print_or_fail(explain(rule));
    }
    let options = RunOptions {
        paths: cli.paths.clone(),
        mode: if cli.write { Mode::Write } else { Mode::DryRun },
        unsafe_fixes: cli.unsafe_fixes,
        config: cli.config.clone(),
        select: cli.select.clone().map(|list| list.0),
        ignore: cli.ignore.clone().map(|list| list.0).unwrap_or_default(),
        jobs: cli.jobs.map(usize::from),
    };
    if let Some(path) = &cli.stdin_filename {
        return check_stdin(&cli, path.clone(), &options);
    }
    let report = match pipeline::run(&options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("infrafix: error: {error:#}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if let Err(error) = print(&cli, &report) {
        eprintln!("infrafix: error: writing the output: {error}");
        return ExitCode::from(EXIT_ERROR);
    }
    let pending = match options.mode {
        Mode::Write => report.remaining() > 0,
        Mode::DryRun => report.findings().next().is_some(),
    };
    exit_code(&report, cli.check && pending)
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
        .and_then(|file| file.fixed.as_ref())
        .map(|fixed| fixed.as_bytes().to_vec());
    let mut stderr = std::io::stderr().lock();
    for notice in &report.notices {
        let _ = writeln!(stderr, "{notice}");
    }
    for line in finding_lines(report.findings(), cli.unsafe_fixes) {
        let _ = writeln!(stderr, "{line}");
    }
    if std::io::stdout()
        .lock()
        .write_all(fixed.as_deref().unwrap_or(&source))
        .is_err()
    {
        return ExitCode::from(EXIT_ERROR);
    }
    exit_code(&report, cli.check && report.findings().next().is_some())
}

/// Stdout carries the document (the diff, or JSON); everything for the person goes to stderr.
fn print(cli: &Cli, report: &RunReport) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    for notice in &report.notices {
        writeln!(stderr, "{notice}")?;
    }
    match cli.format {
        Format::Json => {
            writeln!(stdout, "{:#}", findings_json(report.findings()))?;
        }
        Format::Text => {
            if !cli.write {
                for file in &report.files {
                    if let Some(fixed) = &file.fixed {
                        write!(stdout, "{}", unified_diff(&file.path, &file.original, fixed))?;
                    }
                }
            }
            for line in finding_lines(report.findings(), cli.unsafe_fixes) {
                writeln!(stderr, "{line}")?;
            }
            writeln!(
                stderr,
                "{}",
                summary_line(report.findings().count(), report.remaining(), cli.write)
            )?;
        }
    }
    stdout.flush()
}
