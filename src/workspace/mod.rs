//! Finding the files to check under the given paths, and grouping them into projects.
//! `.gitignore` files are respected (also outside git repositories), `node_modules`, `.terraform` and
//! the folders tools generate (`.aws-sam`, `cdk.out`, `.serverless`) are never entered, and symlinks
//! are never followed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use ignore::WalkBuilder;

use crate::frontends::typescript::{is_javascript, javascript_program, JavaScriptProgram};
use crate::report::Notice;
use crate::syntax::Dialect;
use crate::write::is_stale_temporary;

mod unread;

/// The files of one Pulumi project (or of one folder, for loose files), or of one Terraform
/// module folder. Paths are absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub root: PathBuf,
    pub kind: ProjectKind,
    /// The files to check and fix, sorted so that results never depend on the order the file
    /// system lists them in (a Serverless service's includes sorted after it).
    pub files: Vec<PathBuf>,
    /// The project's other files, outside the paths given (or, for Terraform, the local modules
    /// the module calls): read for the model (a role declared in iam.ts), never reported on or
    /// changed.
    pub context_files: Vec<PathBuf>,
    /// For a Terraform module, the configurations among the projects that call it, directly or
    /// through other modules: Terraform installs one provider release for a whole
    /// configuration, so what their roots pin holds inside this module too.
    pub callers: Vec<TerraformConfiguration>,
}

/// A Terraform module folder and every `.tf` file its configuration reads: its own and those
/// of the local modules it calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerraformConfiguration {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
}

/// Which front end reads a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProjectKind {
    /// TypeScript: a Pulumi program or an AWS CDK app.
    TypeScript,
    /// The `.tf` files of one folder: a Terraform module.
    Terraform,
    /// One CloudFormation or SAM template, YAML or JSON, or one Serverless Framework service
    /// (`serverless.yml`) with the files its includes declare functions in: each deploys as a
    /// stack of its own.
    CloudFormation,
}

impl ProjectKind {
    /// The front end that reads a file, if any does. A YAML or JSON file is read only when its
    /// beginning looks like a template; the front end then checks that it is one.
    fn of_file(path: &Path) -> Option<Self> {
        match Dialect::of_path(path)? {
            Dialect::TypeScript | Dialect::Tsx | Dialect::JavaScript => Some(Self::TypeScript),
            Dialect::Hcl => Some(Self::Terraform),
            Dialect::Yaml | Dialect::Json => {
                let read = crate::frontends::cloudformation::is_serverless_service(path) || may_be_template(path);
                read.then_some(Self::CloudFormation)
            }
        }
    }

    /// The project a file belongs to: for TypeScript, the nearest folder holding Pulumi.yaml, else
    /// package.json, else the file's folder; for Terraform, the folder (a module is the `.tf` files
    /// of one folder); for a template, the template itself.
    fn root_of(self, file: &Path) -> PathBuf {
        let folder = file.parent().unwrap_or(Path::new(""));
        match self {
            Self::TypeScript => project_root(folder),
            Self::Terraform => folder.to_path_buf(),
            Self::CloudFormation => file.to_path_buf(),
        }
    }
}

/// How much of a YAML or JSON file is read to tell whether it may be a template.
const TEMPLATE_SNIFF_BYTES: u64 = 64 * 1024;

/// Whether the beginning of a file mentions what every template has: a resource type of AWS, or
/// the template format version. Keeps package.json, workflows and the like from being parsed.
fn may_be_template(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut beginning = Vec::new();
    if file.take(TEMPLATE_SNIFF_BYTES).read_to_end(&mut beginning).is_err() {
        return false;
    }
    crate::frontends::cloudformation::may_be_template(&String::from_utf8_lossy(&beginning))
}

#[derive(Debug, Default)]
pub struct Workspace {
    pub projects: Vec<Project>,
    pub notices: Vec<Notice>,
}

