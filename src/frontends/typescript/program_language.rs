//! Whether a Pulumi project's program is written in JavaScript, and which of its `.js` files are
//! sources: infrafix reads the JavaScript of a program that is written in it, never what `tsc`
//! writes from TypeScript sources.

use std::path::{Path, PathBuf};

use super::stack_files::{program_folder, program_runtime, turns_typescript_off};

/// The extensions of JavaScript sources; a `.mjs` or `.cjs` file says its module system itself.
const JAVASCRIPT_EXTENSIONS: [&str; 3] = ["js", "mjs", "cjs"];

/// The extensions of the TypeScript sources `tsc` writes a `.js`, `.mjs` or `.cjs` file from.
const TYPESCRIPT_EXTENSIONS: [&str; 4] = ["ts", "tsx", "mts", "cts"];

/// Whether the project in `root` (the folder of its `Pulumi.yaml`) is a Node.js program written in
/// JavaScript: its runtime is `nodejs`, no `tsconfig.json` makes it a TypeScript build, and the
/// file Node loads first is JavaScript of its own, not what `tsc` writes from a TypeScript source
/// beside it: the `main` its package.json names, else `index.js` (the file Pulumi loads when there
/// is no `index.ts`). A project that turns TypeScript off (`options: { typescript: false }`) is
/// JavaScript whatever its entry point.
pub fn is_javascript_program(root: &Path) -> bool {
    let Some(project) = ["Pulumi.yaml", "Pulumi.yml"]
        .iter()
        .find_map(|name| std::fs::read_to_string(root.join(name)).ok())
    else {
        return false;
    };
    if program_runtime(&project).as_deref() != Some("nodejs") || root.join("tsconfig.json").is_file() {
        return false;
    }
    if turns_typescript_off(&project) {
        return true;
    }
    let folder = match program_folder(&project) {
        Some(main) => root.join(main),
        None => root.to_path_buf(),
    };
    if folder.join("tsconfig.json").is_file() {
        return false;
    }
    let entry = folder.join(package_main(&folder).unwrap_or_else(|| "index.js".to_owned()));
    is_javascript(&entry) && entry.is_file() && !is_compiled_from_typescript(&entry)
}

/// Whether a path names a JavaScript source by its extension.
pub fn is_javascript(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| JAVASCRIPT_EXTENSIONS.contains(&extension))
}

/// Whether a JavaScript file has a TypeScript source of the same name beside it, which `tsc`
/// writes it from (or which it was copied from): the source is what the program is written in.
pub fn is_compiled_from_typescript(javascript: &Path) -> bool {
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

    #[test]
    fn a_javascript_entry_point_makes_a_javascript_program() {
        let plain = project(&[("Pulumi.yaml", "name: a\nruntime: nodejs\n"), ("index.js", "")]);
        assert!(is_javascript_program(plain.path()));
        let main = project(&[
            ("Pulumi.yaml", "name: a\nruntime:\n  name: nodejs\n"),
            ("package.json", "{ \"main\": \"src/main.mjs\" }"),
            ("src/main.mjs", ""),
        ]);
        assert!(is_javascript_program(main.path()));
        let off = project(&[(
            "Pulumi.yaml",
            "name: a\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n",
        )]);
        assert!(is_javascript_program(off.path()));
    }

    #[test]
    fn typescript_and_its_output_are_not_a_javascript_program() {
        let typescript = project(&[("Pulumi.yaml", "name: a\nruntime: nodejs\n"), ("index.ts", "")]);
        assert!(!is_javascript_program(typescript.path()));
        let compiled_beside = project(&[
            ("Pulumi.yaml", "name: a\nruntime: nodejs\n"),
            ("index.ts", ""),
            ("index.js", ""),
        ]);
        assert!(!is_javascript_program(compiled_beside.path()));
        let built = project(&[
            ("Pulumi.yaml", "name: a\nruntime: nodejs\n"),
            ("package.json", "{ \"main\": \"bin/index.js\" }"),
            ("tsconfig.json", "{ \"compilerOptions\": { \"outDir\": \"bin\" } }"),
            ("bin/index.js", ""),
        ]);
        assert!(!is_javascript_program(built.path()));
        let python = project(&[("Pulumi.yaml", "name: a\nruntime: python\n"), ("index.js", "")]);
        assert!(!is_javascript_program(python.path()));
    }
}
