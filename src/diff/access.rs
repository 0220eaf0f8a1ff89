//! Access: what one version of a document allows that the other does not, decided by the
//! reasoning engine, split by action and resource pattern, each part with an example request.
//!
//! The engine is given the catalog, so every verdict is about requests AWS could receive: a
//! listed action on a resource of a type it takes (`ContainedForListedActions` is no change);
//! requests it never receives that the engine cannot rule out by itself (an anonymous `sts`
//! call, an untyped principal, an `aws:PrincipalType` in another case) are denied on the side
//! being checked ([`domain_denies`]), and examples are made consistent in `examples.rs`.
//!
//! In: the old and new policy documents (either may be absent). Out: an [`Access`] summary.

use super::*;

/// The access one policy allows and the other does not, both ways.
pub fn compare_access(old: Option<&PolicyDocument>, new: Option<&PolicyDocument>) -> Access {
    let encoded_old = old.map(encode_principals);
    let encoded_new = new.map(encode_principals);
    let names_principals = [old, new].into_iter().flatten().any(|policy| {
        policy
            .statements
            .iter()
            .any(|s| s.principal.is_some() || s.not_principal.is_some())
    });
    let delta = |base, target, direction| delta(base, target, direction, names_principals);
    let mut access = Access::default();
    if let Some(new) = &encoded_new {
        let (entries, undecided) = delta(encoded_old.as_ref(), new, Direction::Added);
        access.added = entries;
        access.undecided.extend(undecided);
    }
    if let Some(old) = &encoded_old {
        let (entries, undecided) = delta(encoded_new.as_ref(), old, Direction::Removed);
        access.removed = entries;
        access.undecided.extend(undecided);
        // A trust policy is the only one that can let a caller assume its role: its denies
        // guard nothing another policy allows.
        if !names_principals {
            let (entries, undecided) = denies_narrowed(old, encoded_new.as_ref());
            access.added.extend(entries);
            access.undecided.extend(undecided);
        }
    }
    access
}

/// What OLD's denies covered that NEW neither denies nor allows (what it allows is compared
/// above): an explicit deny holds across all of a principal's policies, so each such request
/// is allowed now wherever another policy of the principal grants it — widened access, though
/// this document alone allows nothing more. (A deny-only guard policy loosened, or removed.)
fn denies_narrowed(
    old: &PolicyDocument,
    new: Option<&PolicyDocument>,
) -> (Vec<AccessEntry>, Vec<String>) {
    let as_allow = |s: &Statement| {
        let mut s = s.clone();
        s.effect = Effect::Allow;
        s
    };
    let (denied, numbers): (Vec<Statement>, Vec<usize>) = (old.statements.iter().enumerate())
        .filter(|(_, s)| s.effect == Effect::Deny)
        .map(|(i, s)| (as_allow(s), i + 1))
        .unzip();
    if denied.is_empty() {
        return (vec![], vec![]);
    }
    let target = PolicyDocument {
        statements: denied,
        ..old.clone()
    };
    let covered = new.map(|new| PolicyDocument {
        statements: new.statements.iter().map(as_allow).collect(),
        ..new.clone()
    });
    let (mut entries, undecided) = delta(covered.as_ref(), &target, Direction::Added, false);
    for entry in &mut entries {
        let number = entry.statement.and_then(|k| numbers.get(k - 1)).copied();
        entry.statement = number;
        entry.no_longer_denied = true;
        entry.note = Some(
            "no longer denied: allowed wherever another policy of the principal grants it".into(),
        );
    }
    let undecided = (undecided.into_iter())
        .map(|u| format!("whether old denies still hold: {u}"))
        .collect();
    (entries, undecided)
}

/// `Type value` for every principal an `Allow` statement names (`*` for `"Principal": "*"`).
pub(super) fn named_principals(policy: Option<&PolicyDocument>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in policy.iter().flat_map(|p| &p.statements) {
        if s.effect != Effect::Allow {
            continue;
        }
        for (not, principal) in [(false, &s.principal), (true, &s.not_principal)] {
            let prefix = if not { "everyone except " } else { "" };
            match principal.as_deref() {
                Some(Principal::Any(_)) => {
                    out.insert(format!("{prefix}*"));
                }
                Some(Principal::Map(map)) => {
                    for (kind, values) in map {
                        for value in values {
                            out.insert(format!("{prefix}{kind} {value}"));
                        }
                    }
                }
                None => {}
            }
        }
    }
    out
}

