//! Resolving `import … from "./iam"` to a file of the same project.

use std::path::{Component, Path, PathBuf};

/// The path `specifier` names, relative to the importing file, before trying extensions.
pub fn relative_target(importer: &Path, specifier: &str) -> Option<PathBuf> {
    if !is_relative(specifier) {
        return None;
    }
    let base = importer.parent().unwrap_or(Path::new(""));
    Some(normalize(&base.join(specifier)))
}

/// Whether a specifier is a path relative to the importing file (`./iam`, `../lib`, and `.` or
/// `..`, a folder's index), the only kind infrafix resolves to a module of the project; anything
/// else is taken for a package.
pub fn is_relative(specifier: &str) -> bool {
    matches!(specifier, "." | "..") || specifier.starts_with("./") || specifier.starts_with("../")
}

/// The file names an import of `target` may mean, in the order TypeScript tries them.
pub fn candidates(target: &Path) -> Vec<PathBuf> {
    let mut names = vec![target.to_path_buf()];
    let text = target.to_string_lossy();
    // ESM-style imports name the emitted `.js` file.
    if let Some(stem) = text.strip_suffix(".js") {
        names.push(PathBuf::from(format!("{stem}.ts")));
        names.push(PathBuf::from(format!("{stem}.tsx")));
    }
    for extension in ["ts", "tsx", "mts", "cts"] {
        names.push(PathBuf::from(format!("{text}.{extension}")));
    }
    for index in ["index.ts", "index.tsx"] {
        names.push(target.join(index));
    }
    names
}

/// Removes `.` and folds `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_specifiers() {
        let target = relative_target(Path::new("proj/src/index.ts"), "../lib/iam").expect("relative");
        assert_eq!(target, PathBuf::from("proj/lib/iam"));
        assert!(candidates(&target).contains(&PathBuf::from("proj/lib/iam.ts")));
        assert!(relative_target(Path::new("index.ts"), "@pulumi/aws").is_none());
    }

    #[test]
    fn a_folder_alone_means_its_index() {
        let parent = relative_target(Path::new("proj/functions/orders.ts"), "..").expect("relative");
        assert!(candidates(&parent).contains(&PathBuf::from("proj/index.ts")));
        let own = relative_target(Path::new("proj/functions/orders.ts"), ".").expect("relative");
        assert!(candidates(&own).contains(&PathBuf::from("proj/functions/index.ts")));
        assert!(relative_target(Path::new("index.ts"), ".config").is_none());
    }

    #[test]
    fn esm_js_suffix_means_the_ts_file() {
        let target = relative_target(Path::new("index.ts"), "./config.js").expect("relative");
        assert!(candidates(&target).contains(&PathBuf::from("config.ts")));
    }
}
