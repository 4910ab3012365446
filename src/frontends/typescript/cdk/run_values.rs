//! What an expression holds in one run of the code around it (see `runs`): a loop's element is
//! the one the run is at (`t.account` in `for (const t of DEPLOY_TARGETS)`), a parameter what the
//! run's call passes (`props?.env` in a Stage subclass, `account` in `deployTo(name, account)`),
//! followed through the objects, spreads and consts between them. Used for the `env` a stack or
//! stage is constructed with.

use super::super::facts::MemberKind;
use super::super::iteration::ElementRead;
use super::super::{Located, Program};
use super::runs::Frame;
use crate::syntax::{kind_of, Fields};

/// How many names, properties and calls a value is followed through.
const MAX_HOPS: usize = 32;

/// What an expression holds in one run.
#[derive(Clone)]
pub(super) enum Held<'tree> {
    /// The expression written for it (an object literal, a string, or what infrafix follows no
    /// further), with the run it is read in.
    Value(Located<'tree>, Frame<'tree>),
    /// `undefined`: nothing passed, a property an object surely lacks.
    Undefined,
    /// Not known in this run.
    Unknown,
}

impl<'tree> Program<'tree> {
    /// What `at` holds in the run `frame` stands for.
    pub(super) fn held(&self, at: Located<'tree>, frame: &Frame<'tree>) -> Held<'tree> {
        self.held_within(at, frame.clone(), 0)
    }

    /// The property `name` of what an object holds in its run, the last one set winning as in
    /// JavaScript, looking into the objects it spreads.
    pub(super) fn held_property(&self, object: Held<'tree>, name: &str) -> Held<'tree> {
        self.held_property_within(object, name, 0)
    }

    fn held_within(&self, at: Located<'tree>, frame: Frame<'tree>, hops: usize) -> Held<'tree> {
        if hops > MAX_HOPS {
            return Held::Unknown;
        }
        let at = self.unwrapped(at);
        if self.is_undefined(at) {
            return Held::Undefined;
        }
        if !matches!(
            kind_of(at.node),
            "identifier" | "shorthand_property_identifier" | "member_expression" | "subscript_expression"
        ) {
            return Held::Value(at, frame);
        }
        if let Some((binder, path)) = self.element_path(at) {
            let read = frame
                .element_of(binder.node)
                .and_then(|position| self.element_read(binder, position, &path));
            return match read {
                Some(ElementRead::Written(value)) => self.held_within(value, frame, hops + 1),
                Some(ElementRead::Lacking) => Held::Undefined,
                // A loop this run is not told apart by (over what a call passes).
                Some(ElementRead::Unknown) | None => Held::Unknown,
            };
        }
        let names_one = matches!(kind_of(at.node), "identifier" | "shorthand_property_identifier");
        if let Some(function) = names_one.then(|| self.function_receiving(at)).flatten() {
            return self.held_parameter(at, function, &frame, hops);
        }
        match kind_of(at.node) {
            "member_expression" | "subscript_expression" => {
                let Some(name) = self.read_property_name(at, &frame, hops) else {
                    return Held::Unknown;
                };
                let Some(object) = at.node.field("object") else {
                    return Held::Unknown;
                };
                let object = self.held_within(at.with(object), frame.clone(), hops + 1);
                match self.held_property_within(object, &name, hops + 1) {
                    // A member of what no run binds (an imported namespace's const).
                    Held::Unknown => match self.member_value(at, true) {
                        Some(value) => self.held_within(value, frame, hops + 1),
                        None => Held::Unknown,
                    },
                    found => found,
                }
            }
            _ => match self.const_value(at) {
                Some(value) => self.held_within(value, frame, hops + 1),
                None => Held::Value(at, frame),
            },
        }
    }

    /// What a parameter (or a name destructured from one) of `function` holds: what the run's
    /// call passes for it, read in the caller's run.
    fn held_parameter(
        &self,
        parameter: Located<'tree>,
        function: tree_sitter::Node<'tree>,
        frame: &Frame<'tree>,
        hops: usize,
    ) -> Held<'tree> {
        let Some(call) = frame.call.as_ref().filter(|call| call.function == function) else {
            return Held::Unknown;
        };
        let passed = self
            .arguments_per_call(parameter)
            .and_then(|calls| calls.into_iter().find(|passed| passed.call == call.site));
        match passed {
            Some(passed) => match (passed.argument, self.parameter_default(parameter)) {
                (Some(argument), _) => self.held_within(argument, call.caller.clone(), hops + 1),
                // Passed nothing: the default written in the function, read in this run.
                (None, Some(default)) => self.held_within(default, frame.clone(), hops + 1),
                (None, None) => Held::Undefined,
            },
            None => Held::Unknown,
        }
    }

    fn held_property_within(&self, object: Held<'tree>, name: &str, hops: usize) -> Held<'tree> {
        let (object, frame) = match object {
            Held::Value(object, frame) => (object, frame),
            // `props?.env` where no props are passed.
            Held::Undefined => return Held::Undefined,
            Held::Unknown => return Held::Unknown,
        };
        if kind_of(object.node) != "object" {
            // A const object infrafix reads elsewhere (through a member of an imported one).
            return match self.property(object, name) {
                Some(found) => self.held_within(found.value, frame, hops + 1),
                None if self.surely_lacks(object, name) => Held::Undefined,
                None => Held::Unknown,
            };
        }
        for member in self.object_members(object).iter().rev() {
            let Some(node) = u32::try_from(member.index)
                .ok()
                .and_then(|index| object.node.named_child(index))
            else {
                return Held::Unknown;
            };
            match &member.kind {
                MemberKind::Pair(key) if key == name => {
                    return match node.field("value") {
                        Some(value) => self.held_within(object.with(value), frame, hops + 1),
                        None => Held::Unknown,
                    };
                }
                MemberKind::Shorthand(key) if key == name => {
                    return self.held_within(object.with(node), frame, hops + 1);
                }
                MemberKind::Spread => {
                    let Some(spread) = node.named_child(0) else {
                        return Held::Unknown;
                    };
                    let spread = self.held_within(object.with(spread), frame.clone(), hops + 1);
                    match self.held_property_within(spread, name, hops + 1) {
                        // Spreading what lacks it (or `undefined`) sets nothing: what comes
                        // before decides.
                        Held::Undefined => {}
                        found => return found,
                    }
                }
                MemberKind::Other => return Held::Unknown,
                MemberKind::Pair(_) | MemberKind::Shorthand(_) | MemberKind::Comment => {}
            }
        }
        Held::Undefined
    }

    /// The property a member read names in its run: `env` in `props.env` and `props?.env`,
    /// `"env"` in `props["env"]`, and the key `name` holds in `STAGES[name]` (a loop's key, or
    /// what the run's call passes for it).
    fn read_property_name(&self, at: Located<'tree>, frame: &Frame<'tree>, hops: usize) -> Option<String> {
        match kind_of(at.node) {
            "member_expression" => Some(self.text(at.with(at.node.field("property")?)).to_owned()),
            _ => {
                let index = self.unwrapped(at.with(at.node.field("index")?));
                self.string_value(index).or_else(|| self.held_key(index, frame, hops))
            }
        }
    }

    /// The key an index expression holds in one run. A loop's element that is a record's key
    /// (`Object.keys(STAGES)`, `for (const name in STAGES)`) is read as the key's text: a
    /// shorthand key (`{ staging, prod }`) names the key, not the const it also reads.
    fn held_key(&self, index: Located<'tree>, frame: &Frame<'tree>, hops: usize) -> Option<String> {
        if let Some((binder, path)) = self.element_path(index) {
            let position = frame.element_of(binder.node)?;
            return match self.element_read(binder, position, &path)? {
                ElementRead::Written(key) => self.key_text(key),
                ElementRead::Lacking | ElementRead::Unknown => None,
            };
        }
        match self.held_within(index, frame.clone(), hops + 1) {
            Held::Value(key, _) => self.key_text(key),
            Held::Undefined | Held::Unknown => None,
        }
    }
}
