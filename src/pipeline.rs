//! One run: walk the paths, group the files into projects, then for each project in parallel:
//! read and parse each file once, build the model, run the rules, fix to a fixpoint in memory
//! (a check stops after the rules), and report or write. Nothing outlives its project, so a run
//! over hundreds of repositories is this same loop.

use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result};
use rayon::prelude::*;
use tree_sitter::Tree;

use crate::cloud::RuntimeCheck;
use crate::config::{self, Settings};
use crate::diagnostic::Finding;
use crate::fix::{detect_only, fix_to_fixpoint, FixPolicy, FixableProject, FixpointOutcome, TextChange, MAX_PASSES};
use crate::frontends::cloudformation::{
    included_files, is_serverless_service, ProjectFile, Template, TemplateFrontEnd, TemplateInput,
};
use crate::frontends::terraform::{
    configuration_runtime_check, locked_aws_release, TerraformFrontEnd, TerraformInput, TerraformProject,
};
use crate::frontends::typescript::{
    import_aliases, CdkAppContext, FileFacts, ImportAliases, PackageManifest, Program, ProgramInput, StackConfig,
    TypeScriptFrontEnd,
};
use crate::packaging::ProjectPackages;
use crate::prefilter::files_that_matter;
use crate::reparse::reparse;
use crate::report::{
    diff_hunks, FileChange, FileOutcome, FixStage, Notice, ReportedEdit, ReportedFinding, ReportedFix, RunReport,
};
use crate::rules::{check_program, RuleContext, RuleId};
use crate::source::{LineIndex, SourceFile};
use crate::suppression::Suppressions;
use crate::syntax::{self, Dialect, MatchKind, ScanMatch, StoredScan};
use crate::workspace::{self, absolute, display_path, Project, ProjectKind};
use crate::write::write_atomically;

/// Set by an interrupt (SIGINT): projects not started are not started, files not yet written are
/// not written; a write in flight completes, so no file is left half-done.
pub fn interruption() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    Arc::clone(FLAG.get_or_init(|| Arc::new(AtomicBool::new(false))))
}

fn interrupted() -> bool {
    interruption().load(Ordering::SeqCst)
}

/// Whether an interrupt stopped any work: a project not checked or a file not written. An
/// interrupt that comes once everything is done (while the report prints) stopped nothing, and
/// the run ends as it would have without it.
pub fn interrupt_stopped_work() -> bool {
    STOPPED_WORK.load(Ordering::SeqCst)
}

static STOPPED_WORK: AtomicBool = AtomicBool::new(false);

/// The notice for work an interrupt stopped, which the run's exit status then reports.
fn stopped_by_interrupt(path: PathBuf, message: &str) -> Notice {
    STOPPED_WORK.store(true, Ordering::SeqCst);
    Notice::error(path, message)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Find and report; work out no fix beyond what each finding offers. Whether anything is
    /// pending is known from the texts as read, so a check skips the passes that apply fixes.
    Check,
    /// Compute fixes and report them; change nothing.
    DryRun,
    /// Write the fixed files.
    Write,
    /// Change nothing, and keep each fixed text in the report: a buffer an editor sent, whose
    /// fixed text is the output.
    Buffer,
}

