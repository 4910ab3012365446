//! Following a value into the maps and lists that hold it: `local.settings.runtime`,
//! `var.config["runtime"]`, `local.env[terraform.workspace].timeout`, through `merge()` of maps
//! written out (the last map holding the key wins, as in Terraform) and `lookup()` with its
//! default. A step infrafix cannot take (a map from a data source, a key computed at deploy into
//! maps that disagree) leaves the value unknown. Each way a value is reached remembers the entries
//! such keys picked on it, so that two values read by the same keys can be told apart per entry.

use super::references::interpolated;
use super::values::MAX_HOPS;
use super::values::{object_node, tuple_elements, unwrapped, Origin, Scope};
use super::{named_children, Located, TerraformProject};
use crate::syntax::kind_of;

/// How many references one value may be followed through, over every way it may take: locals
/// may name other locals, and a key computed at deploy reads every entry of a map.
pub const REFERENCES_FOLLOWED: usize = 64;

/// One step into a collection, as a traversal writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A map's key or a list's position (`.runtime`, `["runtime"]`, `[0]`, `.0`).
    Key(String),
    /// A key computed at deploy (`[terraform.workspace]`): any entry. What the key reads, when
    /// infrafix can tell, so that two maps picked by the same key pair up entry by entry.
    AnyKey(Option<DeployKey>),
}

/// A value known only at deploy that picks map entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeployKey {
    /// `terraform.workspace`, the same wherever it is read.
    Workspace,
    /// A root module variable (`var.environment`), whatever value a deployment gives it.
    RootVariable(String),
}

/// On one way to a value, the entries keys known only at deploy picked, each by its name in its
/// map (or position in its list); a key infrafix cannot name (`None`) pairs with nothing.
pub type Picks = Vec<(Option<DeployKey>, String)>;

/// A place a value may be written, and each way it is reached there.
#[derive(Debug, Clone)]
pub struct Place<'a> {
    pub origin: Origin<'a>,
    pub ways: Vec<Picks>,
}

/// Where a value may be written, once its steps are taken.
#[derive(Debug)]
pub struct Reached<'a> {
    pub origins: Vec<(Origin<'a>, Picks)>,
    /// Whether a map on the way may lack the key: `merge()` then takes it from an earlier map.
    pub may_lack: bool,
    /// Whether a way it took, found or not, went through a root variable's `default`, which a
    /// deployment may replace (with a map that holds the key a default lacks).
    pub overridable: bool,
}

impl<'a> Reached<'a> {
    fn one(origin: Origin<'a>) -> Self {
        Self {
            origins: vec![(origin, Picks::new())],
            may_lack: false,
            overridable: origin.overridable,
        }
    }

    /// Nothing: the map reached as `origin` says lacks the key.
    fn none_there(origin: &Origin<'a>) -> Self {
        Self {
            origins: Vec::new(),
            may_lack: true,
            overridable: origin.overridable,
        }
    }

    fn absorb(&mut self, other: Reached<'a>) {
        self.origins.extend(other.origins);
        self.may_lack |= other.may_lack;
        self.overridable |= other.overridable;
    }

    /// The entries `key` picked, as `name`, on every way reached so far.
    fn picked(mut self, key: &Step, name: &str) -> Self {
        if let Step::AnyKey(key) = key {
            for (_, picks) in &mut self.origins {
                picks.push((key.clone(), name.to_owned()));
            }
        }
        self
    }

    /// The one place the value is written, when every way leads there and none may miss it.
    pub fn single(self) -> Option<Origin<'a>> {
        match self.all()?.as_slice() {
            [only] => Some(*only),
            _ => None,
        }
    }

    /// Every place the value may be written, each once, when no way may miss it: several where a
    /// key computed at deploy (`[terraform.workspace]`) picks among entries written apart. Each is
    /// overridable when any way was, since a deployment replacing a variable's map replaces it
    /// whole.
    pub fn all(self) -> Option<Vec<Origin<'a>>> {
        Some(self.places()?.into_iter().map(|place| place.origin).collect())
    }

    /// `all`, with the entries picked on each way to each place.
    pub fn places(self) -> Option<Vec<Place<'a>>> {
        if self.may_lack || self.origins.is_empty() {
            return None;
        }
        let mut places: Vec<Place<'a>> = Vec::new();
        for (origin, picks) in self.origins {
            match places.iter_mut().find(|place| place.origin.written == origin.written) {
                Some(place) if !place.ways.contains(&picks) => place.ways.push(picks),
                Some(_) => {}
                None => places.push(Place {
                    origin: Origin {
                        overridable: self.overridable,
                        ..origin
                    },
                    ways: vec![picks],
                }),
            }
        }
        Some(places)
    }
}

