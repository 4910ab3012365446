//! A function's code package as its template names it: code written inline (`Code: ZipFile:` of
//! an `AWS::Lambda::Function`, `InlineCode:` of a SAM function), or a local path that `aws
//! cloudformation package` zips and uploads (`Code: ./build`).

use super::values::intrinsic;
use super::{Resource, Template};
use crate::cloud::{CodePackage, WrittenFile, INLINE_CODE_FILE};
use crate::frontends::document::{Value, ValueKind};

impl Template<'_> {
    /// A function's `Code` given as a local folder or zip, relative to the template's folder.
    pub(super) fn local_code(&self, resource: &Resource) -> Option<CodePackage> {
        if resource.kind != "AWS::Lambda::Function" {
            return None;
        }
        let path = resource.properties?.get("Code")?.text()?;
        Some(CodePackage::FileArchive {
            path: path.to_owned(),
            folder: Some(self.folder.to_path_buf()),
        })
    }

    /// The one file of a function's inline code.
    pub(super) fn inline_code(&self, resource: &Resource) -> Option<CodePackage> {
        let properties = resource.properties?;
        let (by, code) = match resource.kind {
            "AWS::Lambda::Function" => ("ZipFile", properties.get("Code")?.get("ZipFile")?),
            "AWS::Serverless::Function" => ("InlineCode", properties.get("InlineCode")?),
            _ => return None,
        };
        Some(CodePackage::WrittenOut {
            by: format!("`{by}`"),
            files: vec![WrittenFile {
                name: INLINE_CODE_FILE.to_owned(),
                text: self.code_text(code),
                copy_of: None,
            }],
        })
    }

    /// The code a value writes: a string, a block scalar (`|`), `!Sub` of one (its `${…}` left as
    /// written, which changes no module the code loads), or `Fn::Join` of such strings (a part
    /// that is not one is left out).
    fn code_text(&self, value: &Value) -> Option<String> {
        if let Some((function, argument)) = intrinsic(value) {
            return match (function.as_str(), argument.as_list().map(|list| list.items.as_slice())) {
                ("Fn::Sub", Some([template, ..])) => self.code_text(template),
                ("Fn::Sub", None) => self.code_text(argument),
                ("Fn::Join", Some([separator, parts])) => {
                    let separator = separator.text()?;
                    let parts = parts
                        .as_list()?
                        .items
                        .iter()
                        .map(|part| self.code_text(part).unwrap_or_default());
                    Some(parts.collect::<Vec<String>>().join(separator))
                }
                _ => None,
            };
        }
        match &value.kind {
            ValueKind::Scalar(scalar) => Some(scalar.text.clone()),
            ValueKind::Other => self.block_scalar_text(value),
            _ => None,
        }
    }

    /// A block scalar's lines after its header (`|`, `|-`, `>`), as written: indentation does not
    /// change what JavaScript loads.
    fn block_scalar_text(&self, value: &Value) -> Option<String> {
        let written = self.text.get(value.range.clone())?;
        let (header, body) = written.split_once('\n')?;
        header.trim_start().starts_with(['|', '>']).then(|| body.to_owned())
    }
}
