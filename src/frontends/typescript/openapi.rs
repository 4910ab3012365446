//! API Gateway integrations with Lambda functions: the `x-amazon-apigateway-integration` objects of
//! a RestApi's OpenAPI body (object literals or JSON text, through consts, `JSON.stringify`,
//! `pulumi.jsonStringify`, `.apply` callbacks, `pulumi.interpolate` and helper functions that
//! return the spec), and `aws.apigateway.Integration` resources.

use crate::syntax::{kind_of, Fields};
use std::ops::Range;
use tree_sitter::Node;

use super::declared_types::MemberTyping;
use super::json_text::Json;
use super::scope::Declaration;
use super::{cdk, named_children, Exported, ImportKind, Located, Package, Program};
use crate::cloud::{
    action_matches, calls_other_lambda_api, route_coverage, Coverage, IntegrationType, InvokePermission, Site, ARN,
    INVOKE_ARN, QUALIFIED_ARN, QUALIFIED_INVOKE_ARN,
};
use crate::fix::Edit;

/// One integration, whatever form it is written in.
#[derive(Debug, Clone)]
pub struct Integration<'tree> {
    /// The RestApi the integration belongs to, when the program declares it.
    pub rest_api: Option<usize>,
    /// The integration object or resource, where findings about it point.
    pub at: Located<'tree>,
    /// `type` (`aws_proxy`, `AWS_PROXY` …), when written as a literal.
    pub integration_type: Option<String>,
    pub uri: Option<IntegrationValue<'tree>>,
    pub credentials: Option<IntegrationValue<'tree>>,
    /// `httpMethod` in OpenAPI, `integrationHttpMethod` on a resource.
    pub http_method: Option<IntegrationValue<'tree>>,
    /// Written as a resource (an `aws.apigateway.Integration`, a `CfnMethod`'s `integration`),
    /// not in an OpenAPI document.
    pub on_resource: bool,
}

impl Integration<'_> {
    pub fn kind(&self) -> IntegrationType {
        IntegrationType::from_written(self.integration_type.as_deref())
    }
}

/// A property of an integration.
#[derive(Debug, Clone)]
pub struct IntegrationValue<'tree> {
    /// The value, when it is a literal string.
    pub literal: Option<String>,
    /// The expression behind the value: the property's value, or the `${…}` substitution that
    /// makes up a JSON string.
    pub expression: Option<Located<'tree>>,
    /// Where the value is written: the property (object form) or the JSON string (text form).
    place: ValuePlace<'tree>,
}

impl IntegrationValue<'_> {
    /// Where the setting is written: the property, or the JSON string.
    pub fn written(&self) -> Site {
        match &self.place {
            ValuePlace::Property { property, .. } => (*property).into(),
            ValuePlace::Text { file, string, .. } => Site {
                file: *file,
                range: string.clone(),
            },
        }
    }

    /// The string literal holding the value, when it is written in place.
    pub fn string(&self) -> Option<Site> {
        match &self.place {
            ValuePlace::Property { value, .. } => {
                matches!(kind_of(value.node), "string" | "template_string").then(|| (*value).into())
            }
            ValuePlace::Text { .. } => Some(self.written()),
        }
    }
}

#[derive(Debug, Clone)]
enum ValuePlace<'tree> {
    Property {
        property: Located<'tree>,
        value: Located<'tree>,
    },
    /// JSON text: the string's range, and the range that removing the member deletes.
    Text {
        file: usize,
        string: Range<usize>,
        removal: Range<usize>,
    },
}

