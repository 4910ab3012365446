//! The files a Serverless service declares functions in (`functions: ${file(./functions.yml)}`,
//! or such an item of a `functions` list, optionally `${file(…):key}`). They deploy with the
//! service, so they are files of its project: their functions are judged, and fixed, where they
//! are written.

use std::path::{Path, PathBuf};

use tree_sitter::Tree;

use crate::frontends::document::{self, Value};
use crate::syntax::{parse, Dialect};
use crate::workspace::absolute;

/// An include of the `functions` section, as written: `${file(path)}` or `${file(path):key}`.
pub(super) struct FunctionInclude<'v> {
    /// The include's value in the service.
    pub value: &'v Value,
    /// The file, as written (relative to the service's folder).
    pub path: &'v str,
    /// The path of keys (`groups.http`) to what in that file holds the functions; the whole file
    /// without one.
    pub key: Option<&'v str>,
}

/// The includes of a service's `functions` section, whatever the file they name.
pub(super) fn function_includes(service: &Value) -> Vec<FunctionInclude<'_>> {
    let Some(functions) = service.get("functions") else {
        return Vec::new();
    };
    let items: Vec<&Value> = match functions.as_list() {
        Some(list) => list.items.iter().collect(),
        None => vec![functions],
    };
    items.into_iter().filter_map(function_include).collect()
}

fn function_include(value: &Value) -> Option<FunctionInclude<'_>> {
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
    Some(FunctionInclude {
        value,
        path: path.trim(),
        key,
    })
}

/// Where an include's file lies, from the service's folder, as an absolute path; `None` when the
/// path is made by a variable (`${file(./${self:provider.stage}.yml)}`), known only when the
/// service deploys.
pub(super) fn include_location(folder: &Path, include: &FunctionInclude) -> Option<PathBuf> {
    (!include.path.contains("${")).then(|| absolute(&folder.join(include.path)))
}

/// The files on disk that the service at `service` (its text `text`) declares functions in,
/// itself left out.
pub fn included_function_files(service: &Path, text: &str) -> Vec<PathBuf> {
    let Some(root) = parse(text, Dialect::Yaml)
        .ok()
        .and_then(|tree| document::read(tree.root_node(), text))
    else {
        return Vec::new();
    };
    let folder = service.parent().unwrap_or(Path::new(""));
    let itself = absolute(service);
    let mut files: Vec<PathBuf> = function_includes(&root)
        .iter()
        .filter_map(|include| include_location(folder, include))
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
pub(super) fn read_include(
    folder: &Path,
    include: &FunctionInclude,
    files: &[ProjectFile],
) -> Option<IncludedFunctions> {
    let location = include_location(folder, include)?;
    let file = files.iter().find(|file| absolute(file.path) == location)?;
    let root = document::read(file.tree.root_node(), file.text)?;
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