impl Mode {
    /// How far a run in this mode takes the fixes, which is what its report can say of them.
    pub fn fix_stage(self) -> FixStage {
        match self {
            Mode::Check => FixStage::Offered,
            Mode::DryRun | Mode::Buffer => FixStage::Made,
            Mode::Write => FixStage::Written,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub paths: Vec<PathBuf>,
    pub mode: Mode,
    pub unsafe_fixes: bool,
    /// A config file for every project, instead of the nearest `infrafix.toml`.
    pub config: Option<PathBuf>,
    /// Overrides the config's selection.
    pub select: Option<Vec<RuleId>>,
    /// Added to the config's ignored rules.
    pub ignore: Vec<RuleId>,
    /// Worker threads; all cores when `None`.
    pub jobs: Option<usize>,
    /// Whether reported fixes carry their edits (SARIF prints them; a diff shows the change
    /// already, and a large run keeps less without them).
    pub report_edits: bool,
    /// Whether changed files keep the hunks of their diffs (for the diff on stdout, or patches).
    pub report_diffs: bool,
}

/// Hears how far a run has come, for a progress display.
pub trait Progress: Sync {
    fn start(&self, projects: usize);
    fn project_done(&self);
    fn finish(&self);
}

/// For runs nobody watches.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: usize) {}
    fn project_done(&self) {}
    fn finish(&self) {}
}

/// Runs infrafix. An `Err` is a usage or configuration error: nothing was checked or written.
pub fn run(options: &RunOptions, progress: &dyn Progress) -> Result<RunReport> {
    let workspace = workspace::discover(&options.paths)?;
    let settings = project_settings(&workspace.projects, options)?;
    progress.start(workspace.projects.len());
    let mut threads = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = options.jobs {
        threads = threads.num_threads(jobs.max(1));
    }
    let pool = threads.build().context("starting worker threads")?;
    let outcomes: Vec<(Vec<FileOutcome>, Vec<Notice>)> = pool.install(|| {
        workspace
            .projects
            .par_iter()
            .zip(settings.par_iter())
            .map(|(project, settings)| {
                let outcome = check_project(project, settings, options);
                progress.project_done();
                outcome
            })
            .collect()
    });
    progress.finish();
    let mut report = RunReport {
        files: Vec::new(),
        notices: workspace.notices,
    };
    for (files, notices) in outcomes {
        report.files.extend(files);
        report.notices.extend(notices);
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report.notices.sort();
    Ok(report)
}

/// The settings of each project, with the command line's selection applied. Every config file is
/// read before any project is checked, so a bad one stops the run before anything is written.
fn project_settings(projects: &[Project], options: &RunOptions) -> Result<Vec<Settings>> {
    let explicit = options.config.as_deref().map(Settings::load).transpose()?;
    let mut loaded: HashMap<Option<PathBuf>, Settings> = HashMap::new();
    projects
        .iter()
        .map(|project| {
            let settings = match &explicit {
                Some(settings) => settings.clone(),
                None => {
                    let source = config::discover(&absolute(&project.root));
                    if !loaded.contains_key(&source) {
                        let settings = source
                            .as_deref()
                            .map(Settings::load)
                            .transpose()?
                            .unwrap_or_else(Settings::defaults);
                        loaded.insert(source.clone(), settings);
                    }
                    loaded[&source].clone()
                }
            };
            Ok(with_command_line_selection(settings, options))
        })
        .collect()
}

/// `--select` replaces the config's selection; `--ignore` adds to its ignored rules.
fn with_command_line_selection(mut settings: Settings, options: &RunOptions) -> Settings {
    if let Some(select) = &options.select {
        settings.select = Some(select.clone());
    }
    settings.ignore.extend(options.ignore.iter().copied());
    settings
}

fn check_project(project: &Project, settings: &Settings, options: &RunOptions) -> (Vec<FileOutcome>, Vec<Notice>) {
    let mut notices = Vec::new();
    if interrupted() {
        return (
            Vec::new(),
            vec![stopped_by_interrupt(
                project.root.clone(),
                "interrupted before this project was checked",
            )],
        );
    }
    let mut sources: Vec<ProjectSource> = project
        .files
        .iter()
        .filter_map(|path| read_source(path, settings.max_file_size, &mut notices))
        .map(|source| ProjectSource {
            source,
            is_target: true,
        })
        .collect();
    // The rest of the project only informs the model; what is wrong with it is not this run's news.
    let context = project
        .context_files
        .iter()
        .filter_map(|path| read_source(path, settings.max_file_size, &mut Vec::new()));
    sources.extend(context.map(|source| ProjectSource {
        source,
        is_target: false,
    }));
    let mut setup = ProjectSetup::read(&project.root, project.kind);
    setup.callers_runtime_checks = project
        .callers
        .iter()
        .filter_map(|caller| configuration_runtime_check(&caller.root, &caller.files, &project.root))
        .collect();
    let (files, more_notices) = check_sources(sources, project.kind, setup, settings, options, &project.root);
    notices.extend(more_notices);
    (files, notices)
}

/// What a project's folder says besides its sources: the packages its functions deploy, where
/// its tsconfig.json leads bare imports, the configuration keys its stacks set, the library
/// versions its package.json declares, and the context a CDK app's cdk.json and cdk.context.json
/// set.
struct ProjectSetup {
    packages: ProjectPackages,
    aliases: ImportAliases,
    stack_config: StackConfig,
    manifest: PackageManifest,
    /// For a Terraform module, how hashicorp/aws checks runtimes in each configuration calling it.
    callers_runtime_checks: Vec<RuntimeCheck>,
    cdk_context: CdkAppContext,
    notices: Vec<Notice>,
}

impl ProjectSetup {
    fn read(root: &std::path::Path, kind: ProjectKind) -> Self {
        let ((aliases, notices), stack_config, manifest, cdk_context) = match kind {
            ProjectKind::TypeScript => (
                import_aliases(root),
                StackConfig::of_project(root),
                PackageManifest::of_project(root),
                CdkAppContext::of_project(root),
            ),
            ProjectKind::Terraform | ProjectKind::CloudFormation => Default::default(),
        };
        let packages = match kind {
            ProjectKind::CloudFormation => ProjectPackages::of_templates(root),
            ProjectKind::TypeScript | ProjectKind::Terraform => ProjectPackages::of_project(root),
        };
        Self {
            packages,
            aliases,
            stack_config,
            manifest,
            callers_runtime_checks: Vec::new(),
            cdk_context,
            notices,
        }
    }
}

/// A file of a project, and whether it is one the run was asked about.
struct ProjectSource {
    source: SourceFile,
    is_target: bool,
}

/// Checks one file whose text does not come from disk (an editor's buffer): as a one-file project
/// at `path`, with the settings that apply there. Never writes.
pub fn run_source(path: PathBuf, bytes: Vec<u8>, options: &RunOptions) -> Result<RunReport> {
    let settings = match &options.config {
        Some(config) => Settings::load(config)?,
        None => match config::discover(&absolute(path.parent().unwrap_or(std::path::Path::new(".")))) {
            Some(found) => Settings::load(&found)?,
            None => Settings::defaults(),
        },
    };
    let settings = with_command_line_selection(settings, options);
    let mut report = RunReport::default();
    let path_for_notices = path.clone();
    let source = checked_source(path, bytes, &mut report.notices);
    let options = RunOptions {
        mode: Mode::Buffer,
        ..options.clone()
    };
    // A service's included files are read from disk, only to judge the functions they declare.
    let included = match &source {
        Some(service) if is_serverless_service(&service.path) => {
            included_files(&absolute(&service.path), &service.text)
        }
        _ => Vec::new(),
    };
    let mut sources: Vec<ProjectSource> = source
        .into_iter()
        .map(|source| ProjectSource {
            source,
            is_target: true,
        })
        .collect();
    sources.extend(
        included
            .iter()
            .filter_map(|path| read_source(path, settings.max_file_size, &mut Vec::new()))
            .map(|source| ProjectSource {
                source,
                is_target: false,
            }),
    );
    let kind = match Dialect::of_path(&path_for_notices) {
        Some(Dialect::Hcl) => ProjectKind::Terraform,
        Some(Dialect::Yaml | Dialect::Json) => ProjectKind::CloudFormation,
        _ => ProjectKind::TypeScript,
    };
    // The packages and aliases are those of the project the file belongs to on disk, as for a run on it.
    let folder = path_for_notices
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let setup = ProjectSetup::read(&workspace::project_root(&absolute(folder)), kind);
    let (files, notices) = check_sources(sources, kind, setup, &settings, &options, &path_for_notices);
    report.files = files;
    report.notices.extend(notices);
    Ok(report)
}

fn check_sources(
    sources: Vec<ProjectSource>,
    kind: ProjectKind,
    setup: ProjectSetup,
    settings: &Settings,
    options: &RunOptions,
    project_root: &std::path::Path,
) -> (Vec<FileOutcome>, Vec<Notice>) {
    let mut notices = setup.notices;
    let mut state = ProjectState {
        kind,
        incomplete: false,
        files: Vec::new(),
        texts: Vec::new(),
        trees: Vec::new(),
        targets: Vec::new(),
        scans: Vec::new(),
        facts: Vec::new(),
        enabled: settings.enabled_rules(),
        settings,
        packages: setup.packages,
        aliases: setup.aliases,
        stack_config: setup.stack_config,
        manifest: setup.manifest,
        callers_runtime_checks: setup.callers_runtime_checks,
        cdk_context: setup.cdk_context,
    };
    let listing: Vec<(&std::path::Path, &str)> = sources
        .iter()
        .map(|project| (project.source.path.as_path(), project.source.text.as_str()))
        .collect();
    // Every file of a Terraform module is read: any of them may hold a variable or a local.
    let matters = match kind {
        ProjectKind::TypeScript => files_that_matter(&listing, &state.aliases),
        ProjectKind::Terraform | ProjectKind::CloudFormation => vec![true; listing.len()],
    };
    // Files no rule can need are read, counted, and left alone without parsing.
    let mut unparsed = Vec::new();
    for (ProjectSource { source, is_target }, matters) in sources.into_iter().zip(matters) {
        if !matters {
            if is_target {
                unparsed.push(FileOutcome {
                    path: source.display.clone(),
                    file: source.path,
                    change: None,
                    findings: Vec::new(),
                    remaining: 0,
                    remaining_raised: 0,
                    raised_and_fixed: Vec::new(),
                });
            }
            continue;
        }
        let parsed = match is_target {
            true => parse_source(&source, &mut notices),
            false => parse_source(&source, &mut Vec::new()),
        };
        let Some(tree) = parsed else {
            state.incomplete = true;
            continue;
        };
        state.targets.push(is_target);
        state.scans.push(None);
        state.facts.push(FileFacts::default());
        state.texts.push(source.text.clone());
        let dialect = Dialect::of_path(&source.path).unwrap_or(Dialect::TypeScript);
        state.files.push((source, dialect));
        state.trees.push(tree);
    }
    let outcome = match options.mode {
        Mode::Check => detect_only(&mut state),
        Mode::DryRun | Mode::Write | Mode::Buffer => fix_to_fixpoint(
            &mut state,
            FixPolicy {
                unsafe_fixes: options.unsafe_fixes,
            },
        ),
    };
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            notices.push(Notice::error(
                project_root.to_path_buf(),
                format!("internal error: {error:#}"),
            ));
            return (Vec::new(), notices);
        }
    };
    for dropped in &outcome.dropped {
        let path = state.files[dropped.file].0.path.clone();
        notices.push(Notice::error(
            path,
            format!("a fix of {} was dropped: {}", dropped.rule, dropped.reason),
        ));
    }
    if !outcome.converged {
        notices.push(Notice::error(
            project_root.to_path_buf(),
            format!(
                "fixes did not settle after {MAX_PASSES} passes (internal error); nothing in this project was changed"
            ),
        ));
    }
    notices.extend(unknown_suppression_ids(&state));
    notices.extend(unread_template_loops(&state));
    notices.extend(state.packages.notices());
    let lines: Vec<LineIndex> = state
        .files
        .iter()
        .map(|(source, _)| LineIndex::new(&source.text))
        .collect();
    let mut files = unparsed;
    for (index, (source, _)) in state
        .files
        .iter()
        .enumerate()
        .filter(|(index, _)| state.targets[*index])
    {
        let fixed = Some(source.encode(&state.texts[index]))
            .filter(|bytes| outcome.converged && *bytes != source.original_bytes);
        if let (Some(fixed), Mode::Write) = (&fixed, options.mode) {
            if interrupted() {
                notices.push(stopped_by_interrupt(source.path.clone(), "interrupted; not written"));
            } else if let Err(error) = write_atomically(&source.path, &source.original_bytes, fixed) {
                notices.push(Notice::error(source.path.clone(), format!("{error:#}")));
            }
        }
        // A changed file keeps its diff's hunks (when they are printed), not its texts: a run
        // over thousands of files holds no more than what it prints.
        let change = fixed.map(|fixed| {
            let fixed = String::from_utf8_lossy(&fixed).into_owned();
            FileChange {
                hunks: if options.report_diffs {
                    diff_hunks(&String::from_utf8_lossy(&source.original_bytes), &fixed)
                } else {
                    String::new()
                },
                fixed: (options.mode == Mode::Buffer).then_some(fixed),
            }
        });
        let remaining = outcome
            .remaining_findings
            .iter()
            .filter(|remaining| remaining.finding.file == index);
        files.push(FileOutcome {
            path: source.display.clone(),
            file: source.path.clone(),
            change,
            findings: reported(&outcome, index, &state.files, &lines, options.report_edits),
            remaining: remaining.clone().count(),
            remaining_raised: remaining.filter(|remaining| remaining.raised).count(),
            raised_and_fixed: outcome
                .raised_and_fixed
                .iter()
                .filter(|finding| finding.file == index)
                .map(|finding| finding.rule)
                .collect(),
        });
    }
    (files, notices)
}

