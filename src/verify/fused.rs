//! The roles' containment proofs run inside the compiler's jobs, while a role's documents are
//! in the cache: [`role_proofs`] after each document's lints (`compile::Lowered::checked_then`),
//! [`role_prover`] as each role is lowered, before its statements are dropped
//! (`compile::Options::stream_roles`). In: the compiled project, or what was lowered before the
//! roles. Out: a function the compiler calls per document or per role, giving the role's
//! [`Report`] as [`verify_compiled`](super::verify_compiled) would make it.

use super::{boundary_of, prepared_boundaries, Bounded, Project, Report};
use crate::compile::output::{Compiled, DocumentKind};
use crate::compile::{RoleProof, RoleProver};

/// The containment proofs of bounded roles, run by the compiler in the job that lowers each
/// role (`compile::Options::stream_roles`), before it drops the role's statements. Made from
/// what was lowered before the roles (the boundaries, managed and delegation policies; see
/// `compile::lower::AfterRole`), it proves a role given its inline policy, as
/// [`verify_compiled`](super::verify_compiled) would (none for a role without a boundary),
/// and whether a delegation's proof reads the role's inline policy later.
pub fn role_prover(before_roles: &Compiled) -> RoleProver<'_, Report> {
    let project = Project::new(before_roles);
    // The roles are not known yet: every boundary of the project, each compiled once.
    let boundary_arns = (before_roles.documents.iter())
        .filter(|d| d.kind == DocumentKind::Boundary)
        .map(|d| d.arn.as_str());
    let boundaries = prepared_boundaries(&project, boundary_arns);
    // The delegations' infos come after the roles; their policies are lowered before them.
    let delegations = (before_roles.documents.iter()).any(|d| d.kind == DocumentKind::Delegation);
    Box::new(move |role, trust, inline| {
        // `Project::holders`: a delegation's proof reads the inline policies of the roles it is
        // given to, which have its policy attached.
        let inline_read_later = (role.attached_policy_arns.iter())
            .filter_map(|arn| project.by_arn.get(arn.as_str()))
            .any(|document| document.kind == DocumentKind::Delegation);
        let report = role.boundary_arn.as_deref().map(|arn| {
            let job = project.role_job_with(role, inline.as_slice());
            match boundaries.get(arn) {
                Some(boundary) => project.containment(job, Some(boundary)),
                // A policy of the project used as a boundary, though not declared as one (rare).
                None => {
                    let other = project
                        .by_arn
                        .get(arn)
                        .map(|document| boundary_of(document));
                    project.containment(job, other.as_ref())
                }
            }
        });
        RoleProof {
            report,
            inline_read_later,
            // `Project::delegation` reads the trust policies that may let in what holders create.
            // The project's account is every role's (no ARN to read per role).
            trust_read_later: delegations
                && super::graph::trust::may_admit_account(&trust.policy, &before_roles.account),
        }
    })
}

/// The containment proofs of bounded roles, run by the compiler right after it lints each
/// role's inline policy, while its documents are in the cache
/// (`compile::Lowered::checked_then`): for document `i`, the report of the bounded role whose
/// inline policy it is, with the role's index, as [`verify_compiled`](super::verify_compiled)
/// would make it. A role without an inline policy is proved by
/// [`verify_compiled_with`](super::verify_compiled_with), as are users.
pub fn role_proofs<'c>(
    compiled: &'c Compiled,
) -> Box<dyn Fn(usize) -> Option<(usize, Report)> + Sync + 'c> {
    let project = Project::new(compiled);
    let bounded =
        || (compiled.roles.iter().enumerate()).filter(|(_, role)| role.boundary_arn.is_some());
    let boundaries = prepared_boundaries(
        &project,
        bounded().map(|(_, role)| role.boundary_arn.as_deref().unwrap_or_default()),
    );
    // The last inline policy of each role: its proof reads them all.
    let mut last_inline: foldhash::HashMap<&str, usize> =
        foldhash::HashMap::with_capacity_and_hasher(compiled.roles.len(), Default::default());
    for (i, document) in compiled.documents.iter().enumerate() {
        if let (DocumentKind::RoleInline, Some(owner)) = (document.kind, &document.owner) {
            last_inline.insert(owner.as_str(), i);
        }
    }
    // For each document, the bounded role whose proof runs once it is linted: one index per
    // document instead of two lookups by name (at 100,000 roles this setup, on one thread,
    // was ~3% of `check`'s CPU time with the maps).
    let mut proof_of: Vec<Option<usize>> = vec![None; compiled.documents.len()];
    for (role, info) in bounded() {
        if let Some(&last) = last_inline.get(info.name.as_str()) {
            proof_of[last] = Some(role);
        }
    }
    drop(last_inline);
    Box::new(move |i| {
        let role = proof_of[i]?;
        let principal = Bounded::Role(&compiled.roles[role]);
        Some((role, project.prove(&principal, &boundaries)))
    })
}
