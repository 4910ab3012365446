//! Lambda functions as the rules see them.

use super::{Branch, Multiplicity, Site, Written};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaFunction {
    /// How messages name it: the variable holding it, or its logical name, in backticks.
    pub name: String,
    /// Where findings about the function as a whole point: its declaration.
    pub at: Site,
    pub instances: Multiplicity,
    /// The choices its declaration lies in, outermost first; empty when it always exists.
    pub branches: Vec<Branch>,
    /// Its reserved concurrency: none when unset, one, or one per element when the function is
    /// made per element of a collection and reads the number from the element.
    pub reservations: Vec<Reservation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The number and where it is written; `None` when it cannot be known.
    pub value: Option<Written<i64>>,
    /// How many of the function's instances reserve it.
    pub instances: Multiplicity,
    /// Read from the element of a collection: findings point at the number, in its element.
    pub per_element: bool,
}