/// The findings of one file, positions and fix edits (when `with_edits`) resolved against the
/// texts as read (whose line starts are `lines`, by file).
fn reported(
    outcome: &FixpointOutcome,
    file: usize,
    sources: &[(SourceFile, Dialect)],
    lines: &[LineIndex],
    with_edits: bool,
) -> Vec<ReportedFinding> {
    let source = &sources[file].0;
    let path: std::sync::Arc<str> = source.display.as_str().into();
    outcome
        .initial_findings
        .iter()
        .zip(&outcome.fixed)
        .filter(|(finding, _)| finding.file == file)
        .map(|(finding, &fixed)| ReportedFinding {
            rule: finding.rule,
            path: std::sync::Arc::clone(&path),
            start: lines[file].position(finding.range.start),
            end: lines[file].position(finding.range.end),
            message: finding.message.clone(),
            fix: finding.fix.as_ref().map(|fix| ReportedFix {
                applicability: fix.applicability,
                edits: (if with_edits { fix.edits.as_slice() } else { &[] })
                    .iter()
                    .map(|edit| ReportedEdit {
                        path: sources[edit.file].0.display.clone(),
                        start: lines[edit.file].position(edit.range.start),
                        end: lines[edit.file].position(edit.range.end),
                        replacement: edit.replacement.clone(),
                    })
                    .collect(),
            }),
            fixed,
        })
        .collect()
}

