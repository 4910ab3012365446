//! Whether a Pulumi project's program is written in JavaScript, and which of its `.js` files are
//! sources: infrafix reads the JavaScript of a program that is written in it, never what `tsc`
//! writes from TypeScript sources.

use std::path::{Path, PathBuf};

use super::modules::normalize;
use super::stack_files::{program_folder, program_runtime, turns_typescript_off};

/// The extensions of JavaScript sources; a `.mjs` or `.cjs` file says its module system itself.
const JAVASCRIPT_EXTENSIONS: [&str; 3] = ["js", "mjs", "cjs"];

/// The extensions of the TypeScript sources `tsc` writes a `.js`, `.mjs` or `.cjs` file from.
const TYPESCRIPT_EXTENSIONS: [&str; 4] = ["ts", "tsx", "mts", "cts"];

/// A Pulumi program written in JavaScript, and where `tsc` writes output in its project: what is
/// written there is built, not written by hand.
pub struct JavaScriptProgram {
    compiled_output: Vec<PathBuf>,
}

impl JavaScriptProgram {
    /// Whether a JavaScript file of the program is one of its sources: not what `tsc` writes from
    /// a TypeScript source beside it, nor a file in the output its tsconfig names.
    pub fn has_source(&self, file: &Path) -> bool {
        let file = normalize(file);
        !is_compiled_from_typescript(&file) && !self.compiled_output.iter().any(|output| file.starts_with(output))
    }
}

/// The program of the project in `root` (the folder of its `Pulumi.yaml`) when it is a Node.js
/// program written in JavaScript: the file Node loads first is one of its JavaScript sources (the
/// `main` its package.json names, else `index.js`, the file Pulumi loads when there is no
/// `index.ts`). A tsconfig.json beside it does not make it TypeScript (it may be there to check
/// the JavaScript), but an entry point in the tsconfig's output does, and so does a tsconfig that
/// cannot be read, as its output could be anywhere. A project that turns TypeScript off
/// (`options: { typescript: false }`) is JavaScript whatever its entry point.
pub fn javascript_program(root: &Path) -> Option<JavaScriptProgram> {
    let project = ["Pulumi.yaml", "Pulumi.yml"]
        .iter()
        .find_map(|name| std::fs::read_to_string(root.join(name)).ok())?;
    if program_runtime(&project).as_deref() != Some("nodejs") {
        return None;
    }
    let folder = match program_folder(&project) {
        Some(main) => root.join(main),
        None => root.to_path_buf(),
    };
    let mut compiled_output = super::tsconfig::compiled_output(root)?;
    if normalize(&folder) != normalize(root) {
        compiled_output.extend(super::tsconfig::compiled_output(&folder)?);
    }
    let program = JavaScriptProgram { compiled_output };
    if turns_typescript_off(&project) {
        return Some(program);
    }
    let entry = folder.join(package_main(&folder).unwrap_or_else(|| "index.js".to_owned()));
    (is_javascript(&entry) && entry.is_file() && program.has_source(&entry)).then_some(program)
}

/// Whether a path names a JavaScript source by its extension.
pub fn is_javascript(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| JAVASCRIPT_EXTENSIONS.contains(&extension))
}

/// Whether a JavaScript file has a TypeScript source of the same name beside it, which `tsc`
/// writes it from (or which it was copied from): the source is what the program is written in.
fn is_compiled_from_typescript(javascript: &Path) -> bool {
    TYPESCRIPT_EXTENSIONS
        .iter()
        .map(|extension| javascript.with_extension(extension))
        .any(|source: PathBuf| source.is_file())
}

/// The `main` a folder's package.json names, the file Node loads first.
fn package_main(folder: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(folder.join("package.json")).ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&manifest).ok()?;
    manifest.get("main")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    fn is_javascript_program_in(root: &Path) -> bool {
        javascript_program(root).is_some()
    }

    #[test]
    fn a_javascript_entry_point_makes_a_javascript_program() {
        let plain = project(&[("Pulumi.yaml", "name: a\nruntime: nodejs\n"), ("index.js", "")]);
        assert!(is_javascript_program_in(plain.path()));
        let main = project(&[
            ("Pulumi.yaml", "name: a\nruntime:\n  name: nodejs\n"),
            ("package.json", "{ \"main\": \"src/main.mjs\" }"),
            ("src/main.mjs", ""),
        ]);
        assert!(is_javascript_program_in(main.path()));
        let off = project(&[(
            "Pulumi.yaml",
            "name: a\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n",
        )]);
        assert!(is_javascript_program_in(off.path()));
    }

    #[test]
    fn typescript_and_its_output_are_not_a_javascript_program() {
        let typescript = project(&[("Pulumi.yaml", "name: a\nruntime: nodejs\n"), ("index.ts", "")]);
        assert!(!is_javascript_program_in(typescript.path()));
        let compiled_beside = project(&[
            ("Pulumi.yaml", "name: a\nruntime: nodejs\n"),
            ("index.ts", ""),
            ("index.js", ""),
        ]);
        assert!(!is_javascript_program_in(compiled_beside.path()));
        let built = project(&[
            ("Pulumi.yaml", "name: a\nruntime: nodejs\n"),
            ("package.json", "{ \"main\": \"bin/index.js\" }"),
            ("tsconfig.json", "{ \"compilerOptions\": { \"outDir\": \"bin\" } }"),
            ("bin/index.js", ""),
        ]);
        assert!(!is_javascript_program_in(built.path()));
        let python = project(&[("Pulumi.yaml", "name: a\nruntime: python\n"), ("index.js", "")]);
        assert!(!is_javascript_program_in(python.path()));
    }

    #[test]
    fn a_tsconfig_that_checks_javascript_leaves_it_a_javascript_program() {
        let checked = project(&[
            ("Pulumi.yaml", "name: a\nruntime: nodejs\n"),
            ("package.json", "{ \"main\": \"index.js\" }"),
            (
                "tsconfig.json",
                "{\n  // type-checks the program\n  \"compilerOptions\": { \"allowJs\": true, \"checkJs\": true, \"outDir\": \"dist\", },\n}",
            ),
            ("index.js", ""),
            ("queues.js", ""),
            ("dist/index.js", ""),
        ]);
        let program = javascript_program(checked.path()).expect("a JavaScript program");
        assert!(program.has_source(&checked.path().join("queues.js")));
        assert!(!program.has_source(&checked.path().join("dist/index.js")));
        let unreadable = project(&[
            ("Pulumi.yaml", "name: a\nruntime: nodejs\n"),
            ("tsconfig.json", "{ \"compilerOptions\": "),
            ("index.js", ""),
        ]);
        assert!(!is_javascript_program_in(unreadable.path()));
    }
}