/// An account principal (`123456789012`, `arn:aws:iam::123456789012:root`) matches every
/// principal of the account ([`reason::account_principal_pattern`], the rule `verify` reads
/// trust policies with): it becomes the pattern `AWS:arn:aws:iam::123456789012:*`.
pub(super) fn principal_value(kind: &str, value: &str) -> String {
    match reason::account_principal_pattern(value) {
        Some(pattern) if kind == "AWS" => format!("AWS:{pattern}"),
        _ => format!("{kind}:{value}"),
    }
}

/// An encoded principal as people read it: `Type value`, an account as its `:root` ARN.
fn shown_principal(value: &str) -> String {
    let shown = value.replacen(':', " ", 1);
    match shown.strip_suffix(":*") {
        Some(account) if value.starts_with("AWS:arn:") => format!("{account}:root"),
        _ => shown,
    }
}

/// Requests AWS never receives, denied on the side being checked so that no example or verdict
/// rests on them: an `sts` call without a principal (an anonymous caller cannot assume a role:
/// even `AssumeRoleWithWebIdentity` has a federated principal), and, where a document tests
/// it, an `aws:PrincipalType` AWS does not send.
fn domain_denies(
    target: &PolicyDocument,
    base: Option<&PolicyDocument>,
    names_principals: bool,
) -> Vec<Statement> {
    let mut out = Vec::new();
    if names_principals {
        let mut deny = Statement::new(Effect::Deny);
        deny.action = Some(vec!["sts:*".into()]);
        deny.resource = Some(vec!["*".into()]);
        (deny.condition).insert("Null", PRINCIPAL_KEY, vec!["true".into()]);
        out.push(deny);
        // Every principal has a type (`AWS`, `Service`, `Federated`, `CanonicalUser`); `sts`
        // knows no canonical users.
        for (sts, types) in [
            (true, &["AWS:*", "Service:*", "Federated:*"][..]),
            (
                false,
                &["AWS:*", "Service:*", "Federated:*", "CanonicalUser:*"][..],
            ),
        ] {
            let mut untyped = Statement::new(Effect::Deny);
            let actions = Some(vec!["sts:*".to_string()]);
            (untyped.action, untyped.not_action) = if sts {
                (actions, None)
            } else {
                (None, actions)
            };
            untyped.resource = Some(vec!["*".into()]);
            (untyped.condition).insert("Null", PRINCIPAL_KEY, vec!["false".into()]);
            let types = types.iter().map(|t| t.to_string()).collect();
            (untyped.condition).insert("StringNotLike", PRINCIPAL_KEY, types);
            out.push(untyped);
        }
    }
    let tests_type = (std::iter::once(target).chain(base))
        .flat_map(|p| &p.statements)
        .flat_map(|s| s.condition.clauses())
        .any(|(_, key, _)| key.eq_ignore_ascii_case("aws:PrincipalType"));
    if tests_type {
        let mut deny = Statement::new(Effect::Deny);
        deny.action = Some(vec!["*".into()]);
        deny.resource = Some(vec!["*".into()]);
        let types = super::examples::PRINCIPAL_TYPES.map(String::from).to_vec();
        (deny.condition).insert("StringNotEquals", "aws:PrincipalType", types);
        out.push(deny);
    }
    out
}

