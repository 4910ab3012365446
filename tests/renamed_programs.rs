//! A program's own names carry no meaning a rule may depend on: renaming one the same way
//! everywhere it is written leaves every finding where it was, with the same fix. Each fixture
//! project is run again with its TypeScript names (consts, functions, classes, parameters, local
//! imports and exports, namespace imports) and its Terraform resource labels renamed, and its
//! findings must be `findings.txt`'s once the added suffix is taken out again. Columns may move,
//! since names change length.
//!
//! Value flow is where renames bite: a name resolved by its text in one place and by its binding
//! in another, a table keyed by a name a fix derives, an import matched by spelling.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use common::cases::cases;
use common::{fixtures, temp_copy};
use infrafix::syntax::{parse, Dialect};
use tree_sitter::Node;

/// Added to every renamed name; written nowhere in the fixtures, so taking it out of the
/// findings gives back the names as they were.
const SUFFIX: &str = "Zq";

#[test]
fn renaming_a_programs_names_changes_no_finding() {
    let mut renamed_projects = 0;
    let mut failures = Vec::new();
    for case in cases() {
        let Ok(expected) = std::fs::read_to_string(case.dir.join("findings.txt")) else {
            continue;
        };
        let project = temp_copy(&case.dir.join("input"));
        let renamed = rename_typescript_names(project.path()) + rename_terraform_labels(project.path());
        if renamed == 0 {
            continue;
        }
        renamed_projects += 1;
        let listing = case.findings_listing(project.path()).replace(SUFFIX, "");
        if without_columns(&listing) != without_columns(&expected) {
            failures.push(format!(
                "{} ({renamed} names renamed):\n--- findings.txt\n{expected}--- renamed\n{listing}",
                case.dir.strip_prefix(fixtures()).unwrap_or(&case.dir).display()
            ));
        }
    }
    assert!(
        renamed_projects > 100,
        "only {renamed_projects} projects had names to rename"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `path:line:column rule …` as `path:line rule …`.
fn without_columns(listing: &str) -> Vec<String> {
    listing
        .lines()
        .map(|line| {
            let (place, rest) = line.split_once(' ').unwrap_or((line, ""));
            let place = place.rsplit_once(':').map_or(place, |(before, _)| before);
            format!("{place} {rest}")
        })
        .collect()
}

/// The project's TypeScript files (not those under `node_modules`), by path.
fn typescript_files(project: &Path) -> BTreeMap<std::path::PathBuf, String> {
    common::read_tree(project)
        .into_iter()
        .filter(|(path, _)| {
            path.extension().is_some_and(|extension| extension == "ts")
                && !path.components().any(|part| part.as_os_str() == "node_modules")
        })
        .filter_map(|(path, bytes)| Some((project.join(path), String::from_utf8(bytes).ok()?)))
        .collect()
}

/// Renames, in every TypeScript file, each name that is only ever written as a binding or a
/// reference to one (never as a property, a string, a template's text or a package's export),
/// and that the project declares. Returns how many names it renamed.
fn rename_typescript_names(project: &Path) -> usize {
    let files = typescript_files(project);
    let mut occurrences: BTreeMap<String, Vec<(std::path::PathBuf, Range<usize>)>> = BTreeMap::new();
    let mut not_renamed: BTreeSet<String> = BTreeSet::new();
    let mut declared: BTreeSet<String> = BTreeSet::new();
    for (path, text) in &files {
        let Ok(tree) = parse(text, Dialect::TypeScript) else {
            return 0;
        };
        for (word, range) in words(text) {
            let Some(node) = tree.root_node().descendant_for_byte_range(range.start, range.end) else {
                continue;
            };
            match NameUse::of(node, range.clone(), text) {
                NameUse::Renamable { declares } => {
                    if declares {
                        declared.insert(word.to_owned());
                    }
                    occurrences
                        .entry(word.to_owned())
                        .or_default()
                        .push((path.clone(), range));
                }
                NameUse::Comment => {}
                NameUse::Fixed => {
                    not_renamed.insert(word.to_owned());
                }
            }
        }
    }
    let renamed: BTreeMap<std::path::PathBuf, Vec<Range<usize>>> = occurrences
        .into_iter()
        .filter(|(word, _)| declared.contains(word) && !not_renamed.contains(word))
        .flat_map(|(_, places)| places)
        .fold(BTreeMap::new(), |mut by_file, (path, range)| {
            by_file.entry(path).or_insert_with(Vec::new).push(range);
            by_file
        });
    let count = declared.iter().filter(|word| !not_renamed.contains(*word)).count();
    for (path, mut ranges) in renamed {
        let mut text = files[&path].clone();
        ranges.sort_by_key(|range| std::cmp::Reverse(range.start));
        for range in ranges {
            text.insert_str(range.end, SUFFIX);
        }
        std::fs::write(&path, text).expect("write the renamed file");
    }
    count
}

/// How a name is written at one place.
enum NameUse {
    /// A binding or a reference to one; `declares` when it is where the name is declared.
    Renamable { declares: bool },
    /// In a comment, where renaming changes nothing.
    Comment,
    /// Anything else (a property, a string, a package's export, a global): the name stays.
    Fixed,
}

impl NameUse {
    fn of(node: Node, range: Range<usize>, text: &str) -> Self {
        if node.kind() == "comment" {
            return Self::Comment;
        }
        if !matches!(node.kind(), "identifier" | "type_identifier") || node.byte_range() != range {
            return Self::Fixed;
        }
        let parent = node.parent();
        let parent_kind = parent.map_or("", |parent| parent.kind());
        // `import { Runtime } from "@pulumi/aws/lambda"` names the package's export.
        if matches!(parent_kind, "import_specifier" | "export_specifier")
            && module_of(node, text).is_some_and(|module| !module.starts_with('.'))
        {
            return Self::Fixed;
        }
        let declares = matches!(
            parent_kind,
            "variable_declarator"
                | "function_declaration"
                | "class_declaration"
                | "interface_declaration"
                | "type_alias_declaration"
                | "enum_declaration"
                | "namespace_import"
                | "import_clause"
                | "import_specifier"
                | "required_parameter"
                | "optional_parameter"
        );
        Self::Renamable { declares }
    }
}

/// The module an import or export statement holding `node` names, quotes taken off.
fn module_of<'text>(node: Node, text: &'text str) -> Option<&'text str> {
    let mut current = node;
    while !matches!(current.kind(), "import_statement" | "export_statement") {
        current = current.parent()?;
    }
    let source = current.child_by_field_name("source")?;
    text.get(source.byte_range())
        .map(|quoted| quoted.trim_matches(|quote| quote == '"' || quote == '\''))
}

