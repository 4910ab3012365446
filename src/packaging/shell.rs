//! Reading build commands the way a shell would, far enough to see which files they write into a
//! package: `go build -o`, `zip` and `build-lambda-zip`, after the `cd`s before them. A word
//! whose value is only known when the command runs (`$(BIN)/main`, `${OUT}`) names nothing.

use std::path::{Path, PathBuf};

use crate::frontends::typescript::normalize_path;

/// A file a command writes at the root of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Written {
    /// The package: the folder a binary goes to, or the zip an entry goes into.
    pub target: PathBuf,
    /// The name of the file at the package's root.
    pub entry: String,
    /// The path as the command writes it (`bin/main`), or the file it zips.
    pub written: String,
    /// The command, as written.
    pub command: String,
}

/// One word of a command: its value with the quotes taken off, and whether an expansion, a glob
/// or a brace (also a justfile's `{{var}}`) makes that value unknown before the command runs (the expansion then stays in `text`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    text: String,
    dynamic: bool,
}

/// A file a command writes, before it is known where the command runs.
#[derive(Debug, PartialEq, Eq)]
enum Output {
    /// A binary at `path`, named by its file name.
    Binary { path: String },
    /// `file` put into the zip at `zip` as the root entry `entry`.
    ZipEntry { zip: String, entry: String, file: String },
}

/// A simple command: its words and its text.
#[derive(Debug)]
struct Command {
    words: Vec<Word>,
    text: String,
}

/// Where commands run: the folders it may be, since a script may be run from its own folder or
/// from the project's; `None` once a `cd` went somewhere infrafix cannot follow.
pub(super) struct Shell {
    script_folder: PathBuf,
    cwd: Option<Vec<PathBuf>>,
    pushed: Vec<Option<Vec<PathBuf>>>,
}

impl Shell {
    pub(super) fn new(script_folder: &Path, cwd: Vec<PathBuf>) -> Self {
        let mut cwd = cwd;
        cwd.dedup();
        Self {
            script_folder: script_folder.to_path_buf(),
            cwd: Some(cwd),
            pushed: Vec::new(),
        }
    }

    /// Runs one line of shell text (its `cd`s stay in effect for the lines after it).
    pub(super) fn run(&mut self, line: &str, out: &mut Vec<Written>) {
        for command in commands(line) {
            self.run_words(&command.words, &command.text, out);
        }
    }

    /// Runs one command given as its words (a magefile's `sh.Run("go", "build", …)`).
    pub(super) fn run_argv(&mut self, argv: &[String], out: &mut Vec<Written>) {
        let words: Vec<Word> = argv
            .iter()
            .map(|text| Word {
                text: text.clone(),
                dynamic: false,
            })
            .collect();
        self.run_words(&words, &argv.join(" "), out);
    }

    fn run_words(&mut self, words: &[Word], text: &str, out: &mut Vec<Written>) {
        let words = without_environment(words);
        let Some((program, arguments)) = words.split_first() else {
            return;
        };
        let name = Path::new(&program.text)
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outputs = match name.as_str() {
            "cd" | "pushd" => {
                let target = arguments.iter().find(|word| !word.text.starts_with('-'));
                let moved = target.and_then(|target| self.moved_to(target));
                if name == "pushd" {
                    self.pushed.push(self.cwd.clone());
                }
                self.cwd = moved;
                return;
            }
            "popd" => {
                self.cwd = self.pushed.pop().flatten();
                return;
            }
            "go" if arguments.first().is_some_and(|word| word.text == "build") => {
                go_build_output(arguments).into_iter().collect()
            }
            "zip" => zip_entries(arguments),
            "build-lambda-zip" | "build-lambda-zip.exe" => build_lambda_zip_entries(arguments),
            _ => return,
        };
        let Some(cwd) = &self.cwd else {
            return;
        };
        for output in outputs {
            for folder in cwd {
                if let Some(written) = resolve(&output, folder, text) {
                    if !out.contains(&written) {
                        out.push(written);
                    }
                }
            }
        }
    }

    /// The folders `cd target` leads to.
    fn moved_to(&self, target: &Word) -> Option<Vec<PathBuf>> {
        if let Some(rest) = script_folder_expansion(&target.text) {
            return Some(vec![normalize_path(&self.script_folder.join(rest))]);
        }
        if target.dynamic || target.text == "~" || target.text.starts_with("~/") {
            return None;
        }
        let cwd = self.cwd.as_ref()?;
        Some(
            cwd.iter()
                .map(|folder| normalize_path(&folder.join(&target.text)))
                .collect(),
        )
    }
}

