//! ARN text a program writes out (`"arn:aws:sqs:us-east-1:123456789012:orders-dlq"`), with the
//! parts it reads from values infrafix cannot know (`${data.aws_region.current.name}`,
//! `${AWS::AccountId}`), and how IAM matches a statement's resource against it.

use std::fmt;

use super::{Coverage, Entry, PhysicalName, ResourceId, ResourceTarget, Site};

/// One part of ARN text: written out, or read from a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnPiece {
    Text(String),
    Value(ReadValue),
}

/// A value ARN text reads: as the program writes it, for messages, and what it is, for telling
/// two readings apart. Two readings are the same value only when what they read is the same:
/// `${account}` in two TypeScript modules may read two different consts.
#[derive(Debug, Clone, Eq)]
pub struct ReadValue {
    pub shown: String,
    identity: String,
}

impl ReadValue {
    /// A value whose name says what it is wherever it is read (`var.region`, `AWS::AccountId`).
    pub fn named(name: String) -> Self {
        Self {
            identity: name.clone(),
            shown: name,
        }
    }

    /// A value written as `shown` whose name means `identity`, which the front end works out
    /// from what the name is bound to.
    pub fn bound(shown: String, identity: String) -> Self {
        Self { shown, identity }
    }
}

impl PartialEq for ReadValue {
    fn eq(&self, other: &Self) -> bool {
        self.identity == other.identity
    }
}

/// The values a program reads a resource's own ARN from, as its front end names them
/// (`AWS::Region`, `Queue.QueueName` in a template): ARN text reading them there names the
/// resource. `None` where the front end cannot tell which value that is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArnValues {
    /// The partition, region and account the resource is made in.
    pub partition: Option<ReadValue>,
    pub region: Option<ReadValue>,
    pub account: Option<ReadValue>,
    /// The ways its name (the last field of an SQS or SNS ARN) is written: the value naming it,
    /// and the text setting it.
    pub names: Vec<ArnText>,
    /// The value that is its whole ARN (`aws_sqs_queue.dlq.arn`), read within longer text.
    pub arn: Option<ReadValue>,
}

/// ARN text, as a sequence of pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnText {
    pub pieces: Vec<ArnPiece>,
}

/// The fields of an ARN a pattern is compared field by field: `arn`, partition, service, region,
/// account, and the rest (a queue's or topic's name).
const FIELDS: usize = 6;

/// A field of ARN text: its pieces.
pub(super) type Field = Vec<ArnPiece>;

impl ArnText {
    pub fn literal(text: &str) -> Self {
        Self {
            pieces: vec![ArnPiece::Text(text.to_owned())],
        }
    }

    /// Adjacent text pieces joined, empty ones dropped: two ways of writing the same text compare
    /// equal.
    pub fn new(pieces: Vec<ArnPiece>) -> Self {
        let mut joined: Vec<ArnPiece> = Vec::new();
        for piece in pieces {
            match (joined.last_mut(), piece) {
                (_, ArnPiece::Text(text)) if text.is_empty() => {}
                (Some(ArnPiece::Text(before)), ArnPiece::Text(text)) => before.push_str(&text),
                (_, piece) => joined.push(piece),
            }
        }
        Self { pieces: joined }
    }

    /// The whole text, when every piece is written out.
    pub fn as_literal(&self) -> Option<String> {
        self.pieces
            .iter()
            .map(|piece| match piece {
                ArnPiece::Text(text) => Some(text.as_str()),
                ArnPiece::Value(_) => None,
            })
            .collect()
    }

    /// The service the ARN names (`sqs`, `sns`), when it is written out. The partition before it
    /// may be read from a value: templates meant for every partition write
    /// `arn:${AWS::Partition}:sqs:…` or `arn:${data.aws_partition.current.partition}:sqs:…`.
    pub fn service(&self) -> Option<&str> {
        let Some(ArnPiece::Text(start)) = self.pieces.first() else {
            return None;
        };
        if !start.starts_with("arn:") {
            return None;
        }
        let mut field = 0;
        for piece in &self.pieces {
            let text = match piece {
                ArnPiece::Text(text) => text,
                ArnPiece::Value(_) if field == 1 => continue,
                ArnPiece::Value(_) => return None,
            };
            let parts: Vec<&str> = text.split(':').collect();
            for (index, part) in parts.iter().enumerate() {
                field += usize::from(index > 0);
                if field == 2 {
                    // The service's whole field lies in this piece: a colon before and after it.
                    let whole = index > 0 && index + 1 < parts.len();
                    return (whole && !part.is_empty() && !part.contains(['*', '?'])).then_some(part);
                }
            }
        }
        None
    }

