//! The code package a function's `filename` names: the zip a `data "archive_file"` makes (of one
//! file, a folder, or `source` blocks written out), or a zip by its path.

use std::path::PathBuf;

use super::values::{unwrapped, Scope};
use super::{block_body, block_type, named_children, Located, ResourceBlock, TerraformProject};
use crate::cloud::{CodePackage, WrittenFile};
use crate::syntax::kind_of;

impl<'a> TerraformProject<'a> {
    /// `None` when the package is not written out (an S3 object, an image, a computed path).
    pub(super) fn code_package(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> Option<CodePackage> {
        let filename = self.origin(self.argument(body, "filename")?, scope)?.written;
        match self.archive_file(filename) {
            Some(archive) => self.archive_package(archive),
            None => self.path_package(filename),
        }
    }

    /// The `archive_file` data source of the expression's module whose `output_path` it reads.
    fn archive_file(&self, expression: Located<'a>) -> Option<&ResourceBlock<'a>> {
        let names = self.traversal(expression)?;
        let ["data", "archive_file", name, "output_path"] = names.as_slice() else {
            return None;
        };
        self.folder_of(expression)
            .data_sources
            .iter()
            .find(|data| data.kind == "archive_file" && data.name == *name)
    }

    /// What an `archive_file` zips: the file `source_file` names, at the zip's root under its
    /// own name; the contents of the `source_dir` folder; or its `source` blocks, each a file
    /// with its content.
    fn archive_package(&self, archive: &ResourceBlock<'a>) -> Option<CodePackage> {
        let by = "`archive_file`".to_owned();
        if let Some(file) = self.argument(archive.body, "source_file") {
            let (folder, path) = self.package_path(file)?;
            let name = folder.join(&path).file_name()?.to_string_lossy().into_owned();
            return Some(CodePackage::WrittenOut {
                by,
                files: vec![WrittenFile {
                    name,
                    text: None,
                    copy_of: Some((folder, path)),
                }],
            });
        }
        if let Some(folder) = self.argument(archive.body, "source_dir") {
            let (folder, path) = self.package_path(folder)?;
            return Some(CodePackage::FileArchive {
                path,
                folder: Some(folder),
            });
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
            .collect::<Option<Vec<WrittenFile>>>()?;
        (!files.is_empty()).then_some(CodePackage::WrittenOut { by, files })
    }

    /// A zip by its path: what Terraform uploads is whatever is there when it runs.
    fn path_package(&self, path: Located<'a>) -> Option<CodePackage> {
        let (folder, path) = self.package_path(path)?;
        Some(CodePackage::FileArchive {
            path,
            folder: Some(folder),
        })
    }

    /// A path written out, as the folder it starts from and the rest: `"${path.module}/bin"`
    /// starts from the module's folder, `"${path.root}/bin"` and `"bin"` from the root module's
    /// (where Terraform runs).
    fn package_path(&self, expression: Located<'a>) -> Option<(PathBuf, String)> {
        let written = unwrapped(expression);
        if let Some(path) = self.string_literal(written) {
            return Some((self.folders[0].path.clone(), path));
        }
        let template = template_of(written)?;
        let parts: Vec<_> = named_children(template).collect();
        let [start, interpolation, rest, end] = parts.as_slice() else {
            return None;
        };
        let written_out = kind_of(start) == "quoted_template_start"
            && kind_of(interpolation) == "template_interpolation"
            && kind_of(rest) == "template_literal"
            && kind_of(end) == "quoted_template_end";
        if !written_out {
            return None;
        }
        let named = named_children(*interpolation).find(|part| kind_of(part) == "expression")?;
        let folder = match self.traversal(expression.with(named))?.as_slice() {
            ["path", "module"] => self.folder_of(expression).path.clone(),
            ["path", "root"] => self.folders[0].path.clone(),
            _ => return None,
        };
        let rest = self.text(expression.with(*rest));
        Some((folder, rest.strip_prefix('/')?.to_owned()))
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
