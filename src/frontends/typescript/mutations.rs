//! Whether a `const`'s object is still what its declaration writes when a reader gets it: code
//! may change it afterwards (`document.Statement.push(…)`), and a value read from the declaration
//! would then be wrong, a grant appended later reported missing, an argument set later missed.

use tree_sitter::Node;

use super::scope::{BLOCKS, FUNCTIONS, LOOPS};
use super::{named_children, Located, Program};
use crate::syntax::{kind_of, named_descendants, Fields};

/// The methods that change the array (or object) they are called on.
const CHANGING_METHODS: [&str; 9] = [
    "push",
    "unshift",
    "splice",
    "pop",
    "shift",
    "sort",
    "reverse",
    "fill",
    "copyWithin",
];

/// Whether a block may stop before reaching `position`: a `return` or `throw` of its own (not of
/// a function written in it) before there. The pushes above may then run on calls that never read.
fn leaves_early(block: Node, position: usize) -> bool {
    let mut pending: Vec<Node> = named_children(block).collect();
    while let Some(node) = pending.pop() {
        if node.start_byte() >= position || FUNCTIONS.contains(&kind_of(node)) {
            continue;
        }
        if matches!(kind_of(node), "return_statement" | "throw_statement") {
            return true;
        }
        pending.extend(named_children(node));
    }
    false
}

/// What a mention of an array does with it (see `Program::pushes_before`).
enum ArrayUse<'tree> {
    Read,
    /// `xs.push(…)`: the call.
    Push(Located<'tree>),
}

impl<'tree> Program<'tree> {
    /// Whether code may change the object or array the const `identifier` names, whose
    /// `initializer` this is, after its declaration: a method changing it called through it
    /// (`document.Statement.push(…)`), an assignment into it (`document.Statement[1] = …`, `delete
    /// document.Sid`), or `Object.assign(document, …)`. Looked for in the file declaring it and in
    /// the one reading it, once per pass; a name an inner scope declares again counts too.
    pub(super) fn changed_after_declaration(&self, identifier: Located<'tree>, initializer: Located<'tree>) -> bool {
        let value = self.unwrapped(initializer);
        if !matches!(kind_of(value.node), "object" | "array") {
            return false;
        }
        let key = (initializer.file, initializer.node.start_byte(), identifier.file);
        if let Some(&known) = self.memo.changed_consts.borrow().get(&key) {
            return known;
        }
        let changed = self
            .const_mentions(identifier, initializer)
            .any(|mention| self.changes_what_it_names(mention));
        self.memo.changed_consts.borrow_mut().insert(key, changed);
        changed
    }

