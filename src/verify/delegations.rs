//! A project's delegations: each one's scope as the project declares it, the documents its
//! holders have, and its proof ([`Project::delegation`]): the delegation safety check of its
//! policy and boundary, the names under its prefix, the project principals it hands out or that
//! trust what its holders control, and the warnings on its boundary.
//!
//! In: the indexed project ([`Project`]) and one `DelegationInfo`. Out: its [`Report`].

use super::*;

impl<'a> Project<'a> {
    /// The delegation's scope, as the project declares it.
    pub(super) fn scope(&self, info: &crate::compile::output::DelegationInfo) -> Scope {
        Scope::of(self.compiled, info)
    }

    /// What the holders of a delegation may do: the delegation policy, then the policies the
    /// project gives its principals (`to`); notes about principals or policies the project
    /// does not hold; and the ARNs of the principals themselves and, for groups, their members.
    pub(super) fn holders(
        &self,
        info: &crate::compile::output::DelegationInfo,
    ) -> (Vec<LocatedDocument>, Vec<String>, Vec<String>) {
        let compiled = self.compiled;
        let mut identity = Vec::new();
        let mut notes = Vec::new();
        let mut own = Vec::new();
        // The delegation policy, or the parts it was split into.
        let parts: Vec<&str> = (compiled.splits.iter())
            .filter(|s| s.kind == DocumentKind::Delegation && s.name == info.name)
            .flat_map(|s| &s.parts)
            .filter_map(|part| {
                (compiled.documents.iter())
                    .find(|d| d.kind == DocumentKind::Delegation && d.name == *part)
                    .map(|d| d.arn.as_str())
            })
            .collect();
        let own_documents = std::iter::once(info.arn.as_str()).chain(parts.iter().copied());
        for arn in own_documents.clone() {
            if let Some(d) = self.by_arn.get(arn) {
                identity.push(d.located(format!("delegation {}", info.name)));
            }
        }
        for (kind, name, arn) in &info.to {
            own.push(arn.clone());
            let (inline_kind, attached) = match kind.as_str() {
                "role" => (
                    DocumentKind::RoleInline,
                    compiled
                        .roles
                        .iter()
                        .find(|r| &r.name == name)
                        .map(|r| &r.attached_policy_arns),
                ),
                "user" => (
                    DocumentKind::UserInline,
                    compiled
                        .users
                        .iter()
                        .find(|u| &u.name == name)
                        .map(|u| &u.attached_policy_arns),
                ),
                _ => (
                    DocumentKind::GroupInline,
                    compiled
                        .groups
                        .iter()
                        .find(|g| &g.name == name)
                        .map(|g| &g.attached_policy_arns),
                ),
            };
            if kind == "group" {
                own.extend(
                    compiled
                        .users
                        .iter()
                        .filter(|u| u.groups.contains(name))
                        .map(|u| u.arn.clone()),
                );
            }
            let Some(attached) = attached else {
                notes.push(format!(
                    "{kind} {name} is not in the project: only the delegation policy was checked for it"
                ));
                continue;
            };
            for d in self.inline(inline_kind, name) {
                // Kept whole by the compiler for this proof (`compile::Options::stream_roles`).
                assert!(d.dropped_size.is_none(), "{} was dropped", d.name);
                identity.push(d.located(format!("{kind} {name}")));
            }
            let others: Vec<String> = attached
                .iter()
                .filter(|a| !own_documents.clone().any(|own| own == a.as_str()))
                .cloned()
                .collect();
            let mut attached_docs = Vec::new();
            let not_in_project = self.attached(&others, &mut attached_docs, &mut Vec::new());
            identity.extend(attached_docs.into_iter().map(LocatedDocument::cloned));
            for arn in not_in_project {
                notes.push(format!(
                    "{kind} {name} also has {arn}, which is not in the project and was not checked"
                ));
            }
        }
        own.sort();
        own.dedup();
        (identity, notes, own)
    }

