//! The npm packages a function's JavaScript loads: a runtime must provide each one, or the code
//! package must bundle it.

use crate::syntax::{kind_of, named_children, named_descendants, node_text, parse, Dialect, Fields};

/// One package the code loads, where it first does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageLoad {
    /// The package's name: a specifier's first segment, two for a scoped package (`aws-sdk` for
    /// `aws-sdk/clients/s3`, `@aws-sdk/client-s3` for itself).
    pub package: String,
    /// 1-based, in the source read.
    pub line: usize,
}

/// What a module loads: the npm packages, and the files of its own project it imports by a
/// relative path (`./lib/db`), which a bundler or Node.js loads with it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ModuleLoads {
    pub packages: Vec<PackageLoad>,
    /// The relative specifiers as written (`./lib/db`, `../shared/config.js`), each once.
    pub relative: Vec<String>,
}

/// Every package `source` loads with `require("…")`, `import("…")`, `import … from "…"` or
/// `export … from "…"`, each once, in the order of the source. Relative paths and Node's own
/// modules load no package. The TypeScript grammar reads JavaScript too; a source it cannot
/// parse loads nothing that infrafix can tell.
pub fn package_loads(source: &str) -> Vec<PackageLoad> {
    module_loads(source).packages
}

/// The packages and the relative imports of `source`, read as `package_loads` reads packages.
pub fn module_loads(source: &str) -> ModuleLoads {
    let Ok(tree) = parse(source, Dialect::TypeScript) else {
        return ModuleLoads::default();
    };
    let mut loads = ModuleLoads::default();
    for node in named_descendants(tree.root_node()) {
        let specifier = match kind_of(node) {
            "call_expression" => node
                .field("function")
                .filter(|callee| matches!(node_text(*callee, source), "require" | "import"))
                .and_then(|_| node.field("arguments"))
                .and_then(|arguments| named_children(arguments).next()),
            // `import type … from "…"` is erased when TypeScript compiles: it loads nothing.
            "import_statement" | "export_statement" if !is_type_only(node) => node.field("source"),
            _ => None,
        };
        let Some(name) = specifier.and_then(|specifier| written_specifier(specifier, source)) else {
            continue;
        };
        if name.starts_with("./") || name.starts_with("../") {
            if !loads.relative.iter().any(|known| known == name) {
                loads.relative.push(name.to_owned());
            }
            continue;
        }
        let Some(package) = package_named(name) else {
            continue;
        };
        if !loads.packages.iter().any(|load| load.package == package) {
            loads.packages.push(PackageLoad {
                package,
                line: node.start_position().row + 1,
            });
        }
    }
    loads
}

/// Whether an import or export statement is `import type …` or `export type …`.
fn is_type_only(statement: tree_sitter::Node) -> bool {
    statement.child(1).is_some_and(|keyword| kind_of(keyword) == "type")
}

/// The specifier a string literal (or a template literal without substitutions) writes out.
fn written_specifier<'source>(specifier: tree_sitter::Node, source: &'source str) -> Option<&'source str> {
    let written_out = match kind_of(specifier) {
        "string" => true,
        "template_string" => named_children(specifier).all(|part| kind_of(part) == "string_fragment"),
        _ => false,
    };
    if !written_out {
        return None;
    }
    let quoted = node_text(specifier, source);
    quoted.get(1..quoted.len().checked_sub(1)?)
}

/// The package a specifier names, when it names one: not a path, nor a module of Node.js.
fn package_named(name: &str) -> Option<String> {
    if name.is_empty() || name.starts_with(['.', '/']) || name.starts_with("node:") || NODE_MODULES.contains(&name) {
        return None;
    }
    let mut segments = name.split('/');
    let first = segments.next()?;
    match first.starts_with('@') {
        true => Some(format!("{first}/{}", segments.next()?)),
        false => Some(first.to_owned()),
    }
}

/// Modules Node.js itself provides, which a runtime never lacks (the ones Lambda code loads).
const NODE_MODULES: &[&str] = &[
    "assert",
    "buffer",
    "child_process",
    "crypto",
    "dns",
    "events",
    "fs",
    "fs/promises",
    "http",
    "https",
    "net",
    "os",
    "path",
    "querystring",
    "readline",
    "stream",
    "string_decoder",
    "timers",
    "tls",
    "url",
    "util",
    "zlib",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn packages(source: &str) -> Vec<(String, usize)> {
        package_loads(source)
            .into_iter()
            .map(|load| (load.package, load.line))
            .collect()
    }

    #[test]
    fn requires_imports_and_re_exports_name_their_packages() {
        let source = r#"const AWS = require("aws-sdk");
const S3 = require('aws-sdk/clients/s3');
import { SQSClient } from "@aws-sdk/client-sqs";
const fs = require("fs");
const local = require("./lib/util");
export { thing } from "lodash/fp";
async function later() { return import("uuid"); }
"#;
        assert_eq!(
            packages(source),
            vec![
                ("aws-sdk".to_owned(), 1),
                ("@aws-sdk/client-sqs".to_owned(), 3),
                ("lodash".to_owned(), 6),
                ("uuid".to_owned(), 7),
            ]
        );
    }

    #[test]
    fn relative_imports_are_kept_apart_from_packages() {
        let source = "import { db } from \"./lib/db.js\";\nconst util = require('../shared/util');\nimport \"./lib/db.js\";\nimport type { Row } from \"./types\";\nimport AWS from \"aws-sdk\";\n";
        let loads = module_loads(source);
        assert_eq!(
            loads.relative,
            vec!["./lib/db.js".to_owned(), "../shared/util".to_owned()]
        );
        assert_eq!(
            loads.packages,
            vec![PackageLoad {
                package: "aws-sdk".to_owned(),
                line: 5
            }]
        );
    }

    #[test]
    fn type_only_imports_and_exports_load_nothing() {
        let source = "import type { DynamoDB } from 'aws-sdk';\nexport type { S3 } from 'aws-sdk';\nimport { SNS } from \"aws-sdk\";\n";
        assert_eq!(packages(source), vec![("aws-sdk".to_owned(), 3)]);
    }

    #[test]
    fn a_name_in_a_comment_or_a_computed_specifier_loads_nothing() {
        let source = "// require(\"aws-sdk\") was v2\nconst name = \"aws-sdk\";\nconst sdk = require(name);\nrequire(`${name}/clients`);\n";
        assert_eq!(packages(source), Vec::new());
        assert_eq!(
            packages("const AWS = require(`aws-sdk`);"),
            vec![("aws-sdk".to_owned(), 1)]
        );
    }
}
