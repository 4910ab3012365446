//! How a Node.js function's handler completes, read from the code its package deploys: the
//! handler's module among the files a program writes out, or in a package folder on disk.

use std::path::PathBuf;
use std::rc::Rc;

use super::{HandlerModule, HandlerStyle, PackageSource, ProjectPackages, NODE_MODULE_EXTENSIONS};
use crate::cloud::{CodePackage, WrittenFile, INLINE_CODE_FILE};

/// How a function's handler completes, as far as infrafix reads its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandlerCompletion {
    /// Through a callback, read where `CallbackHandler` says.
    Callback(CallbackHandler),
    /// By returning: it runs on every Node.js runtime.
    Returns,
    /// infrafix cannot read the handler.
    Unread,
}

/// A handler that completes through a callback, and where infrafix read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackHandler {
    /// The function the module exports as the handler (`handler` for `src/app.handler`).
    pub export: String,
    /// The file, as messages name it: `` `src/app.js` ``, or `its inline code`.
    pub file: String,
    /// How it takes the callback: `takes a third parameter \`callback\``.
    pub how: String,
    /// 1-based, in `file`.
    pub line: usize,
}

impl ProjectPackages {
    /// How the handler `handler` (`src/app.handler`: the function `handler` of the module
    /// `src/app`) of a function deploying `code` completes. A bundle names its entry's handler
    /// itself, so its function may have none.
    pub fn handler_completion(&self, code: &CodePackage, handler: Option<&str>) -> HandlerCompletion {
        HandlerReader {
            packages: self,
            handler: handler.and_then(|handler| handler.rsplit_once('.')),
        }
        .of_code(code)
    }

    /// The module in `file`, whose source is `text`, parsed on the first question about it.
    fn handler_module(&self, file: HandlerFile, text: &str) -> Rc<HandlerModule> {
        if let Some(known) = self.handler_modules.borrow().get(&file) {
            return known.clone();
        }
        let module = Rc::new(HandlerModule::parse(text.to_owned()));
        self.handler_modules.borrow_mut().insert(file, module.clone());
        module
    }
}

/// A file holding a handler's module, as the memo of parsed modules tells files apart.
#[derive(PartialEq, Eq, Hash)]
pub(super) enum HandlerFile {
    /// A file of the project, by its path: what is on disk stays as read for the whole run, as
    /// fixes are written only once the fix loop settles.
    OnDisk(PathBuf),
    /// Code the program spells out, by its text: a fix to the program may change it between
    /// passes of the fix loop, and the changed text is another module.
    Written(String),
}

struct HandlerReader<'a> {
    packages: &'a ProjectPackages,
    /// The module and the function of it the function's handler names (`src/app`, `handler`),
    /// when it names them.
    handler: Option<(&'a str, &'a str)>,
}

impl HandlerReader<'_> {
    fn of_code(&self, code: &CodePackage) -> HandlerCompletion {
        match code {
            CodePackage::WrittenOut { files, .. } => self.of_written(files),
            CodePackage::FileArchive { path, folder } => {
                let Some((module, export)) = self.handler else {
                    return HandlerCompletion::Unread;
                };
                let source = self
                    .packages
                    .package(path, folder.as_deref())
                    .and_then(|package| self.packages.handler_source(&package, module));
                match source {
                    Some(source) => self.of_disk(&source, export),
                    None => HandlerCompletion::Unread,
                }
            }
            CodePackage::EsbuildBundle {
                entry,
                folder,
                export: Some(export),
                ..
            } => {
                let source = entry
                    .iter()
                    .find_map(|path| self.packages.project_file(folder.as_deref(), path));
                match source {
                    Some(source) => self.of_disk(&source, export),
                    None => HandlerCompletion::Unread,
                }
            }
            CodePackage::BuildNeeds { source, .. } => self.of_code(source),
            // Any of them may deploy: one that takes a callback decides.
            CodePackage::AnyOf(codes) => {
                let each: Vec<HandlerCompletion> = codes.iter().map(|code| self.of_code(code)).collect();
                let callback = each.iter().find(|read| matches!(read, HandlerCompletion::Callback(_)));
                match callback {
                    Some(callback) => callback.clone(),
                    None if each.iter().all(|read| matches!(read, HandlerCompletion::Returns)) => {
                        HandlerCompletion::Returns
                    }
                    None => HandlerCompletion::Unread,
                }
            }
            _ => HandlerCompletion::Unread,
        }
    }

    /// The handler's module among files written out: inline code, or the module's `.js` file.
    fn of_written(&self, files: &[WrittenFile]) -> HandlerCompletion {
        let Some((module, export)) = self.handler else {
            return HandlerCompletion::Unread;
        };
        let module_file = files.iter().find(|file| {
            file.name == INLINE_CODE_FILE
                || NODE_MODULE_EXTENSIONS
                    .iter()
                    .any(|extension| file.name == format!("{module}{extension}"))
        });
        let Some(file) = module_file else {
            return HandlerCompletion::Unread;
        };
        match (&file.text, &file.copy_of) {
            (Some(text), _) => {
                let shown = match file.name.as_str() {
                    INLINE_CODE_FILE => "its inline code".to_owned(),
                    name => format!("`{name}`"),
                };
                let module = self.packages.handler_module(HandlerFile::Written(text.clone()), text);
                of_module(shown, &module, export)
            }
            (None, Some((folder, path))) => match self.packages.project_file(Some(folder), path) {
                Some(source) => self.of_disk(&source, export),
                None => HandlerCompletion::Unread,
            },
            (None, None) => HandlerCompletion::Unread,
        }
    }

    fn of_disk(&self, source: &PackageSource, export: &str) -> HandlerCompletion {
        let module = self
            .packages
            .handler_module(HandlerFile::OnDisk(source.path.clone()), &source.text);
        of_module(format!("`{}`", source.shown), &module, export)
    }
}

/// How the function `export` of a module completes. `file`: how a message names the module's
/// file.
fn of_module(file: String, module: &HandlerModule, export: &str) -> HandlerCompletion {
    match module.style_of(export) {
        Some(HandlerStyle::Callback { how, line }) => HandlerCompletion::Callback(CallbackHandler {
            export: export.to_owned(),
            file,
            how,
            line,
        }),
        Some(HandlerStyle::Returns) => HandlerCompletion::Returns,
        None => HandlerCompletion::Unread,
    }
}
