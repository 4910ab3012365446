//! The cloud graph of a Pulumi program, and the edits that carry out the rules' intents in it.

use super::{Located, Program, ResourceDecl};
use crate::cloud::{CloudGraph, FixPlan, FrontEnd, Intent, LambdaFunction, Multiplicity, Reservation, Site, Written};
use crate::fix::{Edit, Fix};

impl From<Located<'_>> for Site {
    fn from(at: Located<'_>) -> Self {
        Site {
            file: at.file,
            range: at.node.byte_range(),
        }
    }
}

impl FrontEnd for Program<'_> {
    fn graph(&self) -> CloudGraph {
        let functions = self
            .resources()
            .iter()
            .enumerate()
            .filter(|(_, resource)| resource.is_lambda_function())
            .map(|(index, function)| self.lambda_function(index, function))
            .collect();
        CloudGraph { functions }
    }

    fn render(&self, plan: &FixPlan) -> Result<Fix, String> {
        let edits = plan
            .intents
            .iter()
            .map(|intent| match intent {
                Intent::SetNumber { at, value } => Edit::replace(at.file, at.range.clone(), value.to_string()),
            })
            .collect();
        Ok(Fix::new(edits, plan.applicability))
    }
}

impl<'tree> Program<'tree> {
    fn lambda_function(&self, index: usize, function: &ResourceDecl<'tree>) -> LambdaFunction {
        let instances = Multiplicity::from(self.instances(index));
        LambdaFunction {
            name: self.display_name(index),
            at: Site {
                file: function.file,
                range: function.finding_range(),
            },
            instances,
            branches: self.branches(index),
            reservations: self.reservations(function, instances),
        }
    }

    /// `reservedConcurrentExecutions`: one number, or one per element when the function reads it
    /// from the elements of the collection it is made for (`tenant.reserved`).
    fn reservations(&self, function: &ResourceDecl<'tree>, instances: Multiplicity) -> Vec<Reservation> {
        let Some(written) = function
            .args()
            .and_then(|args| self.property(args, "reservedConcurrentExecutions"))
        else {
            return Vec::new();
        };
        let number = |at: Located<'tree>| {
            self.largest_number_value(at)
                .map(|(value, at)| Written { value, at: at.into() })
        };
        let known = number(written.value);
        match self.element_sources(written.value).filter(|_| known.is_none()) {
            Some(sources) if !sources.is_empty() => {
                // The loop over the collection is one of those counted in the instances: each
                // element's number serves its share of them.
                let elements = sources.len() as u64;
                let each = instances
                    .known()
                    .filter(|count| count % elements == 0)
                    .map(|count| count / elements);
                sources
                    .into_iter()
                    .map(|source| Reservation {
                        value: number(source),
                        instances: each.into(),
                        per_element: true,
                    })
                    .collect()
            }
            _ => vec![Reservation {
                value: known,
                instances,
                per_element: false,
            }],
        }
    }
}