    pub(super) fn delegation(&self, info: &crate::compile::output::DelegationInfo) -> Report {
        let compiled = self.compiled;
        let scope = self.scope(info);
        let mut report = Report::default();
        let label = format!("delegation {}", info.name);
        let names_under_prefix =
            under_prefix::protected_names(compiled, info, &scope, &label, &mut report);
        // Project roles and users the holders can pass or manage must carry the boundary.
        let bounded = |b: &Option<String>| b.as_deref() == Some(info.boundary_arn.as_str());
        let names = Names::of(&scope);
        let mut unbounded = Vec::new();
        for (role, rest) in compiled.roles.iter().zip(self.role_names()) {
            if rest.is_some_and(|rest| names.may_cover(rest)) && !bounded(&role.boundary_arn) {
                unbounded.push((role.arn.clone(), role.span, "role", &role.name));
            }
        }
        if info.create_users {
            for user in &compiled.users {
                let rest = after_kind("user", &user.arn);
                if rest.is_some_and(|rest| names.may_cover(rest)) && !bounded(&user.boundary_arn) {
                    unbounded.push((user.arn.clone(), user.span, "user", &user.name));
                }
            }
        }
        for (arn, span, kind, name) in &unbounded {
            report.diagnostics.push(
                Diagnostic::new(
                    Code::DelegationEscalation,
                    format!(
                        "{kind} `{name}` is under the prefix of {label} but does not have boundary {}",
                        info.boundary_name
                    ),
                )
                .at(*span, format!("holders of {} can pass or change `{arn}`", info.name))
                .with_label(info.prefix_span, "the delegated prefix")
                .with_help(format!(
                    "give it `boundary {}`, or a name outside the prefix",
                    info.boundary_name
                )),
            );
        }

        // The delegation policy and the policies the project gives its principals.
        let (identity, notes, own) = self.holders(info);
        let boundary = (self.by_arn.get(info.boundary_arn.as_str()))
            .map(|d| d.located(format!("boundary {}", info.boundary_name)));
        // The boundaries of the holders the project declares: a request on one carries it.
        let roles = (compiled.roles.iter()).map(|r| (&r.arn, &r.boundary_arn));
        let users = (compiled.users.iter()).map(|u| (&u.arn, &u.boundary_arn));
        let known: Vec<real::Known> = (roles.chain(users))
            .filter(|(arn, _)| own.contains(arn))
            .map(|(arn, boundary)| (arn.clone(), boundary.clone()))
            .collect();
        let mut safety = delegation_safety::check_delegation_knowing(
            &identity,
            boundary.as_ref(),
            &scope,
            &own,
            &known,
            &label,
            info.prefix_span,
        );
        // A boundary that itself lets holders escalate is one finding, not also a wider one.
        let at_boundary = |d: &Diagnostic| {
            let statements = boundary.as_ref().map_or(&[][..], |b| &b.spans[..]);
            d.primary
                .as_ref()
                .is_some_and(|p| statements.contains(&p.span))
        };
        let boundary_escapes = safety.diagnostics.iter().any(at_boundary);
        if notes.is_empty() && identity.len() > 1 && !boundary_escapes {
            report
                .diagnostics
                .extend(self.boundary_beyond_holders(info, &identity[1..]));
        }
        if info.create_users {
            report.diagnostics.extend(self.guardrails_not_carried(info));
        }
        let trusting = self
            .trusting
            .get_or_init(|| trusting_holders::trusting_roles(compiled));
        let errors_before = report.diagnostics.iter().filter(|d| d.is_error()).count();
        let not_decided = trusting_holders::check(
            compiled,
            trusting,
            info,
            &scope,
            boundary.as_ref(),
            &identity,
            &mut report,
        );
        let trusts_holders =
            report.diagnostics.iter().filter(|d| d.is_error()).count() > errors_before;
        let subject = safety.subjects.last_mut().expect("one subject");
        if !not_decided.is_empty() && subject.verdict == Verdict::Proved {
            subject.verdict = Verdict::Unknown;
            subject.summary = format!("{label}: unknown");
            report.diagnostics.push(undecided(
                format!("cannot prove that {label} allows no escalation"),
                info.prefix_span,
                &not_decided,
            ));
        }
        subject.unknown.extend(not_decided);
        subject.kind = "delegation".into();
        subject.name = info.name.clone();
        subject.notes.extend(notes);
        let boundary_content = match boundary {
            Some(_) => "the project defines it, with the denies that make it self-propagating, and what it allows the roles the holders create was checked against the same envelope",
            None => "not in the project, so its content was not checked: the roles the holders create can do whatever it allows",
        };
        subject.assumptions = delegation_safety::assumptions(
            &scope,
            &Facts {
                account_source: "the project's account".into(),
                boundary_content: boundary_content.into(),
                seen: {
                    // The first document is the delegation policy itself.
                    let mut seen: Vec<String> =
                        identity.iter().skip(1).map(|d| d.name.clone()).collect();
                    seen.dedup();
                    seen
                },
            },
        );
        let problems = report.diagnostics.iter().any(Diagnostic::is_error);
        if problems && subject.verdict != Verdict::Violated {
            subject.verdict = Verdict::Violated;
            subject.summary = format!(
                "{label}: {}",
                if !names_under_prefix.is_empty() {
                    "a protected policy falls under the prefix"
                } else if trusts_holders {
                    "a project role trusts principals the holders control"
                } else {
                    "project principals under the prefix lack the boundary"
                }
            );
        }
        report.merge(safety);
        report
    }
}