impl<'tree> Program<'tree> {
    /// Every API Gateway integration of the program.
    pub fn integrations(&self) -> Vec<Integration<'tree>> {
        let mut found = Vec::new();
        for (index, resource) in self.resources().iter().enumerate() {
            let Some(args) = resource.args().and_then(|args| self.object_literal(args)) else {
                continue;
            };
            if resource.is_aws(&["apigateway", "RestApi"]) {
                if let Some(body) = self.argument(resource, "body") {
                    self.body_integrations(index, body.value, 0, &mut found);
                }
            } else if resource.is_aws(&["apigateway", "Integration"]) {
                let rest_api = self
                    .argument(resource, "restApi")
                    .and_then(|api| self.denoted_resource(api.value))
                    .map(|r| r.resource);
                // A CfnMethod holds its integration in `integration`.
                let object = match resource.class.is(Package::Cdk, &["aws_apigateway", "CfnMethod"]) {
                    true => self
                        .property(args, "integration")
                        .and_then(|integration| self.object_literal(integration.value)),
                    false => Some(args),
                };
                if let Some(object) = object {
                    found.push(Integration {
                        on_resource: true,
                        ..self.object_integration(rest_api, object, "integrationHttpMethod")
                    });
                }
            }
        }
        found
    }

    fn body_integrations(&self, api: usize, value: Located<'tree>, depth: usize, found: &mut Vec<Integration<'tree>>) {
        if depth > 12 {
            return;
        }
        let value = self.unwrapped(value);
        match kind_of(value.node) {
            "identifier" | "shorthand_property_identifier" => {
                if let Some(defined) = self.const_value(value) {
                    self.body_integrations(api, defined, depth + 1, found);
                    // What a loop adds after the declaration (`paths[`/${route}`] = {…}`).
                    for assigned in self.assigned_members(value, defined).unwrap_or_default() {
                        self.body_integrations(api, assigned, depth + 1, found);
                    }
                }
            }
            "object" => self.object_tree_integrations(api, value, depth, found),
            "string" | "template_string" => {
                if let Some(json) = self.json_text(value) {
                    self.text_integrations(api, value, &json, found);
                }
            }
            "call_expression" => {
                if let Some(inner) = self.body_call_result(value) {
                    self.body_integrations(api, inner, depth + 1, found);
                }
            }
            _ => {}
        }
    }

    /// What a call in a body evaluates to, as far as the spec goes: the argument of
    /// `JSON.stringify`/`pulumi.jsonStringify`, what an `.apply` callback or a helper returns, the
    /// template of `pulumi.interpolate`.
    fn body_call_result(&self, call: Located<'tree>) -> Option<Located<'tree>> {
        let here = |node| Located { file: call.file, node };
        let function = call.node.field("function")?;
        let arguments = call.node.field("arguments")?;
        if kind_of(arguments) == "template_string" {
            return Some(here(arguments));
        }
        let first = self.call_arguments(call).first().copied();
        if kind_of(function) == "member_expression" {
            let property = self.text(here(function.field("property")?));
            if property == "apply" {
                return self.returned_value(first?);
            }
            // `apigateway.ApiDefinition.fromInline(spec)` is a SpecRestApi's document.
            if property == "stringify"
                || self.package_member(here(function)).is_some_and(|m| {
                    m.is(Package::Pulumi, &["jsonStringify"])
                        || m.is(Package::Cdk, &["aws_apigateway", "ApiDefinition", "fromInline"])
                })
            {
                return first;
            }
            return None;
        }
        // A helper of the program that builds the spec.
        self.call_result(call)
    }

    /// The function declaration (or const arrow function) an identifier names: in its file, or
    /// exported by the project module it imports it from.
    pub(crate) fn function_named(&self, identifier: Located<'tree>) -> Option<Located<'tree>> {
        // `roles.lambdaRole`: a function of a project module imported as a namespace.
        // `this.makeFn`: a private method of the class the call is made in.
        if kind_of(identifier.node) == "member_expression" {
            if let Some(method) = self.private_method_named(identifier) {
                return Some(method);
            }
            let (exporter, exported) = self.namespace_member(identifier)?;
            return self.exported_function(exporter, exported);
        }
        if kind_of(identifier.node) != "identifier" {
            return None;
        }
        // An inner scope's declaration of the name hides the file's and the imports'.
        if let Some(inner) = self.inner_function_named(identifier) {
            return inner;
        }
        if let Some(function) = self.top_level_function(identifier.file, self.text(identifier)) {
            return Some(Located {
                file: identifier.file,
                node: function,
            });
        }
        if let Some(binding) = self.import_of(identifier) {
            let ImportKind::Named { imported } = &binding.kind else {
                return None;
            };
            let exporter = self.imported_file(identifier.file, &binding.module)?;
            return self.exported_function(exporter, imported);
        }
        self.const_function(identifier)
    }

    /// The function a `const` of the file holds (`const policy = () => …`).
    fn const_function(&self, identifier: Located<'tree>) -> Option<Located<'tree>> {
        match self.declaration_of(identifier) {
            Declaration::Variable {
                declarator,
                constant: true,
            } => function_held(declarator).map(|node| identifier.with(node)),
            _ => None,
        }
    }

    /// What an identifier names when a scope inside the file's top level declares it: a function
    /// declared in a block around it, or a local const holding a function; `Some(None)` when the
    /// inner declaration is anything else (a class, a parameter, a loop variable, a variable
    /// holding a value). `None` when only the top level or an import can declare it.
    fn inner_function_named(&self, identifier: Located<'tree>) -> Option<Option<Located<'tree>>> {
        let name = self.text(identifier);
        let inner_blocks = self
            .ancestors(identifier)
            .into_iter()
            .filter(|block| kind_of(*block) != "program");
        for block in inner_blocks {
            if let Some(declaration) = self.block_declaration(identifier.with(block), name) {
                let function = kind_of(declaration) == "function_declaration";
                return Some(function.then(|| identifier.with(declaration)));
            }
        }
        self.local_binding(identifier)?;
        Some(self.const_function(identifier))
    }

    /// The function declaration (or const arrow function) a project module exports as `name`.
    fn exported_function(&self, exporter: usize, name: &str) -> Option<Located<'tree>> {
        match self.exported(exporter, name)? {
            Exported::Function { file, function } => Some(Located { file, node: function }),
            Exported::Variable { file, declarator, .. } => function_held(declarator).map(|node| Located { file, node }),
            Exported::Namespace { .. } => None,
        }
    }

    /// The project module and the name a member of a namespace import reads (`roles.lambdaRole`
    /// after `import * as roles from "./roles"`).
    pub(crate) fn namespace_member(&self, member: Located<'tree>) -> Option<(usize, &'tree str)> {
        let object = member
            .node
            .field("object")
            .filter(|object| kind_of(*object) == "identifier")?;
        let property = member.node.field("property")?;
        let binding = self.import_of(member.with(object))?;
        if binding.kind != ImportKind::Namespace {
            return None;
        }
        Some((
            self.imported_file(member.file, &binding.module)?,
            self.text(member.with(property)),
        ))
    }

    /// What a call of one of the program's functions returns (`makeRole("audit")` for
    /// `makeRole`'s `return …`); `None` for a call of anything else.
    pub(crate) fn call_result(&self, call: Located<'tree>) -> Option<Located<'tree>> {
        if kind_of(call.node) != "call_expression" {
            return None;
        }
        let helper = self.function_named(call.with(call.node.field("function")?))?;
        self.returned_value(helper)
    }

    /// Everything a call of one of the program's functions may return (see `returned_values`);
    /// `None` for a call of anything else.
    pub(crate) fn call_results(&self, call: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        if kind_of(call.node) != "call_expression" {
            return None;
        }
        let helper = self.function_named(call.with(call.node.field("function")?))?;
        Some(self.returned_values(helper))
    }

    /// What a function returns, when it can return only one thing: its expression body, or the
    /// value of its one `return`.
    pub(crate) fn returned_value(&self, function: Located<'tree>) -> Option<Located<'tree>> {
        match self.returned_values(function).as_slice() {
            [only] => Some(*only),
            _ => None,
        }
    }

    /// Everything a function may return: its expression body, or the value of each `return` in
    /// its body (`if (stack === "prod") return …; return …;`, a `switch` returning from each
    /// case), but not those of the functions and classes written inside it.
    pub(crate) fn returned_values(&self, function: Located<'tree>) -> Vec<Located<'tree>> {
        let Some(body) = function.node.field("body") else {
            return Vec::new();
        };
        if kind_of(body) != "statement_block" {
            return vec![function.with(body)];
        }
        let mut found = Vec::new();
        let mut pending: Vec<Node<'tree>> = named_children(body).collect();
        while let Some(node) = pending.pop() {
            match kind_of(node) {
                "return_statement" => found.extend(node.named_child(0).map(|value| function.with(value))),
                "function_declaration"
                | "generator_function_declaration"
                | "function_expression"
                | "arrow_function"
                | "class_declaration"
                | "class" => {}
                _ if node.child_count() > 0 => pending.extend(named_children(node)),
                _ => {}
            }
        }
        found.sort_by_key(|value| value.node.start_byte());
        found
    }

    /// The integrations of an object literal's tree, also where a part of it is a const or what a
    /// helper returns (`paths: { "/orders": lambdaRoute(orders.arn) }`).
    fn object_tree_integrations(
        &self,
        api: usize,
        root: Located<'tree>,
        depth: usize,
        found: &mut Vec<Integration<'tree>>,
    ) {
        let mut stack = vec![root.node];
        while let Some(node) = stack.pop() {
            let here = root.with(node);
            match kind_of(node) {
                "pair" => {
                    let key = node.field("key").and_then(|key| self.string_value(root.with(key)));
                    let integration = node
                        .field("value")
                        .filter(|_| key.as_deref() == Some("x-amazon-apigateway-integration"))
                        .and_then(|value| self.integration_object(root.with(value)));
                    match integration {
                        Some(object) => found.push(self.object_integration(Some(api), object, "httpMethod")),
                        None => stack.extend(named_children(node)),
                    }
                }
                "object" | "array" => stack.extend(named_children(node)),
                "identifier" | "shorthand_property_identifier" | "call_expression" if node != root.node => {
                    self.body_integrations(api, here, depth + 1, found);
                }
                _ => {}
            }
        }
    }

    /// The object literal an integration is written as: in place, in a const, or returned by a
    /// helper.
    fn integration_object(&self, value: Located<'tree>) -> Option<Located<'tree>> {
        let value = self.unwrapped(value);
        match kind_of(value.node) {
            "call_expression" => self.object_literal(self.body_call_result(value)?),
            _ => self.object_literal(value),
        }
    }

    fn object_integration(
        &self,
        rest_api: Option<usize>,
        object: Located<'tree>,
        method_key: &str,
    ) -> Integration<'tree> {
        let value_of = |key: &str| {
            self.property(object, key)
                .filter(|found| found.object == object)
                .map(|found| IntegrationValue {
                    literal: self.string_value(found.value),
                    expression: Some(found.value),
                    place: ValuePlace::Property {
                        property: found.property,
                        value: found.value,
                    },
                })
        };
        Integration {
            rest_api,
            at: object,
            integration_type: value_of("type").and_then(|value| {
                value.literal.or_else(|| {
                    value
                        .expression
                        .and_then(|written| self.integration_type_member(written))
                })
            }),
            uri: value_of("uri"),
            credentials: value_of("credentials"),
            http_method: value_of(method_key),
            on_resource: false,
        }
    }

    /// The type a member of the CDK's enum names (`apigateway.IntegrationType.AWS_PROXY`), which
    /// is its own name.
    fn integration_type_member(&self, expression: Located<'tree>) -> Option<String> {
        let member = self.package_member(expression)?;
        match member.path.as_slice() {
            [module, enumeration, name]
                if member.package == Package::Cdk && module == "aws_apigateway" && enumeration == "IntegrationType" =>
            {
                Some(name.clone())
            }
            _ => None,
        }
    }

    fn text_integrations(&self, api: usize, literal: Located<'tree>, json: &Json, found: &mut Vec<Integration<'tree>>) {
        let mut stack = vec![json];
        while let Some(value) = stack.pop() {
            match value {
                Json::Object { members, .. } => {
                    for member in members {
                        if member.key == "x-amazon-apigateway-integration"
                            && matches!(member.value, Json::Object { .. })
                        {
                            found.push(self.text_integration(api, literal, &member.value));
                        } else {
                            stack.push(&member.value);
                        }
                    }
                }
                Json::Array { items, .. } => stack.extend(items.iter()),
                _ => {}
            }
        }
    }

    fn text_integration(&self, api: usize, literal: Located<'tree>, integration: &Json) -> Integration<'tree> {
        let Json::Object { members, .. } = integration else {
            return Integration {
                rest_api: Some(api),
                at: literal,
                integration_type: None,
                uri: None,
                credentials: None,
                http_method: None,
                on_resource: false,
            };
        };
        let value_of = |key: &str| -> Option<IntegrationValue<'tree>> {
            let index = members.iter().position(|member| member.key == key)?;
            let member = &members[index];
            let string = member.value.range()?;
            let removal = match (
                members.get(index + 1),
                index.checked_sub(1).and_then(|i| members.get(i)),
            ) {
                (Some(next), _) => member.key_range.start..next.key_range.start,
                (None, Some(previous)) => previous.value.range().map_or(member.key_range.start, |r| r.end)..string.end,
                (None, None) => member.key_range.start..string.end,
            };
            let literal_value = match &member.value {
                Json::Str { value, .. } if !value.contains("${") => Some(value.clone()),
                _ => None,
            };
            Some(IntegrationValue {
                literal: literal_value,
                expression: self.json_substitution(literal, &member.value),
                place: ValuePlace::Text {
                    file: literal.file,
                    string,
                    removal,
                },
            })
        };
        Integration {
            rest_api: Some(api),
            at: literal,
            integration_type: value_of("type").and_then(|value| value.literal),
            uri: value_of("uri"),
            credentials: value_of("credentials"),
            http_method: value_of("httpMethod"),
            on_resource: false,
        }
    }

    /// Removes an integration property with its separator.
    pub fn remove_integration_value(&self, value: &IntegrationValue<'tree>) -> Edit {
        match &value.place {
            ValuePlace::Property { property, .. } => self.remove_property(*property),
            ValuePlace::Text { file, removal, .. } => Edit::delete(*file, removal.clone()),
        }
    }

    /// The Lambda functions an integration's uri names, with the output used (`arn`, `invokeArn`,
    /// `qualifiedArn` …; `None` for a URI built around the function): one, or one per function the instances of
    /// the code writing it give it (`uri: route.handler.arn` in a loop, `fnArn` in a helper
    /// called for several functions); empty when it names none surely.
    pub fn integration_functions(&self, uri: &IntegrationValue<'tree>) -> Vec<(usize, Option<String>)> {
        let Some(expression) = uri.expression else {
            return Vec::new();
        };
        let is_function = |resource: usize| self.resources()[resource].is_lambda_function();
        if let Some(reference) = self.denoted_resource(expression).filter(|r| is_function(r.resource)) {
            return vec![(reference.resource, reference.attribute)];
        }
        // Every instance must name a function: a uri that is sometimes something else is not
        // judged.
        let per_instance: Option<Vec<(usize, Option<String>)>> = self
            .denoted_per_instance(expression)
            .into_iter()
            .map(|reference| {
                reference
                    .filter(|r| is_function(r.resource))
                    .map(|r| (r.resource, r.attribute))
            })
            .collect();
        if let Some(mut functions) = per_instance.filter(|functions| !functions.is_empty()) {
            functions.sort();
            functions.dedup();
            return functions;
        }
        self.function_around(expression).into_iter().collect()
    }

    /// The function a URI built around it names (`arn:aws:apigateway:…/functions/${fn.arn}/invocations`).
    /// Built around the ARN of its published version, the URI is that version's invoke ARN.
    fn function_around(&self, expression: Located<'tree>) -> Option<(usize, Option<String>)> {
        if calls_other_lambda_api(self.text(expression)) {
            return None;
        }
        self.referenced_resources(expression)
            .into_iter()
            .find(|r| self.resources()[r.resource].is_lambda_function())
            .map(|r| {
                let version = r.attribute.as_deref() == Some(QUALIFIED_ARN);
                (r.resource, version.then(|| QUALIFIED_INVOKE_ARN.to_owned()))
            })
    }
}

/// The output a uri reads where it should not, and the invoke ARN it reads instead.
#[derive(Clone, Copy)]
struct InvokeOutputs {
    read: &'static str,
    invoke: &'static str,
}

impl<'tree> Program<'tree> {
    /// The edits that make a uri expression give the function's invoke ARN instead of its ARN:
    /// `fn.arn` becomes `fn.invokeArn`, also where it is handed to a `pulumi.all` callback or a
    /// helper whose parameter serves only as the uri; a parameter that also serves elsewhere gets a
    /// new `fn.invokeArn` element and parameter instead. With `qualified`, the uri reads
    /// the function's qualified ARN: `fn.qualifiedArn` becomes `fn.qualifiedInvokeArn`, which
    /// calls the same version.
    pub fn invoke_arn_edits(&self, expression: Located<'tree>, qualified: bool) -> Result<Vec<Edit>, String> {
        let outputs = match qualified {
            false => InvokeOutputs {
                read: ARN,
                invoke: INVOKE_ARN,
            },
            true => InvokeOutputs {
                read: QUALIFIED_ARN,
                invoke: QUALIFIED_INVOKE_ARN,
            },
        };
        self.invoke_arn_edits_within(expression, outputs, 0)
    }

    fn invoke_arn_edits_within(
        &self,
        expression: Located<'tree>,
        outputs: InvokeOutputs,
        depth: usize,
    ) -> Result<Vec<Edit>, String> {
        let unreadable = || "infrafix cannot tell where else that value serves".to_owned();
        let unfollowed =
            |at: Located<'tree>| format!("infrafix cannot follow `{}` to the function it names", self.text(at));
        if depth > 12 {
            return Err(unreadable());
        }
        let expression = self.unwrapped(expression);
        let here = |node| Located {
            file: expression.file,
            node,
        };
        match kind_of(expression.node) {
            "member_expression" => {
                let (Some(property), Some(object)) =
                    (expression.node.field("property"), expression.node.field("object"))
                else {
                    return Err(unfollowed(expression));
                };
                let (property, object) = (here(property), here(object));
                // One function, or one per element of a loop (`route.handler.arn`).
                let owners = match self.denoted_resource(object) {
                    Some(owner) => vec![owner],
                    None => self
                        .denoted_by_each_element(self.unwrapped(object), 0)
                        .into_iter()
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| unfollowed(object))?,
                };
                if let [owner] = owners.as_slice() {
                    // A CDK function publishes no version of its own.
                    if self.resources()[owner.resource].class.package == Package::Cdk && outputs.read == ARN {
                        return self
                            .cdk_invoke_uri(expression, object, owner.clone(), property)
                            .ok_or_else(|| unfollowed(expression));
                    }
                }
                let functions = !owners.is_empty()
                    && owners.iter().all(|owner| {
                        let declared = &self.resources()[owner.resource];
                        // An alias has an invoke ARN of its own.
                        owner.attribute.is_none()
                            && (declared.is_lambda_function() || declared.is_aws(&["lambda", "Alias"]))
                            && declared.class.package == Package::Aws
                    });
                // `args.functionArn`: a value the callers hand in, where it may feed more than
                // this uri (a Permission wants the plain ARN).
                let handed_in = || {
                    self.function_declaring_parameter(self.unwrapped(object)).map(|_| {
                        format!(
                            "`{}` is handed in by the callers of the code it is read in, where it may serve more than this uri; hand in the function's `{}` for it by hand",
                            self.text(expression),
                            outputs.invoke
                        )
                    })
                };
                if self.text(property) != outputs.read || !functions {
                    return Err(handed_in().unwrap_or_else(|| unfollowed(expression)));
                }
                self.invoke_arn_readable(object, outputs.invoke)?;
                Ok(vec![self.replace_node(property, outputs.invoke)])
            }
            // `uri` alone in `{ uri }` is read like the identifier it names.
            "identifier" | "shorthand_property_identifier" => {
                let Some(function) = self.function_declaring_parameter(expression) else {
                    // A const read elsewhere too (say by a Permission, which wants the plain ARN) is
                    // left as it is: the uri is reported instead.
                    let value = self.const_value_read_only_here(expression).ok_or_else(unreadable)?;
                    return self.invoke_arn_edits_within(value, outputs, depth + 1);
                };
                // The parameter's own name, and the uri: nothing else reads it.
                let serves_only_the_uri = self.mentions_within(here(function), self.text(expression)) == 2;
                if let Some(source) = self.callback_parameter_source(expression) {
                    if serves_only_the_uri {
                        return self.invoke_arn_edits_within(source, outputs, depth + 1);
                    }
                    return self.new_invoke_arn_parameter(expression, here(function), source, outputs);
                }
                let sources = self
                    .parameter_sources(expression)
                    .filter(|_| serves_only_the_uri)
                    .ok_or_else(unreadable)?;
                let mut edits = Vec::new();
                for source in sources {
                    edits.extend(self.invoke_arn_edits_within(source, outputs, depth + 1)?);
                }
                Ok(edits)
            }
            _ => Err(unreadable()),
        }
    }

    /// `Ok` when tsc lets the program read the output `invoke` (`invokeArn`) from `object`: its
    /// type, as the program declares it, has the output. A value typed with an interface of the
    /// program's own that lists only `arn` does not, and `.invokeArn` there would not compile.
    fn invoke_arn_readable(&self, object: Located<'tree>, invoke: &str) -> Result<(), String> {
        match self.member_typing(object, invoke) {
            MemberTyping::Declared => Ok(()),
            MemberTyping::Missing(written) => Err(format!(
                "`{object}` is declared with the type `{written}`, which has no `{invoke}`, so `{object}.{invoke}` would not compile: add `{invoke}: pulumi.Output<string>` to `{written}` (or declare `aws.lambda.Function` there), then use it",
                object = self.text(object),
            )),
            MemberTyping::Unsure => Err(format!(
                "infrafix cannot tell whether the type of `{}` has `{invoke}`",
                self.text(object)
            )),
        }
    }

    /// A CDK function has no invoke ARN: the uri `fn.attrArn` written as a property's value
    /// becomes the URI API Gateway builds around the ARN, in the function's own partition and
    /// region (`fn.stack`, which every construct has, so no import is needed).
    fn cdk_invoke_uri(
        &self,
        uri: Located<'tree>,
        function: Located<'tree>,
        owner: crate::cloud::ResourceRef,
        attribute: Located<'tree>,
    ) -> Option<Vec<Edit>> {
        let declared = &self.resources()[owner.resource];
        let reads_arn = owner.attribute.is_none()
            && declared.is_lambda_function()
            && cdk::graph_attribute(&declared.class, self.text(attribute)) == crate::cloud::ARN;
        let is_property_value = uri.node.parent().is_some_and(|parent| kind_of(parent) == "pair");
        if !reads_arn || !is_property_value {
            return None;
        }
        let function = self.text(function);
        let arn = self.text(uri);
        let invoke_uri = format!(
            "`arn:${{{function}.stack.partition}}:apigateway:${{{function}.stack.region}}:lambda:path/2015-03-31/functions/${{{arn}}}/invocations`"
        );
        Some(vec![self.replace_node(uri, &invoke_uri)])
    }

    /// Hands `fn.invokeArn` (or the output `outputs.invoke` names) to a `pulumi.all` callback as a
    /// new parameter, and uses that as the uri.
    fn new_invoke_arn_parameter(
        &self,
        uri: Located<'tree>,
        callback: Located<'tree>,
        source: Located<'tree>,
        outputs: InvokeOutputs,
    ) -> Result<Vec<Edit>, String> {
        let unreadable = || "infrafix cannot tell how the callback is given the function".to_owned();
        let (target, _) = self.method_receiving(callback).ok_or_else(unreadable)?;
        let all = self
            .all_callback(callback.with(target), callback)
            .ok_or_else(unreadable)?;
        let function = self
            .denoted_resource(source)
            .filter(|reference| reference.attribute.as_deref() == Some(outputs.read))
            .ok_or_else(unreadable)?;
        let owner = source.node.field("object").ok_or_else(unreadable)?;
        self.invoke_arn_readable(source.with(owner), outputs.invoke)?;
        let expression = format!(
            "{}.{}",
            self.text(Located {
                file: source.file,
                node: owner
            }),
            outputs.invoke,
        );
        let invoke_arn = super::OutputValue {
            reference: crate::cloud::GrantTarget::Resource(crate::cloud::ResourceRef {
                resource: function.resource,
                attribute: Some(outputs.invoke.to_owned()),
                instance: None,
            }),
            expression,
        };
        let (parameters, mut edits) = self
            .pass_to_callback(all, std::slice::from_ref(&invoke_arn))
            .ok_or_else(unreadable)?;
        edits.push(self.replace_node(uri, parameters.first().ok_or_else(unreadable)?));
        Ok(edits)
    }
}

impl<'tree> Program<'tree> {
    /// Whether an `aws.lambda.Permission` lets apigateway.amazonaws.com invoke the function from
    /// the REST API `rest_api`. A Permission counts only when its principal, action, function,
    /// qualifier and `sourceArn` all cover that: one for another API, an alias (`qualifier`) or
    /// one route leaves the integration without permission once its `credentials` go.
    pub fn api_gateway_invoke_permission(&self, function: usize, rest_api: Option<usize>) -> InvokePermission {
        // The CDK's `fn.addPermission(…)` and `fn.grantInvoke(…)` make permissions no resource
        // of the program declares: calls on the function's variable, or on anything where it has
        // none.
        let declared = &self.resources()[function];
        let receiver = match &declared.binding {
            super::ResourceBinding::Variable { name, .. } => name.as_str(),
            _ => "",
        };
        let grants = [".addPermission(", ".grantInvoke("].map(|method| format!("{receiver}{method}"));
        let mut unknown = declared.class.package == Package::Cdk
            && (0..self.file_count()).any(|file| {
                let text = self.file(file).text;
                grants.iter().any(|call| text.contains(call.as_str()))
            });
        for (index, permission) in self
            .resources()
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_aws(&["lambda", "Permission"]))
        {
            let coverage = match self.instances(index) {
                Some(_) if self.exists_wherever(index, function) => {
                    self.permission_coverage(permission, function, rest_api)
                }
                _ => Coverage::Unsure,
            };
            match coverage {
                Coverage::Covers => return InvokePermission::Granted,
                Coverage::Unsure => unknown = true,
                Coverage::Misses => {}
            }
        }
        if unknown {
            InvokePermission::Unknown
        } else {
            InvokePermission::Missing
        }
    }

    fn permission_coverage(
        &self,
        permission: &super::ResourceDecl<'tree>,
        function: usize,
        rest_api: Option<usize>,
    ) -> Coverage {
        if permission.args().is_none() {
            return Coverage::Unsure;
        }
        let literal = |name: &str| {
            self.argument(permission, name)
                .map(|found| self.string_value(found.value).ok_or(()))
        };
        let principal = literal("principal");
        let action = literal("action");
        let target = self
            .argument(permission, "function")
            .map(|found| self.denoted_resource(found.value));
        let facts = (principal, action, target);
        let (Some(Ok(principal)), Some(Ok(action)), Some(Some(target))) = facts else {
            // Unreadable principal, action or function: it may be the one.
            return match facts {
                (Some(Ok(principal)), _, _) if principal != "apigateway.amazonaws.com" => Coverage::Misses,
                (_, _, Some(Some(target))) if target.resource != function => Coverage::Misses,
                _ => Coverage::Unsure,
            };
        };
        if principal != "apigateway.amazonaws.com"
            || target.resource != function
            || !action_matches(&action, "lambda:InvokeFunction")
        {
            return Coverage::Misses;
        }
        // A qualified permission lets API Gateway invoke an alias or version, not the function
        // the integration's uri names.
        if self.argument(permission, "qualifier").is_some() {
            return Coverage::Misses;
        }
        match self.argument(permission, "sourceArn") {
            None => Coverage::Covers,
            Some(source) => self.source_arn_coverage(source.value, rest_api),
        }
    }

    /// A `sourceArn` covers the API when it is the API's `executionArn` followed by wildcards
    /// only (`${api.executionArn}/*/*`): `*` in an ARN spans stages, methods and paths. A CDK app
    /// writes the execute-api ARN around the API's id (`…:execute-api:…:${api.ref}/*`), or has
    /// the API make it (`api.arnForExecuteApi()`, every method, path and stage).
    fn source_arn_coverage(&self, source: Located<'tree>, rest_api: Option<usize>) -> Coverage {
        if let Some(api) = self.execute_api_arn_of(source) {
            return match Some(api) == rest_api {
                true => Coverage::Covers,
                false if rest_api.is_some() => Coverage::Misses,
                false => Coverage::Unsure,
            };
        }
        let execute_api = self.text(source).contains(":execute-api:");
        let apis: Vec<usize> = self
            .referenced_resources(source)
            .into_iter()
            .filter(|reference| match reference.attribute.as_deref() {
                Some("executionArn") => true,
                Some("id") => execute_api,
                _ => false,
            })
            .map(|reference| reference.resource)
            .collect();
        let Some(rest_api) = rest_api else {
            return Coverage::Unsure;
        };
        match apis.as_slice() {
            [] => Coverage::Unsure,
            [api] if *api != rest_api => Coverage::Misses,
            [_] => {
                let text = self.text(source);
                let suffix = text.rsplit('}').next().unwrap_or("").trim_end_matches([')', '`', ' ']);
                // A route of its own may or may not be this integration's.
                route_coverage(suffix)
            }
            _ => Coverage::Unsure,
        }
    }

    /// The REST API whose `arnForExecuteApi()` (no arguments: every route) a value is.
    fn execute_api_arn_of(&self, value: Located<'tree>) -> Option<usize> {
        let value = self.unwrapped(value);
        if kind_of(value.node) != "call_expression" || !self.call_arguments(value).is_empty() {
            return None;
        }
        let method = value.node.field("function")?;
        let property = method.field("property")?;
        (self.text(value.with(property)) == "arnForExecuteApi").then_some(())?;
        let api = self.denoted_resource(value.with(method.field("object")?))?;
        (api.attribute.is_none() && self.resources()[api.resource].is_aws(&["apigateway", "RestApi"]))
            .then_some(api.resource)
    }
}

/// The function a variable declarator's value is, when it is one (an arrow or function expression).
fn function_held(declarator: Node) -> Option<Node> {
    declarator
        .field("value")
        .filter(|value| matches!(kind_of(value), "arrow_function" | "function_expression"))
}
