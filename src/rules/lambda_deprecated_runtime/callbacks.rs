//! Whether a Node.js function's handler completes through a callback, which the newest Node.js
//! runtimes no longer run (`async_only` in the runtime table): such a function moves to the
//! newest runtime that still runs it.

use crate::cloud::{CodePackage, LambdaFunction, WrittenFile, INLINE_CODE_FILE};
use crate::packaging::{handler_style, HandlerStyle, PackageSource, NODE_MODULE_EXTENSIONS};
use crate::rules::RuleContext;

/// How a function's handler completes, as far as infrafix reads its code.
pub(super) enum Completion {
    /// Through a callback: why infrafix knows, as a clause ("`fn`'s handler … takes …").
    Callback(String),
    /// By returning: it runs on an async-only runtime.
    Returns,
    /// infrafix cannot read the handler.
    Unread,
}

pub(super) fn completion(context: &RuleContext, function: &LambdaFunction) -> Completion {
    if function.hands_a_callback {
        return Completion::Callback(format!(
            "{}'s handler is made by its framework, which calls the function it wraps with a callback (`(event, context, callback)`; pulumi-aws#6336)",
            function.name
        ));
    }
    let reader = HandlerReader {
        context,
        handler: function.handler.as_deref().and_then(|handler| handler.rsplit_once('.')),
    };
    match function.code.as_ref().map(|code| reader.of_code(code)) {
        Some(Read::Callback {
            export,
            file,
            how,
            line,
        }) => Completion::Callback(format!(
            "{}'s handler `{export}` ({file}, line {line}) {how}",
            function.name
        )),
        Some(Read::Returns) => Completion::Returns,
        Some(Read::Unread) | None => Completion::Unread,
    }
}

enum Read {
    /// `export`: the handler's function, as its module exports it.
    Callback {
        export: String,
        file: String,
        how: String,
        line: usize,
    },
    Returns,
    Unread,
}

struct HandlerReader<'a> {
    context: &'a RuleContext<'a>,
    /// The module and the function of it the function's handler names (`src/app`, `handler`),
    /// when it names them; a bundle's entry is the module its construct bundles.
    handler: Option<(&'a str, &'a str)>,
}

impl HandlerReader<'_> {
    fn of_code(&self, code: &CodePackage) -> Read {
        match code {
            CodePackage::WrittenOut { files, .. } => self.of_written(files),
            CodePackage::FileArchive { path, folder } => {
                let Some((module, export)) = self.handler else {
                    return Read::Unread;
                };
                let source = self.context.packages.and_then(|packages| {
                    let package = packages.package(path, folder.as_deref())?;
                    packages.handler_source(&package, module)
                });
                match source {
                    Some(source) => of_source(format!("`{}`", source.shown), &source.text, export),
                    None => Read::Unread,
                }
            }
            CodePackage::EsbuildBundle {
                entry,
                folder,
                export: Some(export),
                ..
            } => {
                let source = self.context.packages.and_then(|packages| {
                    entry
                        .iter()
                        .find_map(|path| packages.project_file(folder.as_deref(), path))
                });
                match source {
                    Some(source) => of_source(format!("`{}`", source.shown), &source.text, export),
                    None => Read::Unread,
                }
            }
            CodePackage::BuildNeeds { source, .. } => self.of_code(source),
            // Any of them may deploy: one that takes a callback decides.
            CodePackage::AnyOf(codes) => {
                let each: Vec<Read> = codes.iter().map(|code| self.of_code(code)).collect();
                let callback = each.iter().position(|read| matches!(read, Read::Callback { .. }));
                match callback {
                    Some(index) => each.into_iter().nth(index).unwrap_or(Read::Unread),
                    None if each.iter().all(|read| matches!(read, Read::Returns)) => Read::Returns,
                    None => Read::Unread,
                }
            }
            _ => Read::Unread,
        }
    }

    /// The handler's module among files written out: inline code, or the module's `.js` file.
    fn of_written(&self, files: &[WrittenFile]) -> Read {
        let Some((module, export)) = self.handler else {
            return Read::Unread;
        };
        let module_file = files.iter().find(|file| {
            file.name == INLINE_CODE_FILE
                || NODE_MODULE_EXTENSIONS
                    .iter()
                    .any(|extension| file.name == format!("{module}{extension}"))
        });
        let Some(file) = module_file else {
            return Read::Unread;
        };
        let source: Option<(String, String)> = match (&file.text, &file.copy_of) {
            (Some(text), _) => Some((
                match file.name.as_str() {
                    INLINE_CODE_FILE => "its inline code".to_owned(),
                    name => format!("`{name}`"),
                },
                text.clone(),
            )),
            (None, Some((folder, path))) => self
                .context
                .packages
                .and_then(|packages| packages.project_file(Some(folder), path))
                .map(|source: PackageSource| (format!("`{}`", source.shown), source.text)),
            (None, None) => None,
        };
        match source {
            Some((file, text)) => of_source(file, &text, export),
            None => Read::Unread,
        }
    }
}

/// How the function `export` of a module completes. `file`: how a message names the module's
/// file, `text` its source.
fn of_source(file: String, text: &str, export: &str) -> Read {
    match handler_style(text, export) {
        Some(HandlerStyle::Callback { how, line }) => Read::Callback {
            export: export.to_owned(),
            file,
            how,
            line,
        },
        Some(HandlerStyle::Returns) => Read::Returns,
        None => Read::Unread,
    }
}
