//! The code package a Lambda function deploys, as its `code` argument writes it.

use std::path::Path;

use super::scope::Declaration;
use super::{cdk, named_children, ImportKind, Located, Package, Program, ResourceDecl, StringOrigin};
use crate::cloud::{BundleExternals, CodePackage, WrittenFile, INLINE_CODE_FILE};
use crate::syntax::{kind_of, Fields};

impl<'tree> Program<'tree> {
    /// The package a function's `code` names; `None` when it is not written as a FileArchive,
    /// an AssetArchive whose contents the source spells out, the CDK's inline code, or its
    /// `Code.fromAsset` of a path written out or with a bundling command that builds into the
    /// package (an S3 object, a computed path, a spread). A construct that builds its own code
    /// (`GoFunction`) makes the package it names.
    pub(super) fn code_package(&self, function: &ResourceDecl<'tree>) -> Option<CodePackage> {
        if let Some((construct, executable)) = cdk::executable_built_by(&function.class) {
            return Some(CodePackage::BuiltByConstruct {
                by: construct.to_owned(),
                executable: executable.to_owned(),
            });
        }
        if let Some(construct) = cdk::bundling_construct(&function.class) {
            return self.esbuild_package(function, construct);
        }
        let code = self.property(function.args()?, "code")?;
        let archive = self.written_value(code.value);
        // The CDK's `Code.fromAsset(path)` deploys a folder or a zip, as a FileArchive does.
        if let Some(path) = self.asset_path(archive) {
            return self.archive_path(path);
        }
        // With a bundling command, it deploys what the command writes.
        if let Some(script) = self.asset_bundling_script(archive) {
            let files = crate::packaging::bundled_files(&script);
            return (!files.is_empty()).then_some(CodePackage::Bundled { files });
        }
        let callee_field = match kind_of(archive.node) {
            "new_expression" => "constructor",
            "call_expression" => "function",
            _ => return None,
        };
        let callee = self.package_member(Located {
            file: archive.file,
            node: archive.node.field(callee_field)?,
        })?;
        let first_argument = *self.call_arguments(archive).first()?;
        let is = |path: &[&str]| callee.is(Package::Pulumi, path);
        let is_cdk = |path: &[&str]| callee.is(Package::Cdk, path);
        match callee_field {
            "constructor" if is(&["asset", "FileArchive"]) => self.archive_path(first_argument),
            "constructor" if is(&["asset", "AssetArchive"]) => {
                self.archive_files(first_argument).map(|files| CodePackage::WrittenOut {
                    by: "AssetArchive".to_owned(),
                    files,
                })
            }
            "constructor" if is_cdk(&["aws_lambda", "InlineCode"]) => {
                Some(inline_package("`InlineCode`", first_argument, self))
            }
            "function"
                if is_cdk(&["aws_lambda", "Code", "fromInline"])
                    || is_cdk(&["aws_lambda", "InlineCode", "fromInline"]) =>
            {
                Some(inline_package("`Code.fromInline`", first_argument, self))
            }
            _ => None,
        }
    }

    /// What a construct that bundles with esbuild (`by`) deploys: the bundle of its `entry` file
    /// (by default the one named after the defining file and the construct's id, beside it), with
    /// the externals its `bundling` props set. `None` when infrafix cannot read either.
    fn esbuild_package(&self, function: &ResourceDecl<'tree>, by: &str) -> Option<CodePackage> {
        let props = function.args();
        let bundle = Bundle {
            by: by.to_owned(),
            externals: self.bundle_externals(props)?,
            export: self.bundled_handler(props),
        };
        if let Some(props) = props.filter(|props| !self.surely_lacks(*props, "entry")) {
            let entry = self.archive_path(self.property(props, "entry")?.value)?;
            return Some(bundle.of_entry(entry));
        }
        let (entry, folder) = self.derived_entry(function)?;
        Some(bundle.of_files(entry, Some(folder)))
    }

    /// The function of the entry a bundling construct's handler runs: its `handler` prop, by
    /// default `handler`. `None` when the prop is not a name written out, or names a module too
    /// (`index.main`, which the construct takes as the whole handler).
    fn bundled_handler(&self, props: Option<Located<'tree>>) -> Option<String> {
        let Some(props) = props.filter(|props| !self.surely_lacks(*props, "handler")) else {
            return Some(cdk::DEFAULT_BUNDLED_HANDLER.to_owned());
        };
        let handler = self.possible_strings(self.property(props, "handler")?.value)?;
        match handler.as_slice() {
            [name] if !name.contains('.') => Some(name.clone()),
            _ => None,
        }
    }

