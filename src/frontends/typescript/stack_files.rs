//! A Pulumi project's stack configuration as its files write it: the `config` of each stack file
//! (`Pulumi.<stack>.yaml`, beside `Pulumi.yaml` or in the folder its `stackConfigDir` names), and
//! the project-wide `config` of `Pulumi.yaml`, which a stack gets for each key it does not set.
//! Read once per project; the program asks which keys some stack may set and what each sets.

use std::path::Path;

use crate::cloud::DeploymentSetting;
use crate::frontends::document::{self, Entry, Value};
use crate::syntax::{parse, Dialect};
use crate::workspace::display_path;

/// The keys a project's stacks set, and their values.
#[derive(Debug, Default, Clone)]
pub struct StackConfig {
    /// The namespace a key read without one belongs to: the project's `name`.
    project_name: Option<String>,
    /// The `config` of `Pulumi.yaml`.
    project: Option<ConfigFile>,
    stacks: Vec<ConfigFile>,
    /// A stack file that could not be read, or one that imports Pulumi ESC environments (whose
    /// `pulumiConfig` may set any key): some stack may set anything.
    open_ended: bool,
}

/// The `config` section of one file.
#[derive(Debug, Clone)]
struct ConfigFile {
    /// The stack it configures (`prod` for `Pulumi.prod.yaml`); `None` for Pulumi.yaml.
    stack: Option<String>,
    /// The file as messages name it: as findings name the files they are in.
    shown: String,
    text: String,
    entries: Vec<Entry>,
    /// Whether something other than the file may set a key the file does not: an ESC
    /// environment it imports, or, for a file infrafix cannot read, the file itself.
    others_may_set: bool,
}

/// Where one stack's value of a key comes from.
enum Source<'a> {
    /// Written in a file: the file, the key's entry and the value.
    Written(&'a ConfigFile, &'a Entry, &'a Value),
    /// From something infrafix does not read.
    Unknown,
    /// Nowhere: the code's default runs.
    Unset,
}

/// One value the stack configuration gives a key, and where it is written: the file, its line,
/// and the key as that file writes it, with the fields read of an object value
/// (`billing:build.runtime`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredValue {
    /// The value as YAML reads it.
    pub text: String,
    pub set_in: DeploymentSetting,
}

/// How a read names its key's namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace<'a> {
    /// `new pulumi.Config()`: the project's.
    Project,
    /// `new pulumi.Config("payments")`.
    Named(&'a str),
    /// Computed: no value can be matched to it.
    Unknown,
}

impl StackConfig {
    /// The stack files of the project in `root`, and the project-wide `config` of its `Pulumi.yaml`.
    pub fn of_project(root: &Path) -> Self {
        let mut config = Self::default();
        let Some((project_file, project_text)) = ["Pulumi.yaml", "Pulumi.yml"]
            .iter()
            .find_map(|name| Some((*name, std::fs::read_to_string(root.join(name)).ok()?)))
        else {
            return config;
        };
        let project = read_yaml(&project_text);
        config.project_name = project
            .as_ref()
            .and_then(|root| root.get("name")?.text())
            .map(str::to_owned);
        // Pulumi once named the folder by `config: <folder>`, and still reads it so.
        let stack_folder = project
            .as_ref()
            .and_then(|root| root.get("stackConfigDir").or_else(|| root.get("config"))?.text())
            .map_or(root.to_path_buf(), |dir| root.join(dir));
        // Pulumi reads the stack files with the project file's extension only.
        let extension = project_file.rsplit('.').next().unwrap_or("yaml");
        config.project = project.as_ref().map(|project| ConfigFile {
            stack: None,
            shown: display_path(&root.join(project_file)),
            entries: config_entries(project),
            text: project_text.clone(),
            others_may_set: false,
        });
        let Ok(listing) = std::fs::read_dir(&stack_folder) else {
            return config;
        };
        let mut paths: Vec<_> = listing
            .flatten()
            .map(|entry| entry.path())
            .filter_map(|path| Some((stack_named_by(&path, extension)?, path)))
            .collect();
        paths.sort();
        for (stack, path) in paths {
            let shown = display_path(&path);
            let read = std::fs::read_to_string(&path)
                .ok()
                .and_then(|text| Some((read_yaml(&text)?, text)));
            let (entries, text, others_may_set) = match read {
                Some((file, text)) => {
                    let entries = config_entries(&file);
                    // Pulumi refuses a file that sets a key twice; which one stands is unknown.
                    let repeats_a_key = entries
                        .iter()
                        .enumerate()
                        .any(|(index, entry)| entries[..index].iter().any(|earlier| earlier.key == entry.key));
                    if repeats_a_key {
                        (Vec::new(), text, true)
                    } else {
                        let imports_environments = file.get("environment").is_some();
                        (entries, text, imports_environments)
                    }
                }
                None => (Vec::new(), String::new(), true),
            };
            config.open_ended |= others_may_set;
            config.stacks.push(ConfigFile {
                stack: Some(stack),
                shown,
                entries,
                text,
                others_may_set,
            });
        }
        config
    }

