//! IAM policy evaluation: may this role do action A on resource R? The answer every IAM rule
//! asks for, from the statements of the policies reaching a role, however a front end read them.

use super::arn_text::{matches_whatever_the_values, ArnValues};
use super::{ArnPiece, ArnText, ReadValue, ResourceId, ResourceRef, Site};
use crate::aws::managed_policies::ManagedPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// One entry of a statement's `Action` or `Resource` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The text, when the entry is a literal (`"sqs:SendMessage"`, `"*"`).
    pub literal: Option<String>,
    /// The resource output the entry stands for (`queue.arn`), when it is one.
    pub resource: Option<ResourceRef>,
    /// ARN text that reads values (`"arn:aws:sqs:${region}:${account}:orders-dlq"`), when the
    /// entry is such text: it names what text written the same way names.
    pub text: Option<ArnText>,
}

impl Entry {
    /// Whether infrafix can tell what the entry names: ARN text that reads values names a
    /// resource of the service its start names, or none.
    fn readable(&self) -> bool {
        self.literal.is_some()
            || self.resource.is_some()
            || self.text.as_ref().is_some_and(|text| text.service().is_some())
    }
    /// Whether a Resource entry is judged target by target: any ARN text is (a target it may or
    /// may not name is `Unsure`, `${aws_sqs_queue.dlq.arn}*` covers that queue), so text the
    /// statement cannot read whole does not hide what its other entries grant.
    fn judged(&self) -> bool {
        self.readable() || self.text.is_some()
    }
}

/// One statement of a policy document: what it allows or denies, as far as it can be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyStatement {
    pub effect: Effect,
    pub actions: Vec<Entry>,
    pub resources: Vec<Entry>,
    /// Why infrafix cannot tell what the statement allows (a Condition, NotAction, an entry it
    /// cannot read), when it cannot.
    pub uncertainty: Option<String>,
}

impl PolicyStatement {
    /// A statement as read; an entry that is neither a literal nor a resource of the project may
    /// name anything, which makes the statement uncertain too.
    pub fn new(effect: Effect, actions: Vec<Entry>, resources: Vec<Entry>, uncertainty: Option<String>) -> Self {
        let unreadable = actions.iter().any(|entry| !entry.readable()) || resources.iter().any(|entry| !entry.judged());
        let uncertainty = match uncertainty {
            None if unreadable => Some("an Action or Resource whose value it cannot follow".to_owned()),
            known => known,
        };
        Self {
            effect,
            actions,
            resources,
            uncertainty,
        }
    }
}

/// What a role may do, as far as the program shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Allowed,
    /// No statement allows it.
    NotAllowed,
    /// A Deny statement forbids it: adding an Allow would not help.
    Denied,
    /// A statement may allow it, but infrafix cannot tell (the reason says why).
    Unknown(String),
    /// Some policy reaching the role cannot be read at all, so nothing can be said.
    Unreadable,
    /// The role's permissions boundary does not allow it, whatever the role's own policies
    /// allow: a grant to the role would not help.
    OutsideBoundary,
}

/// Every grant that reaches a role.
#[derive(Debug, Clone, Default)]
pub struct RoleGrants {
    pub documents: Vec<GrantDocument>,
    pub managed: Vec<&'static ManagedPolicy>,
    /// AWS managed policies attached only under a condition, one entry per choice the template
    /// makes (a CloudFormation `Fn::If` in a role's `ManagedPolicyArns`).
    pub conditional_managed: Vec<ConditionalManaged>,
    /// Policies that reach the role but that infrafix cannot read.
    pub unreadable: usize,
    /// The role's permissions boundary, when it has one.
    pub boundary: Option<PermissionsBoundary>,
    /// Grants written to name a resource through the wrong output of it: they name nothing.
    pub misnamed: Vec<MisnamedTarget>,
}

/// A grant written to name a resource through an output other than the one it takes (a SAM
/// policy template given a queue's `Ref`, its URL, where the queue's name belongs): the ARN it
/// makes names nothing, and reading the right output is the fix. Nothing else reads the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MisnamedTarget {
    pub resource: ResourceId,
    /// The value reading the wrong output, which the fix rewrites.
    pub at: Site,
    /// What is written, and what must be, for messages.
    pub why: String,
}

/// The managed policy that caps what a role's own policies may grant: IAM allows an action only
/// where both allow it.
#[derive(Debug, Clone)]
pub struct PermissionsBoundary {
    /// As the program writes it, in backquotes.
    pub written: String,
    /// What the boundary policy allows, when infrafix can tell for every action. Unread, what
    /// the role's own policies allow is taken as allowed (a boundary is there to cap, and most
    /// let through what the role's policies grant), but a grant infrafix adds may still be
    /// capped by it.
    pub policy: Option<Box<RoleGrants>>,
}

