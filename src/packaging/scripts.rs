//! The project's build scripts, and the files their commands write into packages: Makefiles,
//! shell scripts, `package.json` scripts, justfiles, GitHub workflows and magefiles. Each is read
//! whole (up to a size), its commands in the folder they run in.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use ignore::WalkBuilder;

use super::shell::{Shell, Written};
use super::shown;
use crate::frontends::typescript::normalize_path;
use crate::report::Notice;

/// A build script larger than this is generated, not written: it is not read.
const MAX_SCRIPT_SIZE: u64 = 1024 * 1024;
/// Scripts this deep in the project are not looked for (vendored trees, fixtures of tools).
const MAX_DEPTH: usize = 8;

/// A build step that writes a file at the root of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildWrite {
    /// Where the step is, as messages name it: `Makefile:12`.
    pub script: String,
    /// The command, as written.
    pub command: String,
    /// The path the command writes (`bin/main`), or the file it zips.
    pub written: String,
    /// The name of the file at the package's root.
    pub entry: String,
    /// The package: the folder the binary goes to, or the zip the entry goes into.
    pub(super) target: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Makefile,
    Shell,
    PackageJson,
    Justfile,
    Workflow,
    Magefile,
}

/// Every package write of the scripts under `root`, and a notice for each script that could not
/// be read.
pub(super) fn writes(root: &Path) -> (Vec<BuildWrite>, Vec<Notice>) {
    let mut writes = Vec::new();
    let mut notices = Vec::new();
    for (path, kind) in scripts(root, &mut notices) {
        match read_script(&path) {
            Ok(text) => writes.extend(script_writes(root, &path, kind, &text)),
            Err(error) => notices.push(Notice::warning(
                path,
                format!("not read as a build script, so what it builds is not known: {error:#}"),
            )),
        }
    }
    (writes, notices)
}

fn read_script(path: &Path) -> Result<String> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_SCRIPT_SIZE {
        bail!("larger than {MAX_SCRIPT_SIZE} bytes");
    }
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes).context("not UTF-8")
}

/// The build scripts under `root`, in a stable order; `.gitignore` is respected, links and
/// `node_modules` are not entered.
fn scripts(root: &Path, notices: &mut Vec<Notice>) -> Vec<(PathBuf, Kind)> {
    let walker = WalkBuilder::new(root)
        .follow_links(false)
        .require_git(false)
        .hidden(false)
        .max_depth(Some(MAX_DEPTH))
        .filter_entry(|entry| !matches!(entry.file_name().to_str(), Some(".git" | "node_modules")))
        .build();
    let mut found = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|kind| kind.is_file()) => {
                if let Some(kind) = kind_of(root, entry.path()) {
                    found.push((entry.path().to_path_buf(), kind));
                }
            }
            Ok(_) => {}
            Err(error) => notices.push(Notice::warning(
                None,
                format!("while looking for build scripts in {}: {error}", root.display()),
            )),
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn kind_of(root: &Path, path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?;
    let folder = path.parent()?;
    let relative_folder = folder.strip_prefix(root).ok()?;
    let kind = match name {
        "Makefile" | "makefile" | "GNUmakefile" => Kind::Makefile,
        "package.json" => Kind::PackageJson,
        "justfile" | "Justfile" | ".justfile" => Kind::Justfile,
        "magefile.go" => Kind::Magefile,
        _ if name.ends_with(".mk") => Kind::Makefile,
        _ if name.ends_with(".sh") || name.ends_with(".bash") => Kind::Shell,
        _ if name.ends_with(".just") => Kind::Justfile,
        _ if (name.ends_with(".yml") || name.ends_with(".yaml"))
            && relative_folder == Path::new(".github/workflows") =>
        {
            Kind::Workflow
        }
        _ if name.ends_with(".go") && folder.file_name().is_some_and(|folder| folder == "magefiles") => Kind::Magefile,
        _ => return None,
    };
    Some(kind)
}

