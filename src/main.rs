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
    let selected = cli.select.clone().map(|list| list.0).unwrap_or_default();
    for rule in selected.iter().filter(|rule| !rule.is_implemented()) {
        eprintln!("infrafix: warning: rule {rule} is not implemented in this version; selecting it finds nothing");
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
    if report.has_errors() {
        ExitCode::from(EXIT_ERROR)
    } else if cli.check && pending {
        ExitCode::from(EXIT_PENDING)
    } else {
        ExitCode::SUCCESS
    }
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
