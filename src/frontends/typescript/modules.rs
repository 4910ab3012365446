//! Resolving `import … from "./iam"` to a file of the same project, and `"@infra/iam"` where the
//! project's tsconfig.json makes it an alias of one (`baseUrl`, `paths`).

use std::path::{Component, Path, PathBuf};

/// The first file name an import of `specifier` written in `importer` may mean for which `known`
/// answers, in the order TypeScript tries them: relative to the importer, or through the
/// project's aliases. The names are made one by one, as they are asked for: most imports mean the
/// first or second, and the file of every import of every file is looked up.
pub fn find_module<T>(
    importer: &Path,
    specifier: &str,
    aliases: &ImportAliases,
    mut known: impl FnMut(&Path) -> Option<T>,
) -> Option<T> {
    match relative_target(importer, specifier) {
        Some(target) => candidates(&target).find_map(|candidate| known(&candidate)),
        None => aliases
            .targets(specifier)
            .iter()
            .find_map(|target| candidates(target).find_map(|candidate| known(&candidate))),
    }
}

/// What a tsconfig.json says about specifiers that are not relative paths: `paths` patterns
/// (`"@infra/*": ["src/infra/*"]`) and `baseUrl`, both already resolved to folders.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportAliases {
    /// The folder `baseUrl` names: a bare specifier is also tried as a path from there.
    pub base_url: Option<PathBuf>,
    /// The folder the substitutions of `paths` start from: `baseUrl`, else the folder of the
    /// tsconfig that writes `paths`.
    pub paths_folder: PathBuf,
    pub patterns: Vec<AliasPattern>,
}

/// One key of `paths` and the paths it stands for, each with at most one `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasPattern {
    pub pattern: String,
    pub substitutions: Vec<String>,
}

impl AliasPattern {
    /// The text the `*` stands for where the pattern matches `specifier` (empty for a pattern
    /// without one, which matches only itself).
    fn matched<'a>(&self, specifier: &'a str) -> Option<&'a str> {
        match self.pattern.split_once('*') {
            None => (self.pattern == specifier).then_some(""),
            Some((prefix, suffix)) => specifier
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix)),
        }
    }

    fn prefix_len(&self) -> usize {
        self.pattern.find('*').unwrap_or(self.pattern.len())
    }
}

impl ImportAliases {
    /// Whether the project names no module by a bare specifier, so that only relative ones can
    /// lead to its files.
    pub fn is_empty(&self) -> bool {
        self.base_url.is_none() && self.patterns.is_empty()
    }

    /// The paths a bare specifier may name, before extensions are tried: the substitutions of the
    /// `paths` pattern that matches it best (one without `*` written the same, else the longest
    /// prefix before the `*`), then the path from `baseUrl`.
    pub fn targets(&self, specifier: &str) -> Vec<PathBuf> {
        let exact = self
            .patterns
            .iter()
            .find(|pattern| !pattern.pattern.contains('*') && pattern.pattern == specifier);
        let best = exact.map(|pattern| (pattern, "")).or_else(|| {
            // Of patterns with prefixes as long, TypeScript takes the first written; `max_by_key`
            // keeps the last it sees.
            self.patterns
                .iter()
                .rev()
                .filter(|pattern| pattern.pattern.contains('*'))
                .filter_map(|pattern| Some((pattern, pattern.matched(specifier)?)))
                .max_by_key(|(pattern, _)| pattern.prefix_len())
        });
        let mut targets: Vec<PathBuf> =
            best.into_iter()
                .flat_map(|(pattern, star)| {
                    pattern.substitutions.iter().map(move |substitution| {
                        normalize(&self.paths_folder.join(substitution.replacen('*', star, 1)))
                    })
                })
                .collect();
        targets.extend(self.base_url.iter().map(|base| normalize(&base.join(specifier))));
        targets
    }
}

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

/// The file names an import of `target` may mean, in the order TypeScript tries them, then the
/// JavaScript files Node tries for a `require` without an extension (a JavaScript program's):
/// `.js` and a folder's `index.js`, never `.mjs` or `.cjs`, which only a specifier naming them
/// loads.
pub fn candidates(target: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    let text = target.to_string_lossy();
    // ESM-style imports name the emitted `.js` file.
    let emitted_stem = text.strip_suffix(".js").map(str::to_owned);
    CANDIDATE_SHAPES.iter().filter_map(move |shape| match *shape {
        CandidateShape::AsWritten => Some(target.to_path_buf()),
        CandidateShape::SourceOfEmitted(extension) => emitted_stem
            .as_ref()
            .map(|stem| PathBuf::from(format!("{stem}.{extension}"))),
        CandidateShape::WithExtension(extension) => Some(PathBuf::from(format!("{text}.{extension}"))),
        CandidateShape::FolderIndex(index) => Some(target.join(index)),
    })
}

/// How a candidate file name is made from an import's target.
enum CandidateShape {
    AsWritten,
    /// `./iam.js` names what `tsc` emits from `./iam.ts`.
    SourceOfEmitted(&'static str),
    WithExtension(&'static str),
    FolderIndex(&'static str),
}

const CANDIDATE_SHAPES: [CandidateShape; 11] = [
    CandidateShape::AsWritten,
    CandidateShape::SourceOfEmitted("ts"),
    CandidateShape::SourceOfEmitted("tsx"),
    CandidateShape::WithExtension("ts"),
    CandidateShape::WithExtension("tsx"),
    CandidateShape::WithExtension("mts"),
    CandidateShape::WithExtension("cts"),
    CandidateShape::FolderIndex("index.ts"),
    CandidateShape::FolderIndex("index.tsx"),
    CandidateShape::WithExtension("js"),
    CandidateShape::FolderIndex("index.js"),
];

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
        assert!(candidates(&target)
            .collect::<Vec<_>>()
            .contains(&PathBuf::from("proj/lib/iam.ts")));
        assert!(relative_target(Path::new("index.ts"), "@pulumi/aws").is_none());
    }

    #[test]
    fn a_folder_alone_means_its_index() {
        let parent = relative_target(Path::new("proj/functions/orders.ts"), "..").expect("relative");
        assert!(candidates(&parent)
            .collect::<Vec<_>>()
            .contains(&PathBuf::from("proj/index.ts")));
        let own = relative_target(Path::new("proj/functions/orders.ts"), ".").expect("relative");
        assert!(candidates(&own)
            .collect::<Vec<_>>()
            .contains(&PathBuf::from("proj/functions/index.ts")));
        assert!(relative_target(Path::new("index.ts"), ".config").is_none());
    }

    #[test]
    fn a_require_without_extension_means_the_js_file() {
        let target = relative_target(Path::new("index.js"), "./iam").expect("relative");
        let found: Vec<PathBuf> = candidates(&target).collect();
        assert!(found.contains(&PathBuf::from("iam.js")));
        assert!(found.contains(&PathBuf::from("iam/index.js")));
    }

    #[test]
    fn esm_js_suffix_means_the_ts_file() {
        let target = relative_target(Path::new("index.ts"), "./config.js").expect("relative");
        assert!(candidates(&target)
            .collect::<Vec<_>>()
            .contains(&PathBuf::from("config.ts")));
    }
}
