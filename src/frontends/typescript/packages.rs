//! The code package a Lambda function deploys, as its `code` argument writes it.

use super::{named_children, Located, Package, Program, ResourceDecl, StringOrigin};
use crate::cloud::CodePackage;
use crate::syntax::{kind_of, Fields};

impl<'tree> Program<'tree> {
    /// The package a function's `code` names; `None` when it is not written as a FileArchive,
    /// an AssetArchive whose contents the source spells out, or the CDK's `Code.fromAsset` of a
    /// path written out (an S3 object, a computed path, a spread).
    pub(super) fn code_package(&self, function: &ResourceDecl<'tree>) -> Option<CodePackage> {
        let code = self.property(function.args()?, "code")?;
        let archive = self.written_value(code.value);
        if let Some(path) = self.asset_path(archive) {
            // The CDK's `Code.fromAsset(path)` deploys a folder or a zip, as a FileArchive does.
            return match self.sole_string_origin(path)? {
                StringOrigin::Literal { value, .. } => Some(CodePackage::FileArchive { path: value }),
                StringOrigin::PackageMember { .. } => None,
            };
        }
        if kind_of(archive.node) != "new_expression" {
            return None;
        }
        let class = self.package_member(Located {
            file: archive.file,
            node: archive.node.field("constructor")?,
        })?;
        let first_argument = *self.call_arguments(archive).first()?;
        if class.is(Package::Pulumi, &["asset", "FileArchive"]) {
            match self.sole_string_origin(first_argument)? {
                StringOrigin::Literal { value, .. } => Some(CodePackage::FileArchive { path: value }),
                StringOrigin::PackageMember { .. } => None,
            }
        } else if class.is(Package::Pulumi, &["asset", "AssetArchive"]) {
            self.entry_names(first_argument)
                .map(|entries| CodePackage::AssetArchive { entries })
        } else {
            None
        }
    }

    /// The keys of an object literal, when every member is a key written out.
    fn entry_names(&self, object: Located<'tree>) -> Option<Vec<String>> {
        let object = self.object_literal(object)?;
        named_children(object.node)
            .filter(|member| kind_of(member) != "comment")
            .map(|member| {
                let here = |node| Located {
                    file: object.file,
                    node,
                };
                match kind_of(member) {
                    "pair" => self.property_key(here(member.field("key")?)),
                    "shorthand_property_identifier" => Some(self.text(here(member)).to_owned()),
                    _ => None,
                }
            })
            .collect()
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
                path: "./bin".to_owned()
            })
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
            Some(CodePackage::AssetArchive {
                entries: vec!["bootstrap".to_owned(), "config.json".to_owned()]
            })
        );
        let spread = named.replace("// the binary", "...extra,");
        assert_eq!(package_of(&spread), None);
    }

    #[test]
    fn computed_paths_and_other_code_say_nothing() {
        let computed = r#"import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
const name = "worker";
new aws.lambda.Function("f", { runtime: "go1.x", handler: "main", role: "r", code: new pulumi.asset.FileArchive(`./bin/${name}`) });
"#;
        assert_eq!(package_of(computed), None);
        let s3 = r#"import * as aws from "@pulumi/aws";
new aws.lambda.Function("f", { runtime: "go1.x", handler: "main", role: "r", s3Bucket: "b", s3Key: "k" });
"#;
        assert_eq!(package_of(s3), None);
    }
}
