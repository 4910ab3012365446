//! The promises the fuzzer holds single files to (fuzz/run.sh, tests/fuzz_regressions.rs), held
//! across the files of whole projects: fixture projects with one file changed the way edits in
//! progress change files (a line repeated or moved, a span cut or repeated, a name written where
//! another was), a fixed sample of them. No run panics, drops a fix as broken or fails to settle
//! its fixes, and a second run after `--write` has nothing left to fix.

mod common;

use std::path::{Path, PathBuf};

use common::{fixtures, infrafix, read_tree, temp_copy, text};

/// How many mutated projects a run checks: about twenty seconds of debug-build runs.
const SAMPLES: usize = 400;

/// The extensions of the files infrafix reads.
const READ: [&str; 5] = ["ts", "tf", "yaml", "yml", "json"];

/// A small deterministic generator (xorshift64*): the sample is the same on every run.
struct Choices(u64);

impl Choices {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Every fixture's `input` folder, in a fixed order.
fn fixture_inputs() -> Vec<PathBuf> {
    let mut inputs = Vec::new();
    let mut folders = vec![fixtures()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable folder") {
            let path = entry.expect("readable entry").path();
            if !path.is_dir() {
                continue;
            }
            match path.file_name().and_then(|name| name.to_str()) {
                Some("input") => inputs.push(path),
                Some("expected") => {}
                _ => folders.push(path),
            }
        }
    }
    inputs.sort();
    inputs
}

/// The text with one change: a line repeated, two lines swapped, a span cut or repeated, or a
/// name replaced by another name of the same text.
fn mutate(source: &str, choices: &mut Choices) -> String {
    let lines: Vec<&str> = source.split('\n').collect();
    match choices.below(5) {
        0 => {
            let at = choices.below(lines.len());
            let mut changed = lines.clone();
            changed.insert(at, lines[at]);
            changed.join("\n")
        }
        1 => {
            let (a, b) = (choices.below(lines.len()), choices.below(lines.len()));
            let mut changed = lines.clone();
            changed.swap(a, b);
            changed.join("\n")
        }
        kind @ (2 | 3) => {
            let bytes = source.as_bytes();
            let start = choices.below(bytes.len());
            let end = (start + 1 + choices.below(60)).min(bytes.len());
            let span = &bytes[start..end];
            let mut changed = bytes[..start].to_vec();
            if kind == 3 {
                changed.extend_from_slice(span);
                changed.extend_from_slice(span);
            }
            changed.extend_from_slice(&bytes[end..]);
            String::from_utf8_lossy(&changed).into_owned()
        }
        _ => {
            let names: Vec<(usize, &str)> = names_in(source);
            if names.is_empty() {
                return source.to_owned();
            }
            let (at, name) = names[choices.below(names.len())];
            let (_, other) = names[choices.below(names.len())];
            format!("{}{other}{}", &source[..at], &source[at + name.len()..])
        }
    }
}

/// The names written in a text (three characters or more), with where each starts.
fn names_in(source: &str) -> Vec<(usize, &str)> {
    let mut names = Vec::new();
    let mut start = None;
    for (at, character) in source.char_indices().chain(std::iter::once((source.len(), ' '))) {
        let in_name = character.is_ascii_alphanumeric() || character == '_';
        match (start, in_name) {
            (None, true) if !character.is_ascii_digit() => start = Some(at),
            (Some(from), false) => {
                if at - from >= 3 {
                    names.push((from, &source[from..at]));
                }
                start = None;
            }
            _ => {}
        }
    }
    names
}

/// What a run of a mutated project broke, if anything.
fn broken_promise(project: &Path) -> Option<String> {
    let dry = infrafix(project, &["--check", "--diff", "--unsafe-fixes", "."]);
    let stderr = text(&dry.stderr);
    if dry.status.code().is_none_or(|code| code > 2) || stderr.contains("panicked") {
        return Some(format!("the dry run failed ({:?}): {stderr}", dry.status.code()));
    }
    if let Some(line) = stderr.lines().find(|line| line.contains("internal error")) {
        return Some(format!("the dry run reports: {line}"));
    }
    let write = infrafix(project, &["--write", "--unsafe-fixes", "."]);
    if write.status.code() != Some(0) {
        // A file the run refuses (syntax errors it would not add to) is a user's error, not a
        // broken promise; the dry run above has checked the rest.
        return None;
    }
    let again = infrafix(project, &["--check", "--diff", "--unsafe-fixes", "."]);
    if !again.stdout.is_empty() {
        return Some(format!("a second run still fixes:\n{}", text(&again.stdout)));
    }
    None
}

#[test]
fn mutated_fixture_projects_keep_the_promises() {
    let inputs = fixture_inputs();
    assert!(inputs.len() > 100, "fixtures found: {}", inputs.len());
    let mut choices = Choices(0x1f2e_3d4c_5b6a_7988);
    let mut failures = Vec::new();
    let mut checked = 0;
    while checked < SAMPLES {
        let input = &inputs[choices.below(inputs.len())];
        let files: Vec<PathBuf> = read_tree(input)
            .into_iter()
            .filter(|(path, bytes)| {
                let extension = path.extension().and_then(|extension| extension.to_str());
                extension.is_some_and(|extension| READ.contains(&extension)) && std::str::from_utf8(bytes).is_ok()
            })
            .map(|(path, _)| path)
            .collect();
        if files.is_empty() {
            continue;
        }
        let project = temp_copy(input);
        let file = project.path().join(&files[choices.below(files.len())]);
        let source = std::fs::read_to_string(&file).expect("a text file");
        let mutated = mutate(&source, &mut choices);
        std::fs::write(&file, &mutated).expect("write the mutated file");
        checked += 1;
        if let Some(broken) = broken_promise(project.path()) {
            let shown = input.strip_prefix(fixtures()).unwrap_or(input);
            failures.push(format!("{} ({}): {broken}", shown.display(), file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