/// Walks the paths. A path that does not exist is an error; everything skipped inside a path is a
/// notice.
pub fn discover(paths: &[PathBuf]) -> Result<Workspace> {
    let mut workspace = Workspace::default();
    let mut files = Vec::new();
    let mut folders = Vec::new();
    let mut javascript = JavaScriptPrograms::default();
    for path in paths {
        let path = &absolute(path);
        let metadata = std::fs::symlink_metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if metadata.is_file() {
            match ProjectKind::of_file(path) {
                Some(_) if !javascript.reads(path) => workspace.notices.push(Notice::warning(
                    path.clone(),
                    "JavaScript outside a Pulumi program written in JavaScript (or compiled from a TypeScript source beside it); skipped",
                )),
                Some(_) => files.push(path.clone()),
                None => workspace.notices.push(Notice::warning(
                    path.clone(),
                    "neither a TypeScript or JavaScript source file, a Terraform `.tf` file nor a CloudFormation or SAM template; skipped",
                )),
            }
        } else if metadata.is_dir() {
            walk_folder(path, &mut files, &mut workspace.notices);
            folders.push(path.clone());
        } else {
            bail!(
                "{} is a symlink or special file; infrafix does not follow links",
                path.display()
            );
        }
    }
    // Before the JavaScript no program reads is left out: a service file may be JavaScript.
    let project_files = unread::ProjectFiles::among(&files);
    // Once for every folder walked: the JavaScript a folder's walk found that no program reads.
    files.retain(|file| javascript.reads(file));
    files.sort();
    files.dedup();
    workspace.projects = group_into_projects(files);
    for project in &mut workspace.projects {
        add_context_files(project, &folders, &mut javascript);
        match project.kind {
            ProjectKind::Terraform => add_called_modules(project),
            ProjectKind::CloudFormation => add_included_files(project),
            ProjectKind::TypeScript => {}
        }
    }
    add_terraform_callers(&mut workspace.projects);
    let deploys_on_its_own = share_included_files(&mut workspace.projects);
    // A file a service declares functions in is read as part of it, and on its own only when it
    // deploys on its own too (a service of its own, a template).
    workspace.projects.retain(|project| {
        project.kind != ProjectKind::CloudFormation || deploys_on_its_own.get(&project.root).copied().unwrap_or(true)
    });
    let unread = project_files.unread(&workspace.projects);
    workspace.notices.extend(unread);
    Ok(workspace)
}

/// Which folders' JavaScript is read, asked once per folder: only a Pulumi program written in
/// JavaScript's own sources, never what `tsc` writes from TypeScript, nor the function code of a
/// Terraform module or a CDK app.
#[derive(Default)]
struct JavaScriptPrograms {
    by_folder: HashMap<PathBuf, Option<JavaScriptProgram>>,
}

impl JavaScriptPrograms {
    /// Whether a file found is read: any file but JavaScript, and the JavaScript sources of a
    /// Pulumi program written in it.
    fn reads(&mut self, file: &Path) -> bool {
        if !is_javascript(file) {
            return true;
        }
        let folder = file.parent().unwrap_or(Path::new("")).to_path_buf();
        self.by_folder
            .entry(folder)
            .or_insert_with_key(|folder| javascript_program(&project_root(folder)))
            .as_ref()
            .is_some_and(|program| program.has_source(file))
    }
}

/// Each file services declare functions in is reported on and fixed by one project only, so that
/// no finding or patch hunk comes twice: by its own when it deploys on its own (a service or
/// template of its own, whose findings are not the including service's), else by the first
/// service that includes it. The others read it for the model. Returns, for each included file,
/// whether it deploys on its own.
fn share_included_files(projects: &mut [Project]) -> HashMap<PathBuf, bool> {
    let mut deploys_on_its_own = HashMap::new();
    let mut owned = HashSet::new();
    for project in projects
        .iter_mut()
        .filter(|project| project.kind == ProjectKind::CloudFormation)
    {
        // The service is the project's first file; the files its includes name follow it.
        let included = project.files.split_off(1.min(project.files.len()));
        for file in included {
            let alone = *deploys_on_its_own.entry(file.clone()).or_insert_with(|| {
                std::fs::read_to_string(&file)
                    .is_ok_and(|text| crate::frontends::cloudformation::deploys_on_its_own(&file, &text))
            });
            match !alone && owned.insert(file.clone()) {
                true => project.files.push(file),
                false => project.context_files.push(file),
            }
        }
    }
    deploys_on_its_own
}