    /// The values code assigns to members of the object the const `identifier` names, whose
    /// `initializer` this is, before `identifier` reads it (`paths[`/${route}`] = {…}` in a loop,
    /// `paths.orders = {…}`): where an OpenAPI document's paths are added. The module declaring the
    /// const runs before one importing it reads it; in one file, only what is written before the
    /// read counts (`JSON.stringify` and `pulumi.jsonStringify` copy the object when called).
    /// `None` when code changes the object in another way too (`delete`, `Object.assign`, a
    /// member's member): what it holds is then unknown.
    pub(super) fn assigned_members(
        &self,
        identifier: Located<'tree>,
        initializer: Located<'tree>,
    ) -> Option<Vec<Located<'tree>>> {
        if kind_of(self.unwrapped(initializer).node) != "object" {
            return Some(Vec::new());
        }
        let mut assigned = Vec::new();
        for mention in self.const_mentions(identifier, initializer) {
            // A variable of the same name in another scope is another object.
            if self.initializer(mention, false) != Some(initializer) {
                continue;
            }
            match self.member_assignment(mention) {
                Some(value)
                    if mention.file != identifier.file || mention.node.end_byte() <= identifier.node.start_byte() =>
                {
                    assigned.push(value)
                }
                Some(_) => {}
                None if self.changes_what_it_names(mention) => return None,
                None => {}
            }
        }
        Some(assigned)
    }

    /// The `push` calls that fill the array the const `identifier` names, whose `initializer` (an
    /// empty array literal) this is, when they are all the array ever gets and all run before
    /// `identifier` reads it: `roles.push(role)` in a loop, then `roles.forEach(…)` below the
    /// loop. `None` when code may change the array otherwise, hand it on (it may grow there),
    /// export it, or push later than the read: in a function that runs when called, or in the
    /// statement that reads it.
    pub(super) fn pushes_before(
        &self,
        identifier: Located<'tree>,
        initializer: Located<'tree>,
    ) -> Option<Vec<Located<'tree>>> {
        let declarator = self.parent(initializer)?;
        let declaration = initializer.with(self.parent(initializer.with(declarator))?);
        let block = self.parent(declaration)?;
        if identifier.file != initializer.file || !BLOCKS.contains(&kind_of(block)) {
            return None;
        }
        let read_in_place = self.statement_in(identifier, block)?;
        if leaves_early(block, read_in_place.start_byte()) {
            return None;
        }
        let mut pushes = Vec::new();
        for mention in self.const_mentions(identifier, initializer) {
            // The read asked about gets the array as the pushes above leave it, whatever it does
            // with it (`dependsOn: deps`); another use may change it for the reads after it.
            let is_the_read = mention.file == identifier.file && mention.node == identifier.node;
            if self.initializer(mention, false) != Some(initializer)
                || Some(mention.node) == declarator.field("name")
                || is_the_read
            {
                continue;
            }
            match self.array_use(mention)? {
                ArrayUse::Read => {}
                ArrayUse::Push(call) => {
                    let statement = self.statement_in(call, block)?;
                    if statement.end_byte() > read_in_place.start_byte() || self.may_skip(call, block) {
                        return None;
                    }
                    pushes.push(call);
                }
            }
        }
        Some(pushes)
    }

    /// Whether a mention of an array is `xs.push(…)`, which adds elements and reads none.
    pub(super) fn pushes_onto(&self, mention: Located<'tree>) -> bool {
        matches!(self.array_use(mention), Some(ArrayUse::Push(_)))
    }

    /// What a mention of an array does with it, when that leaves every element in view:
    /// `xs.push(…)` as a statement of its own, a member read that changes nothing (`xs.map(…)`,
    /// `xs.length`), or `for (… of xs)`. `None` for anything else.
    fn array_use(&self, mention: Located<'tree>) -> Option<ArrayUse<'tree>> {
        let holder = mention.with(self.parent(mention)?);
        match kind_of(holder.node) {
            "for_in_statement" if holder.node.field("right") == Some(mention.node) => Some(ArrayUse::Read),
            "member_expression" if holder.node.field("object") == Some(mention.node) => {
                let method = self.text(holder.with(holder.node.field("property")?));
                let user = self.parent(holder)?;
                let assigned = matches!(
                    kind_of(user),
                    "assignment_expression" | "augmented_assignment_expression" | "update_expression"
                );
                let called = kind_of(user) == "call_expression" && user.field("function") == Some(holder.node);
                if method == "push" && called {
                    let statement = self.parent(holder.with(user))?;
                    return (kind_of(statement) == "expression_statement").then_some(ArrayUse::Push(holder.with(user)));
                }
                (!assigned && !CHANGING_METHODS.contains(&method)).then_some(ArrayUse::Read)
            }
            _ => None,
        }
    }

    /// Whether a push in a loop or element callback may run fewer times than the code around it:
    /// a `break` or `throw` anywhere in it, a `continue` or `return` before the push, a `return`
    /// in a loop (it ends more than the iteration), or an `async` callback (it pushes after the
    /// code reading the array has run).
    fn may_skip(&self, push: Located<'tree>, block: Node<'tree>) -> bool {
        let start = push.node.start_byte();
        self.ancestors(push)
            .into_iter()
            .take_while(|enclosing| *enclosing != block)
            .filter(|enclosing| LOOPS.contains(&kind_of(*enclosing)) || FUNCTIONS.contains(&kind_of(*enclosing)))
            .any(|repeated| {
                let in_loop = LOOPS.contains(&kind_of(repeated));
                let asynchronous = !in_loop && self.text(push.with(repeated)).starts_with("async");
                asynchronous
                    || named_descendants(repeated).any(|exit| match kind_of(exit) {
                        "break_statement" | "throw_statement" => true,
                        "return_statement" => in_loop || exit.start_byte() < start,
                        "continue_statement" => exit.start_byte() < start,
                        _ => false,
                    })
            })
    }

    /// The statement of `block` that `at` is in, when reaching `at` from that statement enters no
    /// function but the callbacks that array methods call in place (`xs.forEach((x) => …)`).
    fn statement_in(&self, at: Located<'tree>, block: Node<'tree>) -> Option<Node<'tree>> {
        let mut statement = at.node;
        for enclosing in self.ancestors(at) {
            if enclosing == block {
                return Some(statement);
            }
            if FUNCTIONS.contains(&kind_of(enclosing)) && self.callback_collection(at.with(enclosing)).is_none() {
                return None;
            }
            statement = enclosing;
        }
        None
    }

    /// The value `name[key] = value` or `name.key = value` assigns, for the mention `name`.
    fn member_assignment(&self, mention: Located<'tree>) -> Option<Located<'tree>> {
        let member = mention.with(self.parent(mention)?);
        let through_member = matches!(kind_of(member.node), "member_expression" | "subscript_expression")
            && member.node.field("object") == Some(mention.node);
        let assignment = self.parent(member).filter(|assignment| {
            through_member
                && kind_of(assignment) == "assignment_expression"
                && assignment.field("left") == Some(member.node)
        })?;
        Some(mention.with(assignment.field("right")?))
    }

    /// Every mention of the const, in the file declaring it and in the one reading it through
    /// `identifier`; none when it is declared and read once.
    fn const_mentions(
        &self,
        identifier: Located<'tree>,
        initializer: Located<'tree>,
    ) -> impl Iterator<Item = Located<'tree>> + '_ {
        let declared_name = initializer
            .node
            .parent()
            .and_then(|declarator| declarator.field("name"))
            .map(|name| self.text(initializer.with(name)));
        // The reading file mentions the name where it declares or imports it and where it reads
        // it; another file declaring it, where it declares it: only more can change it.
        let mut places = vec![(identifier.file, Some(self.text(identifier)), 2)];
        if initializer.file != identifier.file || declared_name != places[0].1 {
            places.push((initializer.file, declared_name, 1));
        }
        places.into_iter().flat_map(move |(file, name, seen)| {
            let name = name.filter(|name| self.mentions(file, name) > seen);
            name.into_iter().flat_map(move |name| {
                named_descendants(self.root(file))
                    .map(move |node| Located { file, node })
                    .filter(move |mention| {
                        matches!(kind_of(mention.node), "identifier" | "shorthand_property_identifier")
                            && self.text(*mention) == name
                    })
            })
        })
    }

    /// Whether this mention of a name changes the object the name holds (see
    /// `changed_after_declaration`).
    pub(super) fn changes_what_it_names(&self, mention: Located<'tree>) -> bool {
        // `document.Statement[1]`: the outermost member read through the name.
        let mut reached = mention;
        while let Some(parent) = self.parent(reached) {
            let through_object = matches!(kind_of(parent), "member_expression" | "subscript_expression")
                && parent.field("object") == Some(reached.node);
            if !through_object {
                break;
            }
            reached = reached.with(parent);
        }
        let Some(holder) = self.parent(reached) else {
            return false;
        };
        let through_member = reached.node != mention.node;
        match kind_of(holder) {
            "assignment_expression" | "augmented_assignment_expression" => {
                through_member && holder.field("left") == Some(reached.node)
            }
            "unary_expression" => through_member && self.text(mention.with(holder)).starts_with("delete"),
            "call_expression" if through_member && holder.field("function") == Some(reached.node) => reached
                .node
                .field("property")
                .is_some_and(|method| CHANGING_METHODS.contains(&self.text(reached.with(method)))),
            "arguments" => {
                let assigns = self
                    .parent(reached.with(holder))
                    .and_then(|call| call.field("function"))
                    .is_some_and(|function| self.text(mention.with(function)) == "Object.assign");
                assigns && named_children(holder).next() == Some(reached.node)
            }
            _ => false,
        }
    }
}