    /// Whether some stack may set `key` (`runtime` for `config.get("runtime")`, whatever the
    /// namespace), or, for `None` (a key not written out), any key.
    pub fn may_set(&self, key: Option<&str>) -> bool {
        let mut entries = self.project.iter().chain(&self.stacks).flat_map(|file| &file.entries);
        self.open_ended
            || match key {
                Some(key) => entries.any(|entry| key_name(&entry.key) == key),
                None => entries.next().is_some(),
            }
    }

    /// Each stack's setting of a key (by the stack's name, `prod` for `Pulumi.prod.yaml`; `None`
    /// for what every stack gets where the project has no stack file): its own, or Pulumi.yaml's
    /// where it sets none.
    pub fn value_per_stack(&self, namespace: Namespace, key: &str, fields: &[&str]) -> Vec<(Option<String>, Setting)> {
        self.source_per_stack(namespace, key)
            .into_iter()
            .map(|(stack, source)| {
                let setting = match source {
                    Source::Written(file, entry, value) => file.setting_at(entry, value, fields),
                    Source::Unknown => Setting::Opaque,
                    Source::Unset => Setting::Unset,
                };
                (stack, setting)
            })
            .collect()
    }

    /// Each stack's number of items in the list at `fields` of a key (`tenants` for
    /// `config.requireObject<string[]>("tenants")`), by the stack's name as `value_per_stack`
    /// gives it; `None` where a stack sets no list infrafix can read.
    pub fn list_length_per_stack(
        &self,
        namespace: Namespace,
        key: &str,
        fields: &[&str],
    ) -> Vec<(Option<String>, Option<usize>)> {
        self.source_per_stack(namespace, key)
            .into_iter()
            .map(|(stack, source)| {
                let length = match source {
                    Source::Written(_, _, value) => fields
                        .iter()
                        .try_fold(value, |value, field| value.get(field))
                        .and_then(Value::as_list)
                        .map(|list| list.items.len()),
                    Source::Unknown | Source::Unset => None,
                };
                (stack, length)
            })
            .collect()
    }

    /// Where each stack's value of a key comes from: its own file, else Pulumi.yaml's `config`.
    fn source_per_stack(&self, namespace: Namespace, key: &str) -> Vec<(Option<String>, Source<'_>)> {
        let full_key = match namespace {
            Namespace::Project => match &self.project_name {
                Some(name) => format!("{name}:{key}"),
                None => return Vec::new(),
            },
            Namespace::Named(name) => format!("{name}:{key}"),
            Namespace::Unknown => return Vec::new(),
        };
        // A key written without a namespace is the project's.
        let names_key = |entry: &&Entry| entry.key == full_key || (namespace == Namespace::Project && entry.key == key);
        let project_source = || {
            let Some((project, entry)) = self
                .project
                .as_ref()
                .and_then(|project| Some((project, project.entries.iter().find(names_key)?)))
            else {
                return Source::Unset;
            };
            // Pulumi.yaml writes a key's value in place, or as its `value` or `default` beside
            // the key's type.
            let value = match entry.value.as_map() {
                Some(_) => entry.value.get("value").or_else(|| entry.value.get("default")),
                None => Some(&entry.value),
            };
            value.map_or(Source::Unset, |value| Source::Written(project, entry, value))
        };
        if self.stacks.is_empty() {
            return vec![(None, project_source())];
        }
        self.stacks
            .iter()
            .map(|stack| {
                let source = match stack.entries.iter().find(names_key) {
                    Some(entry) => Source::Written(stack, entry, &entry.value),
                    None if stack.others_may_set => Source::Unknown,
                    None => project_source(),
                };
                (stack.stack.clone(), source)
            })
            .collect()
    }
}

/// What a stack's configuration sets a key to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    Value(ConfiguredValue),
    /// Set, to what infrafix cannot read (a secret, a list, an object without the field read),
    /// or perhaps set where infrafix does not read (an ESC environment the stack imports).
    Opaque,
    /// Neither the stack's file nor Pulumi.yaml sets it: the code's default runs.
    Unset,
}

impl Setting {
    pub fn value(self) -> Option<ConfiguredValue> {
        match self {
            Self::Value(value) => Some(value),
            Self::Opaque | Self::Unset => None,
        }
    }
}

