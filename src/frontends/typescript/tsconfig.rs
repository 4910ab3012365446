//! The import aliases a project's `tsconfig.json` declares (`compilerOptions.baseUrl` and
//! `paths`), read together with the configs it extends. TypeScript reads these files as JSON
//! with comments and trailing commas, so they are made plain JSON before they are parsed.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::modules::{normalize, AliasPattern, ImportAliases};
use crate::report::Notice;

/// How many configs one chain of `extends` may read: a loop is reported, not followed forever.
const MAX_CONFIGS: usize = 16;

/// The aliases the `tsconfig.json` in the project's folder declares; none when there is no such
/// file. A config that cannot be read is reported and its aliases are left out, so that imports
/// through them are read as packages, as they were before aliases were followed.
pub fn import_aliases(project_root: &Path) -> (ImportAliases, Vec<Notice>) {
    let path = project_root.join("tsconfig.json");
    if !path.is_file() {
        return (ImportAliases::default(), Vec::new());
    }
    let mut chain = ConfigChain::default();
    chain.read(&normalize(&path));
    (chain.aliases(), chain.notices)
}

/// Where `tsc` writes what the `tsconfig.json` in `folder` compiles: the `outDir` and the
/// `outFile` of the first config of its `extends` chain that sets each, from that config's folder.
/// Empty when there is no such file; `None` when some config of the chain cannot be read, as its
/// output could then be anywhere.
pub(super) fn compiled_output(folder: &Path) -> Option<Vec<PathBuf>> {
    let path = folder.join("tsconfig.json");
    if !path.is_file() {
        return Some(Vec::new());
    }
    let mut chain = ConfigChain::default();
    chain.read(&normalize(&path));
    if !chain.notices.is_empty() {
        return None;
    }
    let first_set = |output: fn(&ConfigOptions) -> Option<&String>| {
        chain
            .configs
            .iter()
            .find_map(|config| Some(normalize(&config.folder.join(output(config)?))))
    };
    Some(
        [
            first_set(|config| config.out_dir.as_ref()),
            first_set(|config| config.out_file.as_ref()),
        ]
        .into_iter()
        .flatten()
        .collect(),
    )
}

/// The configs a tsconfig.json is made of, the one that wins a setting first.
#[derive(Default)]
struct ConfigChain {
    configs: Vec<ConfigOptions>,
    read: Vec<PathBuf>,
    notices: Vec<Notice>,
}

/// The settings of one config file that say where bare specifiers lead and where its output goes.
struct ConfigOptions {
    folder: PathBuf,
    base_url: Option<String>,
    paths: Option<Vec<AliasPattern>>,
    out_dir: Option<String>,
    out_file: Option<String>,
}

impl ConfigChain {
    fn read(&mut self, path: &Path) {
        if self.read.iter().any(|read| read == path) || self.read.len() >= MAX_CONFIGS {
            self.notices.push(Notice::warning(
                path.to_path_buf(),
                "the `extends` chain of tsconfig.json loops or is longer than 16 configs; it is read up to here",
            ));
            return;
        }
        self.read.push(path.to_path_buf());
        let config = match read_config(path) {
            Ok(config) => config,
            Err(error) => {
                self.notices.push(Notice::warning(
                    path.to_path_buf(),
                    format!("{error}; imports through its `paths` and `baseUrl` are read as packages"),
                ));
                return;
            }
        };
        let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let options = config.get("compilerOptions");
        let text_option = |name: &str| {
            options
                .and_then(|options| options.get(name))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        self.configs.push(ConfigOptions {
            base_url: text_option("baseUrl"),
            paths: options
                .and_then(|options| options.get("paths"))
                .and_then(alias_patterns),
            out_dir: text_option("outDir"),
            out_file: text_option("outFile"),
            folder: folder.clone(),
        });
        // Of several configs extended, a later one wins over an earlier one, and the config
        // itself (already in the chain) over all of them.
        let extended: Vec<&str> = match config.get("extends") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for specifier in extended.into_iter().rev() {
            match extended_config(&folder, specifier) {
                Ok(Some(base)) => self.read(&base),
                // A package's config that is not installed: such configs hold compiler settings,
                // not the aliases of this project's folders.
                Ok(None) => {}
                Err(error) => self.notices.push(Notice::warning(path.to_path_buf(), error)),
            }
        }
    }

    /// The aliases the chain declares: `baseUrl` from the first config that sets it, `paths` from
    /// the first that sets them, resolved from `baseUrl` or else from that config's folder.
    fn aliases(&self) -> ImportAliases {
        let base_url = self.configs.iter().find_map(|config| {
            let base_url = config.base_url.as_ref()?;
            Some(normalize(&config.folder.join(base_url)))
        });
        let (patterns, folder) = self
            .configs
            .iter()
            .find_map(|config| Some((config.paths.clone()?, config.folder.clone())))
            .unwrap_or_default();
        ImportAliases {
            paths_folder: base_url.clone().unwrap_or(folder),
            base_url,
            patterns,
        }
    }
}

/// Whether `tsc` writes the JavaScript of the TypeScript sources in `folder` beside them, so that
/// a package of that folder deploys what they compile to. Only a plain config says so: the
/// nearest `tsconfig.json` at or above the folder (inside the project) sets no `outDir`,
/// `outFile`, `noEmit` or `emitDeclarationOnly`, extends no config that could set them, names no
/// `files` or `include` that could leave the folder out, and does not exclude it. Otherwise the
/// build writes elsewhere (or a bundler does), and the sources say nothing sure of the package.
pub fn compiles_in_place(project_root: &Path, folder: &Path) -> bool {
    let Some(path) = folder
        .ancestors()
        .take_while(|dir| dir.starts_with(project_root))
        .map(|dir| dir.join("tsconfig.json"))
        .find(|path| path.is_file())
    else {
        return false;
    };
    let Ok(config) = read_config(&path) else {
        return false;
    };
    let options = config.get("compilerOptions");
    let sets = |option: &str| {
        options
            .and_then(|options| options.get(option))
            .is_some_and(|value| !matches!(value, Value::Null | Value::Bool(false)))
    };
    let emits_elsewhere = ["outDir", "outFile", "noEmit", "emitDeclarationOnly"]
        .into_iter()
        .any(sets);
    let may_leave_out = ["extends", "files", "include"]
        .into_iter()
        .any(|key| config.get(key).is_some());
    let config_folder = path.parent().unwrap_or(Path::new(""));
    let excluded = config
        .get("exclude")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|pattern| {
            let pattern = pattern
                .trim_end_matches("/**")
                .trim_end_matches("/*")
                .trim_end_matches('/');
            folder.starts_with(normalize(&config_folder.join(pattern)))
        });
    !emits_elsewhere && !may_leave_out && !excluded
}