    /// The ARN's fields, each as its pieces; the last holds the rest of the text.
    pub(super) fn fields(&self) -> Vec<Field> {
        let mut fields: Vec<Field> = vec![Vec::new()];
        for piece in &self.pieces {
            match piece {
                ArnPiece::Value(_) => fields
                    .last_mut()
                    .into_iter()
                    .for_each(|field| field.push(piece.clone())),
                ArnPiece::Text(text) => {
                    let mut parts = text.split(':');
                    if let (Some(first), Some(field)) = (parts.next(), fields.last_mut()) {
                        field.push(ArnPiece::Text(first.to_owned()));
                    }
                    for part in parts {
                        match fields.len() < FIELDS {
                            true => fields.push(vec![ArnPiece::Text(part.to_owned())]),
                            false => {
                                if let Some(last) = fields.last_mut() {
                                    last.push(ArnPiece::Text(format!(":{part}")));
                                }
                            }
                        }
                    }
                }
            }
        }
        fields.into_iter().map(|field| ArnText::new(field).pieces).collect()
    }

    /// Whether a statement's resource entry covers this text, the way IAM matches it: the same
    /// text, or the same values read the same way, covers it; a pattern covers each field it
    /// matches whatever the values there hold (`*`); a field read from a value the entry does not
    /// read the same way may be anything, so a pattern other than `*` there is unsure.
    /// `targets` finds the queue or topic a resource entry names.
    pub fn covered_by<'t>(
        &self,
        entry: &Entry,
        targets: impl Fn(ResourceId) -> Option<&'t ResourceTarget>,
    ) -> Coverage {
        let granted = match (&entry.text, &entry.literal, &entry.resource) {
            (Some(text), _, _) => text.clone(),
            (None, Some(pattern), _) => ArnText::literal(pattern),
            (None, None, Some(reference)) => return self.covered_by_resource(targets(reference.resource)),
            (None, None, None) => return Coverage::Unsure,
        };
        if granted.pieces == self.pieces {
            return Coverage::Covers;
        }
        if granted.as_literal().as_deref() == Some("*") {
            return Coverage::Covers;
        }
        let (granted, asked) = (granted.fields(), self.fields());
        // A value may hold colons (`${local.region_and_account}`), and IAM's own reading of a
        // pattern with fewer fields (`arn:aws:sqs:*`) is not one to guess: neither is judged.
        if granted.len() != asked.len() {
            return Coverage::Unsure;
        }
        granted
            .iter()
            .zip(&asked)
            .map(|(pattern, field)| field_coverage(pattern, field))
            .min()
            .unwrap_or(Coverage::Unsure)
    }

    /// A resource of the program (`queue.arn`) names this text only if it is a queue or topic of
    /// the same service whose name, where known, is the text's.
    fn covered_by_resource(&self, resource: Option<&ResourceTarget>) -> Coverage {
        let Some(resource) = resource else {
            return Coverage::Unsure;
        };
        if self.service().is_some_and(|service| service != resource.service) {
            return Coverage::Misses;
        }
        let name = self
            .fields()
            .get(FIELDS - 1)
            .and_then(|field| ArnText::new(field.clone()).as_literal());
        match (&resource.name, name) {
            (PhysicalName::Fixed(fixed), Some(name)) if *fixed != name => Coverage::Misses,
            (PhysicalName::Prefix(prefix), Some(name)) if !name.starts_with(prefix.as_str()) => Coverage::Misses,
            _ => Coverage::Unsure,
        }
    }
}

/// How a pattern's field covers a field of the asked text.
fn field_coverage(pattern: &Field, field: &Field) -> Coverage {
    if matches_whatever_the_values(pattern, field) {
        return Coverage::Covers;
    }
    if !ends_agree(pattern, field) {
        return Coverage::Misses;
    }
    let text = |pieces: &Field| ArnText::new(pieces.clone()).as_literal();
    match (text(pattern), text(field)) {
        (Some(pattern), _) if !pattern.is_empty() && pattern.chars().all(|c| c == '*') => Coverage::Covers,
        (Some(pattern), Some(field)) => match super::policy::glob_matches(&pattern, &field) {
            true => Coverage::Covers,
            false => Coverage::Misses,
        },
        // `ledger-alerts-*` covers `ledger-alerts-${Stage}` whatever the stage.
        (Some(pattern), None) => {
            let Some(ArnPiece::Text(start)) = field.first() else {
                return Coverage::Unsure;
            };
            match pattern.strip_suffix('*') {
                Some(prefix) if !prefix.contains(['*', '?']) && start.starts_with(prefix) => Coverage::Covers,
                _ => {
                    // `settlement-reconcile-dlq` never covers `settlement-payout-dlq-${Environment}`:
                    // the text before the pattern's first wildcard must begin the field.
                    let fixed = pattern.split(['*', '?']).next().unwrap_or_default();
                    match fixed.starts_with(start.as_str()) || start.starts_with(fixed) {
                        true => Coverage::Unsure,
                        false => Coverage::Misses,
                    }
                }
            }
        }
        _ => Coverage::Unsure,
    }
}