    /// The entry files a bundling construct without `entry` looks for, in order, and their
    /// folder: `stack.api.ts` (then `.js`, …) beside `stack.ts`, which makes it with the id `"api"`.
    fn derived_entry(&self, function: &ResourceDecl<'tree>) -> Option<(Vec<String>, std::path::PathBuf)> {
        let id = self.string_value(Located {
            file: function.file,
            node: function.logical_name?,
        })?;
        let defining = self.file(function.file).path;
        let stem = defining.file_stem()?.to_str()?;
        let candidates = cdk::DERIVED_ENTRY_EXTENSIONS
            .iter()
            .map(|extension| format!("{stem}.{id}{extension}"))
            .collect();
        Some((candidates, defining.parent().unwrap_or(Path::new("")).to_path_buf()))
    }

    /// The packages a bundling construct's props leave out of the bundle: the runtime's SDK
    /// unless `bundling.externalModules` lists others (less those `nodeModules` installs into
    /// the package). `None` when infrafix cannot read the props.
    fn bundle_externals(&self, props: Option<Located<'tree>>) -> Option<BundleExternals> {
        let Some(props) = props.filter(|props| !self.surely_lacks(*props, "bundling")) else {
            return Some(BundleExternals::RuntimeSdk);
        };
        let bundling = self.property(props, "bundling")?.value;
        if self.surely_lacks(bundling, "externalModules") {
            return Some(BundleExternals::RuntimeSdk);
        }
        let listed = self.string_list(self.property(bundling, "externalModules")?.value)?;
        let installed = match self.surely_lacks(bundling, "nodeModules") {
            true => Vec::new(),
            false => self.string_list(self.property(bundling, "nodeModules")?.value)?,
        };
        Some(BundleExternals::Listed {
            setting: cdk::EXTERNAL_MODULES.to_owned(),
            packages: listed.into_iter().filter(|name| !installed.contains(name)).collect(),
        })
    }

    /// Every string an array literal's elements may be; `None` when one is not written out.
    fn string_list(&self, at: Located<'tree>) -> Option<Vec<String>> {
        let array = self.unchanged_literal(at, "array")?;
        let mut strings = Vec::new();
        for element in named_children(array.node).filter(|element| kind_of(*element) != "comment") {
            strings.extend(self.possible_strings(array.with(element))?);
        }
        Some(strings)
    }

    /// An archive's path written out: a string, or `path.join(__dirname, "..", "bin")` (also
    /// `path.resolve`), which starts from the folder of the file that writes it. A path built
    /// from a loop's elements (`build/${name}`, `path.join(__dirname, "build", s.name)`), or a
    /// choice of paths, is any of the packages at the values it may have.
    fn archive_path(&self, path: Located<'tree>) -> Option<CodePackage> {
        let path = self.written_value(path);
        if let Some(paths) = self.possible_strings(path) {
            return Some(any_of_paths(paths, None));
        }
        let callee = self.node_path_function(path.with(path.node.field("function")?))?;
        if !matches!(callee.as_str(), "join" | "resolve") {
            return None;
        }
        let arguments = self.call_arguments(path);
        let (first, parts) = arguments.split_first()?;
        let is_dirname = kind_of(first.node) == "identifier"
            && self.text(*first) == "__dirname"
            && matches!(self.declaration_of(*first), Declaration::NotInFile);
        if !is_dirname {
            return None;
        }
        let mut paths = vec![Vec::new()];
        for part in parts {
            paths = combined(&paths, &self.possible_strings(*part)?)?;
        }
        // `resolve` starts over at an absolute part; `join` does not, and neither is written here.
        if paths.iter().flatten().any(|part| part.starts_with('/')) {
            return None;
        }
        let folder = self
            .file(path.file)
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        Some(any_of_paths(
            paths.into_iter().map(|parts| parts.join("/")).collect(),
            Some(folder),
        ))
    }

    /// Every string an expression may be, when each is written out: a literal, a template
    /// literal whose substitutions are such strings, or a name whose origins are all literals
    /// (a loop element's field, a const). `None` when any part is unknown or there are more
    /// than `MAX_PATHS`.
    fn possible_strings(&self, at: Located<'tree>) -> Option<Vec<String>> {
        let at = self.unwrapped(at);
        if kind_of(at.node) == "template_string" {
            let mut strings = vec![Vec::new()];
            for part in named_children(at.node) {
                let values = match kind_of(part) {
                    "string_fragment" => vec![self.text(at.with(part)).to_owned()],
                    "template_substitution" => self.possible_strings(at.with(named_children(part).next()?))?,
                    _ => return None,
                };
                strings = combined(&strings, &values)?;
            }
            return Some(strings.into_iter().map(|parts| parts.concat()).collect());
        }
        let origins = self.string_origins(at);
        if origins.is_empty() {
            return None;
        }
        let mut strings: Vec<String> = Vec::new();
        for origin in origins {
            let StringOrigin::Literal { value, .. } = origin else {
                return None;
            };
            if !strings.contains(&value) {
                strings.push(value);
            }
        }
        (strings.len() <= MAX_PATHS).then_some(strings)
    }

