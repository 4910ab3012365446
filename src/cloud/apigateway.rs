//! API Gateway stages and their method settings, as the rules see them.

use super::{Site, Written};

/// A throttling limit of a stage's methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ThrottleLimit {
    Burst,
    Rate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiStage {
    /// Where the stage is created: how intents name it.
    pub declared: Site,
    /// Throttling written on the stage itself, where no stage takes it.
    pub misplaced_throttle: Option<MisplacedThrottle>,
    /// The method settings that configure this stage, or may.
    pub method_settings: Vec<StageSettings>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MisplacedThrottle {
    /// The setting, from its key to its value.
    pub at: Site,
    /// The limits it sets, or why a fix cannot move them from where they are written.
    pub limits: Result<Vec<(ThrottleLimit, LimitValue)>, String>,
}

/// A method settings resource that configures a stage, or may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSettings {
    /// Index into the graph's method settings.
    pub settings: usize,
    /// `None` when it surely configures the stage; otherwise why that cannot be told.
    pub doubt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodSettings {
    pub name: String,
    /// Where it is created: how intents name it.
    pub declared: Site,
    /// The methods it configures (`*/*` for all of them); `None` when that cannot be read.
    pub method_path: Option<String>,
    /// The throttling limits it sets, where they can be read.
    pub throttling: Vec<(ThrottleLimit, LimitValue)>,
}

/// A limit's value as written, and what it amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitValue {
    /// The key it is written under.
    pub key: String,
    /// The value's text where it is written.
    pub written: Written<String>,
    /// The number it holds, when that is known.
    pub number: Option<i64>,
    /// The text of the expression it comes from (a const's value, say), to compare with.
    pub resolved: String,
}

impl LimitValue {
    /// Whether two values hold the same limit.
    pub fn same_as(&self, other: &LimitValue) -> bool {
        match (self.number, other.number) {
            (Some(a), Some(b)) => a == b,
            _ => self.resolved == other.resolved,
        }
    }
}