/// A character of ARN text, or a value it reads, which only the same value or a `*` matches.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit<'v> {
    Char(char),
    Value(&'v ReadValue),
}

/// Whether pattern pieces match written pieces whatever the values in them hold, the way IAM
/// matches a pattern (`*` any run of characters, `?` any one): each value written is matched by
/// the same value in the pattern, or within a `*`. `${Prefix}-*` matches `${Prefix}-dlq` and
/// `orders-*` matches `orders-${Stage}` whatever the prefix or stage; `orders-?` may not match
/// `orders-${Stage}`, which may hold more than one character.
pub(super) fn matches_whatever_the_values(pattern: &[ArnPiece], written: &[ArnPiece]) -> bool {
    let star = Unit::Char('*');
    let same = |pattern: &Unit, written: &Unit| match (pattern, written) {
        (Unit::Char('?'), Unit::Char(_)) => true,
        _ => pattern == written,
    };
    // `?` is matched by `same`, which keeps it from matching a value: the star stands in for the
    // match-any unit, which the matcher tries after the star and so never reaches.
    super::policy::units_match(&units(pattern), &units(written), star, star, same)
}

fn units(pieces: &[ArnPiece]) -> Vec<Unit<'_>> {
    pieces
        .iter()
        .flat_map(|piece| match piece {
            ArnPiece::Text(text) => text.chars().map(Unit::Char).collect(),
            ArnPiece::Value(value) => vec![Unit::Value(value)],
        })
        .collect()
}

/// Whether a pattern's field and a field can match whatever the values in them hold: the text
/// each is sure to begin with agrees, and so does the text each is sure to end with.
/// `relay-from-${account}-dlq` never names `invoices-dlq`.
fn ends_agree(pattern: &Field, field: &Field) -> bool {
    let (pattern_start, pattern_end) = fixed_ends(pattern, true);
    let (field_start, field_end) = fixed_ends(field, false);
    (pattern_start.starts_with(&field_start) || field_start.starts_with(&pattern_start))
        && (pattern_end.ends_with(&field_end) || field_end.ends_with(&pattern_end))
}

/// The text a field begins and ends with whatever its values hold: up to its first value, and
/// from its last value on; in a pattern (`wildcards`), only up to its first `*` or `?` and from
/// its last one on.
fn fixed_ends(field: &Field, wildcards: bool) -> (String, String) {
    let text = |pieces: &[ArnPiece]| -> String {
        pieces
            .iter()
            .map(|piece| match piece {
                ArnPiece::Text(text) => text.as_str(),
                ArnPiece::Value(_) => "",
            })
            .collect()
    };
    let is_value = |piece: &ArnPiece| matches!(piece, ArnPiece::Value(_));
    let first_value = field.iter().position(is_value).unwrap_or(field.len());
    let after_last_value = field.iter().rposition(is_value).map_or(0, |at| at + 1);
    let (start, end) = (text(&field[..first_value]), text(&field[after_last_value..]));
    if !wildcards {
        return (start, end);
    }
    let wildcard = |c: char| c == '*' || c == '?';
    let start = start.split(wildcard).next().unwrap_or_default().to_owned();
    let end = end.rsplit(wildcard).next().unwrap_or_default().to_owned();
    (start, end)
}

/// As the text reads in a message: each value as `${…}`.
impl fmt::Display for ArnText {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.pieces {
            match piece {
                ArnPiece::Text(text) => formatter.write_str(text)?,
                ArnPiece::Value(value) => write!(formatter, "${{{}}}", value.shown)?,
            }
        }
        Ok(())
    }
}

/// ARN text a function names its dead-letter target by, and where it is written: a grant copies
/// it from there, so that it names the target the function's way.
#[derive(Debug, Clone, Eq)]
pub struct WrittenArn {
    pub text: ArnText,
    pub at: Site,
}