impl PermissionsBoundary {
    /// A boundary with what its policy grants, when infrafix read that policy. It is taken as
    /// read only when what it allows is certain: one policy (a boundary is one managed policy),
    /// read whole, whose Allow statements name actions on every resource (`"*"`), with no
    /// Condition or NotAction. An allow it could not answer for would turn a role that surely
    /// lacks a grant into one infrafix cannot judge, since a boundary never grants by itself;
    /// so such a boundary is left unread, which keeps the role's own answer. Its Deny
    /// statements may name resources: one that may cover the target makes the answer unknown.
    pub fn new(written: String, policy: Option<RoleGrants>) -> Self {
        let certain = |grants: &RoleGrants| {
            let on_everything = |statement: &PolicyStatement| {
                statement.uncertainty.is_none()
                    && (statement.effect == Effect::Deny
                        || statement
                            .resources
                            .iter()
                            .all(|entry| entry.literal.as_deref() == Some("*")))
            };
            grants.unreadable == 0
                && grants.documents.len() + grants.managed.len() == 1
                && grants.managed.iter().all(|policy| policy.scoped_actions.is_empty())
                && grants
                    .documents
                    .iter()
                    .all(|document| document.malformed.is_none() && document.statements.iter().all(on_everything))
        };
        Self {
            written,
            policy: policy.filter(certain).map(Box::new),
        }
    }
}

/// A choice between AWS managed policies made by a condition of the template: what every arm
/// grants is granted whichever way the condition goes; what only some arm grants cannot be
/// counted on, nor said to be missing.
#[derive(Debug, Clone)]
pub struct ConditionalManaged {
    pub condition: String,
    /// The policy each arm attaches; `None` for an arm that attaches nothing (`AWS::NoValue`).
    pub arms: Vec<Option<&'static ManagedPolicy>>,
}

impl ConditionalManaged {
    /// Whether every arm attaches a policy allowing `action` on every resource.
    fn always_allows(&self, action: &str) -> bool {
        self.arms
            .iter()
            .all(|arm| arm.is_some_and(|policy| allows_everywhere(policy, action)))
    }

    /// Why the choice may allow `action`, when some arm's policy may: the condition may go the
    /// other way, or the policy allows it only on some resources.
    fn may_allow(&self, action: &str) -> Option<String> {
        let policy = self
            .arms
            .iter()
            .flatten()
            .find(|policy| allows_everywhere(policy, action) || allows_somewhere(policy, action))?;
        Some(format!(
            "the AWS managed policy {}, attached only under condition `{}`",
            policy.name, self.condition
        ))
    }
}

fn allows_everywhere(policy: &ManagedPolicy, action: &str) -> bool {
    policy.actions.iter().any(|granted| action_matches(granted, action))
}

fn allows_somewhere(policy: &ManagedPolicy, action: &str) -> bool {
    policy
        .scoped_actions
        .iter()
        .any(|granted| action_matches(granted, action))
}

/// A policy document reaching a role, and the resource that holds it.
#[derive(Debug, Clone)]
pub struct GrantDocument {
    /// The role policy, the policy, or the role itself (its inline policies).
    pub owner: ResourceId,
    /// Statements in the order the document lists them: intents name one by its position.
    pub statements: Vec<PolicyStatement>,
    /// Where the document is written: how intents name it, and where names it gains must be
    /// visible.
    pub at: Site,
    /// Read by more than this role (a const read elsewhere, a policy attached more than once), or
    /// made once per instance of something else (a Terraform `for_each` over queues): a grant
    /// written into it would reach the others as well, or be made once per instance, so it is
    /// never edited.
    pub shared: bool,
    /// Held by a policy resource of this role alone, the first place a new statement goes.
    pub inline_role_policy: bool,
    /// Why the document does not grant what it is written to (an output written as the
    /// placeholder text its language puts where the value belongs), when it does not: no grant
    /// goes beside it, since it may be the one meant to grant what is asked.
    pub malformed: Option<Malformed>,
}

/// A document written so that it cannot grant what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub why: String,
    /// IAM refuses the whole document ("Resource … must be in ARN format"), so none of its
    /// statements grants anything; otherwise IAM takes it, and only the ARN written wrong names
    /// nothing.
    pub refused: bool,
}

impl RoleGrants {
    /// The statements of the documents IAM accepts: a refused document grants nothing.
    fn accepted_statements(&self) -> impl Iterator<Item = &PolicyStatement> {
        self.documents
            .iter()
            .filter(|document| !document.malformed.as_ref().is_some_and(|malformed| malformed.refused))
            .flat_map(|document| &document.statements)
    }

    /// Why one of the role's documents does not grant what it is written to, when one does not:
    /// the role lacks what that document means to grant until it is written right, and a grant
    /// made elsewhere would leave the deployment failing on it (or a statement that names nothing
    /// beside the one that works).
    pub fn malformed(&self) -> Option<&str> {
        self.documents
            .iter()
            .find_map(|document| document.malformed.as_ref().map(|malformed| malformed.why.as_str()))
    }

    /// The role's permissions boundary as the program writes it, when infrafix does not read it:
    /// a grant infrafix adds may not get through it.
    pub fn unread_boundary(&self) -> Option<&str> {
        self.boundary
            .as_ref()
            .filter(|boundary| boundary.policy.is_none())
            .map(|boundary| boundary.written.as_str())
    }