/// Reads a file that infrafix may check; anything it must skip becomes a notice.
fn read_source(path: &std::path::Path, max_file_size: u64, notices: &mut Vec<Notice>) -> Option<SourceFile> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) => {
            notices.push(Notice::error(path.to_path_buf(), format!("cannot read: {error}")));
            return None;
        }
    };
    // Root may read anything; a file closed to reading is still not for infrafix to read.
    if metadata.permissions().mode() & 0o444 == 0 {
        notices.push(Notice::error(
            path.to_path_buf(),
            "has no read permission bits; not read",
        ));
        return None;
    }
    if metadata.len() > max_file_size {
        notices.push(Notice::warning(
            path.to_path_buf(),
            format!("larger than {max_file_size} bytes (max_file_size); skipped"),
        ));
        return None;
    }
    match std::fs::read(path) {
        Ok(bytes) => checked_source(path.to_path_buf(), bytes, notices),
        Err(error) => {
            notices.push(Notice::error(path.to_path_buf(), format!("cannot read: {error}")));
            None
        }
    }
}

/// The bytes as a source file, unless they are binary or not UTF-8 (a notice then says so).
fn checked_source(path: PathBuf, bytes: Vec<u8>, notices: &mut Vec<Notice>) -> Option<SourceFile> {
    if bytes.contains(&0) {
        notices.push(Notice::warning(path, "looks binary (holds NUL bytes); skipped"));
        return None;
    }
    let display = display_path(&path);
    match SourceFile::from_utf8(path.clone(), display, bytes) {
        Ok(source) => Some(source),
        Err(_) => {
            notices.push(Notice::warning(path, "is not valid UTF-8; skipped"));
            None
        }
    }
}