impl ConfigFile {
    /// The setting at `fields` of `value`, the value of `entry`.
    fn setting_at(&self, entry: &Entry, value: &Value, fields: &[&str]) -> Setting {
        let scalar = fields
            .iter()
            .try_fold(value, |value, field| value.get(field))
            .and_then(|value| Some((value, value.text()?)));
        let Some((value, text)) = scalar else {
            return Setting::Opaque;
        };
        let text = text.to_owned();
        let key = std::iter::once(entry.key.as_str())
            .chain(fields.iter().copied())
            .collect::<Vec<_>>()
            .join(".");
        Setting::Value(ConfiguredValue {
            text,
            set_in: DeploymentSetting {
                file: self.shown.clone(),
                line: self
                    .text
                    .get(..value.range.start)
                    .map_or(0, |before| before.matches('\n').count())
                    + 1,
                key,
            },
        })
    }
}

/// The stack a file `Pulumi.<stack>.<extension>` configures; `None` for any other file,
/// the project file itself included.
fn stack_named_by(path: &Path, extension: &str) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stack = name
        .strip_prefix("Pulumi.")?
        .strip_suffix(extension)?
        .strip_suffix('.')?;
    (!stack.is_empty()).then(|| stack.to_owned())
}

/// The document of a YAML file; `None` when it does not parse. An empty file is an empty map.
/// The language runtime a `Pulumi.yaml` names (`runtime: python`, or `runtime: { name: go }`).
pub fn program_runtime(project_text: &str) -> Option<String> {
    let runtime = read_yaml(project_text)?.get("runtime")?.clone();
    let name = runtime.text().or_else(|| runtime.get("name")?.text())?;
    Some(name.to_owned())
}

/// The folder a `Pulumi.yaml` says its program is in (`main: infra/`), relative to it.
pub fn program_folder(project_text: &str) -> Option<String> {
    Some(read_yaml(project_text)?.get("main")?.text()?.to_owned())
}

/// Whether a `Pulumi.yaml` turns TypeScript off for its Node.js program
/// (`runtime: { name: nodejs, options: { typescript: false } }`).
pub fn turns_typescript_off(project_text: &str) -> bool {
    read_yaml(project_text)
        .and_then(|project| {
            project
                .get("runtime")?
                .get("options")?
                .get("typescript")?
                .text()
                .map(str::to_owned)
        })
        .is_some_and(|typescript| typescript == "false")
}

fn read_yaml(text: &str) -> Option<Value> {
    let tree = parse(text, Dialect::Yaml).ok()?;
    if tree.root_node().has_error() {
        return None;
    }
    Some(document::read(tree.root_node(), text).unwrap_or(Value {
        range: 0..0,
        kind: document::ValueKind::Other,
    }))
}

fn config_entries(file: &Value) -> Vec<Entry> {
    file.get("config")
        .and_then(Value::as_map)
        .map(|config| config.entries.clone())
        .unwrap_or_default()
}

