//! Functions that run without a call of the project naming them: one invoked where it is written
//! (`(async () => { … })()`), and the function a Pulumi program gives as its export, which the
//! Pulumi runtime calls once (`export = async () => { … }`, `export default async function`,
//! `module.exports = main`).

use tree_sitter::Node;

use super::{named_children, Located, Program};
use crate::syntax::{kind_of, Fields};

impl<'tree> Program<'tree> {
    /// How many times a function that no call names runs: as often as the call invoking it where
    /// it is written, or once for a module's exported function where no module of the project
    /// imports that module (the program's entry point; a module nobody loads makes nothing,
    /// and is counted as the others are). `None` for any other function.
    pub(super) fn times_run_unnamed(&self, function: Located<'tree>) -> Option<u64> {
        let mut written = function.node;
        while let Some(parent) = written
            .parent()
            .filter(|parent| kind_of(*parent) == "parenthesized_expression")
        {
            written = parent;
        }
        if let Some(call) = written
            .parent()
            .filter(|call| kind_of(*call) == "call_expression" && call.field("function") == Some(written))
        {
            return self.times_run_unconditionally(function.with(call));
        }
        (self.exported_as_the_module(function) && !self.imported_by_another_module(function.file)).then_some(1)
    }

    /// Whether a function is what its module exports as a whole: written in `export = …` or
    /// `export default …`, or a function or const named by `export = main`,
    /// `export default main` or `module.exports = main` at the top level.
    fn exported_as_the_module(&self, function: Located<'tree>) -> bool {
        let holder = function.node.parent();
        if holder.is_some_and(|statement| exports_the_module(statement)) {
            return true;
        }
        let name = match kind_of(function.node) {
            "function_declaration" => function.node.field("name"),
            _ => holder
                .filter(|declarator| kind_of(*declarator) == "variable_declarator")
                .and_then(|declarator| declarator.field("name")),
        };
        let Some(name) = name.map(|name| self.text(function.with(name))) else {
            return false;
        };
        named_children(self.root(function.file)).any(|statement| {
            let exported = match kind_of(statement) {
                "export_statement" if exports_the_module(statement) => named_children(statement).next(),
                "expression_statement" => statement
                    .named_child(0)
                    .filter(|assignment| kind_of(*assignment) == "assignment_expression")
                    .filter(|assignment| {
                        assignment
                            .field("left")
                            .is_some_and(|left| self.text(function.with(left)) == "module.exports")
                    })
                    .and_then(|assignment| assignment.field("right")),
                _ => None,
            };
            exported.is_some_and(|value| kind_of(value) == "identifier" && self.text(function.with(value)) == name)
        })
    }

    /// Whether any other module of the project may load `module` (an import, a re-export, a
    /// `require` or `import()` naming it).
    fn imported_by_another_module(&self, module: usize) -> bool {
        (0..self.files().len()).filter(|&file| file != module).any(|file| {
            self.module_specifiers(file)
                .any(|specifier| self.imported_file(file, specifier) == Some(module))
        })
    }
}

/// Whether an export statement gives the module's value: `export = …` or `export default …`.
fn exports_the_module(statement: Node) -> bool {
    kind_of(statement) == "export_statement" && {
        let mut cursor = statement.walk();
        let exports_whole = statement
            .children(&mut cursor)
            .any(|token| matches!(kind_of(token), "=" | "default"));
        exports_whole
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_program;
    use super::*;
    use crate::syntax::named_descendants;

    /// How often each function of `index.ts` that makes a `marker()` call runs, in order.
    fn runs(files: &[(&str, &str)]) -> Vec<Option<u64>> {
        let mut found = Vec::new();
        with_program(files, |program| {
            let root = program.root(0);
            for node in named_descendants(root) {
                if matches!(
                    kind_of(node),
                    "arrow_function" | "function_declaration" | "function_expression"
                ) {
                    found.push(program.times_run_unnamed(Located { file: 0, node }));
                }
            }
        });
        found
    }

    #[test]
    fn the_programs_exported_function_runs_once() {
        for program in [
            "export = async () => { marker(); };\n",
            "export default async function main() { marker(); }\n",
            "async function main() { marker(); }\nexport = main;\n",
            "const main = async () => { marker(); };\nmodule.exports = main;\n",
        ] {
            assert_eq!(runs(&[("index.ts", program)]), vec![Some(1)], "{program}");
        }
        assert_eq!(
            runs(&[("index.ts", "export async function main() { marker(); }\n")]),
            vec![None]
        );
        assert_eq!(runs(&[("index.ts", "(async () => { marker(); })();\n")]), vec![Some(1)]);
        assert_eq!(
            runs(&[(
                "index.ts",
                "for (const x of [1, 2]) { (async () => { marker(); })(); }\n"
            )]),
            vec![Some(2)]
        );
    }

    #[test]
    fn a_module_another_imports_is_not_the_entry_point() {
        let files = [
            ("index.ts", "export default async () => { marker(); };\n"),
            ("main.ts", "import make from \"./index\";\nmake();\nmake();\n"),
        ];
        assert_eq!(runs(&files), vec![None]);
    }
}
