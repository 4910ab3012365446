//! What an AWS CDK app writes differently from a Pulumi program: its module names, its construct
//! classes and where their props go, its runtime constants. The value flow (imports, consts,
//! loops, helpers, constructs and their props) is the one Pulumi programs use.

mod app_context;
mod cloudformation;
mod environments;
mod function_roles;
mod provider_regions;
mod run_values;
mod runs;

pub use app_context::CdkAppContext;
pub(super) use cloudformation::{graph_attribute, l1_class_for, prop_name, stands_for, written_attribute};
pub(super) use function_roles::CdkMapping;
pub(super) use runs::RunsCalled;

use super::{Located, Package, PackageMember, Program, StringOrigin};
use crate::aws::runtimes::Runtime;
use crate::syntax::{kind_of, Fields};

/// The CDK module a specifier names, as a path from `aws-cdk-lib`: v2's `aws-cdk-lib` is the
/// root, `aws-cdk-lib/aws-lambda` is `aws_lambda` (the name the root exports it under), and v1's
/// `@aws-cdk/aws-lambda` the same `aws_lambda`; v1's `@aws-cdk/core` is `core`, since unlike
/// v2's root it exports no service modules; the experimental modules
/// (`@aws-cdk/aws-lambda-go-alpha`, v1's `@aws-cdk/aws-lambda-go`) drop their `-alpha`.
pub(super) fn package_module(specifier: &str) -> Option<(Package, Vec<String>)> {
    let module = if let Some(rest) = specifier.strip_prefix("aws-cdk-lib") {
        match rest.strip_prefix('/') {
            Some(module) => module,
            None if rest.is_empty() => "",
            None => return None,
        }
    } else if let Some(module) = specifier.strip_prefix("@aws-cdk/") {
        module.strip_suffix("-alpha").unwrap_or(module)
    } else {
        return None;
    };
    if module.contains('/') {
        return None;
    }
    let path = (!module.is_empty())
        .then(|| module.replace('-', "_"))
        .into_iter()
        .collect();
    Some((Package::Cdk, path))
}

/// The shells a bundling command names to run a script (`["bash", "-c", script]`).
const SHELLS: [&str; 4] = ["bash", "sh", "/bin/bash", "/bin/sh"];

/// The construct classes that make a Lambda function, and whether each takes a `handler`.
const FUNCTIONS: [(&str, &str, bool); 6] = [
    ("aws_lambda", "Function", true),
    ("aws_lambda", "SingletonFunction", true),
    ("aws_lambda", "CfnFunction", true),
    ("aws_lambda_nodejs", "NodejsFunction", false),
    ("aws_lambda_python", "PythonFunction", false),
    ("aws_lambda_go", "GoFunction", false),
];

/// The function constructs that build their code themselves, and the executable they build:
/// `GoFunction` runs `go build -o bootstrap` for any runtime it is given.
const BUILDING_THEIR_EXECUTABLE: [(&str, &str, &str); 1] = [("aws_lambda_go", "GoFunction", "bootstrap")];

/// The function constructs that bundle their code with esbuild from an entry file.
const BUNDLING_WITH_ESBUILD: [(&str, &str); 1] = [("aws_lambda_nodejs", "NodejsFunction")];

/// The function of its entry a bundling construct's handler runs when its props name none.
pub(super) const DEFAULT_BUNDLED_HANDLER: &str = "handler";

/// What the bundling props are called (`bundling.externalModules`), for messages.
pub(super) const EXTERNAL_MODULES: &str = "bundling.externalModules";

/// The extensions a bundling construct tries, in order, for the entry file it derives from the
/// defining file and the construct's id (`stack.api.ts` for `new NodejsFunction(this, "api")` in
/// `stack.ts`).
pub(super) const DERIVED_ENTRY_EXTENSIONS: [&str; 6] = [".ts", ".js", ".mjs", ".mts", ".cts", ".cjs"];

const LAYERS: [(&str, &str); 3] = [
    ("aws_lambda", "LayerVersion"),
    ("aws_lambda", "CfnLayerVersion"),
    ("aws_lambda_python", "PythonLayerVersion"),
];

fn is_one_of<'a>(member: &PackageMember, classes: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    classes
        .into_iter()
        .any(|(module, class)| member.is(Package::Cdk, &[module, class]))
}