/// The files a Serverless service declares functions in (`functions: ${file(…)}`) deploy with it:
/// they follow the service among the project's files, which it is the first of.
fn add_included_files(project: &mut Project) {
    if !crate::frontends::cloudformation::is_serverless_service(&project.root) {
        return;
    }
    let Ok(text) = std::fs::read_to_string(&project.root) else {
        return;
    };
    project
        .files
        .extend(crate::frontends::cloudformation::included_files(&project.root, &text));
}

/// Reads the rest of a project that the paths given do not hold whole: a Pulumi project whose
/// root lies above every folder walked, a module folder of which only some files were given.
fn add_context_files(project: &mut Project, walked: &[PathBuf], javascript: &mut JavaScriptPrograms) {
    let mut all = Vec::new();
    match project.kind {
        ProjectKind::TypeScript => {
            let is_marked = ["Pulumi.yaml", "Pulumi.yml", "package.json"]
                .iter()
                .any(|marker| project.root.join(marker).is_file());
            if !is_marked || walked.iter().any(|folder| project.root.starts_with(folder)) {
                return;
            }
            walk_folder(&project.root, &mut all, &mut Vec::new());
        }
        ProjectKind::Terraform => {
            if walked.contains(&project.root) {
                return;
            }
            all = module_files(&project.root);
        }
        ProjectKind::CloudFormation => return,
    }
    // Only TypeScript, JavaScript and `.tf` files are read here: no YAML or JSON file is opened to
    // be sniffed.
    all.retain(|file| {
        Dialect::of_path(file).is_some_and(|dialect| !matches!(dialect, Dialect::Yaml | Dialect::Json))
            && ProjectKind::of_file(file) == Some(project.kind)
            && javascript.reads(file)
    });
    all.sort();
    project.context_files = all
        .into_iter()
        .filter(|file| project.files.binary_search(file).is_err())
        .collect();
}

/// How many module folders a Terraform project reads besides its own.
const MAX_CALLED_MODULES: usize = 64;

/// Reads the local modules a Terraform module calls (`source = "./modules/lambda"`), and those
/// they call: values flow into them through the calls' arguments. Their files inform the model
/// only; each folder walked is also a project of its own, where its own values are reported.
fn add_called_modules(project: &mut Project) {
    let mut folders = vec![project.root.clone()];
    let mut pending = project.files.clone();
    pending.extend(project.context_files.iter().cloned());
    while let Some(file) = pending.pop() {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let caller = file.parent().unwrap_or(Path::new(""));
        for source in local_module_sources(&text) {
            let folder = crate::frontends::typescript::normalize_path(&caller.join(source));
            if folders.contains(&folder) || folders.len() > MAX_CALLED_MODULES || !folder.is_dir() {
                continue;
            }
            let mut files = module_files(&folder);
            files.sort();
            pending.extend(files.iter().cloned());
            project.context_files.extend(files);
            folders.push(folder);
        }
    }
}

/// Gives each Terraform project the configurations that read it as a module they call.
fn add_terraform_callers(projects: &mut [Project]) {
    let mut callers: HashMap<PathBuf, Vec<TerraformConfiguration>> = HashMap::new();
    for project in projects.iter().filter(|project| project.kind == ProjectKind::Terraform) {
        let configuration = TerraformConfiguration {
            root: project.root.clone(),
            files: project.files.iter().chain(&project.context_files).cloned().collect(),
        };
        let called: BTreeSet<&Path> = project
            .context_files
            .iter()
            .filter_map(|file| file.parent())
            .filter(|folder| *folder != project.root)
            .collect();
        for folder in called {
            callers
                .entry(folder.to_path_buf())
                .or_default()
                .push(configuration.clone());
        }
    }
    for project in projects
        .iter_mut()
        .filter(|project| project.kind == ProjectKind::Terraform)
    {
        project.callers = callers.remove(&project.root).unwrap_or_default();
    }
}