impl Project<'_> {
    /// W0505 when the delegation's boundary allows a request that the holders' own policies
    /// (`holders`, every one of them in the project) do not: the roles they create can then do
    /// more than they can. One warning, with one such request.
    fn boundary_beyond_holders(
        &self,
        info: &crate::compile::output::DelegationInfo,
        holders: &[LocatedDocument],
    ) -> Option<Diagnostic> {
        let boundary = self.by_arn.get(info.boundary_arn.as_str())?;
        let docs: Vec<_> = holders.iter().map(|d| d.policy.clone()).collect();
        let verdict = reason::contained_with(
            std::slice::from_ref(&boundary.policy),
            &docs,
            reason::Options {
                known_actions: &[],
                catalog: Some(Catalog::get()),
            },
        );
        let reason::Containment::Escapes {
            counterexamples, ..
        } = verdict
        else {
            return None;
        };
        let first = counterexamples.first()?;
        let holders_names: Vec<&str> = info.to.iter().map(|(_, name, _)| name.as_str()).collect();
        Some(
            Diagnostic::new(
                Code::DelegationWarning,
                format!(
                    "boundary {} allows more than the holders of delegation {} may do themselves",
                    info.boundary_name, info.name
                ),
            )
            .at(
                info.boundary_span,
                format!(
                    "allows {}, which {} may not",
                    show(&first.request),
                    holders_names.join(", ")
                ),
            )
            .with_note("the roles the holders create can do what the holders cannot")
            .with_help(format!(
                "narrow boundary {} to what the holders may do, or accept it with `// iamx:allow W0505 \"why\"`",
                info.boundary_name
            )),
        )
    }
}

impl Project<'_> {
    /// W0505 when the project's groups carry `Deny` statements (guardrails such as "no work
    /// without MFA") that the boundary of a `create_users` delegation does not: the users its
    /// holders create belong to no group, so only the boundary can hold them back. A guardrail
    /// counts as carried when the boundary has the same statement (actions, resources and
    /// conditions), whatever its Sid.
    fn guardrails_not_carried(
        &self,
        info: &crate::compile::output::DelegationInfo,
    ) -> Option<Diagnostic> {
        let boundary = self.by_arn.get(info.boundary_arn.as_str())?;
        let same = |a: &crate::iam::policy::Statement, b: &crate::iam::policy::Statement| {
            a.effect == b.effect
                && a.action == b.action
                && a.not_action == b.not_action
                && a.resource == b.resource
                && a.not_resource == b.not_resource
                && a.condition == b.condition
        };
        let mut missing: Vec<String> = Vec::new();
        for group in &self.compiled.groups {
            let mut docs: Vec<LocatedDocument<&PolicyDocument>> = self
                .inline(DocumentKind::GroupInline, &group.name)
                .iter()
                .map(|d| d.located_ref(format!("group {}", group.name)))
                .collect();
            let guardrails: Vec<String> = group
                .attached_policy_arns
                .iter()
                .filter(|arn| !self.compiled.delegations.iter().any(|d| &&d.arn == arn))
                .cloned()
                .collect();
            self.attached(&guardrails, &mut docs, &mut Vec::new());
            for doc in &docs {
                let uncarried = doc.policy.statements.iter().any(|s| {
                    s.effect == crate::iam::policy::Effect::Deny
                        && !boundary.policy.statements.iter().any(|b| same(s, b))
                });
                if uncarried && !missing.contains(&doc.name) {
                    missing.push(doc.name.clone());
                }
            }
        }
        if missing.is_empty() {
            return None;
        }
        Some(
            Diagnostic::new(
                Code::DelegationWarning,
                format!(
                    "users created under delegation {} escape the denies of the project's groups",
                    info.name
                ),
            )
            .at(
                info.create_users_span.unwrap_or(info.span),
                "the users created here join no group",
            )
            .with_label(info.boundary_span, "this boundary does not repeat those denies")
            .with_note(format!(
                "users the holders create belong to no group; denies in {} do not reach them",
                missing.join(", ")
            ))
            .with_help(format!(
                "repeat those denies in boundary {}, or accept it with `// iamx:allow W0505 \"why\"`",
                info.boundary_name
            )),
        )
    }
}
