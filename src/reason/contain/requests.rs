//! Concrete counterexamples: a cell's witness words (action and resource, with a context the
//! condition solver found) turned into requests AWS could receive, each re-checked by the
//! concrete evaluator before it is reported.
//!
//! In: the [`Checker`] of one identity statement and a cell. Out: counterexamples pushed onto it,
//! or a reason the cell stays undecided.

use super::*;

impl Checker<'_, '_> {
    /// A resource variable the symbolic word does not pin down (in the statement's own resource
    /// or a boundary pattern): try concrete values for it — the pieces of the witness resource and
    /// of the literals of every pattern in play (between `/`, `:` and wildcards, alone and joined
    /// by `/`), which are the values that make a pattern match or miss. Values outside the key's
    /// domain (IAM user names, tag values) are skipped. Returns whether a counterexample was found.
    pub(super) fn try_variable_values(
        &mut self,
        players: &[usize],
        actions: &[String],
        word: &str,
        base: &Context,
    ) -> bool {
        // The statement's own variables show in its word; the boundary's in its patterns.
        let theirs = players
            .iter()
            .flat_map(|&o| &self.others[o].resources.globs)
            .flat_map(|g| g.toks.clone())
            .filter_map(|t| match t {
                Tok::Lit(c) => Some(c),
                _ => None,
            });
        let keys: BTreeSet<String> = word
            .chars()
            .chain(theirs)
            .filter_map(|c| self.table.lookup(c))
            .map(|v| v.key.clone())
            .collect();
        let mut texts = vec![self.render_word(word, base)];
        for &o in players {
            texts.extend(self.others[o].resources.source().iter().cloned());
        }
        let values = candidate_values(&texts);
        for key in &keys {
            for value in values.iter().filter(|v| fits_key(key, v)).take(48) {
                let mut context = base.clone();
                context.set(key, [value.as_str()]);
                let resource = self.render_word(word, &context);
                let resources = [format!("{resource}x"), resource];
                for action in actions {
                    for resource in self.typed(action, &resources) {
                        let request = Request {
                            action: action.clone(),
                            resource: resource.clone(),
                            context: context.clone(),
                        };
                        if let Some(counterexample) = self.verify(request) {
                            self.found.push(counterexample);
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// Concrete re-check: the identity alone allows (through this statement) and the identity
    /// plus boundary does not, with nothing unmodelled involved.
    pub(super) fn verify(&self, request: Request) -> Option<Counterexample> {
        let alone = decide(self.identity, None::<&[PolicyDocument]>, &request);
        if alone.decision != Decision::Allow
            || !alone.unmodelled.is_empty()
            || !alone.identity_allows.contains(&self.at)
        {
            return None;
        }
        let both = decide(self.identity, Some(self.boundary), &request);
        if both.decision == Decision::Allow || !both.unmodelled.is_empty() {
            return None;
        }
        let boundary = if both.denies.is_empty() {
            BoundaryFailure::NoAllow
        } else {
            BoundaryFailure::DeniedBy(both.denies)
        };
        Some(Counterexample {
            request,
            allowed_by: self.at.clone(),
            boundary,
        })
    }

    /// Example actions for a cell: catalog names first, then common names, then the witness.
    pub(super) fn action_candidates(
        &self,
        actions: &Element,
        players: &[usize],
        word: &str,
    ) -> Vec<String> {
        let lower = |a: &str| a.to_lowercase();
        let in_element = |e: &Element, a: &str| e.globs.iter().any(|g| g.matches(a)) != e.negated;
        // Same cell: inside the statement's actions, and the same verdict for every other statement.
        let same_cell = |a: &str| {
            let a = lower(a);
            in_element(actions, &a)
                && self
                    .others
                    .iter()
                    .enumerate()
                    .all(|(o, other)| in_element(other.actions, &a) == players.contains(&o))
        };
        if let Some(catalog) = self.options.catalog {
            // Requests AWS could receive: listed actions only, the readable ones first. An
            // empty list means only unlisted names fall in the cell.
            let mut out: Vec<String> = Vec::new();
            // A cell inside actions of literal services holds none of another service: only
            // those services' names are tried (the catalog has ~17,000), in the catalog's order.
            let services = (!actions.negated).then(|| actions.services()).flatten();
            let catalog_names: Vec<&[String]> = match services {
                Some(services) => {
                    let mut prefixes: Vec<String> =
                        services.iter().map(|s| s.to_ascii_lowercase()).collect();
                    prefixes.sort_unstable();
                    prefixes.dedup();
                    (prefixes.iter())
                        .map(|prefix| catalog.action_names_of(prefix))
                        .collect()
                }
                None => vec![catalog.action_names()],
            };
            let listed = self
                .options
                .known_actions
                .iter()
                .copied()
                .chain(COMMON_ACTIONS.iter().copied())
                .filter(|a| catalog.action(a).is_some())
                .chain(catalog_names.into_iter().flatten().map(String::as_str));
            let of_services = |a: &str| {
                services.is_none_or(|services| {
                    let service = crate::catalog::split_service(a).map_or(a, |(s, _)| s);
                    services.iter().any(|s| s.eq_ignore_ascii_case(service))
                })
            };
            for action in listed.filter(|a| of_services(a) && same_cell(a)) {
                if !out.iter().any(|o| o.eq_ignore_ascii_case(action)) {
                    out.push(action.to_string());
                }
                if out.len() >= 3 {
                    break;
                }
            }
            return out;
        }
        let mut out: Vec<String> = self
            .options
            .known_actions
            .iter()
            .copied()
            .chain(COMMON_ACTIONS.iter().copied())
            .filter(|a| same_cell(a))
            .take(2)
            .map(str::to_string)
            .collect();
        // The shortest word of a cell is often just `service:`; a name after the colon makes a
        // request AWS could actually receive, when one stays in the same cell.
        if let Some((service, _)) = word.split_once(':') {
            out.extend(
                EXAMPLE_NAMES
                    .iter()
                    .map(|name| format!("{service}:{name}"))
                    .filter(|a| same_cell(a))
                    .take(1),
            );
        }
        out.push(word.to_string());
        out
    }

    /// The candidates a request of `action` can have as its resource: with the catalog, those
    /// of a type the action takes, then its ARN formats filled in from each candidate
    /// ([`domain::typed_resources`]); without it, all of them.
    pub(super) fn typed(&self, action: &str, candidates: &[String]) -> Vec<String> {
        match self.options.catalog {
            Some(catalog) => domain::typed_resources(catalog, action, candidates),
            None => candidates.to_vec(),
        }
    }

    pub(super) fn render_word(&self, word: &str, context: &Context) -> String {
        word.chars()
            .map(|c| match self.table.lookup(c) {
                Some(var) => context
                    .variable(&var.key)
                    .or_else(|| var.default.clone())
                    .unwrap_or_else(|| format!("${{{}}}", var.key)),
                None => c.to_string(),
            })
            .collect()
    }

    /// Example resources: the witness made readable, then generic ARNs when it is not an ARN.
    pub(super) fn resource_candidates(&self, word: &str, context: &Context) -> Vec<String> {
        let base = self.render_word(word, context);
        let arn_like = base == "*" || base.starts_with("arn:") && base.matches(':').count() >= 5;
        let mut out = vec![];
        if !arn_like {
            out.extend(GENERIC_ARNS.iter().map(|s| s.to_string()));
        }
        out.push(format!("{base}x"));
        out.push(base);
        out
    }
}

/// Fallback example actions when no catalog is given (or none of its names fits a cell).
const COMMON_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "ec2:RunInstances",
    "ec2:DescribeInstances",
    "iam:CreateUser",
    "iam:PassRole",
    "sts:AssumeRole",
    "lambda:InvokeFunction",
    "dynamodb:GetItem",
    "kms:Decrypt",
    "sqs:SendMessage",
    "organizations:LeaveOrganization",
];

/// Action names to complete a bare `service:` witness with (tried in order).
const EXAMPLE_NAMES: &[&str] = &["ListResources", "GetItem", "Describe", "Example"];

const GENERIC_ARNS: &[&str] = &[
    "arn:aws:s3:::example-bucket/x",
    "arn:aws:iam::123456789012:role/example",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
    "*",
];

/// Values worth giving a variable: every piece of the texts between `:`, `/` and wildcards
/// (variable references dropped), and runs of consecutive `/`-separated pieces, shortest first.
fn candidate_values(texts: &[String]) -> Vec<String> {
    let mut out: BTreeSet<(usize, String)> = BTreeSet::new();
    for text in texts {
        let plain = strip_variables(text);
        for chunk in plain.split([':', '*', '?']) {
            let parts: Vec<&str> = chunk.split('/').collect();
            for i in 0..parts.len() {
                for j in i + 1..=parts.len().min(i + 3) {
                    let value = parts[i..j].join("/");
                    if !value.is_empty() {
                        out.insert((value.len(), value));
                    }
                }
            }
        }
    }
    out.into_iter().map(|(_, v)| v).collect()
}

/// The text with `${...}` references removed (their values are what is being chosen), except
/// that a default (`${key, 'anon'}`) stays: another variable may take that value.
fn strip_variables(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        match rest[at..].find('}') {
            Some(close) => {
                let body = &rest[at + 2..at + close];
                if let Some((_, default)) = body.split_once(',') {
                    out.push_str(default.trim().trim_matches('\''));
                }
                rest = &rest[at + close + 1..];
            }
            None => {
                rest = &rest[at..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Can `key` have this value in a real request? IAM user names are 1–64 characters of
/// `[A-Za-z0-9+=,.@_-]` (IAM User Guide, "IAM object quotas" / `CreateUser`); tag values are up
/// to 256 letters, digits, spaces and `_ . : / = + - @` ("Tagging IAM resources").
pub(in crate::reason) fn fits_key(key: &str, value: &str) -> bool {
    let key = key.to_ascii_lowercase();
    if key == "aws:username" {
        return (1..=64).contains(&value.chars().count())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    }
    if key.starts_with("aws:principaltag/")
        || key.starts_with("aws:resourcetag/")
        || key.starts_with("aws:requesttag/")
    {
        return value.chars().count() <= 256
            && value
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c));
    }
    true
}