/// The local paths that `source = "…"` arguments of a file's text name (`./x`, `../x`), wherever
/// they stand on their lines (`module "a" { source = "./a" }`). Read before parsing, to know
/// which files to parse; the model reads the calls themselves.
fn local_module_sources(text: &str) -> Vec<&str> {
    let mut sources = Vec::new();
    for (at, _) in text.match_indices("source") {
        let starts_a_name = !text[..at]
            .chars()
            .next_back()
            .is_some_and(|before| before.is_alphanumeric() || before == '_');
        let value = text[at + "source".len()..]
            .trim_start_matches([' ', '\t'])
            .strip_prefix('=')
            .map(|rest| rest.trim_start_matches([' ', '\t']))
            .and_then(|rest| rest.strip_prefix('"'))
            .and_then(|rest| rest.split(['"', '\n']).next());
        if let (true, Some(path)) = (starts_a_name, value) {
            if path.starts_with("./") || path.starts_with("../") {
                sources.push(path);
            }
        }
    }
    sources
}

/// The `.tf` files directly in a module folder (links left out).
fn module_files(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .map(|entry| entry.path())
        .filter(|path| Dialect::of_path(path) == Some(Dialect::Hcl))
        .collect()
}

/// The path made absolute (without resolving links), so that files reached in different ways
/// compare equal.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    crate::frontends::typescript::normalize_path(&joined)
}

/// Folders of installed packages and of what tools generate (a SAM build, a synthesized CDK app, a
/// Serverless package): never the source of a deployment, and rewritten by the next build.
const NEVER_ENTERED: [&str; 5] = ["node_modules", ".terraform", ".aws-sam", "cdk.out", ".serverless"];

fn walk_folder(folder: &Path, files: &mut Vec<PathBuf>, notices: &mut Vec<Notice>) {
    let walker = WalkBuilder::new(folder)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|entry| !NEVER_ENTERED.iter().any(|folder| entry.file_name() == *folder))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                notices.push(Notice::error(
                    None,
                    format!("while walking {}: {error}", folder.display()),
                ));
                continue;
            }
        };
        let path = entry.path();
        if is_stale_temporary(path) {
            match std::fs::remove_file(path) {
                Ok(()) => notices.push(Notice::warning(
                    path.to_path_buf(),
                    "removed: a temporary file left by an interrupted run",
                )),
                Err(error) => notices.push(Notice::warning(
                    path.to_path_buf(),
                    format!("a temporary file left by an interrupted run could not be removed: {error}"),
                )),
            }
            continue;
        }
        if Dialect::of_path(path).is_none() {
            continue;
        }
        if entry.path_is_symlink() {
            notices.push(Notice::warning(
                path.to_path_buf(),
                "is a symlink; infrafix never follows links, skipped",
            ));
        } else if entry.file_type().is_some_and(|kind| kind.is_file()) {
            files.push(path.to_path_buf());
        }
    }
}

/// Files belong to the project `ProjectKind::root_of` names for their folder and kind.
fn group_into_projects(files: Vec<PathBuf>) -> Vec<Project> {
    let mut roots: HashMap<(PathBuf, ProjectKind), PathBuf> = HashMap::new();
    let mut projects: BTreeMap<(PathBuf, ProjectKind), Vec<PathBuf>> = BTreeMap::new();
    for file in files {
        let Some(kind) = ProjectKind::of_file(&file) else {
            continue;
        };
        let root = match kind {
            ProjectKind::CloudFormation => kind.root_of(&file),
            _ => {
                let folder = file.parent().unwrap_or(Path::new("")).to_path_buf();
                roots
                    .entry((folder, kind))
                    .or_insert_with(|| kind.root_of(&file))
                    .clone()
            }
        };
        projects.entry((root, kind)).or_default().push(file);
    }
    projects
        .into_iter()
        .map(|((root, kind), files)| Project {
            root,
            kind,
            files,
            context_files: Vec::new(),
            callers: Vec::new(),
        })
        .collect()
}

/// The folder of the Pulumi project or CDK app TypeScript files in `folder` belong to.
pub fn project_root(folder: &Path) -> PathBuf {
    let marked_by = |markers: &[&str]| {
        folder
            .ancestors()
            .find(|dir| markers.iter().any(|marker| dir.join(marker).is_file()))
            .map(Path::to_path_buf)
    };
    marked_by(&["Pulumi.yaml", "Pulumi.yml"])
        .or_else(|| marked_by(&["package.json"]))
        .unwrap_or_else(|| folder.to_path_buf())
}