/// The file's syntax tree. A file with syntax errors is reported and left out: it is never modified.
fn parse_source(source: &SourceFile, notices: &mut Vec<Notice>) -> Option<Tree> {
    let dialect = Dialect::of_path(&source.path).unwrap_or(Dialect::TypeScript);
    let tree = match syntax::parse(&source.text, dialect) {
        Ok(tree) => tree,
        Err(error) => {
            notices.push(Notice::error(source.path.clone(), format!("cannot parse: {error:#}")));
            return None;
        }
    };
    if syntax::nests_too_deep(&tree) {
        notices.push(Notice::warning(
            source.path.clone(),
            format!("nests deeper than {} levels; skipped", syntax::MAX_NESTING),
        ));
        return None;
    }
    // What a grammar takes but its tool refuses, reported on the line it is on. The HCL check is
    // asked of a tree without syntax errors, whose blocks all close.
    let line_of = |offset| LineIndex::new(&source.text).position(offset).line;
    let refused = if let Some(&alias) = syntax::undefined_aliases(&tree, &source.text).first() {
        Some(format!(
            "the YAML alias on line {} names no anchor before it; the file was not modified",
            line_of(alias)
        ))
    } else if !tree.root_node().has_error() {
        let misplaced = syntax::hcl_items_missing_their_newline(&tree).first().map(|&item| {
            format!(
                "the block written over several lines puts an argument or block on its opening or closing line {}, which Terraform refuses (\"Missing newline after argument\", \"Invalid single-argument block definition\"); the file was not modified",
                line_of(item)
            )
        });
        misplaced.or_else(|| {
            syntax::hcl_invalid_names(&tree, &source.text).first().map(|invalid| {
                format!(
                    "the {} {} `{}` on line {} is not a name Terraform takes (a name starts with a letter or underscore and holds only letters, digits, underscores and dashes), so Terraform refuses the file; the file was not modified",
                    invalid.block,
                    invalid.part,
                    invalid.name,
                    line_of(invalid.at)
                )
            })
        })
    } else {
        None
    };
    if let Some(message) = refused {
        notices.push(Notice::error(source.path.clone(), message));
        return None;
    }
    // With none of the refusals above, the tree's own errors are all `syntax::error_count` would
    // count, and a tree holds one when its root says so.
    if tree.root_node().has_error() {
        let position = first_error_position(&tree, &source.text, dialect);
        notices.push(Notice::error(
            source.path.clone(),
            format!("syntax error near line {position}; the file was not modified"),
        ));
        return None;
    }
    Some(tree)
}

