//! ARN text a function names its dead-letter target by (`"arn:aws:sqs:…:orders-dlq"`, a const
//! holding it, `` pulumi.interpolate`arn:aws:sns:${region}:${accountId}:alerts` ``), written where
//! a grant goes: copied as the function writes it, each name it reads written as the code there
//! names the same value (the same const, imported from the module that declares it), or, when the
//! text is all written out, as a string. Where a name cannot be assured to hold the same value
//! there (a variable assigned again, a parameter of another call, a const declared further down),
//! there is no copy, and the reason says why. No part of the text ever becomes a wildcard.

use std::ops::Range;

use super::super::scope::Declaration;
use super::super::{named_children, Exported, ImportKind, Located, OutputValue, Program};
use crate::cloud::{GrantTarget, WrittenArn};
use crate::fix::Edit;
use crate::syntax::{kind_of, Fields};

/// Nodes a copy holds as they are written: strings and templates, property names, and what
/// groups the names and calls read inside them.
const WRITTEN_AS_IS: [&str; 8] = [
    "string",
    "string_fragment",
    "escape_sequence",
    "template_string",
    "template_substitution",
    "property_identifier",
    "parenthesized_expression",
    "arguments",
];

impl<'tree> Program<'tree> {
    /// The function's ARN text as code at `place` names it; the imports that takes go into
    /// `edits`.
    pub(super) fn written_arn_at(
        &self,
        written: &WrittenArn,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<OutputValue, String> {
        let value = self.located(&written.at)?;
        // The copy's imports join the fix's own (one import of each name, under names that tell
        // apart two modules' `account`), and are kept only if the copy is.
        let mut with_imports = edits.clone();
        let expression = match self.copied_at(value, place, &mut with_imports) {
            Ok(expression) => {
                *edits = with_imports;
                expression
            }
            // Text written out whole says the same as a string, wherever it goes.
            Err(reason) => match written.text.as_literal() {
                Some(literal) => self.style(place.file).string(&literal),
                None => {
                    return Err(format!(
                        "a grant would copy its ARN text, but {reason}; grant it by hand"
                    ))
                }
            },
        };
        Ok(OutputValue {
            reference: GrantTarget::Text(written.clone()),
            expression,
        })
    }

    /// `value` as written, with each name it reads replaced by how code at `place` names the same
    /// value; `Err` with the reason when some name cannot be.
    fn copied_at(&self, value: Located<'tree>, place: Located<'tree>, edits: &mut Vec<Edit>) -> Result<String, String> {
        let mut renamed: Vec<(Range<usize>, String)> = Vec::new();
        let mut pending = vec![value.node];
        while let Some(node) = pending.pop() {
            let at = value.with(node);
            // `pulumi.interpolate`, `aws.getRegionOutput`: a package's member as the place's file
            // spells it.
            if matches!(kind_of(node), "identifier" | "member_expression") {
                if let Some(member) = self.package_member(at) {
                    let spelled = self.spelling_of(place.file, &member).ok_or_else(|| {
                        format!(
                            "the file the policy is in imports nothing that reaches `{}`",
                            self.text(at)
                        )
                    })?;
                    renamed.push((node.byte_range(), spelled));
                    continue;
                }
            }
            match kind_of(node) {
                "identifier" => renamed.push((node.byte_range(), self.name_at(at, place, edits)?)),
                "member_expression" => {
                    if named_children(node).any(|child| kind_of(child) == "optional_chain") {
                        return Err(format!("`{}` may be undefined", self.text(at)));
                    }
                    match self.namespace_member_at(at, place, edits)? {
                        Some(name) => renamed.push((node.byte_range(), name)),
                        None => pending.extend(node.field("object")),
                    }
                }
                // A call of the project's own code may do more than give the value: only a
                // package's lookups (`aws.getCallerIdentityOutput()`) are made again.
                "call_expression" => {
                    let callee = node.field("function").map(|callee| value.with(callee));
                    if callee.and_then(|callee| self.package_member(callee)).is_none() {
                        return Err(format!("a copy would call `{}` again", self.text(at)));
                    }
                    pending.extend(named_children(node));
                }
                kind if WRITTEN_AS_IS.contains(&kind) => pending.extend(named_children(node)),
                _ => {
                    return Err(format!(
                        "infrafix copies only strings, templates, and the consts and lookups they read, not `{}`",
                        self.text(at)
                    ))
                }
            }
        }
        renamed.sort_by_key(|(range, _)| range.start);
        let text = self.file(value.file).text;
        let mut copied = String::new();
        let mut from = value.node.start_byte();
        for (range, name) in renamed {
            copied.push_str(&text[from..range.start]);
            copied.push_str(&name);
            from = range.end;
        }
        copied.push_str(&text[from..value.node.end_byte()]);
        Ok(copied)
    }

    /// How code at `place` names the value `identifier` reads.
    fn name_at(
        &self,
        identifier: Located<'tree>,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<String, String> {
        let name = self.text(identifier);
        match self.declaration_of(identifier) {
            Declaration::Variable {
                declarator,
                constant: true,
            } => self.name_const_at(identifier.with(declarator.field("name").unwrap_or(declarator)), place, edits),
            Declaration::Variable { .. } | Declaration::Destructured { constant: false, .. } => Err(format!(
                "it reads `{name}`, a variable the program assigns again, which may hold another value where the policy reads it"
            )),
            Declaration::Destructured { .. } => Err(format!(
                "it reads `{name}`, which a pattern takes apart; infrafix names only a const of its own there"
            )),
            Declaration::Parameter | Declaration::LoopVariable => {
                let binder = self
                    .function_declaring_parameter(identifier)
                    .or_else(|| self.loop_declaring_variable(identifier));
                match binder {
                    Some(binder)
                        if identifier.with(binder).encloses(&place) && !self.hidden_at(name, place, binder) =>
                    {
                        Ok(name.to_owned())
                    }
                    _ => Err(format!(
                        "it reads `{name}`, which holds a value per call or iteration that code where the policy goes cannot see"
                    )),
                }
            }
            Declaration::NotInFile => self.imported_const_at(identifier, place, edits),
        }
    }

    /// How code at `place` names the const an imported name (`import { region } from
    /// "./deployment"`) stands for.
    fn imported_const_at(
        &self,
        identifier: Located<'tree>,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<String, String> {
        let name = self.text(identifier);
        let unknown = || format!("it reads `{name}`, which infrafix cannot follow to a const of the project");
        let binding = self.import_of(identifier).ok_or_else(unknown)?;
        let ImportKind::Named { imported } = &binding.kind else {
            return Err(unknown());
        };
        let from = self
            .imported_file(identifier.file, &binding.module)
            .ok_or_else(unknown)?;
        self.exported_const_at(from, imported, place, edits)?
            .ok_or_else(unknown)
    }

    /// `deployment.region` through a namespace import of a module of the project: how code at
    /// `place` names that module's const. `None` when the member reads no such namespace.
    fn namespace_member_at(
        &self,
        member: Located<'tree>,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<Option<String>, String> {
        let (Some(object), Some(property)) = (member.node.field("object"), member.node.field("property")) else {
            return Ok(None);
        };
        let object = member.with(object);
        if kind_of(object.node) != "identifier" || !matches!(self.declaration_of(object), Declaration::NotInFile) {
            return Ok(None);
        }
        let Some(binding) = self
            .import_of(object)
            .filter(|binding| binding.is_namespace_of_module())
        else {
            return Ok(None);
        };
        let Some(from) = self.imported_file(object.file, &binding.module) else {
            return Ok(None);
        };
        let shown = self.text(member);
        self.exported_const_at(from, self.text(member.with(property)), place, edits)?
            .map(Some)
            .ok_or_else(|| format!("it reads `{shown}`, which infrafix cannot follow to a const of the project"))
    }

    /// How code at `place` names the const module `from` exports as `exported`; `None` when that
    /// export is no const of the project.
    fn exported_const_at(
        &self,
        from: usize,
        exported: &str,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<Option<String>, String> {
        let Some(Exported::Variable { file, declarator, .. }) = self.exported(from, exported) else {
            return Ok(None);
        };
        let Some(name) = declarator.field("name").filter(|name| kind_of(*name) == "identifier") else {
            return Ok(None);
        };
        let name = Located { file, node: name };
        // A `let` its module assigns again may hold something else by the time the policy reads it.
        if !matches!(self.declaration_of(name), Declaration::Variable { constant: true, .. }) {
            return Err(format!(
                "it reads `{}`, a variable its module assigns again",
                self.text(name)
            ));
        }
        self.name_const_at(name, place, edits).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use crate::cloud::WrittenArn;
    use crate::frontends::typescript::test_support::with_program;
    use crate::frontends::typescript::{Located, Program};

    const DEPLOYMENT: &str = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
export const region = aws.getRegionOutput().name;\nexport let account = \"111122223333\";\nif (pulumi.getStack() === \"dr\") { account = \"444455556666\"; }\n";
    const IAM: &str = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
export const role = new aws.iam.Role(\"r\", { assumeRolePolicy: \"{}\" });\n";

    /// The copy of the ARN text function `index` of `functions` writes, at the role's statement in
    /// iam.ts, with the edits it takes.
    fn copied(functions: &str) -> Result<(String, Vec<String>), String> {
        let files = [("deployment.ts", DEPLOYMENT), ("iam.ts", IAM), ("index.ts", functions)];
        let mut result = None;
        with_program(&files, |program: &Program| {
            let function = program
                .resources()
                .iter()
                .find(|resource| resource.is_aws(&["lambda", "Function"]))
                .expect("a function");
            let target = program.dead_letter_target(function).expect("a target");
            let written = WrittenArn {
                text: program.arn_text(target).expect("ARN text"),
                at: target.into(),
            };
            let role = program
                .resources()
                .iter()
                .find(|resource| resource.is_aws(&["iam", "Role"]))
                .expect("a role");
            let place = Located {
                file: role.file,
                node: role.statement,
            };
            let mut edits = Vec::new();
            result = Some(program.written_arn_at(&written, place, &mut edits).map(|value| {
                let edits = edits.iter().map(|edit| edit.replacement.clone()).collect();
                (value.expression, edits)
            }));
        });
        result.expect("checked")
    }

    fn function(target: &str) -> String {
        format!(
            "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
import {{ account, region }} from \"./deployment\";\nimport {{ role }} from \"./iam\";\n\
const name = \"orders-dlq\";\n\
new aws.lambda.Function(\"f\", {{ role: role.arn, deadLetterConfig: {{ targetArn: {target} }} }});\n"
        )
    }

    #[test]
    fn names_read_are_imported_where_they_are_declared() {
        let (expression, edits) = copied(&function(
            "pulumi.interpolate`arn:aws:sqs:${region}:${aws.getCallerIdentityOutput().accountId}:orders-dlq`",
        ))
        .expect("copied");
        assert_eq!(
            expression,
            "pulumi.interpolate`arn:aws:sqs:${region}:${aws.getCallerIdentityOutput().accountId}:orders-dlq`"
        );
        assert!(edits
            .iter()
            .any(|edit| edit.contains("import { region } from \"./deployment\"")));
    }

    #[test]
    fn text_written_out_whole_is_copied_as_a_string_where_its_const_cannot_be_named() {
        // `name` is a const of the function's module, which imports iam.ts: no import back.
        let (expression, edits) = copied(&function("`arn:aws:sqs:us-east-1:123456789012:${name}`")).expect("copied");
        assert_eq!(expression, "\"arn:aws:sqs:us-east-1:123456789012:orders-dlq\"");
        assert!(edits.is_empty());
    }

    #[test]
    fn a_variable_assigned_again_is_never_copied() {
        let refused = copied(&function("`arn:aws:sqs:us-east-1:${account}:orders-dlq`")).expect_err("refused");
        assert!(refused.contains("`account`"), "{refused}");
    }
}