/// Two functions writing the same text name the same target, wherever they write it.
impl PartialEq for WrittenArn {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(pieces: &[(&str, bool)]) -> ArnText {
        ArnText::new(
            pieces
                .iter()
                .map(|&(piece, value)| match value {
                    true => ArnPiece::Value(ReadValue::named(piece.to_owned())),
                    false => ArnPiece::Text(piece.to_owned()),
                })
                .collect(),
        )
    }

    fn literal(pattern: &str) -> Entry {
        Entry {
            literal: Some(pattern.to_owned()),
            resource: None,
            text: None,
        }
    }

    fn written(text: ArnText) -> Entry {
        Entry {
            literal: None,
            resource: None,
            text: Some(text),
        }
    }

    fn no_targets(_: ResourceId) -> Option<&'static ResourceTarget> {
        None
    }

    #[test]
    fn literal_text_is_matched_like_iam_matches_a_pattern() {
        let asked = ArnText::literal("arn:aws:sqs:us-east-1:123456789012:orders-dlq");
        let coverage = |pattern| asked.covered_by(&literal(pattern), no_targets);
        assert_eq!(
            coverage("arn:aws:sqs:us-east-1:123456789012:orders-dlq"),
            Coverage::Covers
        );
        assert_eq!(coverage("arn:aws:sqs:*:*:orders-*"), Coverage::Covers);
        assert_eq!(coverage("*"), Coverage::Covers);
        assert_eq!(coverage("arn:aws:sqs:*:*:billing-*"), Coverage::Misses);
        assert_eq!(coverage("arn:aws:sns:*:*:orders-dlq"), Coverage::Misses);
        assert_eq!(coverage("arn:aws:sqs:eu-west-1:*:orders-dlq"), Coverage::Misses);
        assert_eq!(asked.service(), Some("sqs"));
    }

    #[test]
    fn values_match_the_same_values_or_a_covering_wildcard() {
        let asked = text(&[
            ("arn:aws:sqs:", false),
            ("AWS::Region", true),
            (":", false),
            ("AWS::AccountId", true),
            (":orders-dlq", false),
        ]);
        let coverage = |entry: Entry| asked.covered_by(&entry, no_targets);
        assert_eq!(coverage(written(asked.clone())), Coverage::Covers);
        assert_eq!(coverage(literal("arn:aws:sqs:*:*:orders-*")), Coverage::Covers);
        assert_eq!(coverage(literal("arn:aws:sqs:*:*:billing-*")), Coverage::Misses);
        // The region the stack deploys to may or may not be this one.
        assert_eq!(
            coverage(literal("arn:aws:sqs:us-east-1:123456789012:orders-dlq")),
            Coverage::Unsure
        );
        let other_account = text(&[
            ("arn:aws:sqs:", false),
            ("AWS::Region", true),
            (":", false),
            ("Account", true),
            (":orders-dlq", false),
        ]);
        assert_eq!(coverage(written(other_account)), Coverage::Unsure);
        let named = text(&[("arn:aws:sns:*:*:alerts-", false), ("Stage", true)]);
        assert_eq!(
            named.covered_by(&literal("arn:aws:sns:*:*:alerts-*"), no_targets),
            Coverage::Covers
        );
        // Text before a pattern's first wildcard must begin the name: it may not, here.
        assert_eq!(
            named.covered_by(&literal("arn:aws:sns:*:*:billing-alerts"), no_targets),
            Coverage::Misses
        );
        assert_eq!(
            named.covered_by(&literal("arn:aws:sns:*:*:billing-*"), no_targets),
            Coverage::Misses
        );
        // It may, whatever the stage is.
        assert_eq!(
            named.covered_by(&literal("arn:aws:sns:*:*:alerts-prod"), no_targets),
            Coverage::Unsure
        );
        assert_eq!(
            named.covered_by(&literal("arn:aws:sns:*:*:al?rts-*-x"), no_targets),
            Coverage::Unsure
        );
        // Whatever the account, a name that begins or ends otherwise is another queue's.
        let relay = text(&[
            ("arn:aws:sqs:", false),
            ("AWS::Region", true),
            (":", false),
            ("Account", true),
            (":relay-from-", false),
            ("Source", true),
            ("-dlq", false),
        ]);
        assert_eq!(coverage(written(relay)), Coverage::Misses);
        let suffixed = text(&[("arn:aws:sqs:*:*:orders-", false), ("Stage", true), ("-retry", false)]);
        assert_eq!(coverage(written(suffixed)), Coverage::Misses);
        let named_by_value = text(&[("arn:aws:sqs:*:*:", false), ("Queue", true)]);
        assert_eq!(coverage(written(named_by_value)), Coverage::Unsure);
        let region_and_account = text(&[("arn:aws:sqs:", false), ("where", true), (":orders-dlq", false)]);
        assert_eq!(coverage(written(region_and_account)), Coverage::Unsure);
        assert_eq!(
            format!("{asked}"),
            "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:orders-dlq"
        );
    }

    #[test]
    fn patterns_match_values_written_alike_or_within_a_star() {
        let matches = |pattern: &[(&str, bool)], written: &[(&str, bool)]| {
            matches_whatever_the_values(&text(pattern).pieces, &text(written).pieces)
        };
        let prefixed_dlq = [("Prefix", true), ("-dlq", false)];
        assert!(matches(&[("Prefix", true), ("-*", false)], &prefixed_dlq));
        assert!(matches(&[("Prefix", true), ("-dl?", false)], &prefixed_dlq));
        assert!(matches(&[("*-dlq", false)], &prefixed_dlq));
        assert!(matches(&prefixed_dlq, &prefixed_dlq));
        // Another value, or text where the value is, may hold anything.
        assert!(!matches(&[("Stage", true), ("-*", false)], &prefixed_dlq));
        assert!(!matches(&[("orders-*", false)], &prefixed_dlq));
        assert!(!matches(&[("Prefix", true), ("-jobs-*", false)], &prefixed_dlq));
        // `?` is one character; a value may hold more.
        let staged = [("orders-", false), ("Stage", true)];
        assert!(matches(&[("orders-*", false)], &staged));
        assert!(!matches(&[("orders-?", false)], &staged));
    }

    #[test]
    fn the_partition_may_be_read_from_a_value() {
        let asked = text(&[
            ("arn:", false),
            ("AWS::Partition", true),
            (":sqs:", false),
            ("AWS::Region", true),
            (":", false),
            ("AWS::AccountId", true),
            (":orders-dlq", false),
        ]);
        assert_eq!(asked.service(), Some("sqs"));
        let coverage = |entry: Entry| asked.covered_by(&entry, no_targets);
        assert_eq!(coverage(written(asked.clone())), Coverage::Covers);
        assert_eq!(coverage(literal("arn:*:sqs:*:*:orders-*")), Coverage::Covers);
        // The stack may deploy to another partition than the one written out.
        assert_eq!(coverage(literal("arn:aws:sqs:*:*:orders-dlq")), Coverage::Unsure);
        assert_eq!(coverage(literal("arn:*:sns:*:*:orders-dlq")), Coverage::Misses);
        // Only the partition may be a value: a service read from one is no service known.
        assert_eq!(
            text(&[("arn:aws:", false), ("service", true), (":x", false)]).service(),
            None
        );
        assert_eq!(
            text(&[("arn:", false), ("partition", true), (":sq", false), ("s", true)]).service(),
            None
        );
        assert_eq!(
            text(&[("arn:", false), ("partition", true), (":sqs", false)]).service(),
            None
        );
        assert_eq!(ArnText::literal("arn:aws:sqs").service(), None);
        assert_eq!(ArnText::literal("urn:aws:sqs:x:y:z").service(), None);
    }

    #[test]
    fn a_resource_of_the_program_misses_text_of_another_name_or_service() {
        let queue = ResourceTarget {
            resource: 3,
            service: "sqs",
            name: PhysicalName::Fixed("orders-dlq".to_owned()),
            instance: None,
            arn_values: ArnValues::default(),
        };
        let reference = Entry {
            literal: None,
            resource: Some(crate::cloud::ResourceRef {
                resource: 3,
                attribute: Some("arn".to_owned()),
                instance: None,
            }),
            text: None,
        };
        let targets = |_: ResourceId| Some(&queue);
        let coverage = |arn: &str| ArnText::literal(arn).covered_by(&reference, targets);
        assert_eq!(
            coverage("arn:aws:sqs:us-east-1:123456789012:billing-dlq"),
            Coverage::Misses
        );
        assert_eq!(
            coverage("arn:aws:sns:us-east-1:123456789012:orders-dlq"),
            Coverage::Misses
        );
        assert_eq!(
            coverage("arn:aws:sqs:us-east-1:123456789012:orders-dlq"),
            Coverage::Unsure
        );
    }
}