fn first_error_position(tree: &Tree, text: &str, dialect: Dialect) -> String {
    let mut cursor = tree.walk();
    let mut node = tree.root_node();
    while let Some(child) = node
        .children(&mut cursor)
        .find(|child| child.has_error() || child.is_error() || child.is_missing())
    {
        if child.is_error() || child.is_missing() {
            node = child;
            break;
        }
        node = child;
    }
    // YAML's grammar wraps what it read before the mistake in the error, from the document's
    // first line on: the mistake is where the error ends, at the next thing written.
    let offset = match dialect {
        Dialect::Yaml if node.is_error() => {
            let end = node.end_byte();
            text[end..]
                .find(|character: char| !character.is_whitespace())
                .map_or(end, |skipped| end + skipped)
        }
        _ => node.start_byte(),
    };
    let position = LineIndex::new(text).position(offset);
    format!("{}:{}", position.line, position.column)
}

/// The one pass over a file. A TypeScript file is walked by its front end, which reads its name
/// tables on the way; a file of another dialect holds nothing but suppression comments for it.
fn scan_file<'tree>(
    tree: &'tree Tree,
    text: &str,
    dialect: Dialect,
    facts: &FileFacts,
) -> Result<Vec<ScanMatch<'tree>>> {
    match dialect {
        Dialect::TypeScript | Dialect::Tsx | Dialect::JavaScript => Ok(facts.read(tree, text)),
        Dialect::Hcl | Dialect::Yaml | Dialect::Json => syntax::scan(tree, text, dialect),
    }
}

fn unknown_suppression_ids(state: &ProjectState) -> Vec<Notice> {
    let mut notices = Vec::new();
    for (index, (source, dialect)) in state.files.iter().enumerate() {
        let matches = match &state.scans[index] {
            Some(stored) => stored.restore_kind(&state.trees[index], MatchKind::Suppression),
            None => match scan_file(&state.trees[index], &state.texts[index], *dialect, &state.facts[index]) {
                Ok(matches) => matches,
                Err(_) => continue,
            },
        };
        let lines = LineIndex::new(&state.texts[index]);
        let mut suppressions = Suppressions::from_scan(&matches, &state.texts[index]);
        if state.kind == ProjectKind::CloudFormation {
            add_metadata_suppressions(&state.template(index), &mut suppressions);
        }
        for (offset, id) in suppressions.unknown_ids {
            let position = lines.position(offset);
            notices.push(Notice::warning(
                source.path.clone(),
                format!("line {}: suppression names unknown rule id `{id}`", position.line),
            ));
        }
    }
    notices
}

