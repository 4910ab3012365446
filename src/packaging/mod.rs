//! What a project's files show about the code package a Lambda function deploys: the entries a
//! package folder or zip holds now, and the build steps of the project's scripts that write into
//! it. One per project, made by the pipeline; it reads the disk only when a rule first asks, never
//! outside the project's folder, and never follows a link out of it.

mod bundling;
mod handler_code;
mod handler_style;
mod imports;
mod loads;
mod scripts;
mod shell;
mod zip;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{bail, Context, Result};

use crate::frontends::typescript::{compiles_in_place, normalize_path};
use crate::report::Notice;

pub use bundling::{bundled_files, BundledFile};
use handler_code::HandlerFile;
pub use handler_code::{CallbackHandler, HandlerCompletion};
use handler_style::{HandlerModule, HandlerStyle};
pub use loads::{package_loads, PackageLoad};
pub use scripts::BuildWrite;

/// A folder listing longer than this is not read: no Lambda package has that many root files.
const MAX_FOLDER_ENTRIES: usize = 10_000;

/// The extensions of the JavaScript files Lambda's Node.js runtimes load a handler's module from.
pub const NODE_MODULE_EXTENSIONS: [&str; 3] = [".js", ".mjs", ".cjs"];

/// The extensions of the TypeScript sources `tsc` compiles into those files: a package folder
/// that holds the handler's module only as `app.ts`, under a tsconfig that compiles in place, is
/// deployed after such a build, and what the source imports is what the compiled module loads.
const TYPESCRIPT_SOURCE_EXTENSIONS: [&str; 3] = [".ts", ".mts", ".cts"];

/// A source file larger than this is not read: it is generated, not a handler someone wrote.
const MAX_SOURCE_BYTES: u64 = 1 << 20;

/// The packages of one project, as its files show them.
pub struct ProjectPackages {
    folder: PathBuf,
    /// The Pulumi project, CDK app or Terraform root module in `folder`; `None` when there is
    /// none, and with it no folder a relative archive path could be resolved against.
    project: OnceCell<Option<DeployedProject>>,
    /// Every write of a build script into a package, read on the first question.
    writes: OnceCell<Vec<BuildWrite>>,
    packages: RefCell<HashMap<PackageKey, Option<Rc<Package>>>>,
    /// Each handler module's source, by its package's folder and the module, read on the first
    /// question: the runtime rule asks of one function's handler at several steps.
    handler_sources: RefCell<HashMap<HandlerKey, Option<Rc<PackageSource>>>>,
    /// Each handler module parsed, by its file: the runtime rule asks how a handler completes at
    /// several steps, in every pass of the fix loop.
    handler_modules: RefCell<HashMap<HandlerFile, Rc<HandlerModule>>>,
    notices: RefCell<Vec<Notice>>,
}

/// A package's path, and the folder it starts from (`None`: the folder the program runs in).
type PackageKey = (Option<PathBuf>, String);

/// A folder package, and the module of it a handler names (`src/app` for `src/app.handler`).
type HandlerKey = (PathBuf, String);

/// A Pulumi project, a CDK app or a Terraform root module: a folder whose program deploys
/// packages it names by paths.
struct DeployedProject {
    /// The folder holding `Pulumi.yaml` or `cdk.json`, with links resolved.
    root: PathBuf,
    /// The folder the program runs in, which FileArchive paths are relative to: the project's
    /// folder, or the folder `main:` names; `None` when `main:` leads out of the project.
    working: Option<PathBuf>,
}

impl DeployedProject {
    fn in_folder(folder: &Path) -> Option<Self> {
        let pulumi_project = ["Pulumi.yaml", "Pulumi.yml"]
            .iter()
            .map(|name| folder.join(name))
            .find(|path| path.is_file());
        let root = folder.canonicalize().ok()?;
        let working = match pulumi_project {
            Some(project_file) => working_folder(&root, &project_file),
            // The `cdk` command runs the app from the folder of `cdk.json`, which is where
            // `Code.fromAsset` paths start; `terraform` runs in the root module's folder, where
            // a path that does not start from `path.module` starts.
            None if folder.join("cdk.json").is_file() || holds_terraform(folder) => Some(root.clone()),
            None => return None,
        };
        Some(Self { root, working })
    }
}

