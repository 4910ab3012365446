//! ARN text a program writes for a dead-letter target it does not declare:
//! `"arn:aws:sqs:us-east-1:123456789012:orders-dlq"`, a const holding it, or a template (also
//! in `pulumi.interpolate`) built from the region and account (`` `arn:aws:sqs:${region}:…` ``).

use super::scope::{Declaration, LocalBinding};
use super::{named_children, Exported, ImportKind, Located, Package, Program};
use crate::cloud::{ArnPiece, ArnText, ReadValue};
use crate::syntax::{kind_of, named_descendants, Fields};

impl<'tree> Program<'tree> {
    /// The ARN text a value stands for: a string, or a template whose substitutions are strings
    /// (through consts) or values named as the template writes them (`${accountId}`).
    pub(super) fn arn_text(&self, value: Located<'tree>) -> Option<ArnText> {
        let written = self.written_value(value);
        if let Some(text) = self.string_value(written) {
            return Some(ArnText::literal(&text));
        }
        let template = match kind_of(written.node) {
            "template_string" => written,
            // `pulumi.interpolate` of a template: an Output of the same text.
            "call_expression" => {
                let callee = self.package_member(written.with(written.node.field("function")?))?;
                let arguments = written.node.field("arguments")?;
                if !callee.is(Package::Pulumi, &["interpolate"]) || kind_of(arguments) != "template_string" {
                    return None;
                }
                written.with(arguments)
            }
            _ => return None,
        };
        let mut pieces = Vec::new();
        for part in named_children(template.node) {
            match kind_of(part) {
                "string_fragment" => pieces.push(ArnPiece::Text(self.text(template.with(part)).to_owned())),
                "template_substitution" => {
                    let inner = template.with(named_children(part).next()?);
                    let piece = match self.string_value(self.written_value(inner)) {
                        Some(text) => ArnPiece::Text(text),
                        None => ArnPiece::Value(self.read_value(inner)),
                    };
                    pieces.push(piece);
                }
                // An escape reads otherwise than it is written.
                _ => return None,
            }
        }
        Some(ArnText::new(pieces))
    }

    /// What a template's substitution reads: shown as written, and told apart by what each name
    /// in it is bound to, since modules spell different values alike (`${account}` a const of
    /// the stack's config in one, of the caller's identity in another).
    pub(super) fn read_value(&self, substitution: Located<'tree>) -> ReadValue {
        let text = self.file(substitution.file).text;
        let mut identity = String::new();
        let mut from = substitution.node.start_byte();
        for name in named_descendants(substitution.node)
            .filter(|node| matches!(kind_of(*node), "identifier" | "shorthand_property_identifier"))
        {
            identity.push_str(&text[from..name.start_byte()]);
            identity.push_str(&self.binding_identity(substitution.with(name)));
            from = name.end_byte();
        }
        identity.push_str(&text[from..substitution.node.end_byte()]);
        let compact = |written: &str| written.split_whitespace().collect::<String>();
        ReadValue::bound(compact(self.text(substitution)), compact(&identity))
    }

    /// What a name is bound to, the same wherever it is read: its declaration (a const imported
    /// from another module is the const that module declares), the package member an import
    /// names, or the name itself for a global.
    fn binding_identity(&self, name: Located<'tree>) -> String {
        let written = self.text(name);
        let declared = |file: usize, start: usize, name: &str| format!("#{file}:{start}:{name}");
        match self.local_binding(name) {
            Some(LocalBinding::Parameter { binder } | LocalBinding::LoopVariable { binder }) => {
                return declared(name.file, binder.0, written)
            }
            Some(LocalBinding::Variable { declarator, .. }) => return declared(name.file, declarator.0, written),
            None => {}
        }
        if let Declaration::Variable { declarator, .. } | Declaration::Destructured { declarator, .. } =
            self.declaration_of(name)
        {
            return declared(name.file, declarator.start_byte(), written);
        }
        let Some(binding) = self.import_of(name) else {
            return written.to_owned();
        };
        let imported = match &binding.kind {
            ImportKind::Named { imported } => Some(imported.as_str()),
            ImportKind::Namespace => None,
        };
        if let Some(member) = self.package_member(name) {
            return format!("@{:?}.{}", member.package, member.path.join("."));
        }
        let Some(from) = self.imported_file(name.file, &binding.module) else {
            return format!("{}:{}", binding.module, imported.unwrap_or("*"));
        };
        let Some(imported) = imported else {
            return format!("#{from}");
        };
        match self.exported(from, imported) {
            Some(Exported::Variable { file, declarator, .. }) => {
                let declared_name = declarator
                    .field("name")
                    .map_or(imported, |node| self.text(Located { file, node }));
                declared(file, declarator.start_byte(), declared_name)
            }
            Some(Exported::Function { file, function }) => declared(file, function.start_byte(), imported),
            Some(Exported::Namespace { file }) => format!("#{file}"),
            None => format!("#{from}:{imported}"),
        }
    }
}