    /// `join` for `path.join`, `nodePath.join` or an imported `join`, from Node's `path` module.
    fn node_path_function(&self, callee: Located<'tree>) -> Option<String> {
        let (binding_name, member) = match kind_of(callee.node) {
            "member_expression" => (
                callee.with(callee.node.field("object")?),
                Some(self.text(callee.with(callee.node.field("property")?))),
            ),
            "identifier" => (callee, None),
            _ => return None,
        };
        if kind_of(binding_name.node) != "identifier" {
            return None;
        }
        let binding = self.import_of(binding_name)?;
        if !matches!(binding.module.as_str(), "path" | "node:path") {
            return None;
        }
        match (&binding.kind, member) {
            (ImportKind::Namespace, Some(member)) => Some(member.to_owned()),
            (ImportKind::Named { imported }, None) => Some(imported.clone()),
            _ => None,
        }
    }

    /// The files an AssetArchive's object literal names, when every member is a key written out:
    /// each with its text when its asset is a `StringAsset` of code written out.
    fn archive_files(&self, object: Located<'tree>) -> Option<Vec<WrittenFile>> {
        let object = self.object_literal(object)?;
        named_children(object.node)
            .filter(|member| kind_of(member) != "comment")
            .map(|member| match kind_of(member) {
                "pair" => Some(WrittenFile {
                    name: self.property_key(object.with(member.field("key")?))?,
                    text: self.string_asset_text(object.with(member.field("value")?)),
                    copy_of: None,
                }),
                "shorthand_property_identifier" => Some(WrittenFile {
                    name: self.text(object.with(member)).to_owned(),
                    text: None,
                    copy_of: None,
                }),
                _ => None,
            })
            .collect()
    }

    /// The text of `new pulumi.asset.StringAsset(text)`, when the source writes it out.
    fn string_asset_text(&self, asset: Located<'tree>) -> Option<String> {
        let asset = self.written_value(asset);
        if kind_of(asset.node) != "new_expression" {
            return None;
        }
        let class = self.package_member(asset.with(asset.node.field("constructor")?))?;
        if !class.is(Package::Pulumi, &["asset", "StringAsset"]) {
            return None;
        }
        self.inline_code(*self.call_arguments(asset).first()?)
    }
}

/// What a bundling construct makes of whichever entry file it bundles.
struct Bundle {
    by: String,
    externals: BundleExternals,
    export: Option<String>,
}

impl Bundle {
    /// The bundle of the first of the `entry` files that exists.
    fn of_files(&self, entry: Vec<String>, folder: Option<std::path::PathBuf>) -> CodePackage {
        CodePackage::EsbuildBundle {
            by: self.by.clone(),
            entry,
            folder,
            externals: self.externals.clone(),
            export: self.export.clone(),
        }
    }

    /// The bundle of the entry file a path names, or any of those a path built in a loop or a
    /// choice may name.
    fn of_entry(&self, entry: CodePackage) -> CodePackage {
        match entry {
            CodePackage::FileArchive { path, folder } => self.of_files(vec![path], folder),
            CodePackage::AnyOf(paths) => {
                CodePackage::AnyOf(paths.into_iter().map(|path| self.of_entry(path)).collect())
            }
            other => other,
        }
    }
}

/// The package of the CDK's inline code (`by`): one file.
fn inline_package<'tree>(by: &str, code: Located<'tree>, program: &Program<'tree>) -> CodePackage {
    CodePackage::WrittenOut {
        by: by.to_owned(),
        files: vec![WrittenFile {
            name: INLINE_CODE_FILE.to_owned(),
            text: program.inline_code(code),
            copy_of: None,
        }],
    }
}

/// More paths than this from one expression are not judged: no loop names that many packages.
const MAX_PATHS: usize = 32;

/// Every sequence `so_far` followed by one of `next`; `None` past `MAX_PATHS`.
fn combined(so_far: &[Vec<String>], next: &[String]) -> Option<Vec<Vec<String>>> {
    if so_far.len() * next.len() > MAX_PATHS {
        return None;
    }
    Some(
        so_far
            .iter()
            .flat_map(|parts| {
                next.iter().map(move |value| {
                    let mut longer = parts.clone();
                    longer.push(value.clone());
                    longer
                })
            })
            .collect(),
    )
}

