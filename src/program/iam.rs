//! IAM facts: the role a function runs as, and everything that attaches policy to a role.

use super::{Located, Program, ResourceDecl};

/// The execution role of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionRole {
    /// A role declared in the program (index into [`Program::resources`]).
    Declared(usize),
    /// A role the program does not declare: an ARN from config or another stack, or an expression
    /// infrafix cannot follow. Rules never edit what they cannot see.
    Unknown,
}

/// The classes that attach policy to roles, and the argument that names the role(s).
const ATTACHMENTS: [(&str, &str); 3] = [
    ("RolePolicy", "role"),
    ("RolePolicyAttachment", "role"),
    ("PolicyAttachment", "roles"),
];

impl<'tree> Program<'tree> {
    /// The role a Lambda function runs as; `None` for anything but a function, and for a function
    /// whose arguments name no role at all.
    pub fn execution_role(&self, function: &ResourceDecl<'tree>) -> Option<ExecutionRole> {
        if !function.is_lambda_function() {
            return None;
        }
        let role = self.property(function.args()?, "role")?;
        Some(match self.denoted_resource(role.value) {
            Some(reference) if self.resources()[reference.resource].is_aws(&["iam", "Role"]) => {
                ExecutionRole::Declared(reference.resource)
            }
            _ => ExecutionRole::Unknown,
        })
    }

    /// The RolePolicy, RolePolicyAttachment and PolicyAttachment resources that attach policy to a
    /// role, in program order. (A role's own `inlinePolicies` and `managedPolicyArns` are part of
    /// the role and need no ordering.)
    pub fn role_attachments(&self, role: usize) -> Vec<usize> {
        self.resources()
            .iter()
            .enumerate()
            .filter(|(_, resource)| {
                ATTACHMENTS.iter().any(|(class, argument)| {
                    resource.is_aws(&["iam", class]) && self.attachment_names_role(resource, argument, role)
                })
            })
            .map(|(index, _)| index)
            .collect()
    }

    fn attachment_names_role(&self, attachment: &ResourceDecl<'tree>, argument: &str, role: usize) -> bool {
        let Some(value) = attachment.args().and_then(|args| self.property(args, argument)) else {
            return false;
        };
        let names = |at: Located<'tree>| {
            self.denoted_resource(at)
                .is_some_and(|reference| reference.resource == role)
        };
        match value.value.node.kind() {
            "array" => super::named_children(value.value.node).any(|element| {
                names(Located {
                    file: value.value.file,
                    node: element,
                })
            }),
            _ => names(value.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::test_support::with_program;

    fn role_of(program: &Program, function_name: &str) -> Option<ExecutionRole> {
        let function = program
            .resources()
            .iter()
            .find(|r| {
                r.is_aws(&["lambda", "Function"])
                    && program
                        .text(Located {
                            file: r.file,
                            node: r.logical_name.expect("named"),
                        })
                        .contains(function_name)
            })
            .expect("function present");
        program.execution_role(function)
    }

    #[test]
    fn finds_roles_across_modules_fields_and_apply_callbacks() {
        let iam = "import * as aws from \"@pulumi/aws\";\nexport const role = new aws.iam.Role(\"r\", { assumeRolePolicy: \"{}\" });\nexport const roleArn = role.arn;\n";
        let index = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\nimport { role, roleArn } from \"./iam\";\n\
new aws.lambda.Function(\"direct\", { role: role.arn });\n\
new aws.lambda.Function(\"via-const\", { role: roleArn });\n\
new aws.lambda.Function(\"via-apply\", { role: pulumi.all([role.arn]).apply(([arn]) => arn) });\n\
new aws.lambda.Function(\"from-config\", { role: new pulumi.Config().require(\"roleArn\") });\n\
new aws.iam.RolePolicyAttachment(\"basic\", { role: role.name, policyArn: \"arn\" });\n\
new aws.iam.PolicyAttachment(\"shared\", { roles: [role], policyArn: \"arn\" });\n\
new aws.iam.RolePolicy(\"other\", { role: \"someone-else\", policy: \"{}\" });\n";
        with_program(&[("index.ts", index), ("iam.ts", iam)], |program| {
            let role = program
                .resources()
                .iter()
                .position(|r| r.is_aws(&["iam", "Role"]))
                .expect("role");
            for name in ["direct", "via-const", "via-apply"] {
                assert_eq!(role_of(program, name), Some(ExecutionRole::Declared(role)), "{name}");
            }
            assert_eq!(role_of(program, "from-config"), Some(ExecutionRole::Unknown));
            let attached: Vec<String> = program
                .role_attachments(role)
                .into_iter()
                .map(|i| {
                    program
                        .text(Located {
                            file: program.resources()[i].file,
                            node: program.resources()[i].logical_name.expect("named"),
                        })
                        .to_owned()
                })
                .collect();
            assert_eq!(attached, vec!["\"basic\"", "\"shared\""]);
        });
    }

    #[test]
    fn finds_roles_held_in_class_fields() {
        let text = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
class Service extends pulumi.ComponentResource {\n  role: aws.iam.Role;\n  constructor(name: string) {\n    super(\"s\", name);\n\
    this.role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: \"{}\" });\n\
    new aws.lambda.Function(`${name}-fn`, { role: this.role.arn });\n  }\n}\n";
        with_program(&[("index.ts", text)], |program| {
            let role = program
                .resources()
                .iter()
                .position(|r| r.is_aws(&["iam", "Role"]))
                .expect("role");
            assert_eq!(role_of(program, "fn"), Some(ExecutionRole::Declared(role)));
        });
    }
}