/// A construct class that makes a Lambda function.
pub(super) fn is_function(class: &PackageMember) -> bool {
    is_one_of(class, FUNCTIONS.map(|(module, class, _)| (module, class)))
}

/// A function construct whose props name the handler (the bundling constructs derive it).
pub(super) fn takes_handler(class: &PackageMember) -> bool {
    is_one_of(
        class,
        FUNCTIONS
            .into_iter()
            .filter(|(_, _, handler)| *handler)
            .map(|(module, class, _)| (module, class)),
    )
}

/// The executable a function construct builds into its package itself (`bootstrap` for
/// `GoFunction`), with the construct's name.
pub(super) fn executable_built_by(class: &PackageMember) -> Option<(&'static str, &'static str)> {
    BUILDING_THEIR_EXECUTABLE
        .into_iter()
        .find(|(module, construct, _)| class.is(Package::Cdk, &[module, construct]))
        .map(|(_, construct, executable)| (construct, executable))
}

/// The name of a function construct that bundles its code with esbuild (`NodejsFunction`).
pub(super) fn bundling_construct(class: &PackageMember) -> Option<&'static str> {
    BUNDLING_WITH_ESBUILD
        .into_iter()
        .find(|(module, construct)| class.is(Package::Cdk, &[module, construct]))
        .map(|(_, construct)| construct)
}

/// The CDK classes made from their props alone (`new apigateway.Integration(props)`): not
/// constructs, so no scope or id comes first.
const MADE_FROM_PROPS: [(&str, &str); 1] = [("aws_apigateway", "Integration")];

/// Whether a CDK class is made from its props alone, not as a construct (scope, id, props).
pub(super) fn is_made_from_props(class: &PackageMember) -> bool {
    is_one_of(class, MADE_FROM_PROPS)
}

pub(super) fn is_layer(class: &PackageMember) -> bool {
    is_one_of(class, LAYERS)
}

/// The runtime constant a member names: `lambda.Runtime.GO_1_X` is `GO_1_X`, and so is its id
/// `lambda.Runtime.GO_1_X.name`, which a `CfnFunction`'s string `runtime` takes.
pub(super) fn runtime_constant(member: &PackageMember) -> Option<&str> {
    match member.path.as_slice() {
        [module, class, name] | [module, class, name, _]
            if member.package == Package::Cdk
                && module == "aws_lambda"
                && class == "Runtime"
                && member.path.get(3).is_none_or(|id| id == "name") =>
        {
            Some(name)
        }
        _ => None,
    }
}

/// The `lambda.RuntimeFamily` member of a runtime family of the table, and whether the CDK's own
/// constants of that family allow inline code (`Code.fromInline` throws at synth for a runtime
/// that does not say so).
fn runtime_family(family: &str) -> Option<(&'static str, bool)> {
    Some(match family {
        "nodejs" => ("NODEJS", true),
        "python" => ("PYTHON", true),
        "java" => ("JAVA", false),
        "dotnet" => ("DOTNET_CORE", false),
        "ruby" => ("RUBY", false),
        "provided" => ("OTHER", false),
        _ => return None,
    })
}

/// A line that sets something, as a finding quotes it: the line as written, then its file's name
/// and its 1-based number.
fn written_at(line: &str, file_name: &str, line_number: usize) -> String {
    format!("`{}` ({file_name}:{line_number})", line.trim())
}

impl<'tree> Program<'tree> {
    /// Whether an expression reaches the CDK through a v1 module (`@aws-cdk/aws-lambda`), whose
    /// last release lacks the newer runtime constants.
    fn is_cdk_v1(&self, at: Located<'tree>) -> bool {
        let mut node = at.node;
        while let Some(object) = node.field("object").or_else(|| node.field("constructor")) {
            node = object;
        }
        self.import_of(at.with(node))
            .is_some_and(|binding| binding.module.starts_with("@aws-cdk/"))
    }