/// A notice for each `Fn::ForEach` loop of a template the run was asked about whose resources
/// were not read: without one, "No findings." would pass for a verdict on them.
fn unread_template_loops(state: &ProjectState) -> Vec<Notice> {
    if state.kind != ProjectKind::CloudFormation {
        return Vec::new();
    }
    let mut notices = Vec::new();
    for (index, (source, _)) in state
        .files
        .iter()
        .enumerate()
        .filter(|(index, _)| state.targets[*index])
    {
        let lines = LineIndex::new(&state.texts[index]);
        for (at, name, why) in state.template(index).unread_loops() {
            notices.push(Notice::warning(
                source.path.clone(),
                format!(
                    "`{name}` (line {}) was not read, since {why}; the resources it makes were not checked",
                    lines.position(at.start).line
                ),
            ));
        }
    }
    notices
}

/// A JSON template has no comments: its resources' `Metadata` says what they suppress.
fn add_metadata_suppressions(template: &Template, suppressions: &mut Suppressions) {
    for (statement, ids) in template.metadata_suppressions() {
        suppressions.add_statement(statement, &ids);
    }
}

/// A project's files as the fixpoint loop works on them: texts and their current trees.
struct ProjectState<'a> {
    kind: ProjectKind,
    /// Some file of the project could not be parsed, and the model lacks what it declares.
    incomplete: bool,
    files: Vec<(SourceFile, Dialect)>,
    texts: Vec<String>,
    trees: Vec<Tree>,
    /// Per file, whether the run was asked about it; the others are only read.
    targets: Vec<bool>,
    /// Per file, its scan, kept while the file does not change.
    scans: Vec<Option<StoredScan>>,
    /// Per file, the model's tables, kept while the file does not change.
    facts: Vec<FileFacts>,
    enabled: Vec<RuleId>,
    settings: &'a Settings,
    packages: ProjectPackages,
    aliases: ImportAliases,
    stack_config: StackConfig,
    manifest: PackageManifest,
    callers_runtime_checks: Vec<RuntimeCheck>,
    cdk_context: CdkAppContext,
}

impl ProjectState<'_> {
    /// A fix that would change a file the run was not asked about is left out, and the finding
    /// says which file.
    fn keep_to_targets(&self, mut finding: Finding) -> Finding {
        let outside = finding
            .fix
            .as_ref()
            .and_then(|fix| fix.edits.iter().find(|edit| !self.targets[edit.file]));
        if let Some(edit) = outside {
            let path = &self.files[edit.file].0.display;
            let why = match self.kind {
                ProjectKind::TypeScript => "outside the paths given",
                // The module may have other callers, which the change would reach too.
                ProjectKind::Terraform => "a module this one calls or a file outside the paths given",
                ProjectKind::CloudFormation => "outside the paths given",
            };
            finding = finding.not_fixed(&format!("the fix changes {path}, {why}"));
        }
        finding
    }
}

impl ProjectState<'_> {
    fn typescript_findings(&self, scans: &[Vec<ScanMatch>], suppressions: &[Suppressions]) -> Vec<Finding> {
        let inputs: Vec<ProgramInput> = (0..self.files.len())
            .map(|index| ProgramInput {
                path: &self.files[index].0.path,
                text: &self.texts[index],
                tree: &self.trees[index],
                matches: &scans[index],
                facts: &self.facts[index],
            })
            .collect();
        let program = Program::build(
            &inputs,
            &self.aliases,
            &self.stack_config,
            &self.manifest,
            &self.cdk_context,
        );
        let front_end = TypeScriptFrontEnd::new(&program);
        let context = RuleContext::new(&front_end, self.settings, suppressions).with_packages(&self.packages);
        check_program(&context, &self.enabled)
    }

    fn terraform_findings(&self, suppressions: &[Suppressions]) -> Vec<Finding> {
        // The files asked about are the root module's; the others are the modules it calls.
        let Some(root) = self
            .files
            .iter()
            .zip(&self.targets)
            .find(|(_, target)| **target)
            .and_then(|((source, _), _)| source.path.parent())
        else {
            return Vec::new();
        };
        let inputs = (0..self.files.len())
            .map(|index| TerraformInput {
                path: &self.files[index].0.path,
                text: &self.texts[index],
                tree: &self.trees[index],
            })
            .collect();
        let project = TerraformProject::build(root, inputs);
        let front_end = TerraformFrontEnd::new(&project)
            .with_locked_aws(locked_aws_release(root))
            .with_callers_checks(self.callers_runtime_checks.clone());
        let findings = check_program(
            &RuleContext::new(&front_end, self.settings, suppressions).with_packages(&self.packages),
            &self.enabled,
        );
        if !self.incomplete {
            return findings;
        }
        // A module is one namespace: what the unreadable file declares could clash with what a
        // fix adds, or hold the values a fix would have to change.
        findings
            .into_iter()
            .map(|finding| match finding.fix {
                Some(_) => finding.not_fixed("a file of this module has syntax errors; fix it, then run again"),
                None => finding,
            })
            .collect()
    }
}