    fn managed_policies(&self) -> ManagedPolicies<'_> {
        ManagedPolicies {
            attached: &self.managed,
            conditional: &self.conditional_managed,
        }
    }

    /// Whether the role may do `action` on `target`; see [`evaluate`].
    pub fn allows(&self, action: &str, target: &ResourceTarget) -> Answer {
        let statements = self.accepted_statements();
        let own = evaluate(
            action,
            |entry| target.coverage(entry),
            statements,
            self.managed_policies(),
            self.unreadable,
        );
        self.within_boundary(own, |boundary| boundary.allows(action, target))
    }

    /// `own`, the answer of the role's own policies, as the role's boundary caps it, which
    /// `capped` asks of the boundary's policy when infrafix reads it. A Deny of the role's own
    /// is changed there; one of the boundary's, like an action it leaves out, in the boundary.
    fn within_boundary(&self, own: Answer, capped: impl FnOnce(&RoleGrants) -> Answer) -> Answer {
        let Some(boundary) = self.boundary.as_ref().and_then(|boundary| boundary.policy.as_deref()) else {
            return own;
        };
        match (own, capped(boundary)) {
            (Answer::Denied, _) => Answer::Denied,
            (_, Answer::NotAllowed | Answer::Denied | Answer::OutsideBoundary) => Answer::OutsideBoundary,
            // What a boundary read allows is certain (see `PermissionsBoundary::new`): only one of
            // its Deny statements may leave it unknown.
            (_, Answer::Unknown(reason)) => Answer::Unknown(format!("its permissions boundary, with {reason}")),
            (own, _) => own,
        }
    }

    /// Whether the role may do `action` on what ARN text names; `targets` finds the queue or
    /// topic a statement names by reference.
    pub fn allows_on_text<'t>(
        &self,
        action: &str,
        text: &ArnText,
        targets: impl Fn(ResourceId) -> Option<&'t ResourceTarget>,
    ) -> Answer {
        self.allows_on_text_through(action, text, &targets)
    }

    // Not generic over `targets`, which the boundary's answer passes on.
    fn allows_on_text_through<'t>(
        &self,
        action: &str,
        text: &ArnText,
        targets: &dyn Fn(ResourceId) -> Option<&'t ResourceTarget>,
    ) -> Answer {
        let statements = self.accepted_statements();
        let coverage = |entry: &Entry| text.covered_by(entry, targets);
        let own = evaluate(action, coverage, statements, self.managed_policies(), self.unreadable);
        self.within_boundary(own, |boundary| boundary.allows_on_text_through(action, text, targets))
    }
}

/// The AWS managed policies reaching a role: those always attached, and those a condition
/// chooses.
struct ManagedPolicies<'g> {
    attached: &'g [&'static ManagedPolicy],
    conditional: &'g [ConditionalManaged],
}

/// Whether a role may do `action` on a target (a resource of the program by its ARN, or ARN text),
/// the way IAM evaluates it: an explicit Deny wins, then any Allow. `coverage` tells how a
/// statement's resource entry covers the target, `statements` are those of every document
/// reaching the role, `managed` the AWS managed policies attached to it, `unreadable` how many
/// policies reach it that cannot be read.
fn evaluate<'a>(
    action: &str,
    coverage: impl Fn(&Entry) -> Coverage,
    statements: impl Iterator<Item = &'a PolicyStatement>,
    managed: ManagedPolicies<'_>,
    unreadable: usize,
) -> Answer {
    let mut allowed = managed.attached.iter().any(|policy| allows_everywhere(policy, action))
        || managed.conditional.iter().any(|choice| choice.always_allows(action));
    let mut uncertain = managed
        .attached
        .iter()
        .find(|policy| allows_somewhere(policy, action))
        .map(|policy| {
            format!(
                "the AWS managed policy {} allows it only on some resources or under a condition",
                policy.name
            )
        })
        .or_else(|| {
            managed
                .conditional
                .iter()
                .filter(|choice| !choice.always_allows(action))
                .find_map(|choice| choice.may_allow(action))
        });
    let mut maybe_denied = false;
    for statement in statements {
        let action_applies = statement.actions.iter().any(|entry| {
            entry
                .literal
                .as_deref()
                .is_some_and(|granted| action_matches(granted, action))
        });
        let covered = statement
            .resources
            .iter()
            .map(&coverage)
            .max()
            .unwrap_or(Coverage::Misses);
        let resource_applies = covered != Coverage::Misses;
        if action_applies && covered == Coverage::Unsure && statement.uncertainty.is_none() {
            // A reference that may cover it names one instance of it, where another is asked about.
            let some_instances = statement
                .resources
                .iter()
                .any(|entry| entry.resource.is_some() && coverage(entry) == Coverage::Unsure);
            match statement.effect {
                Effect::Deny => maybe_denied = true,
                Effect::Allow => {
                    uncertain.get_or_insert_with(|| {
                        match (some_instances, statement.resources.iter().all(Entry::readable)) {
                            (true, _) => "a grant naming some of its instances alone".to_owned(),
                            (false, true) => "a resource pattern that may or may not match its name".to_owned(),
                            (false, false) => "an Action or Resource whose value it cannot follow".to_owned(),
                        }
                    });
                }
            }
            continue;
        }
        if let Some(reason) = &statement.uncertainty {
            // Unreadable or missing lists (NotAction, NotResource) may cover anything.
            let unread = |entries: &[Entry]| entries.is_empty() || entries.iter().any(|entry| !entry.readable());
            if (action_applies || unread(&statement.actions)) && (resource_applies || unread(&statement.resources)) {
                match statement.effect {
                    // A Deny under a Condition or NotResource may forbid it, whatever allows it.
                    Effect::Deny => maybe_denied = true,
                    Effect::Allow => {
                        uncertain.get_or_insert_with(|| reason.clone());
                    }
                }
            }
            continue;
        }
        match (statement.effect, action_applies && resource_applies) {
            (Effect::Deny, true) => return Answer::Denied,
            (Effect::Allow, true) => allowed = true,
            _ => {}
        }
    }
    match (allowed, uncertain) {
        (true, _) if !maybe_denied => Answer::Allowed,
        // Whether or not something allows it, a new Allow may not help.
        (_, None) if maybe_denied => Answer::Unknown("a Deny statement that may cover it".to_owned()),
        (true, _) => Answer::Unknown("a Deny statement that may cover it".to_owned()),
        (false, Some(reason)) => Answer::Unknown(reason),
        (false, None) if unreadable > 0 => Answer::Unreadable,
        (false, None) => Answer::NotAllowed,
    }
}

