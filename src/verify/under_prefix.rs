//! What a delegation's holders could rewrite among the project's own policies: the names
//! under the delegation's prefix that must not be there (E0503).
//!
//! In: the compiled project, one delegation and its scope. Out: E0503 diagnostics in the
//! report, and the ARNs they name.

use super::*;

/// The boundary and the delegation policy, the managed policies either is split into, and the
/// project policies under the prefix that a principal without the boundary has: each such name
/// the holders manage is an E0503 in `report`. Returns the ARNs found under the prefix.
pub(super) fn protected_names(
    compiled: &Compiled,
    info: &crate::compile::output::DelegationInfo,
    scope: &Scope,
    label: &str,
    report: &mut Report,
) -> Vec<String> {
    let mut names_under_prefix = Vec::new();
    // The boundary and the delegation policy must not be names the holders manage, nor
    // the managed policies either is split into (`<name>-1`, ...: the denies name the
    // whole, which then does not exist).
    let mut protected = vec![
        ("boundary", info.boundary_arn.clone(), info.boundary_span),
        ("delegation policy", info.arn.clone(), info.span),
    ];
    for (what, arn, span) in protected.clone() {
        let name = arn.rsplit('/').next().unwrap_or_default();
        for split in compiled
            .splits
            .iter()
            .filter(|s| s.owner.is_none() && s.name == name)
        {
            for part in &split.parts {
                let doc =
                    (compiled.documents.iter()).find(|d| d.kind.is_managed() && d.name == *part);
                if let Some(doc) = doc {
                    let what = if what == "boundary" {
                        "part of the boundary"
                    } else {
                        "part of the delegation policy"
                    };
                    protected.push((what, doc.arn.clone(), span));
                }
            }
        }
    }
    for (index, (what, arn, span)) in protected.iter().enumerate() {
        let (what, arn, span) = (*what, arn, *span);
        if scope_may_cover(scope, "policy", arn) {
            names_under_prefix.push(arn.clone());
            // The parts of one document share a name and a fix: one error for them.
            let same = |(w, a, _): &&(&str, String, Span)| {
                *w == what && scope_may_cover(scope, "policy", a)
            };
            if protected[..index].iter().any(|p| same(&p)) {
                continue;
            }
            let more = protected[index + 1..].iter().filter(same).count();
            let also = match more {
                0 => String::new(),
                n => format!(" (and {n} more parts)"),
            };
            report.diagnostics.push(
                Diagnostic::new(
                    Code::ProtectedNameUnderPrefix,
                    format!("the {what} `{arn}`{also} falls under the prefix of {label}"),
                )
                .at(
                    info.prefix_span,
                    "holders manage policies with names starting with this",
                )
                .with_label(span, format!("the {what}"))
                .with_help("rename the policy or the prefix so the prefix never matches it"),
            );
        }
    }
    let bounded = |b: &Option<String>| b.as_deref() == Some(info.boundary_arn.as_str());
    // So must every principal that has a project managed policy the holders may rewrite:
    // a new version of a policy under the prefix widens whoever has it (a holder's own
    // group, a role without the boundary), or a role whose boundary it is.
    for doc in (compiled.documents.iter()).filter(|d| {
        d.kind.is_managed()
            && !protected.iter().any(|(_, arn, _)| *arn == d.arn)
            && scope_may_cover(scope, "policy", &d.arn)
    }) {
        let has = |attached: &[String], boundary: &Option<String>| {
            attached.contains(&doc.arn) || boundary.as_deref() == Some(doc.arn.as_str())
        };
        let holder = (compiled.roles.iter())
            .filter(|r| has(&r.attached_policy_arns, &r.boundary_arn) && !bounded(&r.boundary_arn))
            .map(|r| ("role", &r.name))
            .chain(
                (compiled.users.iter())
                    .filter(|u| {
                        has(&u.attached_policy_arns, &u.boundary_arn) && !bounded(&u.boundary_arn)
                    })
                    .map(|u| ("user", &u.name)),
            )
            .chain(
                (compiled.groups.iter())
                    .filter(|g| g.attached_policy_arns.contains(&doc.arn))
                    .map(|g| ("group", &g.name)),
            )
            .next();
        if let Some((kind, name)) = holder {
            names_under_prefix.push(doc.arn.clone());
            report.diagnostics.push(
                    Diagnostic::new(
                        Code::ProtectedNameUnderPrefix,
                        format!(
                            "managed policy `{}` falls under the prefix of {label}, and {kind} `{name}`, which does not have boundary {}, has it",
                            doc.name, info.boundary_name
                        ),
                    )
                    .at(info.prefix_span, "holders manage policies with names starting with this")
                    .with_label(doc.span, "holders can write a new version of this policy")
                    .with_help("rename the policy so the prefix never matches it, or give only principals with the boundary"),
                );
        }
    }
    names_under_prefix
}