/// Every word that could be a name (`[A-Za-z_$][A-Za-z0-9_$]*`), with its place.
fn words(text: &str) -> Vec<(&str, Range<usize>)> {
    let is_part = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$';
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if is_part(bytes[at]) {
            let start = at;
            while at < bytes.len() && is_part(bytes[at]) {
                at += 1;
            }
            if !bytes[start].is_ascii_digit() {
                found.push((&text[start..at], start..at));
            }
        } else {
            at += 1;
        }
    }
    found
}

/// Renames every resource label of the project's Terraform files (`resource "T" "L"` and each
/// `T.L` reference). Returns how many labels it renamed.
fn rename_terraform_labels(project: &Path) -> usize {
    let files: BTreeMap<std::path::PathBuf, String> = common::read_tree(project)
        .into_iter()
        .filter(|(path, _)| path.extension().is_some_and(|extension| extension == "tf"))
        .filter_map(|(path, bytes)| Some((project.join(path), String::from_utf8(bytes).ok()?)))
        .collect();
    let labels: BTreeSet<(String, String)> = files.values().flat_map(|text| resource_labels(text)).collect();
    for (path, text) in &files {
        let mut renamed = text.clone();
        for (kind, label) in &labels {
            renamed = rename_reference(&renamed, &format!("{kind}.{label}"));
            renamed = renamed.replace(
                &format!("resource \"{kind}\" \"{label}\""),
                &format!("resource \"{kind}\" \"{label}{SUFFIX}\""),
            );
        }
        if &renamed != text {
            std::fs::write(path, renamed).expect("write the renamed file");
        }
    }
    labels.len()
}

/// The `(type, label)` of each `resource "type" "label"` block header.
fn resource_labels(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let mut quoted = line.strip_prefix("resource ")?.split('"');
            let (_, kind, _, label) = (quoted.next()?, quoted.next()?, quoted.next()?, quoted.next()?);
            Some((kind.to_owned(), label.to_owned()))
        })
        .collect()
}

/// `text` with each reference `reference` (not part of a longer name, nor a `data.` source's)
/// followed by the suffix.
fn rename_reference(text: &str, reference: &str) -> String {
    let is_part = |character: Option<char>| {
        character.is_some_and(|character| character.is_ascii_alphanumeric() || "_-.".contains(character))
    };
    let mut renamed = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(reference) {
        let end = at + reference.len();
        let before = rest[..at].chars().next_back();
        let after = rest[end..].chars().next();
        renamed.push_str(&rest[..end]);
        if !is_part(before) && !is_part(after.filter(|character| *character != '.')) {
            renamed.push_str(SUFFIX);
        }
        rest = &rest[end..];
    }
    renamed.push_str(rest);
    renamed
}
