//! Which files of a project can matter to a rule, judged from their text before parsing: files
//! that mention a Pulumi package, and the project modules such files import (transitively), where
//! consts and helpers they use may live. Every other file (application code, tests, scripts) is
//! read but never parsed: for most repositories that is most of their TypeScript.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::program::{import_candidates, normalize_path, relative_import_target};

/// For each text (with its path), whether it can matter.
pub fn files_that_matter(files: &[(&std::path::Path, &str)]) -> Vec<bool> {
    let by_path: HashMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(index, (path, _))| (normalize_path(path), index))
        .collect();
    let mut matters: Vec<bool> = files.iter().map(|(_, text)| text.contains("@pulumi/")).collect();
    let mut queue: Vec<usize> = (0..files.len()).filter(|&index| matters[index]).collect();
    let mut seen: HashSet<usize> = queue.iter().copied().collect();
    while let Some(index) = queue.pop() {
        let (path, text) = files[index];
        for specifier in relative_specifiers(text) {
            let Some(target) = relative_import_target(path, specifier) else {
                continue;
            };
            let imported = import_candidates(&target)
                .iter()
                .find_map(|candidate| by_path.get(candidate).copied());
            if let Some(imported) = imported.filter(|imported| seen.insert(*imported)) {
                matters[imported] = true;
                queue.push(imported);
            }
        }
    }
    matters
}

/// Every string literal in the text that starts like a relative module path (`"./iam"`,
/// `'../config'`): a superset of the file's relative imports, found without parsing.
fn relative_specifiers(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    (0..bytes.len()).filter_map(move |start| {
        let quote = bytes[start];
        if !matches!(quote, b'"' | b'\'' | b'`') || !text[start + 1..].starts_with('.') {
            return None;
        }
        let rest = &text[start + 1..];
        let end = rest.find([quote as char, '\n'])?;
        let specifier = &rest[..end];
        (specifier.starts_with("./") || specifier.starts_with("../")).then_some(specifier)
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn keeps_pulumi_files_and_what_they_import_transitively() {
        let files = [
            (
                Path::new("/p/index.ts"),
                "import * as aws from \"@pulumi/aws\";\nimport { RT } from './config';\n",
            ),
            (Path::new("/p/config.ts"), "export { RT } from \"./runtimes/go\";\n"),
            (Path::new("/p/runtimes/go.ts"), "export const RT = \"go1.x\";\n"),
            (
                Path::new("/p/lazy.ts"),
                "const m = await import(\"./handlers/late.js\");\n",
            ),
            (Path::new("/p/handlers/late.ts"), "export const x = 1;\n"),
            (
                Path::new("/p/app/handler.ts"),
                "import { helper } from \"../lib/helper\";\nexport const handler = helper;\n",
            ),
            (Path::new("/p/lib/helper.ts"), "export const helper = () => 1;\n"),
        ];
        assert_eq!(
            files_that_matter(&files),
            vec![true, true, true, false, false, false, false]
        );
    }

    #[test]
    fn require_and_dynamic_imports_count() {
        let files = [
            (Path::new("/p/index.ts"), "const aws = require(\"@pulumi/aws\");\nconst shared = require(\"./shared\");\nconst later = import(\"./later\");\n"),
            (Path::new("/p/shared/index.ts"), "module.exports = {};\n"),
            (Path::new("/p/later.ts"), "export {};\n"),
        ];
        assert_eq!(files_that_matter(&files), vec![true, true, true]);
    }
}
