//! Whether a function's code package is ready for the runtime it moves to: a go1.x function ran
//! the binary its handler named (`main`); on `provided.al2023` Lambda runs `bootstrap`, and a
//! package without it fails every invocation. What the function's `code` and the project's files
//! show decides.

use crate::aws::runtimes::Runtime;
use crate::cloud::{CodePackage, LambdaFunction, WrittenFile};
use crate::packaging::{BuildWrite, BundledFile, Contents, Package};
use crate::rules::RuleContext;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Readiness {
    /// The package holds the executable, or its build puts it there: how infrafix knows.
    Ready(String),
    /// The package holds something else, or cannot be seen into: what the build must change.
    NotReady(String),
    /// Nothing shows either way (the package is built later, by a build infrafix does not see).
    Unknown,
}

/// How ready `function`'s package is to leave `runtime`, when leaving it needs an executable of
/// its own (go1.x); `Unknown` for every other runtime. `handler_becomes_executable`: whether the
/// function's handler names that executable once the fix is made (a build that names the binary
/// after the handler depends on it).
pub(super) fn readiness(
    context: &RuleContext,
    function: &LambdaFunction,
    runtime: &Runtime,
    handler_becomes_executable: bool,
) -> Readiness {
    let Some(executable) = runtime.executable.as_deref() else {
        return Readiness::Unknown;
    };
    // A construct that builds the executable itself (`GoFunction`) names it whatever the runtime.
    if let Some(CodePackage::BuiltByConstruct { by, executable: built }) = &function.code {
        return if built == executable {
            Readiness::Ready(format!("`{by}` builds it as `{built}` itself"))
        } else {
            Readiness::NotReady(format!("`{by}` builds `{built}`, not `{executable}`"))
        };
    }
    // A function whose framework makes its handler (a callback function) makes its package
    // too: there is no package of the program's to judge.
    if !function.takes_handler {
        return Readiness::Unknown;
    }
    let wanted = Wanted {
        runtime,
        executable,
        // The binary a go1.x function runs: the file its handler names.
        old: function.handler.clone(),
    };
    match &function.code {
        Some(code) => wanted.of_code(context, code, handler_becomes_executable),
        None => Readiness::Unknown,
    }
}

/// ` (GOOS=linux … -o OUTPUT; …)`: how to build the runtime's executable at `output`, as a
/// message adds it.
pub(super) fn build_hint(runtime: &Runtime, output: &str) -> String {
    runtime
        .build_command(output)
        .map(|command| format!(" ({command})"))
        .unwrap_or_default()
}

/// What the package must hold (`executable`), and what it held for the old runtime (`old`).
struct Wanted<'a> {
    runtime: &'a Runtime,
    executable: &'a str,
    old: Option<String>,
}