/// Where an output lands when its command runs in `folder`.
fn resolve(output: &Output, folder: &Path, command: &str) -> Option<Written> {
    let (target, entry, written) = match output {
        Output::Binary { path } => {
            // `go build -o bin/` names the binary after its Go package.
            if path.ends_with('/') {
                return None;
            }
            let file = normalize_path(&folder.join(path));
            let entry = file.file_name()?.to_string_lossy().into_owned();
            (file.parent()?.to_path_buf(), entry, path)
        }
        Output::ZipEntry { zip, entry, file } => (normalize_path(&folder.join(zip)), entry.clone(), file),
    };
    Some(Written {
        target,
        entry,
        written: written.clone(),
        command: command.to_owned(),
    })
}

/// The words after any `NAME=value` assignments and `env` before the command.
fn without_environment(words: &[Word]) -> &[Word] {
    let is_assignment = |word: &Word| {
        word.text.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let mut rest = words;
    while let Some((first, after)) = rest.split_first() {
        if is_assignment(first) || first.text == "env" {
            rest = after;
        } else {
            break;
        }
    }
    rest
}

/// The rest of a `cd` target after an expansion that names the script's own folder
/// (`$(dirname "$0")/..` gives `/..`).
fn script_folder_expansion(text: &str) -> Option<&str> {
    [
        "$(dirname \"$0\")",
        "$(dirname $0)",
        "$(dirname \"${BASH_SOURCE[0]}\")",
        "$(dirname ${BASH_SOURCE[0]})",
    ]
    .iter()
    .find_map(|prefix| text.strip_prefix(prefix))
    .map(|rest| rest.trim_start_matches('/'))
}

/// The binary `go build -o PATH` writes, when its path is written out.
fn go_build_output(arguments: &[Word]) -> Option<Output> {
    let mut words = arguments.iter();
    while let Some(word) = words.next() {
        let path = match word.text.as_str() {
            "-o" | "--o" => words.next().filter(|path| !path.dynamic)?.text.clone(),
            text if text.starts_with("-o=") || text.starts_with("--o=") => {
                text.split_once('=').filter(|_| !word.dynamic)?.1.to_owned()
            }
            _ => continue,
        };
        return Some(Output::Binary { path });
    }
    None
}

/// Info-ZIP options that take a value.
const ZIP_OPTIONS_WITH_VALUE: [&str; 18] = [
    "-b",
    "-n",
    "-t",
    "-tt",
    "-O",
    "-P",
    "-Z",
    "-s",
    "-lf",
    "--temp-path",
    "--suffixes",
    "--from-date",
    "--before-date",
    "--output-file",
    "--password",
    "--compression-method",
    "--split-size",
    "--logfile-path",
];

/// For `zip [options] ZIPFILE FILE…`, each file it puts at the root of the zip.
fn zip_entries(arguments: &[Word]) -> Vec<Output> {
    let mut junk_paths = false;
    let mut operands = Vec::new();
    let mut words = arguments.iter();
    while let Some(word) = words.next() {
        let text = word.text.as_str();
        if matches!(text, "-x" | "-i" | "--exclude" | "--include") {
            break;
        }
        if ZIP_OPTIONS_WITH_VALUE.contains(&text) {
            words.next();
        } else if text == "--junk-paths" {
            junk_paths = true;
        } else if let Some(letters) = text.strip_prefix('-').filter(|letters| !letters.is_empty()) {
            junk_paths |= !letters.starts_with('-') && letters.contains('j') && letters != "jj";
        } else {
            operands.push(word);
        }
    }
    let Some((zipfile, files)) = operands.split_first() else {
        return Vec::new();
    };
    if zipfile.dynamic {
        return Vec::new();
    }
    // zip adds `.zip` to a name without a suffix.
    let zipfile = match Path::new(&zipfile.text).extension() {
        Some(_) => zipfile.text.clone(),
        None => format!("{}.zip", zipfile.text),
    };
    files
        .iter()
        .filter(|file| !file.dynamic && !file.text.starts_with('@'))
        .filter_map(|file| {
            let entry = match junk_paths {
                true => Path::new(&file.text).file_name()?.to_string_lossy().into_owned(),
                false => file.text.trim_start_matches("./").to_owned(),
            };
            let at_root = !entry.is_empty() && !entry.contains('/') && entry != "." && entry != "..";
            at_root.then(|| Output::ZipEntry {
                zip: zipfile.clone(),
                entry,
                file: file.text.clone(),
            })
        })
        .collect()
}

/// For `build-lambda-zip -o ZIPFILE FILE…` (AWS's tool, which sets the executable bit), each
/// file, under its own name at the root of the zip.
fn build_lambda_zip_entries(arguments: &[Word]) -> Vec<Output> {
    let mut zipfile = None;
    let mut files = Vec::new();
    let mut words = arguments.iter();
    while let Some(word) = words.next() {
        match word.text.as_str() {
            "-o" | "--output" | "-output" => zipfile = words.next(),
            text if text.starts_with('-') => {}
            _ => files.push(word),
        }
    }
    let Some(zipfile) = zipfile.filter(|zipfile| !zipfile.dynamic) else {
        return Vec::new();
    };
    files
        .iter()
        .filter(|file| !file.dynamic)
        .filter_map(|file| {
            Some(Output::ZipEntry {
                zip: zipfile.text.clone(),
                entry: Path::new(&file.text).file_name()?.to_string_lossy().into_owned(),
                file: file.text.clone(),
            })
        })
        .collect()
}

/// The simple commands of a line of shell text, split at `&&`, `||`, `;`, `|`, `&` and
/// parentheses; a `#` starting a word ends the line.
fn commands(line: &str) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut words = Vec::new();
    let mut word: Option<Word> = None;
    let mut start = 0;
    let mut chars = line.char_indices().peekable();
    let finish_word = |word: &mut Option<Word>, words: &mut Vec<Word>| {
        if let Some(done) = word.take() {
            words.push(done);
        }
    };
    while let Some((at, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => finish_word(&mut word, &mut words),
            '&' | '|' | ';' | '(' | ')' => {
                finish_word(&mut word, &mut words);
                if !words.is_empty() {
                    commands.push(Command {
                        words: std::mem::take(&mut words),
                        text: line[start..at].trim().to_owned(),
                    });
                }
                while chars.next_if(|(_, next)| matches!(next, '&' | '|')).is_some() {}
                start = chars.peek().map_or(line.len(), |(next, _)| *next);
            }
            '#' if word.is_none() => break,
            _ => {
                let current = word.get_or_insert(Word {
                    text: String::new(),
                    dynamic: false,
                });
                match c {
                    '\'' => {
                        for (_, quoted) in chars.by_ref() {
                            if quoted == '\'' {
                                break;
                            }
                            current.text.push(quoted);
                        }
                    }
                    '"' => {
                        while let Some((_, quoted)) = chars.next() {
                            match quoted {
                                '"' => break,
                                '\\' => current.text.extend(chars.next().map(|(_, escaped)| escaped)),
                                '$' | '`' => expansion(quoted, &mut chars, current),
                                _ => current.text.push(quoted),
                            }
                        }
                    }
                    '\\' => current.text.extend(chars.next().map(|(_, escaped)| escaped)),
                    '$' | '`' => expansion(c, &mut chars, current),
                    '*' | '?' | '[' | '{' => {
                        current.dynamic = true;
                        current.text.push(c);
                    }
                    _ => current.text.push(c),
                }
            }
        }
    }
    finish_word(&mut word, &mut words);
    if !words.is_empty() {
        commands.push(Command {
            words,
            text: line[start..].trim().to_owned(),
        });
    }
    commands
}

