//! The calls that make a factory's function, each with the resource it passes for a value the
//! factory reads from a parameter (`role.arn` in `makeWorker(name, role, dlq)`), followed through
//! the factories that pass their own parameters on (`makeWorker(name, role, dlq)` written in
//! `makeService(name, role, dlq)`).

use crate::cloud::ResourceRef;
use crate::syntax::{kind_of, Fields};

use super::calls::CallArgument;
use super::{Located, Program};

/// How many factories a value is followed through, one passing its parameter to the next.
const MAX_PASSING_FACTORIES: usize = 4;

/// A call that makes a factory's function: the factory's own call, and, where that call passes
/// on parameters of the function it is written in, the call of that function it runs for (and
/// so on outwards). Two calls of `makeService` running one `makeWorker` call are two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FactoryCall<'tree> {
    /// The calls, the factory's own first, each written in the function the next one calls.
    through: Vec<Located<'tree>>,
}

impl<'tree> FactoryCall<'tree> {
    /// The outermost call: how messages name it, and what a name holding its result reads
    /// (`const billing = makeService("billing", billingRole)`).
    pub fn outer(&self) -> Located<'tree> {
        // Never empty: made with the factory's own call.
        self.through[self.through.len() - 1]
    }
}

impl<'tree> Program<'tree> {
    /// For a value a factory reads from one of its parameters (`role.arn` reads an output of the
    /// resource each call passes; `roleArn`, what it passes): each call making the function,
    /// with the resource or output the value is for that call (`None`: one infrafix cannot
    /// follow). `None` when the value is not read from a parameter.
    pub(super) fn passed_per_call(
        &self,
        value: Located<'tree>,
    ) -> Option<Vec<(FactoryCall<'tree>, Option<ResourceRef>)>> {
        let value = self.unwrapped(value);
        let (parameter, output) = match kind_of(value.node) {
            "member_expression" => {
                let (object, property) = (value.node.field("object")?, value.node.field("property")?);
                (value.with(object), Some(self.text(value.with(property))))
            }
            _ => (value, None),
        };
        let mut passed = Vec::new();
        for call in self.arguments_per_call(parameter)? {
            self.passed_through_callers(vec![call.call], call.argument, output, &mut passed);
        }
        Some(passed)
    }

    /// What the calls `through` (the factory's own first) pass as `argument`, which reads
    /// `output` of the resource it names: that resource, or, where it is a parameter of the
    /// function the outermost call is written in (or an output of one: `role.arn`), what each
    /// call of that function passes for it, under that call. A parameter of a function infrafix
    /// sees no call of stays unknown.
    fn passed_through_callers(
        &self,
        through: Vec<Located<'tree>>,
        argument: Option<Located<'tree>>,
        output: Option<&'tree str>,
        passed: &mut Vec<(FactoryCall<'tree>, Option<ResourceRef>)>,
    ) {
        let resource =
            argument
                .and_then(|argument| self.denoted_resource(argument))
                .and_then(|reference| match output {
                    Some(property) => self.attribute_read(reference, property),
                    None => Some(reference),
                });
        // A parameter passed on whole, or an output of it (`role.arn` where the factory reads
        // `roleArn`): what each call passes for that parameter, and the output read from it.
        let (parameter, output) = match argument.map(|argument| self.unwrapped(argument)) {
            Some(argument) if output.is_none() && resource.is_none() => match self.output_of_a_name(argument) {
                Some((object, property)) => (Some(object), Some(property)),
                None => (Some(argument), output),
            },
            other => (other, output),
        };
        let callers = match (parameter, &resource) {
            (Some(parameter), None) if through.len() < MAX_PASSING_FACTORIES => {
                self.arguments_per_call(parameter).filter(|callers| !callers.is_empty())
            }
            _ => None,
        };
        let Some(callers) = callers else {
            passed.push((FactoryCall { through }, resource));
            return;
        };
        for CallArgument { call, argument } in callers {
            let mut outwards = through.clone();
            outwards.push(call);
            self.passed_through_callers(outwards, argument, output, passed);
        }
    }

    /// `(role, "arn")` for `role.arn`, where `role` is a name (a parameter, say).
    fn output_of_a_name(&self, value: Located<'tree>) -> Option<(Located<'tree>, &'tree str)> {
        if kind_of(value.node) != "member_expression" {
            return None;
        }
        let object = self.unwrapped(value.with(value.node.field("object")?));
        let property = self.text(value.with(value.node.field("property")?));
        (kind_of(object.node) == "identifier").then_some((object, property))
    }
}