/// Principals become a condition on [`PRINCIPAL_KEY`]; statements without resources get `*`.
pub(super) fn encode_principals(policy: &PolicyDocument) -> PolicyDocument {
    let mut policy = policy.clone();
    for s in &mut policy.statements {
        for (operator, principal) in [
            ("StringLike", s.principal.take()),
            ("StringNotLike", s.not_principal.take()),
        ] {
            if let Some(Principal::Map(map)) = principal.as_deref() {
                let values = map
                    .iter()
                    .flat_map(|(k, vs)| vs.iter().map(move |v| principal_value(k, v)))
                    .collect();
                s.condition.insert(operator, PRINCIPAL_KEY, values);
            } else if let (Some(Principal::Any(_)), "StringNotLike") =
                (principal.as_deref(), operator)
            {
                // `NotPrincipal: "*"` matches nobody: a value no principal has.
                s.condition
                    .insert(operator, PRINCIPAL_KEY, vec!["*".into()]);
            }
        }
        if s.resource.is_none() && s.not_resource.is_none() {
            s.resource = Some(vec!["*".into()]);
        }
    }
    policy
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    /// `target` is NEW, `base` is OLD.
    Added,
    /// `target` is OLD, `base` is NEW.
    Removed,
}

/// What `target` allows that `base` does not: entries grouped by statement part, and what
/// stayed undecided. `names_principals`: the documents are trust (or resource) policies.
pub(super) fn delta(
    base: Option<&PolicyDocument>,
    target: &PolicyDocument,
    direction: Direction,
    names_principals: bool,
) -> (Vec<AccessEntry>, Vec<String>) {
    // The other side is the boundary of every question below: compiled once, not per question.
    let prepared = reason::PreparedBoundary::new(base.map_or(&[], std::slice::from_ref));
    let mut denies: Vec<Statement> = target
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Deny)
        .cloned()
        .collect();
    let real_denies = denies.len();
    denies.extend(domain_denies(target, base, names_principals));
    // The target as its examples are evaluated again: with the requests AWS never receives
    // denied too.
    let checked_target = PolicyDocument {
        statements: (target.statements.iter().cloned())
            .chain(denies[real_denies..].iter().cloned())
            .collect(),
        ..target.clone()
    };
    let (side, other) = match direction {
        Direction::Added => ("new", "old"),
        Direction::Removed => ("old", "new"),
    };
    let example = |request: &Request| -> Result<Example, String> {
        let request = super::examples::consistent(request, &checked_target, base)?;
        Ok(tidy(&request, target, base, names_principals))
    };
    let mut entries = Vec::new();
    let mut undecided = Vec::new();
    for (index, statement) in target.statements.iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let check_with = |part: &Statement, extra: Option<Statement>| {
            let mut statements = vec![part.clone()];
            statements.extend(denies.iter().cloned());
            statements.extend(extra);
            // The target's own Version: without one, `${...}` is literal text.
            let identity = PolicyDocument {
                version: target.version.clone(),
                ..PolicyDocument::new(statements)
            };
            let known = known_actions(part);
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            let run = |catalog| {
                reason::contained_in(
                    &[&identity],
                    &prepared,
                    Options {
                        known_actions: &known,
                        catalog,
                    },
                )
            };
            // Requests AWS could receive: listed actions on resources of their types; an
            // escape only an unlisted action name could make is no request at all.
            let typed = run(Some(Catalog::get()));
            // The engine cannot always tell a cell with no request of a type its actions take
            // from one it found no such request in: it says Unknown. Removed access gates
            // nothing, so there the plain semantics answer instead (as before the catalog).
            let unsure = match &typed {
                Containment::Unknown(_) => true,
                Containment::Escapes { unknown, .. } => !unknown.is_empty(),
                _ => false,
            };
            if unsure && direction == Direction::Removed {
                return run(None);
            }
            typed
        };
        let check = |part: &Statement| check_with(part, None);
        let describe_unknown = |reasons: &[UnknownReason]| -> Vec<String> {
            reasons
                .iter()
                .map(|r| {
                    let number = if r.statement.stmt == 0 {
                        index + 1
                    } else {
                        // A deny of the target: find its number in the target document.
                        target
                            .statements
                            .iter()
                            .enumerate()
                            .filter(|(_, s)| s.effect == Effect::Deny)
                            .nth(r.statement.stmt - 1)
                            .map_or(index + 1, |(i, _)| i + 1)
                    };
                    format!("{side} statement {number}: {}", r.reason)
                })
                .collect()
        };
        let impossible = |why: String| {
            format!(
                "{side} statement {}: the engine's example is a request AWS never sends ({why}), and no consistent one shows a difference",
                index + 1
            )
        };
        let whole = check(statement);
        match &whole {
            Containment::Contained | Containment::ContainedForListedActions(_) => continue,
            Containment::Unknown(reasons) => {
                undecided.extend(describe_unknown(reasons));
                continue;
            }
            Containment::Escapes { .. } => {}
        }
        let parts = split(statement);
        let single = parts.len() == 1;
        // Parts to check, in order; a part of more actions than could be split one by one is
        // halved while it escapes, within a budget of checks, so that an entry lists only the
        // actions that changed (or says that it is coarser).
        let mut work: std::collections::VecDeque<Statement> = parts.into();
        let mut budget = 2 * MAX_PARTS;
        let mut found_any = false;
        let mut first_check = single;
        while let Some(part) = work.pop_front() {
            let result = if std::mem::take(&mut first_check) {
                whole.clone()
            } else {
                check(&part)
            };
            let (counterexamples, unknown) = match result {
                Containment::Contained | Containment::ContainedForListedActions(_) => continue,
                Containment::Unknown(reasons) => {
                    undecided.extend(describe_unknown(&reasons));
                    continue;
                }
                Containment::Escapes {
                    counterexamples,
                    unknown,
                } => (counterexamples, unknown),
            };
            let actions = part.action.as_ref().map_or(0, Vec::len);
            if actions > 1 && budget >= 2 {
                budget -= 2;
                let list = part.action.as_ref().expect("more than one action");
                let (a, b) = list.split_at(actions / 2);
                for half in [b, a] {
                    let mut half_part = part.clone();
                    half_part.action = Some(half.to_vec());
                    work.push_front(half_part);
                }
                continue;
            }
            let coarse = (actions > 1).then_some(
                "coarser: not every action listed was added (too many to check one by one)",
            );
            let with_coarse = |note: Option<String>| match (note, coarse) {
                (Some(note), Some(c)) => Some(format!("{note}; {c}")),
                (note, c) => note.or(c.map(String::from)),
            };
            undecided.extend(describe_unknown(&unknown));
            let Some(first) = counterexamples.first() else {
                continue;
            };
            found_any = true;
            let denied_by = match &first.boundary {
                BoundaryFailure::NoAllow => vec![],
                BoundaryFailure::DeniedBy(refs) => refs.iter().map(|r| r.stmt).collect(),
            };
            if denied_by.is_empty() {
                match example(&first.request) {
                    Ok(found) => entries.push(entry(&part, index, with_coarse(None), found)),
                    Err(why) => undecided.push(impossible(why)),
                }
                continue;
            }
            // The part escapes because a deny of the other side does not apply on this side:
            // narrow the entry to each action pattern of those denies that still escapes.
            let deny_patterns: BTreeSet<&String> = denied_by
                .iter()
                .filter_map(|&i| base.and_then(|b| b.statements.get(i)))
                .flat_map(|s| s.action.iter().flatten())
                .collect();
            let mut narrowed = false;
            for pattern in deny_patterns {
                let mut only = Statement::new(Effect::Deny);
                only.not_action = Some(vec![pattern.clone()]);
                only.resource = Some(vec!["*".into()]);
                let Containment::Escapes {
                    counterexamples, ..
                } = check_with(&part, Some(only))
                else {
                    continue;
                };
                let Some(found) = counterexamples.first() else {
                    continue;
                };
                narrowed = true;
                let mut narrower = part.clone();
                if action_included(pattern, &part) {
                    narrower.action = Some(vec![pattern.clone()]);
                    narrower.not_action = None;
                }
                match example(&found.request) {
                    Ok(shown) => entries.push(entry(
                        &narrower,
                        index,
                        with_coarse(deny_note(&found.boundary, other, direction)),
                        shown,
                    )),
                    Err(why) => undecided.push(impossible(why)),
                }
            }
            if !narrowed {
                match example(&first.request) {
                    Ok(shown) => entries.push(entry(
                        &part,
                        index,
                        with_coarse(deny_note(&first.boundary, other, direction)),
                        shown,
                    )),
                    Err(why) => undecided.push(impossible(why)),
                }
            }
        }
        if !found_any {
            // The parts are a cover of the statement, so this only happens when every part was
            // undecided; say so rather than lose the escape the whole statement showed.
            if let Containment::Escapes {
                counterexamples, ..
            } = &whole
            {
                if let Some(first) = counterexamples.first() {
                    match example(&first.request) {
                        Ok(shown) => entries.push(entry(statement, index, None, shown)),
                        Err(why) => undecided.push(impossible(why)),
                    }
                }
            }
        }
    }
    undecided.dedup();
    (entries, undecided)
}