/// The config's JSON; the error says what is wrong with the file, which the notice names.
fn read_config(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot be read ({error})"))?;
    serde_json::from_str(&plain_json(&text)).map_err(|error| format!("not valid JSON ({error})"))
}

/// The patterns of a `paths` object; entries that are not lists of strings are left out, as
/// TypeScript reports and ignores them.
fn alias_patterns(paths: &Value) -> Option<Vec<AliasPattern>> {
    let patterns = paths
        .as_object()?
        .iter()
        .filter_map(|(pattern, substitutions)| {
            let substitutions: Vec<String> = substitutions
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .filter(|substitution| substitution.matches('*').count() <= 1)
                .map(str::to_owned)
                .collect();
            (pattern.matches('*').count() <= 1).then(|| AliasPattern {
                pattern: pattern.clone(),
                substitutions,
            })
        })
        .collect();
    Some(patterns)
}

/// The file an `extends` names: a path from the config's folder, or a package's config in the
/// nearest `node_modules` (`None` when it is not installed). A path that names no file is an
/// error, as it is to TypeScript.
fn extended_config(folder: &Path, specifier: &str) -> Result<Option<PathBuf>, String> {
    let is_path = specifier.starts_with("./") || specifier.starts_with("../") || Path::new(specifier).is_absolute();
    let starts: Vec<PathBuf> = match is_path {
        true => vec![folder.join(specifier)],
        false => folder
            .ancestors()
            .map(|dir| dir.join("node_modules").join(specifier))
            .collect(),
    };
    let found = starts.iter().find_map(|start| {
        [
            start.clone(),
            PathBuf::from(format!("{}.json", start.display())),
            start.join("tsconfig.json"),
        ]
        .into_iter()
        .find(|candidate| candidate.is_file())
    });
    match (found, is_path) {
        (Some(found), _) => Ok(Some(normalize(&found))),
        (None, true) => Err(format!("extends {specifier}, which is not found")),
        (None, false) => Ok(None),
    }
}

/// The text with its comments and trailing commas left out, which is what JSON parsers accept
/// of the JSON that TypeScript reads. Strings are copied as written.
fn plain_json(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    // A comma is held back until what follows shows it is not the last in its list.
    let mut held_comma = false;
    while let Some(char) = chars.next() {
        match char {
            '/' if chars.peek() == Some(&'/') => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        plain.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for skipped in chars.by_ref() {
                    if previous == '*' && skipped == '/' {
                        break;
                    }
                    previous = skipped;
                }
                plain.push(' ');
            }
            '}' | ']' => {
                held_comma = false;
                plain.push(char);
            }
            whitespace if whitespace.is_whitespace() => plain.push(whitespace),
            _ => {
                if std::mem::take(&mut held_comma) {
                    plain.push(',');
                }
                if char == ',' {
                    held_comma = true;
                    continue;
                }
                plain.push(char);
                if char == '"' {
                    copy_string_rest(&mut chars, &mut plain);
                }
            }
        }
    }
    plain
}