/// What a package holds, or will hold once built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package as messages name it: relative to the project's folder (`bin`, `dist/worker.zip`).
    pub shown: String,
    /// Whether it is a zip, not a folder.
    pub zipped: bool,
    pub contents: Contents,
    /// The build steps that write a file at the root of the package, in the order of the scripts.
    pub writes: Vec<BuildWrite>,
    /// Where a folder package is, to read its files; `None` for an archive.
    folder: Option<PathBuf>,
}

/// A file of a folder package, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSource {
    /// Relative to the project's folder, as messages show it.
    pub shown: String,
    pub text: String,
    /// Where it is, links resolved: one file however a program names it.
    path: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Nothing is there yet: a build makes it.
    Absent,
    /// The files at its root.
    Entries(Vec<Entry>),
    /// Something is there, but infrafix cannot tell what it holds: why.
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub executable: bool,
}

impl ProjectPackages {
    /// The packages of the Pulumi project, CDK app or Terraform root module in `folder`. A folder
    /// without `Pulumi.yaml`, `cdk.json` or a `.tf` file holds none, and nothing is known of its
    /// packages.
    pub fn of_project(folder: &Path) -> Self {
        Self {
            folder: folder.to_path_buf(),
            project: OnceCell::new(),
            writes: OnceCell::new(),
            packages: RefCell::new(HashMap::new()),
            handler_sources: RefCell::new(HashMap::new()),
            handler_modules: RefCell::new(HashMap::new()),
            notices: RefCell::new(Vec::new()),
        }
    }

    /// The packages a CloudFormation template (or a folder of them) names by paths from its own
    /// folder, where nothing else says where a path could start; a path out of that folder is
    /// not looked at.
    pub fn of_templates(template: &Path) -> Self {
        let folder = match template.is_file() {
            true => template.parent().unwrap_or(template),
            false => template,
        };
        let root = folder.canonicalize().ok();
        Self {
            project: OnceCell::from(root.map(|root| DeployedProject { root, working: None })),
            ..Self::of_project(folder)
        }
    }

    /// The package a FileArchive of `path` deploys, the path starting from `folder` or, without
    /// one, from the folder the program runs in; `None` when infrafix cannot tell where that is
    /// (no project folder, or a path leading out of it).
    pub fn package(&self, path: &str, folder: Option<&Path>) -> Option<Rc<Package>> {
        let key = (folder.map(Path::to_path_buf), path.to_owned());
        if let Some(known) = self.packages.borrow().get(&key) {
            return known.clone();
        }
        let found = self.read_package(path, folder).map(Rc::new);
        self.packages.borrow_mut().insert(key, found.clone());
        found
    }

    /// Build scripts that could not be read: their evidence is missing from every answer.
    pub fn notices(&self) -> Vec<Notice> {
        self.notices.borrow().clone()
    }

    fn read_package(&self, path: &str, folder: Option<&Path>) -> Option<Package> {
        let project = self
            .project
            .get_or_init(|| DeployedProject::in_folder(&self.folder))
            .as_ref()?;
        let root = &project.root;
        let start = match folder {
            Some(folder) => folder.canonicalize().ok()?,
            None => project.working.clone()?,
        };
        let location = inside(root, &normalize_path(&start.join(path)))?;
        let zipped = is_zip(&location);
        let contents = if zipped {
            zip_contents(&location)
        } else if is_archive_file(&location) {
            match location.exists() {
                true => Contents::Unreadable("infrafix does not look inside tar archives".to_owned()),
                false => Contents::Absent,
            }
        } else {
            folder_contents(root, &location)
        };
        let writes = self
            .writes
            .get_or_init(|| {
                let (writes, unread) = scripts::writes(root);
                self.notices.borrow_mut().extend(unread);
                writes
            })
            .iter()
            .filter(|write| write.target == location)
            .cloned()
            .collect();
        Some(Package {
            shown: shown(root, &location),
            zipped,
            folder: (!zipped && !is_archive_file(&location)).then(|| location.clone()),
            contents,
            writes,
        })
    }