/// The package at each path a value may name, any of them when there are several.
fn any_of_paths(paths: Vec<String>, folder: Option<std::path::PathBuf>) -> CodePackage {
    let mut packages: Vec<CodePackage> = paths
        .into_iter()
        .map(|path| CodePackage::FileArchive {
            path,
            folder: folder.clone(),
        })
        .collect();
    match packages.len() {
        1 => packages.remove(0),
        _ => CodePackage::AnyOf(packages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontends::typescript::test_support::with_program;

    fn package_of(source: &str) -> Option<CodePackage> {
        let mut found = None;
        with_program(&[("index.ts", source)], |program| {
            let function = program
                .resources()
                .iter()
                .find(|resource| resource.is_lambda_function())
                .expect("a function");
            found = program.code_package(function);
        });
        found
    }

    #[test]
    fn file_archive_path_through_a_const() {
        let source = r#"import * as aws from "@pulumi/aws";
import { asset } from "@pulumi/pulumi";
const archive = new asset.FileArchive("./bin");
new aws.lambda.Function("f", { runtime: "go1.x", handler: "main", role: "r", code: archive });
"#;
        assert_eq!(
            package_of(source),
            Some(CodePackage::FileArchive {
                path: "./bin".to_owned(),
                folder: None,
            })
        );
    }

    #[test]
    fn a_path_joined_to_dirname_starts_from_the_file_folder() {
        let function = |code: &str| {
            format!(
                "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\nimport * as path from \"path\";\n{code}\nnew aws.lambda.Function(\"f\", {{ runtime: \"go1.x\", handler: \"main\", role: \"r\", code: new pulumi.asset.FileArchive(where) }});\n"
            )
        };
        assert_eq!(
            package_of(&function("const where = path.join(__dirname, \"..\", \"bin\");")),
            Some(CodePackage::FileArchive {
                path: "../bin".to_owned(),
                folder: Some(std::path::PathBuf::new()),
            })
        );
        // A `__dirname` of the file's own, or a part that is not written out, says nothing.
        assert_eq!(
            package_of(&function(
                "const __dirname = \"/srv\";\nconst where = path.join(__dirname, \"bin\");"
            )),
            None
        );
        assert_eq!(
            package_of(&function("const where = path.join(__dirname, process.env.BIN!);")),
            None
        );
    }

    #[test]
    fn asset_archive_entries_only_when_all_are_named() {
        let named = r#"import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
new aws.lambda.Function("f", { runtime: "go1.x", handler: "main", role: "r", code: new pulumi.asset.AssetArchive({
    // the binary
    bootstrap: new pulumi.asset.FileAsset("./bin/bootstrap"),
    "config.json": new pulumi.asset.StringAsset("{}"),
}) });
"#;
        assert_eq!(
            package_of(named),
            Some(CodePackage::WrittenOut {
                by: "AssetArchive".to_owned(),
                files: vec![
                    WrittenFile {
                        name: "bootstrap".to_owned(),
                        text: None,
                        copy_of: None
                    },
                    WrittenFile {
                        name: "config.json".to_owned(),
                        text: Some("{}".to_owned()),
                        copy_of: None
                    }
                ]
            })
        );
        let spread = named.replace("// the binary", "...extra,");
        assert_eq!(package_of(&spread), None);
    }

    #[test]
    fn paths_built_from_written_values_are_read_and_others_say_nothing() {
        let from_const = r#"import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
const name = "worker";
new aws.lambda.Function("f", { runtime: "go1.x", handler: "main", role: "r", code: new pulumi.asset.FileArchive(`./bin/${name}`) });
"#;
        let archive = |path: &str| CodePackage::FileArchive {
            path: path.to_owned(),
            folder: None,
        };
        assert_eq!(package_of(from_const), Some(archive("./bin/worker")));
        let per_element = from_const
            .replace("const name = \"worker\";", "for (const name of [\"api\", \"jobs\"]) {")
            .replace(") });\n", ") });\n}\n");
        assert_eq!(
            package_of(&per_element),
            Some(CodePackage::AnyOf(vec![archive("./bin/api"), archive("./bin/jobs")]))
        );
        let from_environment = from_const.replace("\"worker\"", "process.env.BINARY");
        assert_eq!(package_of(&from_environment), None);
        let s3 = r#"import * as aws from "@pulumi/aws";
new aws.lambda.Function("f", { runtime: "go1.x", handler: "main", role: "r", s3Bucket: "b", s3Key: "k" });
"#;
        assert_eq!(package_of(s3), None);
    }
}
