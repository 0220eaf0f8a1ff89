//! A role's trust policy as the escalation graph reads it: who it names (to pick candidate
//! callers without evaluating every pair) and whether it lets one caller assume the role.
//!
//! In: the trust policy document. Out: a [`Trust`] whose [`Trust::allows`] decides one caller
//! (an IAM principal of the account or a service) on a concrete `sts:AssumeRole` request, with
//! the engine's own action and condition semantics (`reason::statement_applies` on the statement
//! with its `Principal` matched here and its missing `Resource` read as the role itself).

use crate::iam::policy::{Effect, PolicyDocument, Principal, Statement};
use crate::reason::{account_principal, statement_applies, Request};

/// Who calls `sts:AssumeRole`: an IAM principal (its ARN and account) or an AWS service.
#[derive(Debug, Clone, Copy)]
pub(in crate::verify) enum Caller<'a> {
    Aws { arn: &'a str, account: &'a str },
    Service(&'a str),
}

/// The principals one statement names.
#[derive(Debug, Clone, Default)]
pub(in crate::verify) struct Named {
    /// `"*"` (either spelling): everyone.
    pub any: bool,
    /// Accounts named by ID or by `arn:...:root`.
    pub accounts: Vec<String>,
    /// Other `AWS` values (role and user ARNs), lowercased.
    pub arns: Vec<String>,
    /// `Service` values, lowercased.
    pub services: Vec<String>,
}

impl Named {
    fn of(principal: &Principal) -> Named {
        let mut named = Named::default();
        match principal {
            Principal::Any(_) => named.any = true,
            Principal::Map(map) => {
                for (kind, values) in map {
                    for value in values {
                        match kind.as_str() {
                            "AWS" if value == "*" => named.any = true,
                            "AWS" => match account_principal(value) {
                                Some(account) => named.accounts.push(account.to_string()),
                                None => named.arns.push(value.to_lowercase()),
                            },
                            "Service" => named.services.push(value.to_lowercase()),
                            _ => {}
                        }
                    }
                }
            }
        }
        named
    }

    /// Whether it names `caller`'s own ARN (not its account, not everyone).
    fn names_arn(&self, caller: Caller<'_>) -> bool {
        match caller {
            Caller::Aws { arn, .. } => self.arns.iter().any(|a| a.eq_ignore_ascii_case(arn)),
            Caller::Service(_) => false,
        }
    }

    fn names(&self, caller: Caller<'_>) -> bool {
        if self.any {
            return true;
        }
        match caller {
            Caller::Aws { arn, account } => {
                self.accounts.iter().any(|a| a == account)
                    || self.arns.iter().any(|a| a.eq_ignore_ascii_case(arn))
            }
            Caller::Service(service) => self
                .services
                .iter()
                .any(|s| s.eq_ignore_ascii_case(service)),
        }
    }
}

/// Whether an allowing statement of `trust` may let in an `AWS` principal of `account`: it names
/// the account, an ARN in it, or anyone (`*`, or any `NotPrincipal`). Read without copying, as
/// it is asked of every role of a project with delegations.
pub(in crate::verify) fn may_admit_account(trust: &PolicyDocument, account: &str) -> bool {
    let in_account = |value: &str| {
        value == "*"
            || account_principal(value) == Some(account)
            || crate::iam::names::arn_parts(value).is_some_and(|parts| parts[4] == account)
    };
    trust.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && (s.not_principal.is_some()
                || match s.principal.as_deref() {
                    Some(Principal::Any(_)) => true,
                    Some(Principal::Map(map)) => map.iter().any(|(kind, values)| {
                        kind == "AWS" && values.iter().any(|v| in_account(v))
                    }),
                    None => false,
                })
    })
}

struct TrustStatement {
    effect: Effect,
    named: Named,
    /// `NotPrincipal`: the statement is about everyone it does not name.
    negated: bool,
    /// The statement with its principal removed and `Resource: *`, for the engine.
    statement: Statement,
}

/// A role's trust policy, ready to decide callers.
pub(in crate::verify) struct Trust {
    statements: Vec<TrustStatement>,
}

/// A trust decision: allowed by statement N (0-based), not allowed, or not decidable (why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::verify) enum Verdict {
    Allowed(usize),
    Refused,
    Undecided(String),
}