    /// The JavaScript file a Node.js handler's module names in a folder package: for the handler
    /// `src/app.handler`, `src/app.js`, `.mjs` or `.cjs`, the extensions Lambda tries; without
    /// one, the TypeScript source the app's `tsc` compiles into it in place (`src/app.ts`, when
    /// the tsconfig writes no other folder). `None` for an archive, or when the package holds none
    /// of them.
    pub fn handler_source(&self, package: &Package, module: &str) -> Option<Rc<PackageSource>> {
        let folder = package.folder.as_ref()?;
        let key: HandlerKey = (folder.clone(), module.to_owned());
        if let Some(known) = self.handler_sources.borrow().get(&key) {
            return known.clone();
        }
        let source = self.read_handler_source(folder, module).map(Rc::new);
        self.handler_sources.borrow_mut().insert(key, source.clone());
        source
    }

    fn read_handler_source(&self, folder: &Path, module: &str) -> Option<PackageSource> {
        let root = &self.project.get()?.as_ref()?.root;
        let read = |extensions: &[&str]| {
            extensions
                .iter()
                .find_map(|extension| read_source(root, &folder.join(format!("{module}{extension}"))))
        };
        read(&NODE_MODULE_EXTENSIONS).or_else(|| {
            // The module's own folder decides: `src/api/app.ts` may sit under another config.
            let module_folder = normalize_path(&folder.join(module));
            let module_folder = module_folder.parent().unwrap_or(folder);
            compiles_in_place(root, module_folder)
                .then(|| read(&TYPESCRIPT_SOURCE_EXTENSIONS))
                .flatten()
        })
    }

    /// A file of the project by its path from `folder` (a file a program copies into a package,
    /// a bundler's entry), or without one from the folder the program runs in; `None` outside
    /// the project, when missing, or too large to be code someone wrote.
    pub fn project_file(&self, folder: Option<&Path>, path: &str) -> Option<PackageSource> {
        let project = self
            .project
            .get_or_init(|| DeployedProject::in_folder(&self.folder))
            .as_ref()?;
        let start = match folder {
            Some(folder) => folder.canonicalize().ok()?,
            None => project.working.clone()?,
        };
        read_source(&project.root, &start.join(path))
    }

    /// Whether the program's own project installs the npm package `name`, where a bundler run
    /// from it finds what it bundles: its `node_modules` holds it, or its `package.json` lists it
    /// among the dependencies or development dependencies an install puts there.
    pub fn project_installs(&self, name: &str) -> bool {
        let Some(project) = self
            .project
            .get_or_init(|| DeployedProject::in_folder(&self.folder))
            .as_ref()
        else {
            return false;
        };
        installs(&project.root, &project.root, name, &["dependencies", "devDependencies"])
    }

    /// Whether a folder package bundles the npm package `name`: its `node_modules` holds it, or
    /// its `package.json` lists it among the dependencies a build installs there. `false` for an
    /// archive, which infrafix does not read that deep.
    pub fn bundles(&self, package: &Package, name: &str) -> bool {
        let Some(root) = self.project.get().and_then(Option::as_ref).map(|project| &project.root) else {
            return false;
        };
        let Some(folder) = package.folder.as_ref() else {
            return false;
        };
        installs(root, folder, name, &["dependencies"])
    }
}