/// Copies the rest of a string literal whose opening quote is already copied, escapes included.
fn copy_string_rest(chars: &mut std::iter::Peekable<std::str::Chars>, plain: &mut String) {
    while let Some(char) = chars.next() {
        plain.push(char);
        match char {
            '\\' => plain.extend(chars.next()),
            '"' => return,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    #[test]
    fn comments_and_trailing_commas_are_left_out_but_strings_kept() {
        let text = "{\n  // a comment\n  \"a\": \"http://x/*y*/\", /* block */\n  \"b\": [1, 2,],\n}\n";
        let value: Value = serde_json::from_str(&plain_json(text)).expect("plain JSON");
        assert_eq!(value["a"], "http://x/*y*/");
        assert_eq!(value["b"], serde_json::json!([1, 2]));
        let escaped = "{ \"a\": \"quote \\\" // not a comment\", }";
        let value: Value = serde_json::from_str(&plain_json(escaped)).expect("plain JSON");
        assert_eq!(value["a"], "quote \" // not a comment");
    }

    #[test]
    fn paths_resolve_from_base_url_or_from_the_config_that_writes_them() {
        let dir = project(&[(
            "tsconfig.json",
            "{ \"compilerOptions\": { \"baseUrl\": \"./src\", \"paths\": { \"@infra/*\": [\"infra/*\"] } } }",
        )]);
        let (aliases, notices) = import_aliases(dir.path());
        assert!(notices.is_empty(), "{notices:?}");
        let root = normalize(dir.path());
        assert_eq!(
            aliases.targets("@infra/roles"),
            vec![root.join("src/infra/roles"), root.join("src/@infra/roles")]
        );
        let dir = project(&[(
            "tsconfig.json",
            "{ \"compilerOptions\": { \"paths\": { \"~/*\": [\"./*\"], \"config\": [\"./src/config.ts\"] } } }",
        )]);
        let (aliases, _) = import_aliases(dir.path());
        let root = normalize(dir.path());
        assert_eq!(aliases.targets("~/lib/iam"), vec![root.join("lib/iam")]);
        assert_eq!(aliases.targets("config"), vec![root.join("src/config.ts")]);
        assert!(aliases.targets("@pulumi/aws").is_empty());
    }

    #[test]
    fn the_longest_prefix_wins_and_an_exact_pattern_before_it() {
        let aliases = ImportAliases {
            base_url: None,
            paths_folder: PathBuf::from("/p"),
            patterns: [
                ("@app/*", "src/*"),
                ("@app/infra/*", "infra/*"),
                ("@app/infra/all", "infra/index.ts"),
            ]
            .iter()
            .map(|(pattern, target)| AliasPattern {
                pattern: (*pattern).to_owned(),
                substitutions: vec![(*target).to_owned()],
            })
            .collect(),
        };
        assert_eq!(aliases.targets("@app/infra/iam"), vec![PathBuf::from("/p/infra/iam")]);
        assert_eq!(
            aliases.targets("@app/infra/all"),
            vec![PathBuf::from("/p/infra/index.ts")]
        );
        assert_eq!(aliases.targets("@app/queues"), vec![PathBuf::from("/p/src/queues")]);
    }

    #[test]
    fn extended_configs_lose_to_the_config_that_extends_them() {
        let dir = project(&[
            (
                "tsconfig.base.json",
                "{ \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@base/*\": [\"base/*\"] } } }",
            ),
            (
                "app/tsconfig.json",
                "{ \"extends\": \"../tsconfig.base\", \"compilerOptions\": { \"paths\": { \"@lib/*\": [\"app/lib/*\"] } } }",
            ),
        ]);
        let (aliases, notices) = import_aliases(&dir.path().join("app"));
        assert!(notices.is_empty(), "{notices:?}");
        let root = normalize(dir.path());
        assert_eq!(aliases.base_url, Some(root.clone()));
        assert_eq!(aliases.targets("@lib/iam")[0], root.join("app/lib/iam"));
        assert_eq!(aliases.targets("@base/iam"), vec![root.join("@base/iam")]);
    }

    #[test]
    fn unreadable_configs_and_loops_are_reported() {
        let dir = project(&[("tsconfig.json", "{ \"compilerOptions\": { \"baseUrl\": ")]);
        let (aliases, notices) = import_aliases(dir.path());
        assert!(aliases.is_empty());
        assert!(notices[0].message.starts_with("not valid JSON"), "{notices:?}");
        let dir = project(&[
            ("tsconfig.json", "{ \"extends\": \"./other.json\" }"),
            ("other.json", "{ \"extends\": \"./tsconfig.json\" }"),
        ]);
        let (_, notices) = import_aliases(dir.path());
        assert!(notices[0].message.contains("loops"), "{notices:?}");
        let dir = project(&[("tsconfig.json", "{ \"extends\": \"./missing.json\" }")]);
        let (_, notices) = import_aliases(dir.path());
        assert!(notices[0].message.contains("not found"), "{notices:?}");
        let dir = project(&[("tsconfig.json", "{ \"extends\": \"@tsconfig/node20/tsconfig.json\" }")]);
        assert!(import_aliases(dir.path()).1.is_empty());
    }
}
