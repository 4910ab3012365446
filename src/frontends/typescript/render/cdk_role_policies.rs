//! Sends granted to a CDK `CfnRole` in a policy of its own `policies`. CloudFormation creates a
//! role with its inline policies, and a function that names the role's ARN is created after it,
//! so the grant needs no dependency, as a separate `CfnPolicy` would.

use super::super::{named_children, Located, NewStatement, Program, StringOrigin};
use super::grants::Named;
use crate::cloud::SendGrant;
use crate::fix::{Edit, Fix};
use crate::style::template::Code;
use crate::syntax::kind_of;

impl<'tree> Program<'tree> {
    /// One new entry of the role's `policies` for every grant whose target the role's statement
    /// can name; the others, with the reason.
    pub(super) fn new_cdk_role_policy(&self, role: usize, grants: &[SendGrant]) -> Vec<Result<Fix, String>> {
        let wanted: Vec<(String, crate::cloud::GrantTarget)> = grants
            .iter()
            .map(|grant| (grant.action.clone(), grant.target.clone()))
            .collect();
        let Some(props) = self.own_arguments(&self.resources()[role]) else {
            let reason = "the role's props are not an object literal of its own".to_owned();
            return vec![Err(reason); grants.len()];
        };
        let every_grant: Vec<usize> = (0..grants.len()).collect();
        // Every grant is served or failed, with its reason.
        let (named, failed) = self.name_grants(&wanted, &every_grant, props);
        let rendered =
            (!named.served.is_empty()).then(|| self.cdk_role_policy_edits(role, props, named).map(Fix::safe));
        (0..grants.len())
            .map(|grant| match failed.iter().find(|(member, _)| *member == grant) {
                Some((_, reason)) => Err(reason.clone()),
                None => rendered
                    .clone()
                    .unwrap_or_else(|| Err("the grant was not placed".to_owned())),
            })
            .collect()
    }

    /// The edits that add a policy with the named grants to the role's props.
    fn cdk_role_policy_edits(&self, role: usize, props: Located<'tree>, named: Named) -> Result<Vec<Edit>, String> {
        let declaration = &self.resources()[role];
        let listed = self.argument(declaration, "inlinePolicies");
        let sends = named
            .statements
            .iter()
            .any(|statement| statement.action.starts_with("sqs:"));
        let base = if sends {
            "dead-letter-send"
        } else {
            "dead-letter-publish"
        };
        // A role's inline policies share one name space with the CfnPolicy and CfnRolePolicy
        // resources naming it: a name taken twice is overwritten.
        let mut taken = listed.map(|listed| self.policy_names(listed.value)).unwrap_or_default();
        taken.extend(self.role_attachments(role).into_iter().flat_map(|attachment| {
            self.argument(&self.resources()[attachment], "policyName")
                .map(|name| self.literal_strings(name.value))
                .unwrap_or_default()
        }));
        let policy_name = std::iter::once(base.to_owned())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(|name| !taken.contains(name))
            .unwrap_or_else(|| base.to_owned());
        let entry = Code::object([
            ("policyName", Code::text(policy_name)),
            (
                "policyDocument",
                Code::object([
                    ("Version", Code::text("2012-10-17")),
                    (
                        "Statement",
                        Code::Array(named.statements.iter().map(NewStatement::code).collect()),
                    ),
                ]),
            ),
        ]);
        let mut edits = named.edits;
        edits.push(match listed {
            None => self.add_properties(props, &[("policies", Code::Array(vec![entry]))])?,
            Some(listed) if listed.object == props && kind_of(listed.value.node) == "array" => {
                let value = listed.value;
                let elements: Vec<_> = named_children(value.node)
                    .filter(|element| kind_of(element) != "comment")
                    .collect();
                let style = self.style(value.file);
                let has_comments = named_children(value.node).any(|element| kind_of(element) == "comment");
                match elements.last() {
                    // A list on several lines gains a line; one written on a single line is laid
                    // out again, one entry per line, since the new entry spans several (unless a
                    // comment in it would be lost).
                    Some(&last) if self.text(value).contains('\n') || has_comments => {
                        let indent = self.indentation_of(value.with(last));
                        self.insert_items_after(value.with(last), &[entry.render(style, &indent, 0)])
                    }
                    _ => {
                        let mut entries: Vec<Code> = elements
                            .iter()
                            .map(|element| Code::verbatim(self.text(value.with(*element))))
                            .collect();
                        entries.push(entry);
                        let indent = self.indentation_of(listed.property);
                        self.replace_node(value, &Code::Array(entries).render(style, &indent, "policies: ".len()))
                    }
                }
            }
            Some(_) => {
                return Err(format!(
                    "the `policies` of role {} are not a list written in its own props",
                    self.display_name(role)
                ))
            }
        });
        Ok(edits)
    }

    /// The `policyName`s a role's `policies` list writes out.
    fn policy_names(&self, listed: Located<'tree>) -> Vec<String> {
        named_children(listed.node)
            .filter_map(|entry| self.property(listed.with(entry), "policyName"))
            .flat_map(|name| self.literal_strings(name.value))
            .collect()
    }

    /// The strings a value may be, as the source writes them.
    fn literal_strings(&self, value: Located<'tree>) -> Vec<String> {
        self.string_origins(value)
            .into_iter()
            .filter_map(|origin| match origin {
                StringOrigin::Literal { value, .. } => Some(value),
                StringOrigin::PackageMember { .. } => None,
            })
            .collect()
    }
}
