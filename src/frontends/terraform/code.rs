//! The code package a function's `filename` names: the zip a `data "archive_file"` makes (of one
//! file, a folder, or `source` blocks written out), or a zip by its path.

use std::path::PathBuf;

use super::values::{unwrapped, Scope};
use super::{block_body, block_type, named_children, Located, ResourceBlock, TerraformProject};
use crate::cloud::{CodePackage, WrittenFile};
use crate::syntax::kind_of;

/// How many references a package path is followed through (`local.path` built from
/// `local.folder`): more than real modules nest, and few enough to end on a cycle.
const PATH_HOPS: usize = 8;

/// A path as Terraform reads it: the folder it starts from, when it names one (`path.module`),
/// and the rest.
struct PathText {
    folder: Option<PathBuf>,
    rest: String,
}

impl<'a> TerraformProject<'a> {
    /// `None` when the package is not written out (an S3 object, an image, a computed path).
    pub(super) fn code_package(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> Option<CodePackage> {
        let filename = self.argument(body, "filename")?;
        if let Some(archive) = self.archive_file(filename, scope) {
            return Some(self.archive_package(archive, scope));
        }
        let (folder, path) = self.package_path(filename, scope)?;
        Some(CodePackage::FileArchive {
            path,
            folder: Some(folder),
        })
    }

    /// The `archive_file` data source of the expression's module that makes the zip it names:
    /// the one whose `output_path` it reads, or whose `output_path` is the same path (both
    /// written through one `local`, or written alike).
    fn archive_file(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<&ResourceBlock<'a>> {
        let archives = self
            .folder_of(expression)
            .data_sources
            .iter()
            .filter(|data| data.kind == "archive_file");
        let origin = self.origin(expression, scope)?.written;
        // An instance of an archive made per element (`data.archive_file.fn[each.key]`) is one
        // of its zips: the archive judged as a whole stands for each.
        let read = self
            .traversal(origin)
            .or_else(|| self.traversal_through_index(origin, 3));
        if let Some(["data", "archive_file", name, "output_path"]) = read.as_deref() {
            return archives.clone().find(|data| data.name == *name);
        }
        let path = self.package_path(expression, scope)?;
        archives.clone().find(|archive| {
            self.argument(archive.body, "output_path")
                .and_then(|output| self.package_path(output, scope))
                .is_some_and(|output| output == path)
        })
    }

    /// What an `archive_file` zips: the file `source_file` names, at the zip's root under its
    /// own name; the contents of the `source_dir` folder; or its `source` blocks, each a file
    /// with its content. A source whose path infrafix cannot read is a package it cannot judge:
    /// the program makes it, so nothing built elsewhere will be what deploys.
    fn archive_package(&self, archive: &ResourceBlock<'a>, scope: &Scope<'_, 'a>) -> CodePackage {
        let by = "`archive_file`".to_owned();
        let unreadable = |setting: &str, written: Located<'a>| CodePackage::Unjudged {
            reason: format!(
                "its `archive_file` zips `{setting} = {}`, a path infrafix cannot read",
                self.text(written)
            ),
        };
        if let Some(file) = self.argument(archive.body, "source_file") {
            let read = self.package_path(file, scope).and_then(|(folder, path)| {
                let name = folder.join(&path).file_name()?.to_string_lossy().into_owned();
                Some((folder, path, name))
            });
            let Some((folder, path, name)) = read else {
                return unreadable("source_file", file);
            };
            return CodePackage::WrittenOut {
                by,
                files: vec![WrittenFile {
                    name,
                    text: None,
                    copy_of: Some((folder, path)),
                }],
            };
        }
        if let Some(folder) = self.argument(archive.body, "source_dir") {
            let Some((folder, path)) = self.package_path(folder, scope) else {
                return unreadable("source_dir", folder);
            };
            return CodePackage::FileArchive {
                path,
                folder: Some(folder),
            };
        }
        let files = named_children(archive.body.node)
            .filter(|child| {
                kind_of(child) == "block" && block_type(*child, self.file_text(archive.body.file)) == Some("source")
            })
            .map(|block| {
                let body = block_body(archive.body.with(block))?;
                Some(WrittenFile {
                    name: self.string_literal(unwrapped(self.argument(body, "filename")?))?,
                    text: self
                        .argument(body, "content")
                        .and_then(|content| self.template_text(content)),
                    copy_of: None,
                })
            })
            .collect::<Option<Vec<WrittenFile>>>();
        match files {
            Some(files) if !files.is_empty() => CodePackage::WrittenOut { by, files },
            _ => CodePackage::Unjudged {
                reason: "infrafix cannot read what its `archive_file` zips".to_owned(),
            },
        }
    }