/// A resource a policy may name: which one, the service its ARN starts with, and what is known
/// of its physical name (the last part of an SQS or SNS ARN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceTarget {
    pub resource: ResourceId,
    /// `sqs`, `sns` …: the service part of the resource's ARN.
    pub service: &'static str,
    pub name: PhysicalName,
    /// The one instance asked about, by its key (see `ResourceRef::instance`); `None` for the
    /// resource as a whole.
    pub instance: Option<String>,
    /// The values its ARN is read from, where the front end knows them.
    pub arn_values: ArnValues,
}

/// What the program says of a resource's physical name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhysicalName {
    /// `name: "orders-dlq"`.
    Fixed(String),
    /// The name starts so and ends in characters chosen at deploy time: `namePrefix`, or Pulumi's
    /// auto-naming (`<logical name>-<random>`).
    Prefix(String),
    /// Anything else.
    Unknown,
}

/// Whether a grant (a statement's resource entry, a Permission) covers what is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Coverage {
    Misses,
    /// It may or may not: a pattern matched against a name chosen at deploy, a grant written in a
    /// way infrafix cannot read.
    Unsure,
    Covers,
}

impl ResourceTarget {
    /// The target as `reference` names it: the one instance it picks, if it picks one.
    pub fn named_by(&self, reference: &ResourceRef) -> ResourceTarget {
        ResourceTarget {
            instance: reference.instance.clone(),
            ..self.clone()
        }
    }

    pub fn coverage(&self, entry: &Entry) -> Coverage {
        if let Some(reference) = &entry.resource {
            if reference.resource != self.resource || !reference.is_arn() {
                return Coverage::Misses;
            }
            return match (&reference.instance, &self.instance) {
                (None, _) => Coverage::Covers,
                (Some(granted), Some(asked)) if granted == asked => Coverage::Covers,
                (Some(_), Some(_)) => Coverage::Misses,
                // One instance granted, where every instance (or one not known) is asked about.
                (Some(_), None) => Coverage::Unsure,
            };
        }
        match (&entry.literal, &entry.text) {
            (Some(pattern), _) => self.pattern_coverage(pattern),
            (None, Some(text)) => self.text_coverage(text),
            (None, None) => Coverage::Misses,
        }
    }

    /// How ARN text reading values covers the target. Text of another service misses it. Text
    /// reading the partition, region and account the target is made in (or `*` there) and its
    /// name, written as the program writes it, covers it:
    /// `arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Queue.QueueName}` is the
    /// queue's ARN, and so is `…:${AWS::StackName}-orders` for a queue named
    /// `${AWS::StackName}-orders`; a name pattern covers it when it matches the name as written
    /// whatever its values hold (`${Prefix}-*` a queue named `${Prefix}-dlq`). A name written out
    /// is matched as a pattern's name is. Whatever else the values hold, the text may name the
    /// target or not.
    fn text_coverage(&self, text: &ArnText) -> Coverage {
        if self.reads_own_arn_then_wildcards(text) {
            return Coverage::Covers;
        }
        match text.service() {
            Some(service) if service != self.service => return Coverage::Misses,
            Some(_) => {}
            None => return Coverage::Unsure,
        }
        let fields = text.fields();
        let [_, partition, _, region, account, name] = fields.as_slice() else {
            return Coverage::Unsure;
        };
        let own = &self.arn_values;
        let name = match name.as_slice() {
            _ if own
                .names
                .iter()
                .any(|written| matches_whatever_the_values(name, &written.pieces)) =>
            {
                Coverage::Covers
            }
            [ArnPiece::Text(pattern)] => self.name_coverage(pattern),
            _ => Coverage::Unsure,
        };
        // A partition written out is taken as the one the stack deploys to, as in a pattern
        // (`segments_coverage`): the program does not say which partition that is.
        let partition_written = matches!(partition.as_slice(), [ArnPiece::Text(written)] if written.starts_with("aws"));
        let made_there = (partition_written || reads_or_any(partition, &own.partition))
            && reads_or_any(region, &own.region)
            && reads_or_any(account, &own.account);
        match name {
            Coverage::Covers if made_there => Coverage::Covers,
            Coverage::Misses => Coverage::Misses,
            _ => Coverage::Unsure,
        }
    }

    /// Whether text is the target's own ARN, read whole, followed by nothing but `*`
    /// (`${aws_sqs_queue.dlq.arn}*`): IAM lets the `*` match nothing, so the text matches that ARN.
    fn reads_own_arn_then_wildcards(&self, text: &ArnText) -> bool {
        let Some(own) = &self.arn_values.arn else {
            return false;
        };
        match text.pieces.as_slice() {
            [ArnPiece::Value(read), after @ ..] if read == own => after
                .iter()
                .all(|piece| matches!(piece, ArnPiece::Text(written) if written.chars().all(|c| c == '*'))),
            _ => false,
        }
    }

