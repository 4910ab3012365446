//! Whether a function's code loads an npm package its runtime provides and the successor does
//! not: Lambda's Node.js runtimes provide the AWS SDK for JavaScript v2 (`aws-sdk`) up to
//! nodejs16.x and only v3 (`@aws-sdk/*`) from nodejs18.x, so code that loads `aws-sdk` without
//! bundling it fails on the newer runtime.

use crate::aws::runtimes::Runtime;
use crate::cloud::{CodePackage, LambdaFunction, WrittenFile, INLINE_CODE_FILE};
use crate::packaging::{package_loads, PackageLoad, NODE_MODULE_EXTENSIONS};
use crate::rules::RuleContext;

/// A package the function's code loads that the successor does not provide, where it does.
pub(super) struct LostPackage {
    package: String,
    /// The file that loads it, as a message's sentence starts ("The handler's file `src/app.js`").
    file: String,
    line: usize,
    /// Whether packages can be bundled beside the code: not beside CloudFormation's inline code,
    /// nor in a zip a program makes of the one file.
    can_bundle: bool,
}

impl LostPackage {
    /// The sentence a finding adds.
    pub(super) fn describe(&self, runtime: &Runtime, successor: &Runtime) -> String {
        let provided = successor
            .provides
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (instead, change) = match provided.is_empty() {
            true => (String::new(), "stop loading it".to_owned()),
            false => (
                format!(" (it provides {provided})"),
                format!("move the code to {provided}"),
            ),
        };
        let change = match self.can_bundle {
            true => format!("bundle `{}` in the package, or {change}", self.package),
            false => change,
        };
        format!(
            " {} loads `{}` (line {}), which `{}` provides and `{}` does not{instead}: {change} before the new runtime deploys, or the code fails where it loads it.",
            self.file, self.package, self.line, runtime.id, successor.id
        )
    }
}

/// The first package `function`'s code loads that `runtime` provides and `successor` does not,
/// when the code is one infrafix reads (written inline, or the handler's file in a package
/// folder) and the package does not bundle it.
pub(super) fn lost_package(
    context: &RuleContext,
    function: &LambdaFunction,
    runtime: &Runtime,
    successor: &Runtime,
) -> Option<LostPackage> {
    let lost: Vec<&String> = runtime
        .provides
        .iter()
        .filter(|package| !successor.provides.contains(package))
        .collect();
    if lost.is_empty() {
        return None;
    }
    let reader = CodeReader {
        context,
        handler: function.handler.as_deref(),
        lost,
    };
    reader.lost_in(function.code.as_ref()?)
}

/// Reads a function's code for the packages its runtime change loses.
struct CodeReader<'a> {
    context: &'a RuleContext<'a>,
    handler: Option<&'a str>,
    lost: Vec<&'a String>,
}

impl CodeReader<'_> {
    fn lost_in(&self, code: &CodePackage) -> Option<LostPackage> {
        match code {
            CodePackage::WrittenOut { by, files } => self.lost_in_written(by, files),
            CodePackage::FileArchive { path, folder } => {
                let packages = self.context.packages?;
                let package = packages.package(path, folder.as_deref())?;
                // The handler `src/app.handler` is the function `handler` of the module `src/app`.
                let (module, _) = self.handler?.rsplit_once('.')?;
                let source = packages.handler_source(&package, module)?;
                let found = self.first_lost(format!("The handler's file `{}`", source.shown), &source.text, true)?;
                (!packages.bundles(&package, &found.package)).then_some(found)
            }
            CodePackage::AnyOf(codes) => codes.iter().find_map(|code| self.lost_in(code)),
            CodePackage::BuildNeeds { source, .. } => self.lost_in(source),
            _ => None,
        }
    }

    /// In files the program writes out: the JavaScript ones (inline code's `index` too), unless
    /// the program also writes a `node_modules` folder into the package, which may bundle it.
    fn lost_in_written(&self, by: &str, files: &[WrittenFile]) -> Option<LostPackage> {
        if files.iter().any(|file| file.name == "node_modules") {
            return None;
        }
        files
            .iter()
            .filter(|file| {
                file.name == INLINE_CODE_FILE || NODE_MODULE_EXTENSIONS.iter().any(|end| file.name.ends_with(end))
            })
            .find_map(|file| {
                // A file copied from the project is read there; a zip of it alone bundles nothing.
                let (text, can_bundle) = match (&file.text, &file.copy_of) {
                    (Some(text), _) => (text.clone(), file.name != INLINE_CODE_FILE),
                    (None, Some((folder, path))) => (self.context.packages?.project_file(folder, path)?.text, false),
                    (None, None) => return None,
                };
                let shown = match file.name.as_str() {
                    INLINE_CODE_FILE => format!("The {by} code"),
                    name => format!("The {by}'s `{name}`"),
                };
                self.first_lost(shown, &text, can_bundle)
            })
    }

    fn first_lost(&self, file: String, text: &str, can_bundle: bool) -> Option<LostPackage> {
        let PackageLoad { package, line } = package_loads(text)
            .into_iter()
            .find(|load| self.lost.contains(&&load.package))?;
        Some(LostPackage {
            package,
            file,
            line,
            can_bundle,
        })
    }
}