/// The package writes of one script.
fn script_writes(root: &Path, path: &Path, kind: Kind, text: &str) -> Vec<BuildWrite> {
    let folder = path.parent().unwrap_or(root);
    let mut writes = Vec::new();
    let mut record = |line: usize, written: Vec<Written>| {
        writes.extend(written.into_iter().map(|written| BuildWrite {
            script: format!("{}:{line}", shown(root, path)),
            command: short(&written.command),
            written: written.written,
            entry: written.entry,
            target: written.target,
        }));
    };
    match kind {
        // Make runs each recipe line in a shell of its own, in the Makefile's folder.
        Kind::Makefile => {
            let mut target = String::new();
            for (line, text) in logical_lines(text) {
                if let Some(recipe) = text.strip_prefix('\t') {
                    let recipe = recipe.trim_start_matches(['@', '-', '+']);
                    let recipe = match target.is_empty() {
                        true => recipe.to_owned(),
                        false => recipe.replace("$@", &target),
                    };
                    record(line, run_line(folder, vec![folder.to_path_buf()], &recipe));
                } else if let Some((targets, _)) = text.split_once(':').filter(|(_, rest)| !rest.starts_with('=')) {
                    target = targets.split_whitespace().next().unwrap_or_default().to_owned();
                }
            }
        }
        // A script may be run from its own folder or from the project's; its `cd`s last.
        Kind::Shell => {
            let mut shell = Shell::new(folder, vec![folder.to_path_buf(), root.to_path_buf()]);
            for (line, text) in logical_lines(text) {
                let mut written = Vec::new();
                shell.run(&text, &mut written);
                record(line, written);
            }
        }
        Kind::Justfile => {
            for (line, text) in logical_lines(text) {
                let recipe = text.trim_start().trim_start_matches(['@', '-']);
                record(line, run_line(folder, vec![folder.to_path_buf()], recipe));
            }
        }
        Kind::PackageJson => {
            for (name, command) in package_scripts(text) {
                let line = line_of(text, &format!("\"{name}\""), "\"scripts\"");
                record(line, run_line(folder, vec![folder.to_path_buf()], &command));
            }
        }
        Kind::Workflow => {
            for (line, text, working_directory) in workflow_lines(text) {
                let cwd = normalize_path(&root.join(working_directory.unwrap_or_default()));
                let command = text.trim_start().trim_start_matches("- ").trim_start();
                let command = command.strip_prefix("run:").unwrap_or(command);
                record(line, run_line(folder, vec![cwd], command));
            }
        }
        Kind::Magefile => {
            for (number, text) in text.lines().enumerate() {
                let argv = go_string_literals(text);
                let mut written = Vec::new();
                Shell::new(folder, vec![folder.to_path_buf()]).run_argv(&argv, &mut written);
                record(number + 1, written);
            }
        }
    }
    writes
}

fn run_line(folder: &Path, cwd: Vec<PathBuf>, line: &str) -> Vec<Written> {
    let mut written = Vec::new();
    Shell::new(folder, cwd).run(line, &mut written);
    written
}

/// A command as a message quotes it: on one line (continued lines are joined), at most 120
/// characters.
fn short(command: &str) -> String {
    let command = command.split_whitespace().collect::<Vec<_>>().join(" ");
    match command.char_indices().nth(120) {
        Some((end, _)) => format!("{}…", &command[..end]),
        None => command,
    }
}

/// The lines of a script with `\`-continued lines joined, each with the number of its first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let (number, mut joined) = pending.take().unwrap_or((index + 1, String::new()));
        match line.strip_suffix('\\') {
            Some(continued) => {
                joined.push_str(continued);
                joined.push(' ');
                pending = Some((number, joined));
            }
            None => {
                joined.push_str(line);
                lines.push((number, joined));
            }
        }
    }
    lines.extend(pending);
    lines
}

/// The `scripts` of a package.json, by name.
fn package_scripts(text: &str) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(package)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    let Some(serde_json::Value::Object(scripts)) = package.get("scripts") else {
        return Vec::new();
    };
    scripts
        .iter()
        .filter_map(|(name, command)| Some((name.clone(), command.as_str()?.to_owned())))
        .collect()
}

/// The line of the first `needle` after `after` (a script's name after `"scripts"`, not the
/// package's own `"name"`), 1 when there is none.
fn line_of(text: &str, needle: &str, after: &str) -> usize {
    let start = text.find(after).unwrap_or(0);
    text[start..]
        .find(needle)
        .map_or(1, |at| text[..start + at].matches('\n').count() + 1)
}