/// The counterexample as an [`Example`]; for trust policies (`names_principals`), the
/// resource `*` when that is just as much a difference, since the engine's witness resource
/// means nothing there, and a request with no principal shown as an anonymous caller's.
pub(super) fn tidy(
    request: &Request,
    target: &PolicyDocument,
    base: Option<&PolicyDocument>,
    names_principals: bool,
) -> Example {
    let mut example = Example::from_request(request);
    if !names_principals {
        return example;
    }
    example.anonymous = example.principal.is_none();
    if example.resource == "*" {
        return example;
    }
    let mut star = request.clone();
    star.resource = "*".into();
    let allows = |docs: &[PolicyDocument]| {
        let evaluation = reason::evaluate(docs, None, &star);
        evaluation.decision == reason::Decision::Allow && evaluation.unmodelled.is_empty()
    };
    let base_docs = base.map_or(&[][..], std::slice::from_ref);
    if allows(std::slice::from_ref(target)) && !allows(base_docs) {
        let evaluation = reason::evaluate(base_docs, None, &star);
        if evaluation.unmodelled.is_empty() {
            example.resource = star.resource;
        }
    }
    example
}

/// "no longer denied by old statement 2" / "now denied by new statement 2".
pub(super) fn deny_note(
    failure: &BoundaryFailure,
    other: &str,
    direction: Direction,
) -> Option<String> {
    let BoundaryFailure::DeniedBy(refs) = failure else {
        return None;
    };
    let numbers: Vec<String> = refs
        .iter()
        .map(|r| {
            let sid = r
                .sid
                .as_deref()
                .map_or(String::new(), |s| format!(" ({s})"));
            format!("{}{sid}", r.stmt + 1)
        })
        .collect();
    let which = format!(
        "{other} statement{} {}",
        if numbers.len() == 1 { "" } else { "s" },
        numbers.join(", ")
    );
    Some(match direction {
        Direction::Added => format!("no longer denied by {which}"),
        Direction::Removed => format!("now denied by {which}"),
    })
}

