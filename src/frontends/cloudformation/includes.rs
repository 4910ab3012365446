//! The files a Serverless service declares functions in (`functions: ${file(./functions.yml)}`,
//! or such an item of a `functions` list, optionally `${file(…):key}`), and those it declares
//! resources in: a resource written as a file of its own, or as a key of one (`resources:
//! Resources: Role: ${file(./role.yml)}`, `${file(./roles.yml):Role}`), or a CloudFormation
//! fragment holding `Resources` (`resources: - ${file(./queues.yml)}`, each item of a `resources`
//! list being merged into the stack). They deploy with the service, so they are files of its
//! project: what they declare is judged, and fixed, where it is written.

use std::path::{Path, PathBuf};

use tree_sitter::Tree;

use crate::frontends::document::{self, Value};
use crate::syntax::{parse, Dialect};
use crate::workspace::absolute;

/// An include of the `functions` or `resources` section, as written: `${file(path)}` or `${file(path):key}`.
pub(super) struct FileInclude<'v> {
    /// The include's value in the service.
    pub value: &'v Value,
    /// The file, as written (relative to the service's folder).
    pub path: &'v str,
    /// The path of keys (`groups.http`) to what in that file holds the functions; the whole file
    /// without one.
    pub key: Option<&'v str>,
}

/// The includes of a service's `functions` section, whatever the file they name.
pub(super) fn function_includes(service: &Value) -> Vec<FileInclude<'_>> {
    let Some(functions) = service.get("functions") else {
        return Vec::new();
    };
    let items: Vec<&Value> = match functions.as_list() {
        Some(list) => list.items.iter().collect(),
        None => vec![functions],
    };
    items.into_iter().filter_map(file_include).collect()
}

pub(super) fn file_include(value: &Value) -> Option<FileInclude<'_>> {
    let (path, key) = value
        .text()?
        .strip_prefix("${file(")?
        .strip_suffix('}')?
        .split_once(')')?;
    let key = match key.strip_prefix(':') {
        Some(key) => Some(key.trim()),
        None if key.is_empty() => None,
        None => return None,
    };
    Some(FileInclude {
        value,
        path: path.trim(),
        key,
    })
}

/// Every include of a service's `resources` section: the section itself, each item of a list of
/// CloudFormation fragments, a fragment's `Resources`, and each resource of those written in the
/// service. An include's own file is not searched for more.
fn resource_file_includes(service: &Value) -> Vec<FileInclude<'_>> {
    let mut found = Vec::new();
    for fragment in resource_fragments(service) {
        let Some(resources) = fragment.get("Resources") else {
            found.extend(file_include(fragment));
            continue;
        };
        match file_include(resources) {
            Some(include) => found.push(include),
            None => found.extend(
                resources
                    .as_map()
                    .into_iter()
                    .flat_map(|map| &map.entries)
                    .filter_map(|entry| file_include(&entry.value)),
            ),
        }
    }
    found
}

/// The CloudFormation fragments of a service's `resources` section, as written in it: the
/// section, or each item of a list of them (the framework merges every item into the stack).
pub(super) fn resource_fragments(service: &Value) -> Vec<&Value> {
    match service.get("resources") {
        Some(section) => match section.as_list() {
            Some(list) => list.items.iter().collect(),
            None => vec![section],
        },
        None => Vec::new(),
    }
}

/// Where an include's file lies, from the service's folder, as an absolute path; `None` when the
/// path is made by a variable (`${file(./${self:provider.stage}.yml)}`), known only when the
/// service deploys.
pub(super) fn include_location(folder: &Path, include: &FileInclude) -> Option<PathBuf> {
    (!include.path.contains("${")).then(|| absolute(&folder.join(include.path)))
}

/// The files on disk that the service at `service` (its text `text`) declares functions or
/// resources in, itself left out.
pub fn included_files(service: &Path, text: &str) -> Vec<PathBuf> {
    let Some(root) = parse(text, Dialect::Yaml)
        .ok()
        .and_then(|tree| document::read(tree.root_node(), text))
    else {
        return Vec::new();
    };
    let folder = service.parent().unwrap_or(Path::new(""));
    let itself = absolute(service);
    let resources = resource_file_includes(&root);
    let mut files: Vec<PathBuf> = function_includes(&root)
        .into_iter()
        .chain(resources)
        .filter_map(|include| include_location(folder, &include))
        // A `.js` or `.ts` include runs as code when the service deploys: it is no document to
        // read, nor to fix.
        .filter(|file| matches!(Dialect::of_path(file), Some(Dialect::Yaml | Dialect::Json)))
        .filter(|file| *file != itself && file.is_file())
        .collect();
    files.sort();
    files.dedup();
    files
}

/// A file of the service's project, as the pipeline parsed it, that an include may name.
pub struct ProjectFile<'a> {
    /// Index of the file in its project.
    pub file: usize,
    pub path: &'a Path,
    pub text: &'a str,
    pub tree: &'a Tree,
}

/// The functions one include declares, read from its file.
pub(super) struct IncludedFunctions {
    /// Index of the file in the project.
    pub file: usize,
    /// The map of functions: the file's top level, or what its `key` holds.
    pub functions: Value,
}

/// The functions an include declares, when its file is one of the project's and holds a map of
/// functions where the include says.
pub(super) fn read_include(folder: &Path, include: &FileInclude, files: &[ProjectFile]) -> Option<IncludedFunctions> {
    let included = read_included_value(folder, include, files)?;
    included.value.as_map()?;
    Some(IncludedFunctions {
        file: included.file,
        functions: included.value,
    })
}

/// What an include names, read from its file.
pub(super) struct IncludedValue<'a> {
    /// Index of the file in the project.
    pub file: usize,
    pub text: &'a str,
    /// The file's value, or what its `key` holds.
    pub value: Value,
}

/// What an include names, when its file is one of the project's and holds something where the
/// include says: the file's value, or what the include's key holds there (a path of keys, as
/// deep as it goes: `:teams.platform`).
pub(super) fn read_included_value<'a>(
    folder: &Path,
    include: &FileInclude,
    files: &[ProjectFile<'a>],
) -> Option<IncludedValue<'a>> {
    let location = include_location(folder, include)?;
    let file = files.iter().find(|file| absolute(file.path) == location)?;
    let root = document::read(file.tree.root_node(), file.text)?;
    let value = match include.key {
        Some(key) => key.split('.').try_fold(&root, |value, part| value.get(part))?.clone(),
        None => root,
    };
    Some(IncludedValue {
        file: file.file,
        text: file.text,
        value,
    })
}