    /// `*`, or an ARN pattern of the service: `arn:aws:sqs:*:*:*` covers every queue; a name part
    /// like `orders-*` covers the queue when its name, known or by prefix, matches.
    fn pattern_coverage(&self, pattern: &str) -> Coverage {
        if pattern == "*" {
            return Coverage::Covers;
        }
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        if parts.len() == 6 {
            return self.segments_coverage(&parts);
        }
        // A `*` ending a segment, any after the service, also matches past the colons after it
        // (IAM's Resource reference): `arn:aws:sqs:*` is every queue, `arn:aws:sqs:*:orders` the
        // queue `orders` of any region and account. Each such segment is tried as the one
        // spanning the segments the pattern lacks, which read as `*`.
        (3..parts.len())
            .filter(|&at| parts[at].ends_with('*'))
            .map(|at| {
                let mut spanned = parts[..=at].to_vec();
                spanned.resize(at + 1 + 6 - parts.len(), "*");
                spanned.extend(&parts[at + 1..]);
                self.segments_coverage(&spanned)
            })
            .max()
            .unwrap_or(Coverage::Misses)
    }

    /// How a pattern of the six ARN segments covers the target.
    fn segments_coverage(&self, parts: &[&str]) -> Coverage {
        let ["arn", partition, service, region, account, name] = parts else {
            return Coverage::Misses;
        };
        let same_service = (partition.chars().all(|c| c == '*') || partition.starts_with("aws"))
            && glob_matches(service, self.service);
        if !same_service {
            return Coverage::Misses;
        }
        let name = self.name_coverage(name);
        // The region and account it deploys to are not in the program.
        let anywhere = [region, account].iter().all(|part| part.chars().all(|c| c == '*'));
        match (name, anywhere) {
            (Coverage::Misses, _) => Coverage::Misses,
            (Coverage::Covers, true) => Coverage::Covers,
            _ => Coverage::Unsure,
        }
    }

    fn name_coverage(&self, pattern: &str) -> Coverage {
        if pattern.chars().all(|c| c == '*') {
            return Coverage::Covers;
        }
        // A name written with values (`orders-${Stage}`) is matched whatever they hold.
        let pattern_pieces = ArnText::literal(pattern).pieces;
        if self
            .arn_values
            .names
            .iter()
            .any(|written| matches_whatever_the_values(&pattern_pieces, &written.pieces))
        {
            return Coverage::Covers;
        }
        let (name, complete) = match &self.name {
            PhysicalName::Fixed(name) => (name.as_str(), true),
            PhysicalName::Prefix(prefix) => (prefix.as_str(), false),
            PhysicalName::Unknown => return Coverage::Unsure,
        };
        if complete {
            return match glob_matches(pattern, name) {
                true => Coverage::Covers,
                false => Coverage::Misses,
            };
        }
        // Only the start is known: `orders-*` covers every name starting `orders-ingest-`;
        // a pattern whose written start differs from the prefix misses it.
        let written = pattern.split(['*', '?']).next().unwrap_or("");
        let wildcard_tail = pattern.len() == written.len() + 1 && pattern.ends_with('*');
        if wildcard_tail && name.starts_with(written) {
            Coverage::Covers
        } else if !name.starts_with(written) && !written.starts_with(name) {
            Coverage::Misses
        } else {
            Coverage::Unsure
        }
    }
}

/// Whether a field of ARN text is the value `own` (which the target's ARN reads there) or only
/// `*`: either way it matches the target's.
fn reads_or_any(field: &[ArnPiece], own: &Option<ReadValue>) -> bool {
    match field {
        [ArnPiece::Value(read)] => own.as_ref() == Some(read),
        [ArnPiece::Text(written)] => !written.is_empty() && written.chars().all(|c| c == '*'),
        _ => false,
    }
}

