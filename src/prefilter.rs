//! Which files of a project can matter to a rule, judged from their text before parsing: files
//! that mention a Pulumi or AWS CDK package, the modules that import those (transitively: they may pass values
//! into helpers and components), and every module any of these imports (transitively), where
//! consts and helpers they use may live. Every other file (application code, tests, scripts) is
//! read but never parsed: for most repositories that is most of their TypeScript.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::frontends::typescript::{find_module, is_relative, normalize_path, ImportAliases};

/// For each text (with its path), whether it can matter.
pub fn files_that_matter(files: &[(&std::path::Path, &str)], aliases: &ImportAliases) -> Vec<bool> {
    let by_path: HashMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(index, (path, _))| (normalize_path(path), index))
        .collect();
    let imports: Vec<Vec<usize>> = files
        .iter()
        .map(|(path, text)| {
            module_specifiers(text, aliases)
                .filter_map(|specifier| {
                    find_module(path, specifier, aliases, |candidate| by_path.get(candidate).copied())
                })
                .collect()
        })
        .collect();
    let mut importers: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for (importer, imported) in imports.iter().enumerate() {
        for &module in imported {
            importers[module].push(importer);
        }
    }
    let mut matters: Vec<bool> = files
        .iter()
        .map(|(_, text)| {
            ["@pulumi/", "aws-cdk-lib", "@aws-cdk/"]
                .iter()
                .any(|package| text.contains(package))
        })
        .collect();
    // Upwards: a module that imports infrastructure may call its helpers and components, and so
    // pass the values their resources get (`new GoService("audit", { runtime: "go1.x" })`).
    spread_along(&mut matters, &importers);
    // Downwards: the modules those import, where the consts and helpers they use may live.
    spread_along(&mut matters, &imports);
    matters
}

/// Marks every file reachable from a marked one along `edges` (per file, the files it leads to).
fn spread_along(marked: &mut [bool], edges: &[Vec<usize>]) {
    let mut pending: Vec<usize> = (0..marked.len()).filter(|&index| marked[index]).collect();
    while let Some(index) = pending.pop() {
        for &next in &edges[index] {
            if !marked[next] {
                marked[next] = true;
                pending.push(next);
            }
        }
    }
}

/// Every string literal in the text that may name a module of the project: one that starts like
/// a relative path (`"./iam"`, `'../config'`), and where the project has import aliases, any
/// other without spaces (`"@infra/iam"`). A superset of the file's imports of project modules,
/// found without parsing.
pub(crate) fn module_specifiers<'text>(text: &'text str, aliases: &ImportAliases) -> impl Iterator<Item = &'text str> {
    let bare_too = !aliases.is_empty();
    // Jumping from quote to quote: a byte-by-byte scan was 2% of a check of dense code.
    memchr::memchr3_iter(b'"', b'\'', b'`', text.as_bytes()).filter_map(move |start| {
        let quote = text.as_bytes()[start] as char;
        // A quote is one byte, so the next one starts a character.
        let rest = &text[start + 1..];
        if !bare_too && !rest.starts_with('.') {
            return None;
        }
        let end = rest.find([quote, '\n'])?;
        let specifier = &rest[..end];
        let may_be_module = match bare_too {
            true => !specifier.is_empty() && !specifier.contains(char::is_whitespace),
            false => is_relative(specifier),
        };
        may_be_module.then_some(specifier)
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
            files_that_matter(&files, &ImportAliases::default()),
            vec![true, true, true, false, false, false, false]
        );
    }

    #[test]
    fn keeps_the_modules_that_call_infrastructure_and_what_those_import() {
        let files = [
            (
                Path::new("/p/index.ts"),
                "import { service } from \"./stacks\";\nservice(RT);\n",
            ),
            (
                Path::new("/p/stacks/index.ts"),
                "export { service } from \"../services\";\n",
            ),
            (Path::new("/p/services.ts"), "import * as aws from \"@pulumi/aws\";\n"),
            (Path::new("/p/runtime.ts"), "export const RT = \"go1.x\";\n"),
            (Path::new("/p/app.ts"), "import { RT } from \"./runtime\";\n"),
        ];
        assert_eq!(
            files_that_matter(&files, &ImportAliases::default()),
            vec![true, true, true, false, false]
        );
    }

    #[test]
    fn require_and_dynamic_imports_count() {
        let files = [
            (Path::new("/p/index.ts"), "const aws = require(\"@pulumi/aws\");\nconst shared = require(\"./shared\");\nconst later = import(\"./later\");\n"),
            (Path::new("/p/shared/index.ts"), "module.exports = {};\n"),
            (Path::new("/p/later.ts"), "export {};\n"),
        ];
        assert_eq!(
            files_that_matter(&files, &ImportAliases::default()),
            vec![true, true, true]
        );
    }

    #[test]
    fn imports_through_the_projects_aliases_count() {
        let aliases = ImportAliases {
            base_url: None,
            paths_folder: "/p".into(),
            patterns: vec![crate::frontends::typescript::AliasPattern {
                pattern: "@infra/*".into(),
                substitutions: vec!["src/infra/*".into()],
            }],
        };
        let files = [
            (
                Path::new("/p/index.ts"),
                "import { worker } from \"@infra/worker\";\nworker(\"a\", \"go1.x\");\n",
            ),
            (
                Path::new("/p/src/infra/worker.ts"),
                "import * as aws from \"@pulumi/aws\";\n",
            ),
            (Path::new("/p/src/app.ts"), "export const x = \"@infra/none\";\n"),
        ];
        assert_eq!(files_that_matter(&files, &aliases), vec![true, true, false]);
        assert_eq!(
            files_that_matter(&files, &ImportAliases::default()),
            vec![false, true, false]
        );
    }
}