impl Wanted<'_> {
    fn is_old(&self, name: &str) -> bool {
        self.old.as_deref() == Some(name)
    }

    fn build(&self, output: &str) -> String {
        build_hint(self.runtime, output)
    }

    fn of_code(&self, context: &RuleContext, code: &CodePackage, handler_becomes_executable: bool) -> Readiness {
        let executable = self.executable;
        match code {
            CodePackage::WrittenOut { by, files } => self.of_written_files(by, files),
            CodePackage::FileArchive { path, folder } => context
                .packages
                .and_then(|packages| packages.package(path, folder.as_deref()))
                .map_or(Readiness::Unknown, |package| self.of_package(&package)),
            CodePackage::NamedAfterHandler { by } if handler_becomes_executable => {
                Readiness::Ready(format!("{by} names the binary after the handler (`{executable}`)"))
            }
            CodePackage::NamedAfterHandler { by } => Readiness::NotReady(format!(
                "{by} names the binary after the handler, and this fix cannot make the handler `{executable}`"
            )),
            CodePackage::BuildNeeds { by, setting, source } => {
                self.of_build_source(context, by, setting, source, handler_becomes_executable)
            }
            CodePackage::Unjudged { reason } => Readiness::NotReady(format!(
                "{reason}: it must hold an executable `{executable}` at its root{}",
                self.build(executable)
            )),
            CodePackage::Bundled { files } => self.of_bundled(files),
            // Never one of a choice's packages: `readiness` judges it before any package.
            CodePackage::BuiltByConstruct { .. } => Readiness::Unknown,
            // A Node.js bundle: a runtime that needs an executable is never what Node.js moves to.
            CodePackage::EsbuildBundle { .. } => Readiness::Unknown,
            CodePackage::AnyOf(packages) => {
                let each: Vec<Readiness> = packages
                    .iter()
                    .map(|package| self.of_code(context, package, handler_becomes_executable))
                    .collect();
                any_of(each)
            }
        }
    }

    /// A package a tool (`by`) builds from `source` only with a `setting` the program lacks.
    fn of_build_source(
        &self,
        context: &RuleContext,
        by: &str,
        setting: &str,
        source: &CodePackage,
        handler_becomes_executable: bool,
    ) -> Readiness {
        let executable = self.executable;
        let package = match source {
            CodePackage::FileArchive { path, folder } => context
                .packages
                .and_then(|packages| packages.package(path, folder.as_deref())),
            _ => None,
        };
        match package {
            // A folder the project's own scripts build into is packaged as it is (a Makefile's
            // `go build -o build/main`, then `sam package`): those scripts decide, not the tool.
            Some(package) if !package.writes.is_empty() => self.of_code(context, source, handler_becomes_executable),
            // Nothing the tool could build from is there (a `CodeUri` naming the binary a `go
            // build` by hand makes, then `sam package` zips): the setting would not help, whatever
            // makes it must change.
            Some(package) if package.contents == Contents::Absent => Readiness::NotReady(format!(
                "`{}` is not in the project and no build script infrafix reads makes it, so {by} does not build it: whatever makes it must put an executable `{executable}` at its root{}",
                package.shown,
                self.build(executable)
            )),
            _ => Readiness::NotReady(format!(
                "{by} builds the `{executable}` of an OS-only runtime only with {setting}: add it"
            )),
        }
    }

    /// A package the CDK's bundling command builds: the files it writes at the package's root.
    fn of_bundled(&self, files: &[BundledFile]) -> Readiness {
        let executable = self.executable;
        let quoted =
            |file: &BundledFile| format!("its bundling command builds `{}` (`{}`)", file.written, file.command);
        if let Some(file) = files.iter().find(|file| file.entry == executable) {
            return Readiness::Ready(quoted(file));
        }
        match files.iter().find(|file| self.is_old(&file.entry)) {
            Some(old) => {
                let output = match old.written.rsplit_once('/') {
                    Some((folder, _)) => format!("{folder}/{executable}"),
                    None => executable.to_owned(),
                };
                Readiness::NotReady(format!(
                    "{}: build `{output}` instead{}",
                    quoted(old),
                    self.build(&output)
                ))
            }
            None => Readiness::Unknown,
        }
    }

    /// Files the program writes out (`by`, an AssetArchive): they are the package's root files.
    fn of_written_files(&self, by: &str, files: &[WrittenFile]) -> Readiness {
        let executable = self.executable;
        if files.iter().any(|file| file.name == executable) {
            return Readiness::Ready(format!("its {by} has a `{executable}` entry"));
        }
        match files.iter().find(|file| self.is_old(&file.name)) {
            Some(old) => Readiness::NotReady(format!(
                "its {by} names the binary `{}` and has no `{executable}` entry: name that entry `{executable}` instead",
                old.name
            )),
            None => Readiness::Unknown,
        }
    }

    /// A FileArchive: what its build writes into it decides, and else what it holds now (a
    /// build's output may be stale, its script is what the next build does).
    fn of_package(&self, package: &Package) -> Readiness {
        let executable = self.executable;
        if let Some(write) = package.writes.iter().find(|write| write.entry == executable) {
            return Readiness::Ready(self.wrote(package, write));
        }
        if let Some(write) = package.writes.iter().find(|write| self.is_old(&write.entry)) {
            let change = match package.zipped {
                true => format!("zip a binary built as `{executable}`{} instead", self.build(executable)),
                false => {
                    let output = match write.written.rsplit_once('/') {
                        Some((folder, _)) => format!("{folder}/{executable}"),
                        None => executable.to_owned(),
                    };
                    format!("build `{output}` instead{}", self.build(&output))
                }
            };
            return Readiness::NotReady(format!("{}: {change}", self.wrote(package, write)));
        }
        let in_package = match package.shown.as_str() {
            "." => executable.to_owned(),
            folder => format!("{folder}/{executable}"),
        };
        let entries = match &package.contents {
            Contents::Absent => return Readiness::Unknown,
            Contents::Unreadable(why) => {
                return Readiness::NotReady(format!(
                    "infrafix cannot see what `{}` holds ({why}): make sure it holds an executable `{executable}` at its root{}",
                    package.shown,
                    self.build(executable)
                ))
            }
            Contents::Entries(entries) => entries,
        };
        match entries.iter().find(|entry| entry.name == executable) {
            Some(entry) if entry.executable => Readiness::Ready(match package.zipped {
                true => format!("`{}` holds an executable `{executable}`", package.shown),
                false => format!("`{in_package}` is there"),
            }),
            Some(_) => Readiness::NotReady(match package.zipped {
                true => format!(
                    "`{}` holds `{executable}` without the executable bit: zip it from an executable file, or with build-lambda-zip",
                    package.shown
                ),
                false => format!(
                    "`{in_package}` is not executable: `chmod +x {in_package}`, or build it{}",
                    self.build(&in_package)
                ),
            }),
            None => {
                // The binary the handler names; else, whatever the handler may be (read from
                // configuration, a default), an executable of the package: a folder holding one
                // is no placeholder a build fills, and it has no `bootstrap`.
                let old = entries
                    .iter()
                    .find(|entry| self.is_old(&entry.name))
                    .or_else(|| entries.iter().find(|entry| entry.executable));
                let holds = match old {
                    Some(old) => format!("holds `{}` and no `{executable}`", old.name),
                    // A folder holding neither may be a placeholder its build fills; a zip is
                    // finished, and without the executable it is not ready whatever else it holds.
                    None if !package.zipped => return Readiness::Unknown,
                    None => format!("holds no `{executable}`"),
                };
                let change = match package.zipped {
                    true => format!("zip a binary built as `{executable}`{} instead", self.build(executable)),
                    false => format!("build `{in_package}` instead{}", self.build(&in_package)),
                };
                Readiness::NotReady(format!("`{}` {holds}: {change}", package.shown))
            }
        }
    }

    /// `Makefile:4 builds `bin/main` (`go build -o bin/main .`)`.
    fn wrote(&self, package: &Package, write: &BuildWrite) -> String {
        let what = match package.zipped {
            true if write.written == write.entry => format!("zips `{}` into `{}`", write.written, package.shown),
            true => format!("zips `{}` into `{}` as `{}`", write.written, package.shown, write.entry),
            // A path written from another folder (after a `cd`) says where it lands.
            false
                if write
                    .written
                    .rsplit_once('/')
                    .map(|(folder, _)| folder.trim_start_matches("./"))
                    == Some(package.shown.as_str()) =>
            {
                format!("builds `{}`", write.written)
            }
            false => format!("builds `{}` into `{}`", write.written, package.shown),
        };
        format!("{} {what} (`{}`)", write.script, write.command)
    }
}

/// The readiness of a function that may deploy any of several packages: not ready when any is
/// not (each such package said), ready when every one is, else unknown.
fn any_of(each: Vec<Readiness>) -> Readiness {
    let packages = each.len();
    let (mut ready, mut not_ready) = (Vec::new(), Vec::new());
    for readiness in each {
        match readiness {
            Readiness::Ready(evidence) => ready.push(evidence),
            Readiness::NotReady(why) => not_ready.push(why),
            Readiness::Unknown => {}
        }
    }
    if !not_ready.is_empty() {
        Readiness::NotReady(not_ready.join("; "))
    } else if ready.len() == packages {
        Readiness::Ready(ready.join(", and "))
    } else {
        Readiness::Unknown
    }
}
