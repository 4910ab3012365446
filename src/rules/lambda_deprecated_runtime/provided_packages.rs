//! Whether a function's code loads an npm package its runtime provides and the successor does
//! not: Lambda's Node.js runtimes provide the AWS SDK for JavaScript v2 (`aws-sdk`) up to
//! nodejs16.x and only v3 (`@aws-sdk/*`) from nodejs18.x, so code that loads `aws-sdk` without
//! bundling it fails on the newer runtime.

use crate::aws::runtimes::Runtime;
use crate::cloud::{BundleExternals, CodePackage, LambdaFunction, WrittenFile, INLINE_CODE_FILE};
use crate::packaging::{package_loads, PackageLoad, PackageSource, ProjectPackages, NODE_MODULE_EXTENSIONS};
use crate::rules::RuleContext;

/// A package the function's code loads that the successor does not provide, where it does.
pub(super) struct LostPackage {
    package: String,
    /// The file that loads it, as a message's sentence starts ("The handler's file `src/app.js`").
    file: String,
    line: usize,
    /// Why the successor would run the code without it, which says what to change.
    cause: Cause,
}

#[derive(Clone)]
enum Cause {
    /// Nothing puts it in the package. `can_bundle`: whether packages can be bundled beside the
    /// code (not beside CloudFormation's inline code, nor in a zip a program makes of one file).
    NotBundled { can_bundle: bool },
    /// The construct that bundles the code (`by`) leaves it to the runtime: `setting` lists it.
    KeptExternal { by: String, setting: String },
    /// The construct that bundles the code (`by`) bundles it for the successor, and the project
    /// does not install it, so the bundler cannot find it.
    NotInstalled { by: String },
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
        let package = &self.package;
        let loads = format!(
            " {} loads `{package}` (line {}), which `{}` provides and `{}` does not{instead}",
            self.file, self.line, runtime.id, successor.id
        );
        let fails = "before the new runtime deploys, or the code fails where it loads it.";
        match &self.cause {
            Cause::NotBundled { can_bundle: true } => {
                format!("{loads}: bundle `{package}` in the package, or {change} {fails}")
            }
            Cause::NotBundled { can_bundle: false } => format!("{loads}: {change} {fails}"),
            Cause::KeptExternal { by, setting } => format!(
                "{loads}, and `{setting}` keeps it out of what `{by}` bundles: take it out of that list, or {change}, {fails}"
            ),
            Cause::NotInstalled { by } => format!(
                "{loads}: on `{}` `{by}` bundles it, and the project installs no `{package}` (its package.json lists it in neither `dependencies` nor `devDependencies`), so the bundling fails: add it to them, or {change}.",
                successor.id
            ),
        }
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
                let found = self.first_lost_in_module(
                    packages,
                    "handler's file",
                    &source,
                    Cause::NotBundled { can_bundle: true },
                )?;
                (!packages.bundles(&package, &found.package)).then_some(found)
            }
            CodePackage::EsbuildBundle {
                by,
                entry,
                folder,
                externals,
                ..
            } => {
                let packages = self.context.packages?;
                let source = entry
                    .iter()
                    .find_map(|path| packages.project_file(folder.as_deref(), path))?;
                let found =
                    self.first_lost_in_module(packages, "entry file", &source, Cause::NotInstalled { by: by.clone() })?;
                match externals {
                    BundleExternals::Listed { setting, .. } if externals.keeps_out(&found.package) => {
                        Some(LostPackage {
                            cause: Cause::KeptExternal {
                                by: by.clone(),
                                setting: setting.clone(),
                            },
                            ..found
                        })
                    }
                    _ => (!packages.project_installs(&found.package)).then_some(found),
                }
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
                    (None, Some((folder, path))) => {
                        (self.context.packages?.project_file(Some(folder), path)?.text, false)
                    }
                    (None, None) => return None,
                };
                let shown = match file.name.as_str() {
                    INLINE_CODE_FILE => format!("The {by} code"),
                    name => format!("The {by}'s `{name}`"),
                };
                self.first_lost(shown, &text, Cause::NotBundled { can_bundle })
            })
    }

    /// In a module of the project and the files it imports by relative path, which deploy with
    /// it: the module first, then its imports, nearest first. `role`: what the module is to the
    /// function (`entry file`).
    fn first_lost_in_module(
        &self,
        packages: &ProjectPackages,
        role: &str,
        module: &PackageSource,
        cause: Cause,
    ) -> Option<LostPackage> {
        let in_module = self.first_lost(format!("The {role} `{}`", module.shown), &module.text, cause.clone());
        in_module.or_else(|| {
            packages.imported_sources(module).iter().find_map(|imported| {
                self.first_lost(
                    format!(
                        "The module `{}`, which the {role} `{}` imports (directly or through other modules of the project),",
                        imported.shown, module.shown
                    ),
                    &imported.text,
                    cause.clone(),
                )
            })
        })
    }

    fn first_lost(&self, file: String, text: &str, cause: Cause) -> Option<LostPackage> {
        let PackageLoad { package, line } = package_loads(text)
            .into_iter()
            .find(|load| self.lost.contains(&&load.package))?;
        Some(LostPackage {
            package,
            file,
            line,
            cause,
        })
    }
}