/// The text of a source file at `path` in the project, when it is one.
fn read_source(root: &Path, path: &Path) -> Option<PackageSource> {
    let path = inside(root, &normalize_path(path))?;
    let metadata = std::fs::metadata(&path).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_SOURCE_BYTES {
        return None;
    }
    Some(PackageSource {
        shown: shown(root, &path),
        text: std::fs::read_to_string(&path).ok()?,
        path,
    })
}

/// Whether the project's `folder` installs the npm package `name`: its `node_modules` holds it,
/// or its `package.json` names it in one of `lists` (`dependencies`).
fn installs(root: &Path, folder: &Path, name: &str, lists: &[&str]) -> bool {
    let installed = inside(root, &folder.join("node_modules").join(name)).is_some_and(|path| path.is_dir());
    installed
        || lists
            .iter()
            .any(|list| lists_in(&folder.join("package.json"), list, name))
}

/// Whether the `package.json` at `path` lists `name` in its `list` (`dependencies`).
fn lists_in(path: &Path, list: &str, name: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    manifest
        .get(list)
        .and_then(serde_json::Value::as_object)
        .is_some_and(|dependencies| dependencies.contains_key(name))
}

/// Whether a folder holds Terraform configuration (`*.tf`).
fn holds_terraform(folder: &Path) -> bool {
    std::fs::read_dir(folder).is_ok_and(|listing| {
        listing
            .flatten()
            .any(|item| item.path().extension().is_some_and(|extension| extension == "tf"))
    })
}

/// The folder the program runs in: the project's, or the folder its `main:` names (a `main:`
/// naming a file leaves it in the project's). `None` when `main:` leads out of the project.
fn working_folder(root: &Path, project_file: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(project_file).ok()?;
    let main = text.lines().find_map(|line| {
        let value = line.strip_prefix("main:")?;
        let value = value.split(" #").next().unwrap_or(value).trim();
        Some(value.trim_matches(['"', '\'']).to_owned())
    });
    match main.filter(|main| !main.is_empty()) {
        None => Some(root.to_path_buf()),
        Some(main) => {
            let target = inside(root, &normalize_path(&root.join(main)))?;
            Some(if target.is_dir() { target } else { root.to_path_buf() })
        }
    }
}

/// `path` when it lies in `root`, through links too; `None` when it leads out.
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    if !path.starts_with(root) {
        return None;
    }
    match path.canonicalize() {
        Ok(real) => real.starts_with(root).then_some(real),
        // Not there yet: only its lexical path is known, and that lies inside.
        Err(_) => Some(path.to_path_buf()),
    }
}

fn extension_is(path: &Path, extensions: &[&str]) -> bool {
    let name = path.file_name().map(|name| name.to_string_lossy().to_lowercase());
    name.is_some_and(|name| extensions.iter().any(|extension| name.ends_with(extension)))
}

fn is_zip(path: &Path) -> bool {
    extension_is(path, &[".zip", ".jar"])
}

/// An archive Pulumi reads that is not a zip.
fn is_archive_file(path: &Path) -> bool {
    extension_is(path, &[".tar", ".tgz", ".tar.gz"])
}

fn zip_contents(path: &Path) -> Contents {
    if !path.exists() {
        return Contents::Absent;
    }
    match zip::root_entries(path) {
        Ok(entries) => Contents::Entries(entries),
        Err(error) => Contents::Unreadable(format!("{error:#}")),
    }
}

fn folder_contents(root: &Path, folder: &Path) -> Contents {
    match std::fs::symlink_metadata(folder) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Contents::Absent,
        Err(error) => Contents::Unreadable(format!("cannot read {}: {error}", shown(root, folder))),
        Ok(metadata) if !metadata.is_dir() => {
            Contents::Unreadable("it is a file, neither a folder nor a zip".to_owned())
        }
        Ok(_) => match folder_entries(root, folder) {
            Ok(entries) => Contents::Entries(entries),
            Err(error) => Contents::Unreadable(format!("{error:#}")),
        },
    }
}