/// Whether every action `pattern` matches is one the statement's actions match (decided by the
/// engine over two one-statement documents).
pub(super) fn action_included(pattern: &str, statement: &Statement) -> bool {
    let mut inner = Statement::new(Effect::Allow);
    inner.action = Some(vec![pattern.to_string()]);
    inner.resource = Some(vec!["*".into()]);
    let mut outer = Statement::new(Effect::Allow);
    outer.action = statement.action.clone();
    outer.not_action = statement.not_action.clone();
    outer.resource = Some(vec!["*".into()]);
    reason::contained(
        &[PolicyDocument::new(vec![inner])],
        &[PolicyDocument::new(vec![outer])],
    ) == Containment::Contained
}

/// Catalog actions matching the statement's action patterns, to pick readable examples.
pub(super) fn known_actions(statement: &Statement) -> Vec<String> {
    let Some(actions) = &statement.action else {
        return vec![];
    };
    let catalog = Catalog::get();
    let mut out = Vec::new();
    for pattern in actions {
        if !pattern.contains(['*', '?']) {
            // Spelled as the catalog spells it (the engine's witness is lowercase).
            out.push(
                catalog
                    .action(pattern)
                    .map_or(pattern.clone(), |a| a.full_name()),
            );
            continue;
        }
        out.extend(
            catalog
                .expand_actions(pattern)
                .iter()
                .take(200)
                .map(|a| a.full_name()),
        );
    }
    // The engine tries a few of these per cell: first those that take the statement's
    // resources (`s3:PutObject` before `s3:PutAccelerateConfiguration` on an object ARN).
    let samples: Vec<String> = (statement.resource.iter().flatten())
        .map(|r| r.replace(['*', '?'], "x"))
        .collect();
    let takes = |action: &String| {
        (samples.iter()).any(|r| reason::takes_resource(catalog, action, r).is_ok())
    };
    let (mut fitting, others): (Vec<String>, Vec<String>) = out.into_iter().partition(takes);
    fitting.extend(others);
    fitting
}