/// Copies an expansion (`$NAME`, `${…}`, `$(…)`, `` `…` ``) into the word as written, marking
/// the word's value unknown.
fn expansion(first: char, chars: &mut std::iter::Peekable<std::str::CharIndices>, word: &mut Word) {
    word.dynamic = true;
    word.text.push(first);
    let (opening, closing) = match (first, chars.peek().map(|(_, next)| *next)) {
        ('`', _) => {
            for (_, c) in chars.by_ref() {
                word.text.push(c);
                if c == '`' {
                    return;
                }
            }
            return;
        }
        (_, Some('(')) => ('(', ')'),
        (_, Some('{')) => ('{', '}'),
        _ => {
            while let Some((_, c)) = chars.next_if(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '?')) {
                word.text.push(c);
            }
            return;
        }
    };
    let mut depth = 0;
    for (_, c) in chars.by_ref() {
        word.text.push(c);
        if c == opening {
            depth += 1;
        } else if c == closing {
            depth -= 1;
            if depth == 0 {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(cwd: &str, line: &str) -> Vec<(String, String)> {
        let mut shell = Shell::new(Path::new("/p/scripts"), vec![PathBuf::from(cwd)]);
        let mut out = Vec::new();
        shell.run(line, &mut out);
        out.into_iter()
            .map(|written| (written.target.to_string_lossy().into_owned(), written.entry))
            .collect()
    }

    fn pair(target: &str, entry: &str) -> (String, String) {
        (target.to_owned(), entry.to_owned())
    }

    #[test]
    fn go_build_output_under_environment_and_quotes() {
        assert_eq!(
            run(
                "/p",
                "GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -ldflags \"-s -w\" -o \"./bin/bootstrap\" ./cmd"
            ),
            vec![pair("/p/bin", "bootstrap")]
        );
        assert_eq!(
            run("/p", "env GOOS=linux go build -o=bin/main ."),
            vec![pair("/p/bin", "main")]
        );
    }

    #[test]
    fn expansions_name_nothing() {
        assert!(run("/p", "go build -o $(BIN)/bootstrap").is_empty());
        assert!(run("/p", "go build -o \"${OUT}/bootstrap\"").is_empty());
        assert!(run("/p", "go build ./cmd").is_empty());
        assert!(run("/p", "echo go build -o bin/bootstrap").is_empty());
    }

    #[test]
    fn cd_moves_the_commands_after_it() {
        assert_eq!(
            run("/p", "cd lambda && go build -o ../bin/bootstrap ."),
            vec![pair("/p/bin", "bootstrap")]
        );
        assert!(run("/p", "cd \"$SRC\" && go build -o bin/bootstrap .").is_empty());
        assert_eq!(
            run("/p", "cd \"$(dirname \"$0\")/..\" && go build -o bin/bootstrap"),
            vec![pair("/p/bin", "bootstrap")]
        );
    }

    #[test]
    fn zip_puts_files_at_the_root_of_the_zip() {
        assert_eq!(
            run("/p", "cd bin && zip -q ../dist/worker.zip bootstrap"),
            vec![pair("/p/dist/worker.zip", "bootstrap")]
        );
        assert_eq!(
            run("/p", "zip -j9 dist/worker bin/main"),
            vec![pair("/p/dist/worker.zip", "main")]
        );
        // Without -j, the entry keeps its folder.
        assert!(run("/p", "zip dist/worker.zip bin/bootstrap").is_empty());
        assert_eq!(
            run("/p", "build-lambda-zip -o dist/worker.zip bin/bootstrap"),
            vec![pair("/p/dist/worker.zip", "bootstrap")]
        );
    }

    #[test]
    fn comments_and_separators() {
        assert!(run("/p", "# go build -o bin/bootstrap").is_empty());
        assert_eq!(
            run(
                "/p",
                "test -d bin || mkdir bin; go build -o bin/bootstrap . # the binary"
            ),
            vec![pair("/p/bin", "bootstrap")]
        );
        let commands = commands("a b && c 'd e' | f");
        let texts: Vec<&str> = commands.iter().map(|command| command.text.as_str()).collect();
        assert_eq!(texts, ["a b", "c 'd e'", "f"]);
    }

    #[test]
    fn a_script_may_run_from_its_folder_or_the_project_folder() {
        let mut shell = Shell::new(
            Path::new("/p/scripts"),
            vec![PathBuf::from("/p/scripts"), PathBuf::from("/p")],
        );
        let mut out = Vec::new();
        shell.run("go build -o bin/bootstrap", &mut out);
        let targets: Vec<&Path> = out.iter().map(|written| written.target.as_path()).collect();
        assert_eq!(targets, [Path::new("/p/scripts/bin"), Path::new("/p/bin")]);
        shell.run("pushd build", &mut out);
        shell.run("popd", &mut out);
        shell.run("cd $WHERE", &mut out);
        out.clear();
        shell.run("go build -o bin/bootstrap", &mut out);
        assert!(out.is_empty());
    }
}
