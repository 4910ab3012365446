//! The text of function code a program writes inline: a `pulumi.asset.StringAsset`'s, the CDK's
//! `Code.fromInline`'s.

use super::{named_children, Located, Program};
use crate::syntax::kind_of;

impl<'tree> Program<'tree> {
    /// The code an expression writes out, as the runtime reads it: a string or template literal
    /// (also through a `const`), with its escapes decoded, or `[…].join(separator)` of such
    /// strings. A template's substitutions are left out: what they hold is not written here, and
    /// the rest still says what the code loads. `None` for anything else.
    pub(super) fn inline_code(&self, at: Located<'tree>) -> Option<String> {
        let at = self.written_value(at);
        match kind_of(at.node) {
            "string" | "template_string" => Some(self.literal_text(at)),
            "call_expression" => self.joined(at, |part| self.inline_code(part)),
            _ => None,
        }
    }

    fn literal_text(&self, literal: Located<'tree>) -> String {
        let mut text = String::new();
        for part in named_children(literal.node) {
            let written = self.text(literal.with(part));
            match kind_of(part) {
                "string_fragment" => text.push_str(written),
                "escape_sequence" => text.push_str(&decoded(written)),
                _ => {}
            }
        }
        text
    }
}

/// What an escape sequence stands for; one infrafix need not decode (`\u00e9`) stays as written,
/// which changes no module name.
fn decoded(escape: &str) -> String {
    match escape {
        "\\n" => "\n".to_owned(),
        "\\r" => "\r".to_owned(),
        "\\t" => "\t".to_owned(),
        _ => match escape.strip_prefix('\\') {
            Some(character) if character.chars().count() == 1 => character.to_owned(),
            _ => escape.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::frontends::typescript::test_support::with_program;
    use crate::frontends::typescript::Located;

    fn code_of(source: &str) -> Option<String> {
        let mut found = None;
        with_program(&[("index.ts", source)], |program| {
            let file = 0;
            let root = program.root(file);
            let declarator = crate::syntax::named_descendants(root)
                .find(|node| crate::syntax::kind_of(*node) == "variable_declarator")
                .expect("a declaration");
            let value = crate::syntax::Fields::field(&declarator, "value").expect("a value");
            found = program.inline_code(Located { file, node: value });
        });
        found
    }

    #[test]
    fn escapes_are_decoded_and_lines_joined() {
        assert_eq!(
            code_of("const code = \"const AWS = require(\\\"aws-sdk\\\");\\nexports.handler = 1;\";"),
            Some("const AWS = require(\"aws-sdk\");\nexports.handler = 1;".to_owned())
        );
        assert_eq!(
            code_of("const code = [\"const AWS = require('aws-sdk');\", `exports.handler = ${x};`].join(\"\\n\");"),
            Some("const AWS = require('aws-sdk');\nexports.handler = ;".to_owned())
        );
        assert_eq!(code_of("const code = readFileSync(\"x.js\", \"utf8\");"), None);
    }
}