impl ProjectState<'_> {
    /// Each template is a graph of its own: its logical ids mean nothing in another.
    fn template(&self, index: usize) -> Template<'_> {
        let serverless = is_serverless_service(&self.files[index].0.path);
        // A service's includes are the other files of its project.
        let project_files: Vec<ProjectFile> = match serverless {
            true => (0..self.files.len())
                .filter(|other| *other != index)
                .map(|other| ProjectFile {
                    file: other,
                    path: &self.files[other].0.path,
                    text: &self.texts[other],
                    tree: &self.trees[other],
                })
                .collect(),
            false => Vec::new(),
        };
        Template::build(
            TemplateInput {
                file: index,
                text: &self.texts[index],
                tree: &self.trees[index],
                json: self.files[index].1 == Dialect::Json,
                serverless,
                folder: self.files[index].0.path.parent().unwrap_or(std::path::Path::new("")),
            },
            &project_files,
        )
    }

    fn template_findings(&self, suppressions: &mut [Suppressions]) -> Vec<Finding> {
        let templates: Vec<Template> = (0..self.files.len()).map(|index| self.template(index)).collect();
        for (template, suppression) in templates.iter().zip(suppressions.iter_mut()) {
            add_metadata_suppressions(template, suppression);
        }
        let mut findings = Vec::new();
        for template in templates
            .iter()
            .filter(|template| !template.is_read_by_a_service(&templates))
        {
            let front_end = TemplateFrontEnd::new(template, &templates);
            let context = RuleContext::new(&front_end, self.settings, suppressions).with_packages(&self.packages);
            findings.extend(check_program(&context, &self.enabled));
        }
        findings
    }
}

impl FixableProject for ProjectState<'_> {
    fn texts(&self) -> &[String] {
        &self.texts
    }

    fn findings(&mut self) -> Result<Vec<Finding>> {
        let mut scans = Vec::with_capacity(self.files.len());
        for (index, (source, dialect)) in self.files.iter().enumerate() {
            let matches = match &self.scans[index] {
                Some(stored) => stored.restore(&self.trees[index]),
                None => {
                    let matches = scan_file(&self.trees[index], &self.texts[index], *dialect, &self.facts[index])
                        .with_context(|| format!("scanning {}", source.display))?;
                    self.scans[index] = Some(StoredScan::of(&matches));
                    matches
                }
            };
            scans.push(matches);
        }
        let mut suppressions: Vec<Suppressions> = scans
            .iter()
            .zip(&self.texts)
            .map(|(matches, text)| Suppressions::from_scan(matches, text))
            .collect();
        let findings = match self.kind {
            ProjectKind::TypeScript => self.typescript_findings(&scans, &suppressions),
            ProjectKind::Terraform => self.terraform_findings(&suppressions),
            ProjectKind::CloudFormation => self.template_findings(&mut suppressions),
        };
        let mut findings: Vec<Finding> = findings
            .into_iter()
            .filter(|finding| {
                self.targets[finding.file] && !suppressions[finding.file].covers(finding.rule, finding.range.start)
            })
            .map(|finding| self.keep_to_targets(finding))
            .collect();
        findings.sort_by(|a, b| {
            (a.file, a.range.start, a.rule, &a.message).cmp(&(b.file, b.range.start, b.rule, &b.message))
        });
        Ok(findings)
    }

    fn replace_texts(&mut self, changed: BTreeMap<usize, TextChange>) -> Result<Vec<usize>> {
        let mut worse = Vec::new();
        for (index, change) in changed {
            let tree = reparse(&self.trees[index], &self.texts[index], &change, self.files[index].1)?;
            if syntax::error_count(&tree, &change.text) > 0 {
                worse.push(index);
            }
            self.texts[index] = change.text;
            self.trees[index] = tree;
            self.scans[index] = None;
            self.facts[index] = self.facts[index].for_changed_text();
        }
        Ok(worse)
    }
}