    /// A path, as the folder it starts from and the rest: `"${path.module}/bin"` starts from
    /// the folder of the module that writes it, `"${path.root}/bin"` and `"bin"` from the root
    /// module's (where Terraform runs). It may be written through locals and variables (each
    /// part of `"${local.out}/${local.name}"` too); a variable's default a deployment may
    /// replace is no path infrafix can read.
    fn package_path(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<(PathBuf, String)> {
        let PathText { folder, rest } = self.path_text(expression, scope, 0)?;
        match folder {
            Some(folder) => Some((folder, rest.strip_prefix('/')?.to_owned())),
            None => Some((self.folders[0].path.clone(), rest)),
        }
    }

    fn path_text(&self, expression: Located<'a>, scope: &Scope<'_, 'a>, hops: usize) -> Option<PathText> {
        if hops > PATH_HOPS {
            return None;
        }
        let origin = self.origin(expression, scope)?;
        if origin.overridable {
            return None;
        }
        let written = unwrapped(origin.written);
        if let Some(rest) = self.string_literal(written) {
            return Some(PathText { folder: None, rest });
        }
        let outer = scope.get(..origin.depth)?;
        let parts: Vec<_> = named_children(template_of(written)?).collect();
        let (start, parts) = parts.split_first()?;
        let (end, parts) = parts.split_last()?;
        if kind_of(start) != "quoted_template_start" || kind_of(end) != "quoted_template_end" {
            return None;
        }
        let mut path = PathText {
            folder: None,
            rest: String::new(),
        };
        for part in parts {
            if kind_of(part) == "template_literal" {
                path.rest.push_str(self.text(written.with(*part)));
                continue;
            }
            if kind_of(part) != "template_interpolation" {
                return None;
            }
            let inner = written.with(named_children(*part).find(|inner| kind_of(inner) == "expression")?);
            let starts = path.folder.is_none() && path.rest.is_empty();
            let folder = match self.traversal(inner).as_deref() {
                Some(["path", "module"]) => Some(self.folder_of(written).path.clone()),
                Some(["path", "root"]) => Some(self.folders[0].path.clone()),
                _ => None,
            };
            match (folder, starts) {
                (Some(folder), true) => path.folder = Some(folder),
                (Some(_), false) => return None,
                (None, _) => {
                    let PathText { folder, rest } = self.path_text(inner, outer, hops + 1)?;
                    if folder.is_some() && !starts {
                        return None;
                    }
                    path.folder = path.folder.or(folder);
                    path.rest.push_str(&rest);
                }
            }
        }
        Some(path)
    }

    /// The text a string or heredoc writes, its `${…}` parts left out (what they hold is not
    /// written here).
    fn template_text(&self, expression: Located<'a>) -> Option<String> {
        let written = unwrapped(expression);
        let template = match kind_of(written.node) {
            "string_lit" => written.node,
            _ => template_of(written)?,
        };
        Some(
            named_children(template)
                .filter(|part| kind_of(part) == "template_literal")
                .map(|part| self.text(expression.with(part)))
                .collect(),
        )
    }
}

/// The quoted template or heredoc a `template_expr` holds.
fn template_of(written: Located) -> Option<tree_sitter::Node> {
    if kind_of(written.node) != "template_expr" {
        return None;
    }
    named_children(written.node)
        .next()
        .filter(|template| matches!(kind_of(template), "quoted_template" | "heredoc_template"))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::cloud::{CloudGraph, CodePackage, WrittenFile};
    use crate::frontends::terraform::test_support::with_module;

    /// The package of the one function of a module whose function reads `filename`, after `archive`.
    fn package_of(filename: &str, archive: &str) -> Option<CodePackage> {
        let text = format!(
            "{archive}\nresource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  role          = \"arn:aws:iam::123456789012:role/f\"\n  runtime       = \"go1.x\"\n  handler       = \"main\"\n  filename      = {filename}\n}}\n"
        );
        let mut package = None;
        with_module(&[("main.tf", &text)], |front_end| {
            package = CloudGraph::new(front_end).functions()[0].code.clone();
        });
        package
    }

    fn archive_in_module(path: &str) -> CodePackage {
        CodePackage::FileArchive {
            path: path.to_owned(),
            folder: Some(PathBuf::from("/module")),
        }
    }

    #[test]
    fn paths_start_from_the_module_or_the_root_and_computed_ones_say_nothing() {
        assert_eq!(package_of("\"dist/f.zip\"", ""), Some(archive_in_module("dist/f.zip")));
        assert_eq!(
            package_of("\"${path.module}/dist/f.zip\"", ""),
            Some(archive_in_module("dist/f.zip"))
        );
        assert_eq!(
            package_of("\"${path.root}/dist/f.zip\"", ""),
            Some(archive_in_module("dist/f.zip"))
        );
        assert_eq!(package_of("\"${var.build}/f.zip\"", ""), None);
        assert_eq!(package_of("\"${path.module}/${var.name}.zip\"", ""), None);
    }

    #[test]
    fn paths_are_read_through_locals_and_an_archive_is_found_by_its_output_path() {
        let locals = "locals {\n  out  = \"${path.module}/build\"\n  name = \"bootstrap\"\n  bin  = \"${local.out}/${local.name}\"\n  zip  = \"${path.module}/dist/f.zip\"\n}\n";
        let archive = format!(
            "{locals}data \"archive_file\" \"f\" {{\n  type        = \"zip\"\n  source_file = local.bin\n  output_path = local.zip\n}}\n"
        );
        let Some(CodePackage::WrittenOut { files, .. }) = package_of("local.zip", &archive) else {
            panic!("the archive's one file is the package");
        };
        assert_eq!(files[0].name, "bootstrap");
        assert_eq!(
            files[0].copy_of,
            Some((PathBuf::from("/module"), "build/bootstrap".to_owned()))
        );
        assert_eq!(package_of("local.zip", locals), Some(archive_in_module("dist/f.zip")));
    }

    #[test]
    fn an_archive_source_infrafix_cannot_read_is_unjudged() {
        let archive = "variable \"out\" {}\ndata \"archive_file\" \"f\" {\n  type        = \"zip\"\n  source_file = \"${var.out}/api\"\n  output_path = \"f.zip\"\n}\n";
        assert!(matches!(
            package_of("data.archive_file.f.output_path", archive),
            Some(CodePackage::Unjudged { .. })
        ));
    }

    #[test]
    fn archive_file_zips_a_file_a_folder_or_its_sources() {
        let reads = "data.archive_file.f.output_path";
        let archive = |settings: &str| {
            format!("data \"archive_file\" \"f\" {{\n  type = \"zip\"\n{settings}  output_path = \"f.zip\"\n}}\n")
        };
        assert_eq!(
            package_of(reads, &archive("  source_file = \"${path.module}/bin/main\"\n")),
            Some(CodePackage::WrittenOut {
                by: "`archive_file`".to_owned(),
                files: vec![WrittenFile {
                    name: "main".to_owned(),
                    text: None,
                    copy_of: Some((PathBuf::from("/module"), "bin/main".to_owned()))
                }]
            })
        );
        assert_eq!(
            package_of(reads, &archive("  source_dir = \"${path.module}/build\"\n")),
            Some(archive_in_module("build"))
        );
        let sources = "  source {\n    filename = \"index.js\"\n    content  = <<-EOT\n      require(\"aws-sdk\");\n    EOT\n  }\n  source {\n    filename = \"config.json\"\n    content  = jsonencode({ a = 1 })\n  }\n";
        let Some(CodePackage::WrittenOut { files, .. }) = package_of(reads, &archive(sources)) else {
            panic!("the sources are the package");
        };
        assert_eq!(files[0].name, "index.js");
        assert!(files[0]
            .text
            .as_deref()
            .is_some_and(|text| text.contains("require(\"aws-sdk\")")));
        assert_eq!(
            (files[1].name.as_str(), files[1].text.as_deref()),
            ("config.json", None)
        );
    }
}
