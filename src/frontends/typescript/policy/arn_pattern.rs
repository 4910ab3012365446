//! ARNs a policy builds from the partition, region and account the program deploys to:
//! `` `arn:aws:sqs:${this.region}:${this.account}:*` `` in a CDK stack, `cdk.Aws.REGION`,
//! `Stack.of(this).account`, `cdk.Fn.sub("arn:aws:sqs:${AWS::Region}:…")`, Pulumi's
//! `aws.getRegionOutput().name`. Those fields are read as wildcards, as CloudFormation's pseudo
//! parameters are: whatever they are, the program's own queues and topics lie in them, so a grant
//! written this way reaches them. A lookup given another region or provider, a substitution
//! inside a name (`audit-${region}`), or `this` of a class that is not a stack is not read.

use crate::frontends::cloudformation::pseudo_parameters_as_wildcards;
use crate::frontends::typescript::{named_children, Located, Package, Program};
use crate::syntax::{kind_of, Fields};

/// What the CDK's stack (`this.region`, `Stack.of(this).account`) says of where it deploys.
const STACK_PROPERTIES: [&str; 3] = ["region", "account", "partition"];
/// The CDK's pseudo parameters (`Aws.REGION`).
const CDK_PSEUDO_PARAMETERS: [&str; 3] = ["REGION", "ACCOUNT_ID", "PARTITION"];
/// @pulumi/aws lookups of where the program deploys, and the field of each result that says it.
const PULUMI_LOOKUPS: [(&str, &str); 6] = [
    ("getRegion", "name"),
    ("getRegionOutput", "name"),
    ("getCallerIdentity", "accountId"),
    ("getCallerIdentityOutput", "accountId"),
    ("getPartition", "partition"),
    ("getPartitionOutput", "partition"),
];
/// How many classes up a stack class may be extended (`class OrdersStack extends BaseStack`).
const MAX_CLASS_DEPTH: usize = 4;

/// One part of an ARN template.
enum ArnPart {
    Text(String),
    /// A substitution that names where the program deploys.
    Deployment,
}

impl<'tree> Program<'tree> {
    /// The pattern an ARN template stands for, when every substitution in it names where the
    /// program deploys (each read as `*`); `None` when it substitutes anything else.
    pub(super) fn deployment_arn_pattern(&self, at: Located<'tree>) -> Option<String> {
        let at = self.unwrapped(at);
        match kind_of(at.node) {
            "template_string" => {
                let mut parts = Vec::new();
                for part in named_children(at.node) {
                    match kind_of(part) {
                        "string_fragment" => parts.push(ArnPart::Text(self.text(at.with(part)).to_owned())),
                        "template_substitution" if self.names_the_deployment(at.with(named_children(part).next()?)) => {
                            parts.push(ArnPart::Deployment)
                        }
                        _ => return None,
                    }
                }
                arn_pattern(&parts)
            }
            "call_expression" => {
                let callee = self.package_member(at.with(at.node.field("function")?))?;
                // `pulumi.interpolate` of such a template.
                let arguments = at.node.field("arguments")?;
                if callee.is(Package::Pulumi, &["interpolate"]) && kind_of(arguments) == "template_string" {
                    return self.deployment_arn_pattern(at.with(arguments));
                }
                // `cdk.Fn.sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*")`
                if !callee.is(Package::Cdk, &["Fn", "sub"]) {
                    return None;
                }
                match self.call_arguments(at).as_slice() {
                    [text] => pseudo_parameters_as_wildcards(&self.string_value(*text)?),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Whether an expression is the partition, region or account the program deploys to.
    fn names_the_deployment(&self, expression: Located<'tree>) -> bool {
        let expression = self.written_value(expression);
        if let Some(member) = self.package_member(expression) {
            return match member.path.as_slice() {
                [aws, name] => {
                    member.package == Package::Cdk && aws == "Aws" && CDK_PSEUDO_PARAMETERS.contains(&name.as_str())
                }
                _ => false,
            };
        }
        if kind_of(expression.node) != "member_expression" {
            return false;
        }
        let (Some(object), Some(property)) = (expression.node.field("object"), expression.node.field("property"))
        else {
            return false;
        };
        let property = self.text(expression.with(property));
        let object = self.written_value(expression.with(object));
        let call = match kind_of(object.node) {
            "this" => return STACK_PROPERTIES.contains(&property) && self.in_a_stack_class(object),
            "await_expression" => object.node.named_child(0).map(|call| object.with(call)),
            _ => Some(object),
        };
        let Some(call) = call.filter(|call| kind_of(call.node) == "call_expression") else {
            return false;
        };
        let Some(callee) = call
            .node
            .field("function")
            .and_then(|callee| self.package_member(call.with(callee)))
        else {
            return false;
        };
        let arguments = self.call_arguments(call);
        match callee.path.as_slice() {
            // The stack `this` construct is in; another construct's may be another stack.
            [stack, of] if callee.package == Package::Cdk && stack == "Stack" && of == "of" => {
                matches!(arguments.as_slice(), [scope] if kind_of(scope.node) == "this")
                    && STACK_PROPERTIES.contains(&property)
                    && self.in_a_stack_class(call)
            }
            // Asked with no arguments: another region or provider may be named in them.
            [lookup] if callee.package == Package::Aws && arguments.is_empty() => PULUMI_LOOKUPS
                .iter()
                .any(|(name, field)| name == lookup && *field == property),
            _ => false,
        }
    }

    /// Whether code lies in a class that extends the CDK's `Stack` or `NestedStack`, directly or
    /// through classes of the program: `this` there is the stack that deploys.
    fn in_a_stack_class(&self, at: Located<'tree>) -> bool {
        let Some(mut class) = self
            .ancestors(at)
            .into_iter()
            .find(|node| kind_of(*node) == "class_declaration")
            .map(|class| at.with(class))
        else {
            return false;
        };
        for _ in 0..MAX_CLASS_DEPTH {
            let Some(extended) = named_children(class.node)
                .find(|child| kind_of(*child) == "class_heritage")
                .and_then(|heritage| named_children(heritage).find(|clause| kind_of(*clause) == "extends_clause"))
                .and_then(|clause| clause.field("value"))
                .map(|value| class.with(value))
            else {
                return false;
            };
            if let Some(member) = self.package_member(extended) {
                return member.package == Package::Cdk
                    && matches!(member.path.last().map(String::as_str), Some("Stack" | "NestedStack"));
            }
            match (kind_of(extended.node) == "identifier")
                .then(|| self.class_named(extended))
                .flatten()
            {
                Some(parent) => class = parent,
                None => return false,
            }
        }
        false
    }
}

/// The pattern of an ARN whose deployment parts are wildcards, when each is a whole field of the
/// ARN (`:${region}:`); `None` when one lies inside a name (`audit-${region}`), which it fixes.
fn arn_pattern(parts: &[ArnPart]) -> Option<String> {
    let mut pattern = String::new();
    for (index, part) in parts.iter().enumerate() {
        match part {
            ArnPart::Text(text) => pattern.push_str(text),
            ArnPart::Deployment => {
                let followed_by_colon =
                    matches!(parts.get(index + 1), Some(ArnPart::Text(next)) if next.starts_with(':'));
                if !pattern.ends_with(':') || !followed_by_colon {
                    return None;
                }
                pattern.push('*');
            }
        }
    }
    Some(pattern)
}
