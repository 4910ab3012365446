//! The files a Serverless service declares functions in (`functions: ${file(./functions.yml)}`,
//! or such an item of a `functions` list, optionally `${file(…):key}`), and those that each hold
//! one of its resources (`resources: Resources: Role: ${file(./role.yml)}`). They deploy with the
//! service, so they are files of its project: what they declare is judged, and fixed, where it is
//! written.

use std::path::{Path, PathBuf};

use tree_sitter::Tree;

use crate::frontends::document::{self, Entry, Value};
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

fn file_include(value: &Value) -> Option<FileInclude<'_>> {
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

/// The resources of a service's `resources: Resources:` map written as a whole file each
/// (`Role: ${file(./role.yml)}`): each resource's entry, with its include.
pub(super) fn resource_includes(service: &Value) -> Vec<(&Entry, FileInclude<'_>)> {
    let Some(resources) = service
        .get("resources")
        .and_then(|resources| resources.get("Resources"))
        .and_then(Value::as_map)
    else {
        return Vec::new();
    };
    resources
        .entries
        .iter()
        .filter_map(|entry| Some((entry, file_include(&entry.value)?)))
        // `${file(x.yml):Key}` takes one key of a file that may hold more: not read yet.
        .filter(|(_, include)| include.key.is_none())
        .collect()
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
    let resources = resource_includes(&root).into_iter().map(|(_, include)| include);
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
    let (file, root) = read_included_file(folder, include, files)?;
    // The key is a path into the file, as deep as it goes (`:teams.platform`).
    let functions = match include.key {
        Some(key) => key.split('.').try_fold(&root, |value, part| value.get(part))?.clone(),
        None => root,
    };
    functions.as_map()?;
    Some(IncludedFunctions {
        file: file.file,
        functions,
    })
}

/// A resource a service includes whole, read from its file.
pub(super) struct IncludedResource<'a> {
    /// Index of the file in the project.
    pub file: usize,
    pub text: &'a str,
    /// The file's value: the resource (`Type`, `Properties`).
    pub resource: Value,
}

/// The resource an include holds, when its file is one of the project's.
pub(super) fn read_resource_include<'a>(
    folder: &Path,
    include: &FileInclude,
    files: &[ProjectFile<'a>],
) -> Option<IncludedResource<'a>> {
    let (file, resource) = read_included_file(folder, include, files)?;
    resource.as_map()?;
    Some(IncludedResource {
        file: file.file,
        text: file.text,
        resource,
    })
}

/// The project's file an include names, and its value.
fn read_included_file<'f, 'a>(
    folder: &Path,
    include: &FileInclude,
    files: &'f [ProjectFile<'a>],
) -> Option<(&'f ProjectFile<'a>, Value)> {
    let location = include_location(folder, include)?;
    let file = files.iter().find(|file| absolute(file.path) == location)?;
    Some((file, document::read(file.tree.root_node(), file.text)?))
}