/// Whether an Action pattern (`sqs:*`, `sqs:Send*`, `*`) covers an action; IAM compares actions
/// without regard to case.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern.is_ascii() && action.is_ascii() {
        return units_match(
            pattern.as_bytes(),
            action.as_bytes(),
            b'*',
            b'?',
            u8::eq_ignore_ascii_case,
        );
    }
    glob_matches(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

/// `*` matches any run of characters, `?` any one.
pub(super) fn glob_matches(pattern: &str, text: &str) -> bool {
    // Policies are ASCII but for the odd resource name: bytes are compared when they can be.
    if pattern.is_ascii() && text.is_ascii() {
        return units_match(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| a == b);
    }
    let (pattern, text): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    units_match(&pattern, &text, '*', '?', |a, b| a == b)
}

/// A glob match over characters or bytes (or any units), backtracking to the last star.
pub(super) fn units_match<T: Copy + PartialEq>(
    pattern: &[T],
    text: &[T],
    star: T,
    any: T,
    same: impl Fn(&T, &T) -> bool,
) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&unit) if unit == star => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(unit) if *unit == any || same(unit, &text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star_at, matched)) => {
                    p = star_at + 1;
                    t = matched + 1;
                    backtrack = Some((star_at, matched + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|unit| *unit == star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_match_with_wildcards_and_without_case() {
        assert!(action_matches("sqs:*", "sqs:SendMessage"));
        assert!(action_matches("sqs:Send*", "sqs:SendMessage"));
        assert!(action_matches("SQS:sendmessage", "sqs:SendMessage"));
        assert!(action_matches("*", "sns:Publish"));
        assert!(!action_matches("sqs:Receive*", "sqs:SendMessage"));
        assert!(!action_matches("sns:*", "sqs:SendMessage"));
    }

    #[test]
    fn a_read_boundary_caps_what_the_role_is_granted() {
        let queue = unnamed_queue();
        let statement = |effect: Effect, action: &str| {
            PolicyStatement::new(
                effect,
                vec![Entry {
                    literal: Some(action.to_owned()),
                    resource: None,
                    text: None,
                }],
                vec![Entry {
                    literal: Some("*".to_owned()),
                    resource: None,
                    text: None,
                }],
                None,
            )
        };
        let granting = |statements: Vec<PolicyStatement>| RoleGrants {
            documents: vec![GrantDocument {
                owner: 1,
                statements,
                at: Site { file: 0, range: 0..0 },
                shared: false,
                inline_role_policy: false,
                malformed: None,
            }],
            ..RoleGrants::default()
        };
        let bounded = |own: Vec<PolicyStatement>, boundary: Option<Vec<PolicyStatement>>| RoleGrants {
            boundary: Some(PermissionsBoundary::new(
                "`boundary`".to_owned(),
                boundary.map(granting),
            )),
            ..granting(own)
        };
        let send = |grants: RoleGrants| grants.allows("sqs:SendMessage", &queue);
        let admin = || vec![statement(Effect::Allow, "*")];
        let logs_only = || Some(vec![statement(Effect::Allow, "logs:*")]);
        let sqs = || Some(vec![statement(Effect::Allow, "sqs:*")]);
        assert_eq!(send(bounded(admin(), logs_only())), Answer::OutsideBoundary);
        assert_eq!(send(bounded(vec![], logs_only())), Answer::OutsideBoundary);
        assert_eq!(send(bounded(admin(), sqs())), Answer::Allowed);
        assert_eq!(send(bounded(vec![], sqs())), Answer::NotAllowed);
        let denying = Some(vec![statement(Effect::Allow, "*"), statement(Effect::Deny, "sqs:*")]);
        // A Deny in the boundary is changed there; one of the role's own, in the role's policies.
        assert_eq!(send(bounded(admin(), denying)), Answer::OutsideBoundary);
        let own_deny = vec![statement(Effect::Allow, "*"), statement(Effect::Deny, "sqs:*")];
        assert_eq!(send(bounded(own_deny, sqs())), Answer::Denied);
        // A boundary infrafix cannot answer for certain (NotAction, a Condition) is left unread.
        let not_action = PolicyStatement::new(
            Effect::Allow,
            Vec::new(),
            vec![Entry {
                literal: Some("*".to_owned()),
                resource: None,
                text: None,
            }],
            Some("NotAction".to_owned()),
        );
        let uncertain = bounded(vec![], Some(vec![not_action]));
        assert_eq!(uncertain.unread_boundary(), Some("`boundary`"));
        assert_eq!(send(uncertain), Answer::NotAllowed);
        // Unread, the boundary leaves the role's own answer, and says it was not read.
        let unread = bounded(admin(), None);
        assert_eq!(unread.unread_boundary(), Some("`boundary`"));
        assert_eq!(send(unread), Answer::Allowed);
        assert_eq!(bounded(admin(), sqs()).unread_boundary(), None);
    }

    #[test]
    fn a_grant_on_one_instance_covers_that_instance_alone() {
        let grant = |instance: Option<&str>| Entry {
            literal: None,
            resource: Some(ResourceRef {
                resource: 0,
                attribute: Some("arn".to_owned()),
                instance: instance.map(str::to_owned),
            }),
            text: None,
        };
        let asked = |instance: Option<&str>| ResourceTarget {
            resource: 0,
            service: "sqs",
            name: PhysicalName::Unknown,
            instance: instance.map(str::to_owned),
            arn_values: ArnValues::default(),
        };
        assert_eq!(asked(Some("a")).coverage(&grant(Some("a"))), Coverage::Covers);
        assert_eq!(asked(Some("b")).coverage(&grant(Some("a"))), Coverage::Misses);
        assert_eq!(asked(Some("b")).coverage(&grant(None)), Coverage::Covers);
        assert_eq!(asked(None).coverage(&grant(None)), Coverage::Covers);
        assert_eq!(asked(None).coverage(&grant(Some("a"))), Coverage::Unsure);
    }

    #[test]
    fn name_patterns_are_judged_by_what_is_known_of_the_name() {
        let target = |name: PhysicalName| ResourceTarget {
            resource: 0,
            service: "sqs",
            name,
            instance: None,
            arn_values: ArnValues::default(),
        };
        let fixed = target(PhysicalName::Fixed("orders-ingest".to_owned()));
        let prefixed = target(PhysicalName::Prefix("orders-dlq-".to_owned()));
        let auto_named = target(PhysicalName::Prefix("billing-events-".to_owned()));
        let unknown = target(PhysicalName::Unknown);
        assert_eq!(fixed.pattern_coverage("arn:aws:sqs:*:*:orders-*"), Coverage::Covers);
        assert_eq!(fixed.pattern_coverage("arn:aws:sqs:*:*:billing-*"), Coverage::Misses);
        assert_eq!(fixed.pattern_coverage("arn:aws:sns:*:*:orders-*"), Coverage::Misses);
        assert_eq!(
            fixed.pattern_coverage("arn:aws:sqs:eu-west-1:*:orders-*"),
            Coverage::Unsure
        );
        assert_eq!(prefixed.pattern_coverage("arn:aws:sqs:*:*:orders-*"), Coverage::Covers);
        assert_eq!(
            prefixed.pattern_coverage("arn:aws:sqs:*:*:orders-dlq-x?z"),
            Coverage::Unsure
        );
        assert_eq!(
            auto_named.pattern_coverage("arn:aws:sqs:*:*:orders-*"),
            Coverage::Misses
        );
        assert_eq!(
            auto_named.pattern_coverage("arn:aws:sqs:*:*:billing-events"),
            Coverage::Unsure
        );
        assert_eq!(unknown.pattern_coverage("arn:aws:sqs:*:*:orders-*"), Coverage::Unsure);
        assert_eq!(unknown.pattern_coverage("arn:aws:sqs:*:*:*"), Coverage::Covers);
        assert_eq!(unknown.pattern_coverage("*"), Coverage::Covers);
        // A segment's closing `*` spans the colons after it.
        assert_eq!(unknown.pattern_coverage("arn:aws:sqs:*"), Coverage::Covers);
        assert_eq!(fixed.pattern_coverage("arn:aws:sqs:*:*"), Coverage::Covers);
        assert_eq!(fixed.pattern_coverage("arn:aws:sqs:eu-west-1:*"), Coverage::Unsure);
        assert_eq!(fixed.pattern_coverage("arn:aws:sns:*"), Coverage::Misses);
        assert_eq!(fixed.pattern_coverage("arn:aws:sqs:eu-west-1"), Coverage::Misses);
        // So does one ending an earlier segment, spanning region and account.
        assert_eq!(fixed.pattern_coverage("arn:aws:sqs:*:orders-ingest"), Coverage::Covers);
        assert_eq!(fixed.pattern_coverage("arn:aws:sqs:*:orders-*"), Coverage::Covers);
        assert_eq!(fixed.pattern_coverage("arn:aws:sqs:*:payments"), Coverage::Misses);
        assert_eq!(
            fixed.pattern_coverage("arn:aws:sqs:eu-*:orders-ingest"),
            Coverage::Unsure
        );
        // `?` matches one character, never a colon.
        assert_eq!(fixed.pattern_coverage("arn:aws:sqs:?:orders-ingest"), Coverage::Misses);
    }

    #[test]
    fn arn_text_reading_the_values_of_the_targets_own_arn_covers_it() {
        let value = |name: &str| ArnPiece::Value(ReadValue::named(name.to_owned()));
        let text = |pieces: Vec<ArnPiece>| Entry {
            literal: None,
            resource: None,
            text: Some(ArnText::new(pieces)),
        };
        let written = |start: &str, region: ArnPiece, name: ArnPiece| {
            text(vec![
                ArnPiece::Text(start.to_owned()),
                region,
                ArnPiece::Text(":".to_owned()),
                value("AWS::AccountId"),
                ArnPiece::Text(":".to_owned()),
                name,
            ])
        };
        let queue = ResourceTarget {
            resource: 0,
            service: "sqs",
            name: PhysicalName::Unknown,
            instance: None,
            arn_values: ArnValues {
                partition: Some(ReadValue::named("AWS::Partition".to_owned())),
                region: Some(ReadValue::named("AWS::Region".to_owned())),
                account: Some(ReadValue::named("AWS::AccountId".to_owned())),
                names: vec![ArnText::new(vec![value("Queue.QueueName")])],
                arn: Some(ReadValue::named("Queue.Arn".to_owned())),
            },
        };
        let own_name = || value("Queue.QueueName");
        assert_eq!(
            queue.coverage(&written("arn:aws:sqs:", value("AWS::Region"), own_name())),
            Coverage::Covers
        );
        // Another region, written out, may be the stack's or not.
        assert_eq!(
            queue.coverage(&written(
                "arn:aws:sqs:",
                ArnPiece::Text("eu-west-1".to_owned()),
                own_name()
            )),
            Coverage::Unsure
        );
        assert_eq!(
            queue.coverage(&written("arn:aws:sqs:", value("AWS::Region"), value("Other.QueueName"))),
            Coverage::Unsure
        );
        assert_eq!(
            queue.coverage(&written("arn:aws:sns:", value("AWS::Region"), own_name())),
            Coverage::Misses
        );
        // Its own ARN, then `*` (which may match nothing); other text after it is not judged.
        let after_own_arn = |rest: &str| text(vec![value("Queue.Arn"), ArnPiece::Text(rest.to_owned())]);
        assert_eq!(queue.coverage(&after_own_arn("*")), Coverage::Covers);
        assert_eq!(queue.coverage(&after_own_arn("-old*")), Coverage::Unsure);
        assert_eq!(
            queue.coverage(&text(vec![value("Other.Arn"), ArnPiece::Text("*".to_owned())])),
            Coverage::Unsure
        );
        // A name pattern reading the value the name is written with, then `*` for the rest.
        let prefixed = ResourceTarget {
            arn_values: ArnValues {
                names: vec![ArnText::new(vec![value("Prefix"), ArnPiece::Text("-dlq".to_owned())])],
                ..queue.arn_values.clone()
            },
            ..queue.clone()
        };
        let named_by_prefix = |rest: &str| {
            text(vec![
                ArnPiece::Text("arn:aws:sqs:".to_owned()),
                value("AWS::Region"),
                ArnPiece::Text(":".to_owned()),
                value("AWS::AccountId"),
                ArnPiece::Text(":".to_owned()),
                value("Prefix"),
                ArnPiece::Text(rest.to_owned()),
            ])
        };
        assert_eq!(prefixed.coverage(&named_by_prefix("-*")), Coverage::Covers);
        assert_eq!(prefixed.coverage(&named_by_prefix("-dlq")), Coverage::Covers);
        assert_eq!(prefixed.coverage(&named_by_prefix("-jobs-*")), Coverage::Unsure);
        assert_eq!(
            prefixed.coverage(&Entry {
                literal: Some("arn:aws:sqs:*:*:*-dlq".to_owned()),
                resource: None,
                text: None,
            }),
            Coverage::Covers
        );
        let unknown_values = ResourceTarget {
            arn_values: ArnValues::default(),
            ..queue.clone()
        };
        assert_eq!(
            unknown_values.coverage(&written("arn:aws:sqs:", value("AWS::Region"), own_name())),
            Coverage::Unsure
        );
    }

    /// A queue whose name infrafix does not know.
    fn unnamed_queue() -> ResourceTarget {
        ResourceTarget {
            resource: 0,
            service: "sqs",
            name: PhysicalName::Unknown,
            instance: None,
            arn_values: ArnValues::default(),
        }
    }

    /// What a role holding only the AWS managed policies `managed` may do with `action` on a queue.
    fn answer_on_a_queue(managed: ManagedPolicies, action: &str) -> Answer {
        let queue = unnamed_queue();
        evaluate(action, |entry| queue.coverage(entry), std::iter::empty(), managed, 0)
    }

    /// What a role holding only the AWS managed policy `policy` may do with `action` on a queue.
    fn managed_policy_answer(policy: &str, action: &str) -> Answer {
        let policy = crate::aws::managed_policies::find(policy).expect("listed");
        let managed = ManagedPolicies {
            attached: &[policy],
            conditional: &[],
        };
        answer_on_a_queue(managed, action)
    }

    /// What a role whose only policies are the arms of one condition may do on a queue.
    fn chosen_policies_answer(arms: &[Option<&str>], action: &str) -> Answer {
        let arms = arms
            .iter()
            .map(|arm| arm.map(|policy| crate::aws::managed_policies::find(policy).expect("listed")))
            .collect();
        let choice = [ConditionalManaged {
            condition: "IsProd".to_owned(),
            arms,
        }];
        let managed = ManagedPolicies {
            attached: &[],
            conditional: &choice,
        };
        answer_on_a_queue(managed, action)
    }

    #[test]
    fn managed_policies_a_condition_chooses_grant_what_every_arm_grants() {
        let sqs_full = "arn:aws:iam::aws:policy/AmazonSQSFullAccess";
        let s3_full = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
        let poller = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole";
        let ask = |arms: &[Option<&str>]| chosen_policies_answer(arms, "sqs:ReceiveMessage");
        assert_eq!(ask(&[Some(s3_full), None]), Answer::NotAllowed);
        assert_eq!(ask(&[None, None]), Answer::NotAllowed);
        assert_eq!(ask(&[Some(sqs_full), Some(poller)]), Answer::Allowed);
        assert_eq!(
            ask(&[Some(sqs_full), None]),
            Answer::Unknown(
                "the AWS managed policy AmazonSQSFullAccess, attached only under condition `IsProd`".to_owned()
            )
        );
        assert!(matches!(ask(&[Some(sqs_full), Some(s3_full)]), Answer::Unknown(_)));
    }

    #[test]
    fn a_managed_policy_scoped_to_resources_it_names_leaves_those_actions_unknown() {
        let ask = |action| managed_policy_answer("CloudWatchLambdaInsightsExecutionRolePolicy", action);
        assert_eq!(ask("sqs:SendMessage"), Answer::NotAllowed);
        assert_eq!(ask("logs:CreateLogGroup"), Answer::Allowed);
        assert!(matches!(ask("logs:PutLogEvents"), Answer::Unknown(_)));
    }

    #[test]
    fn managed_policies_granting_by_pattern_are_read_as_documents_are() {
        let ask = managed_policy_answer;
        assert_eq!(ask("AmazonSQSFullAccess", "sqs:SendMessage"), Answer::Allowed);
        assert_eq!(ask("AdministratorAccess", "sns:Publish"), Answer::Allowed);
        assert_eq!(ask("AmazonS3ReadOnlyAccess", "s3:GetObject"), Answer::Allowed);
        assert_eq!(ask("AmazonS3ReadOnlyAccess", "s3:PutObject"), Answer::NotAllowed);
        assert_eq!(ask("AmazonS3FullAccess", "sqs:SendMessage"), Answer::NotAllowed);
        assert_eq!(
            ask("AmazonSQSReadOnlyAccess", "sqs:GetQueueAttributes"),
            Answer::Allowed
        );
        assert_eq!(ask("AmazonSQSReadOnlyAccess", "sqs:ReceiveMessage"), Answer::NotAllowed);
        assert_eq!(ask("AmazonSNSReadOnlyAccess", "sns:Publish"), Answer::NotAllowed);
        assert!(matches!(
            ask("AmazonSNSFullAccess", "sms-voice:SendTextMessage"),
            Answer::Unknown(_)
        ));
    }
}