/// The statement split into one part per (action pattern, resource pattern) — or per principal
/// value for trust policies — as long as that stays under [`MAX_PARTS`].
pub(super) fn split(statement: &Statement) -> Vec<Statement> {
    let actions: Vec<Option<String>> = match &statement.action {
        Some(list) if list.len() > 1 => list.iter().cloned().map(Some).collect(),
        _ => vec![None],
    };
    let resources: Vec<Option<String>> = match &statement.resource {
        Some(list) if list.len() > 1 => list.iter().cloned().map(Some).collect(),
        _ => vec![None],
    };
    let principals: Vec<Option<String>> = match statement.condition.0.get("StringLike") {
        Some(keys) => match keys.get(PRINCIPAL_KEY) {
            Some(values) if values.len() > 1 => values.iter().cloned().map(Some).collect(),
            _ => vec![None],
        },
        None => vec![None],
    };
    let (resources, principals) = if actions.len() * resources.len() * principals.len() <= MAX_PARTS
    {
        (resources, principals)
    } else if actions.len() * resources.len() <= MAX_PARTS {
        (resources, vec![None])
    } else if actions.len() <= MAX_PARTS {
        (vec![None], vec![None])
    } else {
        return vec![statement.clone()];
    };
    let mut parts = Vec::new();
    for action in &actions {
        for resource in &resources {
            for principal in &principals {
                let mut part = statement.clone();
                if let Some(action) = action {
                    part.action = Some(vec![action.clone()]);
                }
                if let Some(resource) = resource {
                    part.resource = Some(vec![resource.clone()]);
                }
                if let Some(principal) = principal {
                    part.condition.0.get_mut("StringLike").map(|keys| {
                        keys.insert(PRINCIPAL_KEY.to_string(), vec![principal.clone()])
                    });
                }
                parts.push(part);
            }
        }
    }
    parts
}

pub(super) fn entry(
    part: &Statement,
    index: usize,
    note: Option<String>,
    example: Example,
) -> AccessEntry {
    let list = |not: &str, positive: &Option<Vec<String>>, negative: &Option<Vec<String>>| match (
        positive, negative,
    ) {
        (Some(list), _) => list.join(", "),
        (None, Some(list)) => format!("{not} [{}]", list.join(", ")),
        (None, None) => "*".to_string(),
    };
    let mut condition = part.condition.clone();
    let mut principal = None;
    for (operator, prefix) in [("StringLike", ""), ("StringNotLike", "everyone except ")] {
        if let Some(keys) = condition.0.get_mut(operator) {
            if let Some(values) = keys.remove(PRINCIPAL_KEY) {
                let values: Vec<String> = values.iter().map(|v| shown_principal(v)).collect();
                principal = Some(format!("{prefix}{}", values.join(", ")));
            }
            if keys.is_empty() {
                condition.0.remove(operator);
            }
        }
    }
    AccessEntry {
        no_longer_denied: false,
        actions: list("NotAction", &part.action, &part.not_action),
        resources: list("NotResource", &part.resource, &part.not_resource),
        principal,
        condition: (!condition.is_empty())
            .then(|| serde_json::to_string(&condition).expect("conditions serialize")),
        statement: Some(index + 1),
        sid: part.sid.clone(),
        note,
        example: Some(example),
    }
}

/// An entry for a change of attachment whose access is not enumerated.
pub(super) fn whole_entry(note: String) -> AccessEntry {
    AccessEntry {
        no_longer_denied: false,
        actions: "*".into(),
        resources: "*".into(),
        principal: None,
        condition: None,
        statement: None,
        sid: None,
        note: Some(note),
        example: None,
    }
}