/// The files at the root of a folder. A link counts only when it stays in the project.
fn folder_entries(root: &Path, folder: &Path) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let listing = std::fs::read_dir(folder).with_context(|| format!("listing {}", shown(root, folder)))?;
    for item in listing {
        let item = item.with_context(|| format!("listing {}", shown(root, folder)))?;
        if entries.len() == MAX_FOLDER_ENTRIES {
            bail!("{} holds more than {MAX_FOLDER_ENTRIES} entries", shown(root, folder));
        }
        let path = item.path();
        let Some(real) = inside(root, &path) else {
            continue;
        };
        let Ok(metadata) = std::fs::metadata(&real) else {
            continue;
        };
        if metadata.is_file() {
            entries.push(Entry {
                name: item.file_name().to_string_lossy().into_owned(),
                executable: metadata.permissions().mode() & 0o111 != 0,
            });
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// A path as messages show it: relative to the project's folder.
fn shown(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(relative) if relative.as_os_str().is_empty() => ".".to_owned(),
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("Pulumi.yaml"), "name: demo\nruntime: nodejs\n").expect("write");
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("in a folder")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    fn make_executable(path: &Path) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    #[test]
    fn folder_entries_say_which_files_are_executable() {
        let dir = project(&[("bin/bootstrap", ""), ("bin/main", ""), ("bin/sub/x", "")]);
        make_executable(&dir.path().join("bin/bootstrap"));
        let packages = ProjectPackages::of_project(dir.path());
        let package = packages.package("./bin", None).expect("inside the project");
        assert_eq!(package.shown, "bin");
        assert_eq!(
            package.contents,
            Contents::Entries(vec![
                Entry {
                    name: "bootstrap".to_owned(),
                    executable: true
                },
                Entry {
                    name: "main".to_owned(),
                    executable: false
                },
            ])
        );
    }

    #[test]
    fn a_missing_folder_is_absent_and_one_outside_the_project_is_not_looked_at() {
        let dir = project(&[]);
        let packages = ProjectPackages::of_project(dir.path());
        assert_eq!(
            packages.package("./bin", None).expect("inside").contents,
            Contents::Absent
        );
        assert!(packages.package("../elsewhere/bin", None).is_none());
        assert!(packages.package("/etc", None).is_none());
    }

    #[test]
    fn a_link_out_of_the_project_is_not_followed() {
        let outside = tempfile::tempdir().expect("temp dir");
        std::fs::write(outside.path().join("bootstrap"), "").expect("write");
        let dir = project(&[]);
        std::os::unix::fs::symlink(outside.path(), dir.path().join("bin")).expect("symlink");
        assert!(ProjectPackages::of_project(dir.path()).package("bin", None).is_none());
    }

    #[test]
    fn without_pulumi_yaml_nothing_is_known() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("bin")).expect("mkdir");
        assert!(ProjectPackages::of_project(dir.path()).package("./bin", None).is_none());
    }

    #[test]
    fn archive_paths_are_relative_to_the_folder_main_names() {
        let dir = project(&[("infra/bin/bootstrap", "")]);
        std::fs::write(
            dir.path().join("Pulumi.yaml"),
            "name: demo\nruntime: nodejs\nmain: infra/\n",
        )
        .expect("write");
        let package = ProjectPackages::of_project(dir.path())
            .package("./bin", None)
            .expect("inside");
        assert_eq!(package.shown, "infra/bin");
        assert!(matches!(package.contents, Contents::Entries(ref entries) if entries.len() == 1));
    }

    #[test]
    fn tar_archives_are_not_opened() {
        let dir = project(&[("dist/worker.tgz", "not really")]);
        let package = ProjectPackages::of_project(dir.path())
            .package("dist/worker.tgz", None)
            .expect("inside");
        assert!(matches!(package.contents, Contents::Unreadable(_)));
    }
}