/// A key without its namespace (`runtime` of `payments:runtime`).
fn key_name(key: &str) -> &str {
    key.split_once(':').map_or(key, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_with(files: &[(&str, &str)]) -> (tempfile::TempDir, StackConfig) {
        let folder = tempfile::tempdir().expect("a temporary folder");
        for (name, text) in files {
            let path = folder.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("a folder for the file");
            }
            std::fs::write(path, text).expect("the file is written");
        }
        let config = StackConfig::of_project(folder.path());
        (folder, config)
    }

    #[test]
    fn each_stack_deploys_its_own_value_or_the_projects() {
        let (folder, config) = project_with(&[
            (
                "Pulumi.yaml",
                "name: billing\nruntime: nodejs\nstackConfigDir: stacks # per env\nconfig:\n  # billing:runtime: go1.x\n  handler:\n    default: main\n  build:\n    value:\n      runtime: nodejs16.x\n",
            ),
            ("stacks/Pulumi.prod.yaml", "config:\n  aws:region: us-east-1\n  billing:runtime: go1.x\n  billing:build:\n    runtime: go1.x\n"),
            ("stacks/Pulumi.dev.yaml", "config:\n  runtime: \"provided.al2023\"\n  billing:token:\n    secure: v1:abc\n"),
        ]);
        // Per stack: its name, where its value is written, and the value.
        let values = |namespace, key, fields: &[&str]| -> Vec<String> {
            config
                .value_per_stack(namespace, key, fields)
                .into_iter()
                .filter_map(|(stack, setting)| Some((stack, setting.value()?)))
                .map(|(stack, value)| {
                    let place = value.set_in;
                    let stack = stack.unwrap_or_else(|| "every stack".to_owned());
                    // Files are named as findings name theirs: here, from the temporary folder.
                    let file = Path::new(&place.file)
                        .strip_prefix(folder.path())
                        .unwrap_or(Path::new(&place.file));
                    format!(
                        "{stack}: {}:{} {}={}",
                        file.display(),
                        place.line,
                        place.key,
                        value.text
                    )
                })
                .collect()
        };
        assert_eq!(
            values(Namespace::Project, "runtime", &[]),
            [
                "dev: stacks/Pulumi.dev.yaml:2 runtime=provided.al2023",
                "prod: stacks/Pulumi.prod.yaml:3 billing:runtime=go1.x"
            ]
        );
        assert_eq!(
            values(Namespace::Project, "build", &["runtime"]),
            [
                "dev: Pulumi.yaml:10 build.runtime=nodejs16.x",
                "prod: stacks/Pulumi.prod.yaml:5 billing:build.runtime=go1.x"
            ]
        );
        assert_eq!(
            values(Namespace::Project, "handler", &[]),
            ["dev: Pulumi.yaml:7 handler=main", "prod: Pulumi.yaml:7 handler=main"]
        );
        assert!(values(Namespace::Project, "token", &[]).is_empty());
        assert_eq!(
            values(Namespace::Named("aws"), "region", &[]),
            ["prod: stacks/Pulumi.prod.yaml:2 aws:region=us-east-1"]
        );
        assert!(values(Namespace::Unknown, "runtime", &[]).is_empty());
        assert!(config.may_set(Some("handler")));
        assert!(config.may_set(Some("runtime")));
        assert!(!config.may_set(Some("memorySize")));
        assert!(config.may_set(None));
    }

    #[test]
    fn a_stack_that_cannot_be_read_or_imports_environments_may_set_anything() {
        let (_folder, unreadable) = project_with(&[
            ("Pulumi.yaml", "name: p\nruntime: nodejs\n"),
            ("Pulumi.prod.yaml", "config:\n  p:runtime: [go1.x\n"),
        ]);
        assert!(unreadable.may_set(Some("runtime")));
        let (_folder, with_environment) = project_with(&[
            ("Pulumi.yaml", "name: p\nruntime: nodejs\n"),
            ("Pulumi.prod.yaml", "environment:\n  - payments/prod\n"),
        ]);
        assert!(with_environment.may_set(Some("runtime")));
        // What the stack's environment may set is unknown, what its file sets is not.
        let (_folder, environment_and_file) = project_with(&[
            ("Pulumi.yaml", "name: p\nruntime: nodejs\nconfig:\n  reserved: 40\n"),
            (
                "Pulumi.prod.yaml",
                "environment:\n  - payments/prod\nconfig:\n  p:runtime: go1.x\n",
            ),
            ("Pulumi.dev.yaml", "config:\n  p:runtime: [go1.x\n"),
        ]);
        let settings = |key| -> Vec<(Option<String>, Option<String>)> {
            environment_and_file
                .value_per_stack(Namespace::Project, key, &[])
                .into_iter()
                .map(|(stack, setting)| (stack, setting.value().map(|value| value.text)))
                .collect()
        };
        let stack = |name: &str| Some(name.to_owned());
        assert_eq!(settings("reserved"), [(stack("dev"), None), (stack("prod"), None)]);
        assert_eq!(
            settings("runtime"),
            [(stack("dev"), None), (stack("prod"), Some("go1.x".to_owned()))]
        );
        let (_folder, without_stacks) =
            project_with(&[("Pulumi.yaml", "name: p\nruntime: nodejs\nconfig:\n  reserved: 40\n")]);
        assert!(!without_stacks.may_set(Some("runtime")));
        let every_stack = without_stacks.value_per_stack(Namespace::Project, "reserved", &[]);
        match every_stack.as_slice() {
            [(None, Setting::Value(value))] => assert_eq!(value.text, "40"),
            other => panic!("one value for every stack, not {other:?}"),
        }
        assert_eq!(
            without_stacks.value_per_stack(Namespace::Project, "runtime", &[]),
            [(None, Setting::Unset)]
        );
    }

    #[test]
    fn a_list_counts_its_items_in_each_stack() {
        let (_folder, config) = project_with(&[
            (
                "Pulumi.yaml",
                "name: p\nruntime: nodejs\nconfig:\n  tenants:\n    value: [acme]\n",
            ),
            (
                "Pulumi.prod.yaml",
                "config:\n  p:tenants:\n    - acme\n    - globex\n  p:build:\n    regions: [a, b, c]\n",
            ),
            ("Pulumi.dev.yaml", "config:\n  p:build: {}\n"),
        ]);
        let stack = |name: &str| Some(name.to_owned());
        assert_eq!(
            config.list_length_per_stack(Namespace::Project, "tenants", &[]),
            [(stack("dev"), Some(1)), (stack("prod"), Some(2))]
        );
        assert_eq!(
            config.list_length_per_stack(Namespace::Project, "build", &["regions"]),
            [(stack("dev"), None), (stack("prod"), Some(3))]
        );
    }
}
