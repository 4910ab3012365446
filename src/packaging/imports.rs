//! The project files a module imports by relative path (`import { db } from "./lib/db"`): a
//! bundler puts them in the bundle, and a package folder deploys them beside the module, so what
//! they load, the function loads.

use std::collections::{HashSet, VecDeque};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::loads::module_loads;
use super::{read_source, DeployedProject, PackageSource, ProjectPackages};

/// How many imported files are read for one module: a handler's own code is a few modules; a
/// project whose imports reach further is read that far.
const MAX_IMPORTED_FILES: usize = 64;

/// The extensions a specifier without one is tried with, in the order esbuild resolves them.
const RESOLVED_EXTENSIONS: [&str; 8] = [".tsx", ".ts", ".jsx", ".js", ".mts", ".cts", ".mjs", ".cjs"];

/// The TypeScript source a specifier naming compiled JavaScript stands for: TypeScript's own
/// module resolution (and esbuild's) reads `./db.js` as `./db.ts` when only that exists.
const COMPILED_FROM: [(&str, &str); 3] = [(".js", ".ts"), (".mjs", ".mts"), (".cjs", ".cts")];

impl ProjectPackages {
    /// The files `module` imports by relative path, and those they import, breadth first, each
    /// once and without `module` itself. Imports that lead out of the project, to a missing file
    /// or past `MAX_IMPORTED_FILES` are not followed.
    pub fn imported_sources(&self, module: &PackageSource) -> Vec<PackageSource> {
        let Some(root) = self
            .project
            .get_or_init(|| DeployedProject::in_folder(&self.folder))
            .as_ref()
            .map(|project| project.root.clone())
        else {
            return Vec::new();
        };
        let mut seen: HashSet<PathBuf> = HashSet::from([module.path.clone()]);
        let mut found: Vec<PackageSource> = Vec::new();
        let mut pending: VecDeque<PackageSource> = VecDeque::from([module.clone()]);
        while let Some(importer) = pending.pop_front() {
            let Some(folder) = importer.path.parent() else {
                continue;
            };
            for specifier in module_loads(&importer.text).relative {
                if found.len() == MAX_IMPORTED_FILES {
                    return found;
                }
                let Some(imported) = resolve(&root, folder, &specifier) else {
                    continue;
                };
                if seen.insert(imported.path.clone()) {
                    found.push(imported.clone());
                    pending.push_back(imported);
                }
            }
        }
        found
    }
}

/// The file a relative specifier written in `folder` names: the path as written, with an
/// extension added, the TypeScript source of a compiled name, or the folder's `index` module.
fn resolve(root: &Path, folder: &Path, specifier: &str) -> Option<PackageSource> {
    let written = folder.join(specifier);
    let with_extension = |base: &Path, extension: &str| {
        let mut name = OsString::from(base.as_os_str());
        name.push(extension);
        PathBuf::from(name)
    };
    let compiled_from = COMPILED_FROM.iter().find_map(|(compiled, source)| {
        specifier
            .strip_suffix(compiled)
            .map(|stem| with_extension(&folder.join(stem), source))
    });
    std::iter::once(written.clone())
        .chain(
            RESOLVED_EXTENSIONS
                .iter()
                .map(|extension| with_extension(&written, extension)),
        )
        .chain(compiled_from)
        .chain(
            RESOLVED_EXTENSIONS
                .iter()
                .map(|extension| with_extension(&written.join("index"), extension)),
        )
        .find_map(|candidate| read_source(root, &candidate))
}