/// The lines of a workflow's steps, each with the `working-directory` its step gives (or, for a
/// step without one, the last one given outside a step: a `defaults: run:`). A step is an item of
/// a YAML list: a line starting `- ` begins it, and the lines indented deeper belong to it.
fn workflow_lines(text: &str) -> Vec<(usize, String, Option<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    let working_directory = |line: &str| {
        let value = line
            .trim_start()
            .trim_start_matches("- ")
            .strip_prefix("working-directory:")?;
        Some(value.trim().trim_matches(['"', '\'']).to_owned())
    };
    let mut steps: Vec<(std::ops::Range<usize>, Option<String>)> = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut default = None;
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let indentation = line.len() - trimmed.len();
        if let Some((start, step_indentation)) = current {
            if indentation > step_indentation {
                continue;
            }
            steps.push((start..index, default.clone()));
            current = None;
        }
        if trimmed.starts_with("- ") {
            current = Some((index, indentation));
        } else {
            default = working_directory(line).or(default);
        }
    }
    if let Some((start, _)) = current {
        steps.push((start..lines.len(), default));
    }
    let mut out = Vec::new();
    for (range, default) in steps {
        let step = &lines[range.clone()];
        let directory = step.iter().find_map(|line| working_directory(line)).or(default);
        for (index, line) in range.zip(step) {
            out.push((index + 1, (*line).to_owned(), directory.clone()));
        }
    }
    out
}

/// The Go string literals of a line, in order: the words a magefile passes to `sh.Run`.
fn go_string_literals(line: &str) -> Vec<String> {
    let mut literals = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut literal = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => literal.extend(chars.next()),
                        _ => literal.push(c),
                    }
                }
                literals.push(literal);
            }
            '`' => literals.push(chars.by_ref().take_while(|&c| c != '`').collect()),
            '/' if chars.clone().next() == Some('/') => break,
            _ => {}
        }
    }
    literals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writes_of(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("in a folder")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let root = dir.path().canonicalize().expect("exists");
        let (writes, notices) = writes(&root);
        assert!(notices.is_empty(), "{notices:?}");
        writes
            .into_iter()
            .map(|write| (write.script, shown(&root, &write.target), write.entry))
            .collect()
    }

    fn write(script: &str, target: &str, entry: &str) -> (String, String, String) {
        (script.to_owned(), target.to_owned(), entry.to_owned())
    }

    #[test]
    fn makefile_recipes_with_their_target() {
        let makefile = "BIN := bin\n\n.PHONY: build\nbuild: bin/bootstrap\n\nbin/bootstrap: $(wildcard *.go)\n\t@GOOS=linux go build \\\n\t\t-o $@ ./cmd/worker\n\nlegacy:\n\tgo build -o $(BIN)/main .\n";
        assert_eq!(
            writes_of(&[("Makefile", makefile)]),
            vec![write("Makefile:7", "bin", "bootstrap")]
        );
    }

    #[test]
    fn shell_script_from_its_folder_or_the_project() {
        let script = "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")/..\"\nGOOS=linux go build -o bin/main ./cmd/worker\n";
        assert_eq!(
            writes_of(&[("scripts/build.sh", script)]),
            vec![write("scripts/build.sh:4", "bin", "main")]
        );
    }

    #[test]
    fn package_json_scripts_run_in_its_folder() {
        let package = r#"{
  "name": "build",
  "scripts": {
    "build": "cd bin && zip ../worker.zip bootstrap",
    "test": "jest"
  }
}"#;
        assert_eq!(
            writes_of(&[("package.json", package)]),
            vec![write("package.json:4", "worker.zip", "bootstrap")]
        );
    }

    #[test]
    fn workflow_steps_run_in_their_working_directory() {
        let workflow = "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Build\n        working-directory: functions\n        run: |\n          GOOS=linux go build -o bin/main ./worker\n      - run: go build -o bin/bootstrap ./cmd\n";
        assert_eq!(
            writes_of(&[(".github/workflows/deploy.yml", workflow)]),
            vec![
                write(".github/workflows/deploy.yml:11", "functions/bin", "main"),
                write(".github/workflows/deploy.yml:12", "bin", "bootstrap"),
            ]
        );
    }

    #[test]
    fn justfile_and_magefile() {
        let justfile = "build:\n    GOOS=linux go build -o bin/bootstrap ./cmd\n";
        let magefile = "package main\n\nfunc Build() error {\n\treturn sh.RunWith(env, \"go\", \"build\", \"-o\", \"bin/bootstrap\", \"./cmd\") // the binary\n}\n";
        assert_eq!(
            writes_of(&[("justfile", justfile), ("magefile.go", magefile)]),
            vec![
                write("justfile:2", "bin", "bootstrap"),
                write("magefile.go:4", "bin", "bootstrap"),
            ]
        );
    }

    #[test]
    fn oversized_scripts_are_reported_not_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let big = "# padding\n".repeat(120_000);
        std::fs::write(dir.path().join("build.sh"), big).expect("write");
        let (writes, notices) = writes(&dir.path().canonicalize().expect("exists"));
        assert!(writes.is_empty());
        assert_eq!(notices.len(), 1);
        assert!(notices[0].message.contains("larger than"), "{}", notices[0].message);
    }
}