impl Trust {
    pub fn new(document: &PolicyDocument) -> Trust {
        let statements = document
            .statements
            .iter()
            .map(|s| {
                let (named, negated) = match (&s.principal, &s.not_principal) {
                    (Some(p), _) => (Named::of(p), false),
                    (None, Some(p)) => (Named::of(p), true),
                    (None, None) => (Named::default(), false),
                };
                let mut statement = s.clone();
                statement.principal = None;
                statement.not_principal = None;
                statement.resource = Some(vec!["*".to_string()]);
                statement.not_resource = None;
                TrustStatement {
                    effect: s.effect,
                    named,
                    negated,
                    statement,
                }
            })
            .collect();
        Trust { statements }
    }

    /// The principals the allowing statements name (`NotPrincipal` allows count as `*`): a
    /// caller none of them names is never allowed.
    pub fn allowing(&self) -> impl Iterator<Item = Named> + '_ {
        self.statements
            .iter()
            .filter(|t| t.effect == Effect::Allow)
            .map(|t| match t.negated {
                true => Named {
                    any: true,
                    ..Named::default()
                },
                false => t.named.clone(),
            })
    }

    /// Values for the keys a caller of `sts:AssumeRole` sets itself (`--external-id`,
    /// `--role-session-name`, `--source-identity`), as the allowing statements' positive string
    /// tests ask for them, each wildcard read as `x`: whoever may call can send them, and an
    /// external ID written in a trust policy is no secret from the account. The first value
    /// asked for each key; negated and other tests are left to the keys' absence.
    pub fn caller_chosen(&self) -> Vec<(String, String)> {
        const CHOSEN: [&str; 3] = [
            "sts:ExternalId",
            "sts:RoleSessionName",
            "sts:SourceIdentity",
        ];
        let mut out: Vec<(String, String)> = Vec::new();
        let clauses = (self.statements.iter())
            .filter(|t| t.effect == Effect::Allow)
            .flat_map(|t| t.statement.condition.clauses());
        for (operator, key, values) in clauses {
            let operator = operator.strip_suffix("IfExists").unwrap_or(operator);
            let positive = matches!(
                operator,
                "StringEquals" | "StringLike" | "StringEqualsIgnoreCase"
            );
            let Some(key) = CHOSEN.iter().find(|k| k.eq_ignore_ascii_case(key)) else {
                continue;
            };
            if let (true, Some(value), false) =
                (positive, values.first(), out.iter().any(|(k, _)| k == key))
            {
                out.push((key.to_string(), value.replace(['*', '?'], "x")));
            }
        }
        out
    }

    /// Whether `caller` may make `request` (`sts:AssumeRole` on the role, with the caller's
    /// context): an allowing statement applies and no denying one does. A statement the engine
    /// cannot decide fails closed (an allow does not apply, a deny does) and is said.
    pub fn allows(&self, caller: Caller<'_>, request: &Request) -> Verdict {
        self.decide(caller, request, false)
    }

    /// [`Trust::allows`], with only the allowing statements whose `Principal` names the caller's
    /// own ARN (a user or role ARN, not its account nor `*`, not a `NotPrincipal`): such a
    /// statement grants the call to that principal directly (see `named.rs`). Every denying
    /// statement still applies.
    pub fn allows_by_arn(&self, caller: Caller<'_>, request: &Request) -> Verdict {
        self.decide(caller, request, true)
    }

    fn decide(&self, caller: Caller<'_>, request: &Request, by_arn: bool) -> Verdict {
        let mut allowed = None;
        let mut undecided = None;
        for (index, t) in self.statements.iter().enumerate() {
            if t.named.names(caller) == t.negated {
                continue;
            }
            if by_arn && t.effect == Effect::Allow && (t.negated || !t.named.names_arn(caller)) {
                continue;
            }
            match (statement_applies(&t.statement, request), t.effect) {
                (Ok(false), _) => {}
                (Ok(true), Effect::Deny) => return Verdict::Refused,
                (Err(why), Effect::Deny) => {
                    return Verdict::Undecided(format!("trust statement {}: {why}", index + 1))
                }
                (Ok(true), Effect::Allow) => allowed = allowed.or(Some(index)),
                (Err(why), Effect::Allow) => {
                    undecided = undecided.or(Some(format!("trust statement {}: {why}", index + 1)))
                }
            }
        }
        match (allowed, undecided) {
            (Some(index), _) => Verdict::Allowed(index),
            (None, Some(why)) => Verdict::Undecided(why),
            (None, None) => Verdict::Refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(json: &str) -> Trust {
        Trust::new(&crate::iam::read::policy_from_str(json).unwrap())
    }

    fn assume(role: &str) -> Request {
        Request::new("sts:AssumeRole", role)
    }

    const ROLE: &str = "arn:aws:iam::111122223333:role/target";

    #[test]
    fn principals_accounts_and_services_are_matched() {
        let t = trust(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},"Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        );
        let alice = Caller::Aws {
            arn: "arn:aws:iam::111122223333:user/alice",
            account: "111122223333",
        };
        let bob = Caller::Aws {
            arn: "arn:aws:iam::111122223333:user/bob",
            account: "111122223333",
        };
        let other = Caller::Aws {
            arn: "arn:aws:iam::444455556666:role/x",
            account: "444455556666",
        };
        assert_eq!(t.allows(alice, &assume(ROLE)), Verdict::Allowed(0));
        assert_eq!(t.allows(bob, &assume(ROLE)), Verdict::Refused);
        assert_eq!(t.allows(other, &assume(ROLE)), Verdict::Allowed(1));
        let lambda = Caller::Service("lambda.amazonaws.com");
        assert_eq!(t.allows(lambda, &assume(ROLE)), Verdict::Allowed(2));
        assert_eq!(
            t.allows(Caller::Service("ec2.amazonaws.com"), &assume(ROLE)),
            Verdict::Refused
        );
        // Another action is not trusted.
        let tag = Request::new("sts:TagSession", ROLE);
        assert_eq!(t.allows(alice, &tag), Verdict::Refused);
    }

    #[test]
    fn by_arn_only_a_statement_naming_the_caller_itself_allows() {
        let t = trust(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"},
            {"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole",
             "Condition":{"StringLike":{"aws:PrincipalArn":"*/blocked"}}}]}"#,
        );
        let caller = |arn| Caller::Aws {
            arn,
            account: "111122223333",
        };
        let alice = "arn:aws:iam::111122223333:user/alice";
        let bob = "arn:aws:iam::111122223333:user/bob";
        assert_eq!(t.allows(caller(bob), &assume(ROLE)), Verdict::Allowed(0));
        assert_eq!(
            t.allows_by_arn(caller(bob), &assume(ROLE)),
            Verdict::Refused
        );
        assert_eq!(
            t.allows_by_arn(caller(alice), &assume(ROLE)),
            Verdict::Allowed(1)
        );
        let blocked = "arn:aws:iam::111122223333:user/blocked";
        let named = trust(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/blocked"},"Action":"sts:AssumeRole"},
            {"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole",
             "Condition":{"StringLike":{"aws:PrincipalArn":"*/blocked"}}}]}"#,
        );
        let request = assume(ROLE).with("aws:PrincipalArn", blocked);
        assert_eq!(
            named.allows_by_arn(caller(blocked), &request),
            Verdict::Refused
        );
    }

    #[test]
    fn conditions_and_denies_decide() {
        let t = trust(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
             "Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}},
            {"Effect":"Deny","Principal":"*","Action":"sts:*",
             "Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/blocked"}}}]}"#,
        );
        let caller = |arn| Caller::Aws {
            arn,
            account: "111122223333",
        };
        let request = |arn: &str| {
            assume(ROLE)
                .with("aws:PrincipalArn", arn)
                .with("aws:PrincipalAccount", "111122223333")
        };
        let ok = "arn:aws:iam::111122223333:user/ok";
        let blocked = "arn:aws:iam::111122223333:user/blocked";
        assert_eq!(t.allows(caller(ok), &request(ok)), Verdict::Allowed(0));
        assert_eq!(
            t.allows(caller(blocked), &request(blocked)),
            Verdict::Refused
        );
        // Without the context the condition cannot hold.
        assert_eq!(t.allows(caller(ok), &assume(ROLE)), Verdict::Refused);
    }
}