impl<'a> TerraformProject<'a> {
    /// Every place the value of `expression`, read in `scope`, may be written once `steps` are
    /// taken into it; `origin` is how the value was reached so far. `None` when a step cannot be
    /// followed. `budget` bounds the references followed, shared by every branch.
    pub(super) fn follow(
        &self,
        expression: Located<'a>,
        scope: &Scope<'_, 'a>,
        mut origin: Origin<'a>,
        steps: &[Step],
        budget: &mut usize,
    ) -> Option<Reached<'a>> {
        // `"${X}"` is X itself, not a string made of it (the 0.11 way of writing references).
        // What infrafix cannot follow further is, asked for itself, the value as written: the
        // whole `"${X}"`, quotes and all, is what an edit replaces.
        let as_written = match steps.is_empty() {
            true => unwrapped(expression),
            false => unwrapped(interpolated(expression)),
        };
        let expression = interpolated(expression);
        if let Some((namespace, name, more)) = self.reference_path(expression, scope) {
            *budget = budget.checked_sub(1)?;
            let before = origin;
            origin.in_place = false;
            let folder = self.folder_of(expression);
            let mut target_scope = scope;
            let target = match (namespace, scope.split_last()) {
                ("var", Some((call, outer))) => match self.argument(call.body, name) {
                    Some(passed) => {
                        target_scope = outer;
                        origin.depth = outer.len();
                        origin.passed_at = Some(passed);
                        passed
                    }
                    None => *folder.variable_defaults.get(name)?,
                },
                ("var", None) => {
                    origin.overridable = true;
                    *folder.variable_defaults.get(name)?
                }
                _ => *folder.locals.get(name)?,
            };
            let path: Vec<Step> = more.iter().chain(steps).cloned().collect();
            return match self.follow(target, target_scope, origin, &path, budget) {
                // A path into what infrafix cannot read is, asked for itself, a value computed
                // there: the expression is where it is written, reached as it was before the hop.
                None if steps.is_empty() && !more.is_empty() => Some(Reached::one(Origin {
                    written: as_written,
                    ..before
                })),
                followed => followed,
            };
        }
        let value = unwrapped(expression);
        if let Some((function, arguments)) = self.function_call(value) {
            return match self.follow_call(function, &arguments, scope, origin, steps, budget) {
                // Any other call, asked for itself, is a value computed there.
                None if steps.is_empty() => Some(Reached::one(Origin {
                    written: as_written,
                    ..origin
                })),
                followed => followed,
            };
        }
        let Some((step, rest)) = steps.split_first() else {
            return Some(Reached::one(Origin {
                written: as_written,
                ..origin
            }));
        };
        let entries = self.entries_picked(value, step)?;
        if entries.is_empty() {
            return Some(Reached::none_there(&origin));
        }
        let mut reached = Reached {
            origins: Vec::new(),
            may_lack: false,
            overridable: origin.overridable,
        };
        for (name, entry) in entries {
            reached.absorb(self.follow(entry, scope, origin, rest, budget)?.picked(step, &name));
        }
        Some(reached)
    }

    /// `merge(…)` and `lookup(…)` of maps infrafix can read, with `steps` taken into the result;
    /// `None` for any other call, or maps it cannot read.
    fn follow_call(
        &self,
        function: &str,
        arguments: &[Located<'a>],
        scope: &Scope<'_, 'a>,
        origin: Origin<'a>,
        steps: &[Step],
        budget: &mut usize,
    ) -> Option<Reached<'a>> {
        match (function, arguments) {
            ("merge", maps) => {
                let (Some(key @ Step::Key(_)), rest) = (steps.first(), steps.get(1..).unwrap_or_default()) else {
                    return None;
                };
                // The last map holding the key gives it; an earlier one only where the later may lack it.
                let mut reached = Reached::none_there(&origin);
                for map in maps.iter().rev() {
                    let entry = self.follow(*map, scope, origin, std::slice::from_ref(key), budget)?;
                    reached.overridable |= entry.overridable;
                    for (found, picks) in entry.origins {
                        let mut inner = self.follow(found.written, &scope[..found.depth], found, rest, budget)?;
                        if inner.may_lack {
                            return None;
                        }
                        for (_, inner_picks) in &mut inner.origins {
                            inner_picks.extend(picks.iter().cloned());
                        }
                        reached.absorb(inner);
                    }
                    if !entry.may_lack {
                        reached.may_lack = false;
                        break;
                    }
                }
                Some(reached)
            }
            ("lookup", [map, key, default]) => {
                let key = self.key_step(*key, scope);
                // A key picked at deploy may be one the map lacks, which gives the default.
                let may_miss = matches!(key, Step::AnyKey(_));
                let path: Vec<Step> = std::iter::once(key).chain(steps.iter().cloned()).collect();
                let mut reached = self.follow(*map, scope, origin, &path, budget)?;
                if reached.may_lack || may_miss {
                    reached.may_lack = false;
                    reached.absorb(self.follow(*default, scope, origin, steps, budget)?);
                }
                Some(reached)
            }
            _ => None,
        }
    }

    /// The entries of a map or list written out that `step` may pick, each with its key (or
    /// position); `None` when the collection is not written out or has keys infrafix cannot read.
    fn entries_picked(&self, collection: Located<'a>, step: &Step) -> Option<Vec<(String, Located<'a>)>> {
        if let Some(object) = object_node(collection) {
            let fields = self.all_object_fields(object)?;
            return Some(match step {
                Step::Key(key) => fields.into_iter().filter(|(name, _)| name == key).collect(),
                Step::AnyKey(_) => fields,
            });
        }
        let elements = tuple_elements(collection)?.into_iter().enumerate();
        Some(match step {
            Step::Key(position) => {
                let position: usize = position.parse().ok()?;
                elements
                    .filter(|(index, _)| *index == position)
                    .map(|(index, element)| (index.to_string(), element))
                    .collect()
            }
            Step::AnyKey(_) => elements.map(|(index, element)| (index.to_string(), element)).collect(),
        })
    }

    /// `var.NAME` or `local.NAME` and the steps taken into it after (`local.env["prod"].runtime`),
    /// each key read as it is written in `scope`.
    pub(super) fn reference_path(
        &self,
        expression: Located<'a>,
        scope: &Scope<'_, 'a>,
    ) -> Option<(&'a str, &'a str, Vec<Step>)> {
        if kind_of(expression.node) != "expression" {
            return None;
        }
        let mut parts = named_children(expression.node);
        let root = parts.next().filter(|part| kind_of(part) == "variable_expr")?;
        let namespace = self
            .part_name(expression, root)
            .filter(|name| matches!(*name, "var" | "local"))?;
        let name = parts
            .next()
            .filter(|part| kind_of(part) == "get_attr")
            .and_then(|part| self.part_name(expression, part))?;
        let steps = parts
            .map(|part| match kind_of(part) {
                "get_attr" => self.part_name(expression, part).map(|key| Step::Key(key.to_owned())),
                "index" => self.index_step(expression.with(part), scope),
                _ => None,
            })
            .collect::<Option<Vec<Step>>>()?;
        Some((namespace, name, steps))
    }

    /// The step an `index` takes: a key written out or held by a value infrafix can read, else
    /// any key.
    fn index_step(&self, index: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Step> {
        let picked = named_children(index.node).next()?;
        match kind_of(picked) {
            // `.0`, the old way of writing `[0]`.
            "legacy_index" => Some(Step::Key(
                self.text(index.with(picked)).trim_start_matches('.').to_owned(),
            )),
            "new_index" => {
                let key = index.with(named_children(picked).next()?);
                if let Some(position) = self.number_literal(unwrapped(key)) {
                    return Some(Step::Key(position.to_string()));
                }
                Some(self.key_step(key, scope))
            }
            _ => None,
        }
    }

    /// The key an expression picks: the one it holds, or any key when it is computed at deploy
    /// (`terraform.workspace`) or read from a root variable's default, which a deployment may
    /// replace with another key (`-var env=prod`).
    fn key_step(&self, key: Located<'a>, scope: &Scope<'_, 'a>) -> Step {
        match self.string_value(key, scope) {
            Some((key, origin)) if !origin.overridable => Step::Key(key),
            _ => Step::AnyKey(self.deploy_key(key, scope)),
        }
    }

    /// What a key computed at deploy reads, through the locals and module arguments it is
    /// passed by: `None` for anything else (`lower(terraform.workspace)`, a data source).
    fn deploy_key(&self, key: Located<'a>, scope: &Scope<'_, 'a>) -> Option<DeployKey> {
        let (mut current, mut scope) = (interpolated(key), scope);
        for _ in 0..MAX_HOPS {
            match self.traversal(current)?.as_slice() {
                ["terraform", "workspace"] => return Some(DeployKey::Workspace),
                ["var", name] => match scope.split_last() {
                    None => return Some(DeployKey::RootVariable((*name).to_owned())),
                    Some((call, outer)) => {
                        current = interpolated(self.argument(call.body, name)?);
                        scope = outer;
                    }
                },
                ["local", name] => {
                    current = interpolated(*self.folder_of(current).locals.get(*name)?);
                }
                _ => return None,
            }
        }
        None
    }

    /// A function call's name and arguments (`merge(a, b)`).
    pub(super) fn function_call(&self, call: Located<'a>) -> Option<(&'a str, Vec<Located<'a>>)> {
        if kind_of(call.node) != "function_call" {
            return None;
        }
        let name = named_children(call.node).find(|node| kind_of(node) == "identifier")?;
        let arguments = named_children(call.node)
            .find(|node| kind_of(node) == "function_arguments")
            .map(|arguments| named_children(arguments).map(|argument| call.with(argument)).collect())
            .unwrap_or_default();
        Some((self.text(call.with(name)), arguments))
    }
}