    /// The constant of `lambda.Runtime` for `runtime` in the CDK the expression is written for:
    /// its major (v1 lacks the newer constants) and the aws-cdk-lib release the project installs.
    pub(super) fn cdk_constant_for<'runtime>(
        &self,
        at: Located<'tree>,
        runtime: &'runtime Runtime,
    ) -> Option<&'runtime str> {
        runtime
            .cdk_constant_in(self.manifest.cdk_lib_version())
            .filter(|_| runtime.cdk_v1 || !self.is_cdk_v1(at))
    }

    /// How an app names `successor` where `origin` names another runtime through `class`
    /// (`lambda.Runtime`, or `Runtime` imported by name): the constant its CDK has, else
    /// `new lambda.Runtime("id", lambda.RuntimeFamily.X)` as the CDK documents for runtimes it
    /// has no constant for.
    pub(super) fn cdk_runtime(
        &self,
        origin: Located<'tree>,
        class: &str,
        successor: &Runtime,
    ) -> Result<String, String> {
        if let Some(constant) = self.cdk_constant_for(origin, successor) {
            return Ok(format!("{class}.{constant}"));
        }
        let (family, inline_code) = runtime_family(&successor.family)
            .ok_or_else(|| format!("infrafix knows no CDK runtime family for `{}`", successor.id))?;
        let family_class = match class.strip_suffix("Runtime") {
            Some(namespace) if namespace.ends_with('.') => format!("{namespace}RuntimeFamily"),
            // The import list `Runtime` came from takes `RuntimeFamily` first (the import edits
            // add it there), so the family is named as `Runtime` is, not through another import
            // of the file (`cdk.aws_lambda.RuntimeFamily`) while the added name goes unused.
            _ => self
                .runtime_family_import_list(origin)
                .map(|_| "RuntimeFamily".to_owned())
                .or_else(|| {
                    self.spelling_of(
                        origin.file,
                        &PackageMember {
                            package: Package::Cdk,
                            path: vec!["aws_lambda".to_owned(), "RuntimeFamily".to_owned()],
                        },
                    )
                })
                .ok_or_else(|| {
                    format!(
                        "this CDK has no constant for `{id}` and the file does not import `RuntimeFamily`: write `new {class}(\"{id}\", RuntimeFamily.{family})` by hand",
                        id = successor.id,
                    )
                })?,
        };
        // The constants of these families carry `supportsInlineCode`; without it a function
        // with inline code would no longer synthesize.
        let properties = if inline_code {
            ", { supportsInlineCode: true }"
        } else {
            ""
        };
        Ok(format!(
            "new {class}({}, {family_class}.{family}{properties})",
            self.style(origin.file).string(&successor.id),
        ))
    }

    /// The import list `RuntimeFamily` can join, for `Runtime.X` at `origin` with `Runtime`
    /// imported by name (`import { Runtime } from "@aws-cdk/aws-lambda"`), when the file
    /// mentions no `RuntimeFamily` of its own: the fix's `new Runtime(…)` names the family there.
    pub(super) fn runtime_family_import_list(&self, origin: Located<'tree>) -> Option<Located<'tree>> {
        let class = origin.with(origin.node.field("object")?);
        if kind_of(class.node) != "identifier" || self.mentions(origin.file, "RuntimeFamily") > 0 {
            return None;
        }
        if !self.package_member(class)?.is(Package::Cdk, &["aws_lambda", "Runtime"]) {
            return None;
        }
        let list = self.import_of(class)?.named_list()?;
        Some(origin.with(list))
    }

    /// The id argument of `new lambda.Runtime("go1.x", lambda.RuntimeFamily.GO)`, a runtime the
    /// app names by its string.
    pub(super) fn runtime_constructor_id(&self, expression: Located<'tree>) -> Option<Located<'tree>> {
        let class = self.package_member(Located {
            file: expression.file,
            node: expression.node.field("constructor")?,
        })?;
        if !class.is(Package::Cdk, &["aws_lambda", "Runtime"]) {
            return None;
        }
        self.call_arguments(expression).first().copied()
    }

    /// The `new lambda.Runtime(…)` whose id argument `literal` is.
    pub(super) fn runtime_constructed_from(&self, literal: Located<'tree>) -> Option<Located<'tree>> {
        let construction = literal.with(literal.node.parent()?.parent()?);
        (kind_of(construction.node) == "new_expression" && self.runtime_constructor_id(construction) == Some(literal))
            .then_some(construction)
    }

    /// Whether a CDK resource is created only under a CloudFormation condition
    /// (`policy.cfnOptions.condition = isProd`): it may not exist, so nothing may count on it or
    /// wait for it.
    pub(super) fn is_conditional(&self, resource: usize) -> bool {
        self.memo
            .conditional
            .get_or_init(|| {
                self.resources_named_at("cfnOptions.condition", |at| {
                    let condition = (kind_of(at.node) == "assignment_expression")
                        .then(|| at.node.field("left"))
                        .flatten()
                        .filter(|left| self.text(at.with(*left)).ends_with(".cfnOptions.condition"));
                    condition
                        .and_then(|left| left.field("object"))
                        .and_then(|options| options.field("object"))
                        .map(|resource| at.with(resource))
                        .into_iter()
                        .collect()
                })
            })
            .contains(&resource)
    }

    /// The permissions boundary the app sets on every role of a scope, as written, with where:
    /// `PermissionsBoundary.of(scope).apply(…)`, a stack's or stage's `permissionsBoundary:
    /// PermissionsBoundary.fromName(…)` (or `fromArn`), or the context key CDK reads for it
    /// (`"@aws-cdk/core:permissionsBoundary"`, `PERMISSIONS_BOUNDARY_CONTEXT_KEY`, in `new App({
    /// context })`, or in the context of `cdk.json` or `cdk.context.json`). The scope is not
    /// followed, so it is taken to reach every role of the app, in place of the role's own, and
    /// it is not read. A context given on the command line (`--context`) or in `~/.cdk.json`,
    /// which no file of the project holds, is not seen.
    pub(super) fn app_wide_boundary(&self) -> Option<&str> {
        const SETTERS: [&str; 5] = [
            "PermissionsBoundary.of(",
            "PermissionsBoundary.fromName(",
            "PermissionsBoundary.fromArn(",
            "\"@aws-cdk/core:permissionsBoundary\"",
            "PERMISSIONS_BOUNDARY_CONTEXT_KEY",
        ];
        self.memo
            .app_wide_boundary
            .get_or_init(|| {
                let in_code = self.files().iter().find_map(|file| {
                    let (line_number, line) = file.text.lines().enumerate().find(|(_, line)| {
                        let code = line.trim_start();
                        // `PermissionsBoundary.of(scope).clear()` takes the boundary away.
                        !code.starts_with("//")
                            && !code.starts_with('*')
                            && !code.contains(".clear()")
                            && SETTERS.iter().any(|setter| code.contains(setter))
                    })?;
                    let name = file.path.file_name().unwrap_or(file.path.as_os_str()).to_string_lossy();
                    Some(written_at(line, &name, line_number + 1))
                });
                in_code.or_else(|| {
                    let setting = self.cdk_context.permissions_boundary()?;
                    Some(written_at(&setting.line, &setting.file, setting.line_number))
                })
            })
            .as_deref()
    }

    /// Whether the app hands a role to L2 code (`iam.Role.fromRoleArn(this, "R", role.attrArn)`,
    /// `fromRoleName`), whose grants (`addToPrincipalPolicy`, `queue.grantSendMessages(…)`) are
    /// policies of their own that no resource declares.
    pub(super) fn is_handed_to_l2_code(&self, role: usize) -> bool {
        self.memo
            .roles_handed_to_l2_code
            .get_or_init(|| {
                self.resources_named_at("fromRole", |at| {
                    let imports = kind_of(at.node) == "call_expression"
                        && at
                            .node
                            .field("function")
                            .and_then(|function| function.field("property"))
                            .is_some_and(|method| {
                                ["fromRoleArn", "fromRoleName"].contains(&self.text(at.with(method)))
                            });
                    match imports {
                        true => self.call_arguments(at),
                        false => Vec::new(),
                    }
                })
            })
            .contains(&role)
    }

    /// The resources named at the nodes `named_at` picks, in the files whose text holds `hint`
    /// (a cheap test before the walk of the tree).
    fn resources_named_at(
        &self,
        hint: &str,
        named_at: impl Fn(Located<'tree>) -> Vec<Located<'tree>>,
    ) -> foldhash::HashSet<usize> {
        let mut found = foldhash::HashSet::default();
        for file in (0..self.file_count()).filter(|&file| self.file(file).text.contains(hint)) {
            for node in crate::syntax::named_descendants(self.root(file)) {
                let named = named_at(Located { file, node })
                    .into_iter()
                    .filter_map(|at| self.denoted_resource(at));
                found.extend(named.map(|reference| reference.resource));
            }
        }
        found
    }

    /// The arguments of `lambda.Code.fromAsset(…)` (or `AssetCode.fromAsset`), or of
    /// `new lambda.AssetCode(…)`, which takes the same path and options, when `call` is one.
    fn asset_arguments(&self, call: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        let from_asset = match kind_of(call.node) {
            "call_expression" => {
                let callee = self.package_member(call.with(call.node.field("function")?))?;
                callee.is(Package::Cdk, &["aws_lambda", "Code", "fromAsset"])
                    || callee.is(Package::Cdk, &["aws_lambda", "AssetCode", "fromAsset"])
            }
            "new_expression" => self
                .package_member(call.with(call.node.field("constructor")?))?
                .is(Package::Cdk, &["aws_lambda", "AssetCode"]),
            _ => false,
        };
        from_asset.then(|| self.call_arguments(call))
    }

    /// The folder or zip of `lambda.Code.fromAsset("path")`, as a string the source writes; not
    /// when options follow the path.
    pub(super) fn asset_path(&self, call: Located<'tree>) -> Option<Located<'tree>> {
        // With options (`{ bundling }`), what deploys is what the bundling writes, not the folder.
        match self.asset_arguments(call)?.as_slice() {
            [path] => Some(*path),
            _ => None,
        }
    }

    /// The shell text the bundling of `lambda.Code.fromAsset(path, { bundling: { command } })`
    /// runs: the script of a `["bash", "-c", script]` command (the script also written as an
    /// array's `.join(" && ")`), or the words of any other command; `None` when any part of it
    /// is not written out.
    pub(super) fn asset_bundling_script(&self, call: Located<'tree>) -> Option<String> {
        let [_, options] = self.asset_arguments(call)?[..] else {
            return None;
        };
        let options = self.object_literal(options)?;
        let bundling = self.object_literal(self.property(options, "bundling")?.value)?;
        let command = self.property(bundling, "command")?.value;
        let words = self
            .array_values(self.written_value(command))?
            .into_iter()
            .map(|word| self.written_text(word))
            .collect::<Option<Vec<String>>>()?;
        // Words the shell would split or expand cannot be joined back into one command.
        let joinable =
            |word: &String| !word.is_empty() && !word.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c));
        match words.as_slice() {
            [shell, flag, script] if SHELLS.contains(&shell.as_str()) && flag == "-c" => Some(script.clone()),
            _ => words.iter().all(joinable).then(|| words.join(" ")),
        }
    }

    /// The one string an expression is, when the source writes it out: a literal, a const
    /// holding one, or `[…].join(separator)` of such strings.
    fn written_text(&self, at: Located<'tree>) -> Option<String> {
        let at = self.written_value(at);
        if kind_of(at.node) == "call_expression" {
            return self.joined(at, |part| self.written_text(part));
        }
        match self.string_origins(at).as_slice() {
            [StringOrigin::Literal { value, .. }] => Some(value.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(specifier: &str) -> Option<Vec<String>> {
        package_module(specifier).map(|(_, path)| path)
    }

    #[test]
    fn v1_and_v2_modules_are_the_same_paths() {
        assert_eq!(module("aws-cdk-lib"), Some(vec![]));
        assert_eq!(module("@aws-cdk/core"), Some(vec!["core".to_owned()]));
        assert_eq!(module("aws-cdk-lib/aws-lambda"), Some(vec!["aws_lambda".to_owned()]));
        assert_eq!(module("@aws-cdk/aws-lambda"), Some(vec!["aws_lambda".to_owned()]));
        assert_eq!(
            module("aws-cdk-lib/aws-lambda-nodejs"),
            Some(vec!["aws_lambda_nodejs".to_owned()])
        );
        assert_eq!(
            module("@aws-cdk/aws-lambda-go-alpha"),
            Some(vec!["aws_lambda_go".to_owned()])
        );
        assert_eq!(module("aws-cdk-lib-extra"), None);
        assert_eq!(module("aws-cdk-lib/aws-lambda/lib/runtime"), None);
        assert_eq!(module("@pulumi/aws"), None);
    }
}
