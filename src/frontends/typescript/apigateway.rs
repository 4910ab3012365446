//! API Gateway facts: the MethodSettings that configure a stage. API Gateway keys a
//! MethodSettings by (REST API, stage name, method path) and knows nothing of the program's
//! variables, so a MethodSettings configures a stage whenever it names the stage's API and the
//! stage's name, however the program writes them.

use super::{Located, Program};

/// Whether two values are equal: known to be, known not to be, or not knowable from the program
/// (and why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sameness {
    Same,
    Different,
    Unknown(String),
}

/// A MethodSettings that configures a stage, or may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageMethodSettings {
    /// Index into [`Program::resources`].
    pub resource: usize,
    /// `None` when it surely configures the stage; otherwise why that cannot be told.
    pub doubt: Option<String>,
}

impl<'tree> Program<'tree> {
    /// The MethodSettings of the program, in any module, that configure the Stage `stage` (an
    /// index into [`Program::resources`]) or may: their `restApi` names the stage's API and their
    /// `stageName` its name (`stage.stageName`, the literal the stage is created with, a const
    /// holding it). Those that surely configure another stage or API are left out.
    pub fn stage_method_settings(&self, stage: usize) -> Vec<StageMethodSettings> {
        let Some(stage_args) = self.resources().get(stage).and_then(|stage| stage.args()) else {
            return Vec::new();
        };
        self.resources()
            .iter()
            .enumerate()
            .filter(|(_, resource)| resource.is_aws(&["apigateway", "MethodSettings"]))
            .filter_map(|(index, settings)| {
                let settings_args = settings.args();
                let api = self.same_argument(stage_args, settings_args, "restApi");
                let name = self.names_stage(stage, stage_args, settings_args);
                let doubt = match (api, name) {
                    (Sameness::Different, _) | (_, Sameness::Different) => return None,
                    (Sameness::Same, Sameness::Same) => None,
                    (Sameness::Unknown(why), _) | (_, Sameness::Unknown(why)) => Some(why),
                };
                Some(StageMethodSettings { resource: index, doubt })
            })
            .collect()
    }

    /// Whether a MethodSettings' `stageName` is the stage's name.
    fn names_stage(&self, stage: usize, stage_args: Located<'tree>, settings_args: Option<Located<'tree>>) -> Sameness {
        let Some(theirs) = settings_args.and_then(|args| self.property(args, "stageName")) else {
            return Sameness::Unknown("its `stageName` is not written in its arguments".to_owned());
        };
        let Some(reference) = self.denoted_resource(theirs.value) else {
            return self.same_argument(stage_args, settings_args, "stageName");
        };
        let other = reference.resource;
        let is_stage = self
            .resources()
            .get(other)
            .is_some_and(|resource| resource.is_aws(&["apigateway", "Stage"]));
        if !is_stage || reference.attribute.as_deref() != Some("stageName") {
            return Sameness::Unknown(format!("its `stageName` is `{}`", self.text(theirs.value)));
        }
        if other == stage {
            return Sameness::Same;
        }
        let Some(other_args) = self.resources()[other].args() else {
            return Sameness::Unknown("its `stageName` is another stage's, whose arguments are not written".to_owned());
        };
        match self.same_argument(stage_args, Some(other_args), "stageName") {
            // Two stages of one API cannot share a name (the second fails to deploy), so another
            // stage of this API names another stage.
            Sameness::Unknown(_) if self.same_argument(stage_args, Some(other_args), "restApi") == Sameness::Same => {
                Sameness::Different
            }
            sameness => sameness,
        }
    }

    /// Whether two resources' arguments set `key` to the same value: a reference to the same
    /// resource (`api` and `api.id` both name the API), or the same value written once (a const
    /// both read) or twice (two equal literals).
    fn same_argument(&self, ours: Located<'tree>, theirs: Option<Located<'tree>>, key: &str) -> Sameness {
        let unknown = || Sameness::Unknown(format!("its `{key}` cannot be compared with the stage's"));
        let (Some(ours), Some(theirs)) = (
            self.property(ours, key),
            theirs.and_then(|theirs| self.property(theirs, key)),
        ) else {
            return unknown();
        };
        let (ours, theirs) = (ours.value, theirs.value);
        match (self.denoted_resource(ours), self.denoted_resource(theirs)) {
            (Some(a), Some(b)) if a.resource != b.resource => return Sameness::Different,
            (Some(a), Some(b)) => {
                let names_resource = |attribute: Option<&str>| matches!(attribute, None | Some("id"));
                return match names_resource(a.attribute.as_deref()) && names_resource(b.attribute.as_deref()) {
                    true => Sameness::Same,
                    false => unknown(),
                };
            }
            _ => {}
        }
        let (ours, theirs) = (self.written_value(ours), self.written_value(theirs));
        if ours == theirs {
            return Sameness::Same;
        }
        match (self.string_value(ours), self.string_value(theirs)) {
            (Some(a), Some(b)) if a == b => Sameness::Same,
            (Some(_), Some(_)) => Sameness::Different,
            _ => unknown(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::frontends::typescript::test_support::with_program;

    fn doubts(text: &str) -> Vec<Option<String>> {
        let mut found = Vec::new();
        with_program(&[("index.ts", text)], |program| {
            let stage = program
                .resources()
                .iter()
                .position(|resource| resource.is_aws(&["apigateway", "Stage"]))
                .expect("a stage");
            found = program
                .stage_method_settings(stage)
                .into_iter()
                .map(|settings| settings.doubt)
                .collect();
        });
        found
    }

    const API: &str = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\nconst config = new pulumi.Config();\nconst api = new aws.apigateway.RestApi(\"api\", {});\n";

    #[test]
    fn a_literal_stage_name_names_the_stage() {
        let text = format!(
            "{API}const NAME = \"prod\";\nconst stage = new aws.apigateway.Stage(\"s\", {{ restApi: api.id, stageName: NAME }});\nnew aws.apigateway.MethodSettings(\"m\", {{ restApi: api, stageName: \"prod\", methodPath: \"*/*\" }});\n"
        );
        assert_eq!(doubts(&text), vec![None]);
    }

    #[test]
    fn another_name_or_api_is_another_stage() {
        let text = format!(
            "{API}const other = new aws.apigateway.RestApi(\"other\", {{}});\nconst stage = new aws.apigateway.Stage(\"s\", {{ restApi: api.id, stageName: \"prod\" }});\nnew aws.apigateway.MethodSettings(\"m\", {{ restApi: api.id, stageName: \"dev\", methodPath: \"*/*\" }});\nnew aws.apigateway.MethodSettings(\"n\", {{ restApi: other.id, stageName: stage.stageName, methodPath: \"*/*\" }});\n"
        );
        assert_eq!(doubts(&text), Vec::<Option<String>>::new());
    }

    #[test]
    fn a_name_known_only_at_run_time_is_a_doubt_unless_both_read_it() {
        let text = format!(
            "{API}const name = config.require(\"stage\");\nconst stage = new aws.apigateway.Stage(\"s\", {{ restApi: api.id, stageName: name }});\nnew aws.apigateway.MethodSettings(\"m\", {{ restApi: api.id, stageName: name, methodPath: \"*/*\" }});\nnew aws.apigateway.MethodSettings(\"n\", {{ restApi: api.id, stageName: config.require(\"stage\"), methodPath: \"*/*\" }});\n"
        );
        assert_eq!(
            doubts(&text),
            vec![
                None,
                Some("its `stageName` cannot be compared with the stage's".to_owned())
            ]
        );
    }
}