/// The git repository a path belongs to: the nearest folder at or above it holding `.git` (a
/// folder, or a file for worktrees and submodules).
pub fn repository_of(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|folder| folder.join(".git").exists())
        .map(Path::to_path_buf)
}

/// How a path is shown in diffs and reports: relative to the working directory when it lies
/// under it, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let relative = match std::env::current_dir() {
        Ok(cwd) if path.is_absolute() => path.strip_prefix(&cwd).unwrap_or(path),
        _ => path,
    };
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    match relative.as_os_str().is_empty() {
        // The folder the run started in (a project at `.`) is named, not left blank.
        true => ".".to_owned(),
        false => relative.to_string_lossy().replace('\\', "/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_nearest_pulumi_project() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for folder in ["app/src", "app/node_modules/x", "lib", "ignored"] {
            std::fs::create_dir_all(root.join(folder)).expect("mkdir");
        }
        std::fs::write(root.join("app/Pulumi.yaml"), "name: app\n").expect("write");
        std::fs::write(root.join("app/package.json"), "{}").expect("write");
        std::fs::write(root.join(".gitignore"), "ignored/\n").expect("write");
        for file in [
            "app/index.ts",
            "app/src/iam.ts",
            "app/node_modules/x/index.ts",
            "lib/a.ts",
            "ignored/b.ts",
            "app/types.d.ts",
        ] {
            std::fs::write(root.join(file), "export {};\n").expect("write");
        }
        let workspace = discover(&[root.to_path_buf()]).expect("walks");
        let projects: Vec<(PathBuf, usize)> = workspace
            .projects
            .iter()
            .map(|p| (p.root.clone(), p.files.len()))
            .collect();
        assert_eq!(projects, vec![(root.join("app"), 2), (root.join("lib"), 1)]);
    }

    #[test]
    fn terraform_modules_are_folders_of_their_own() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for folder in ["infra/.terraform/modules/vpc", "infra/modules/fn"] {
            std::fs::create_dir_all(root.join(folder)).expect("mkdir");
        }
        std::fs::write(root.join("infra/package.json"), "{}").expect("write");
        for file in [
            "infra/main.tf",
            "infra/variables.tf",
            "infra/index.ts",
            "infra/modules/fn/main.tf",
            "infra/.terraform/modules/vpc/main.tf",
            "infra/terraform.tfvars",
        ] {
            std::fs::write(root.join(file), "").expect("write");
        }
        let call = "module \"fn\" {\n  source = \"./modules/fn\"\n}\nmodule \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n";
        std::fs::write(root.join("infra/main.tf"), call).expect("write");
        let workspace = discover(&[root.join("infra/main.tf"), root.join("infra/modules")]).expect("walks");
        let projects: Vec<(PathBuf, ProjectKind, usize, usize)> = workspace
            .projects
            .iter()
            .map(|p| (p.root.clone(), p.kind, p.files.len(), p.context_files.len()))
            .collect();
        // The module folder given in part reads its other `.tf` file and the module it calls for
        // context, not the TypeScript beside it.
        assert_eq!(
            projects,
            vec![
                (root.join("infra"), ProjectKind::Terraform, 1, 2),
                (root.join("infra/modules/fn"), ProjectKind::Terraform, 1, 0),
            ]
        );
        // The module's caller is the root module's configuration, read whole.
        let callers: Vec<(PathBuf, usize)> = workspace.projects[1]
            .callers
            .iter()
            .map(|caller| (caller.root.clone(), caller.files.len()))
            .collect();
        assert_eq!(callers, vec![(root.join("infra"), 3)]);
        assert!(workspace.projects[0].callers.is_empty());
        let whole = discover(&[root.to_path_buf()]).expect("walks");
        let kinds: Vec<(PathBuf, ProjectKind)> = whole.projects.iter().map(|p| (p.root.clone(), p.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (root.join("infra"), ProjectKind::TypeScript),
                (root.join("infra"), ProjectKind::Terraform),
                (root.join("infra/modules/fn"), ProjectKind::Terraform),
            ]
        );
    }

    #[test]
    fn missing_path_is_an_error() {
        assert!(discover(&[PathBuf::from("/no/such/path/at/all")]).is_err());
    }
}
