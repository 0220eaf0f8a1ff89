//! What an escaping request of a delegation means: its class (an escalation in any account, one
//! that depends on what the account holds, or a warning), what the action really does, and a fix
//! that fits the statement that allowed it.
//!
//! In: one request that escapes the safe envelope, the delegation's scope and its own
//! principals. Out: a [`Finding`].

use super::delegation_safety::{applies, is};
use super::*;
use crate::iam::actions::*;
use crate::iam::names::iam_arn_parts;

/// How bad an escaping request is, which decides its code and whether it fails the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// Possible whatever the account holds: an error (E0502).
    Escalation,
    /// Needs something to exist in the account (an unbounded role under the prefix, ...): a
    /// warning (W0504) that names what it assumes; `--strict` makes it an error.
    Conditional,
    /// Not an escalation, but wider than the delegation pattern (W0505).
    Warning,
}

impl Class {
    pub(super) fn code(self) -> Code {
        match self {
            Class::Escalation => Code::DelegationEscalation,
            Class::Conditional => Code::ConditionalEscalation,
            Class::Warning => Code::DelegationWarning,
        }
    }

    pub(super) fn word(self) -> &'static str {
        match self {
            Class::Escalation => "escalation",
            Class::Conditional => "conditional",
            Class::Warning => "warning",
        }
    }

    pub(super) fn noun(self) -> &'static str {
        match self {
            Class::Escalation => "an escalation",
            Class::Conditional => "a conditional escalation",
            Class::Warning => "more than the delegation pattern",
        }
    }
}

/// One classified escaping request: what the action does, the account state it needs (for
/// conditional escalations) and a fix that fits it.
pub(super) struct Finding {
    pub(super) class: Class,
    /// Groups requests that take the same path, so each statement reports it once.
    pub(super) category: String,
    pub(super) what: String,
    pub(super) assumption: Option<String>,
    pub(super) help: String,
}

impl Finding {
    pub(super) fn new(class: Class, category: &str, what: String, help: String) -> Finding {
        Finding {
            class,
            category: category.to_string(),
            what,
            assumption: None,
            help,
        }
    }

    pub(super) fn assuming(mut self, assumption: String) -> Finding {
        self.assumption = Some(assumption);
        self
    }
}

/// `role `service-x``, `managed policy `admin``: the target of a request, for messages.
pub(super) fn target(resource: &str) -> String {
    match iam_arn_parts(resource) {
        Some((_, kind, name)) => {
            let kind = match kind {
                "policy" => "managed policy",
                "instance-profile" => "instance profile",
                other => other,
            };
            format!("{kind} `{name}`")
        }
        None => format!("`{resource}`"),
    }
}

/// What an action really does to its target, as the start of a sentence.
pub(super) fn does(request: &Request) -> String {
    let action = request.action.as_str();
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    let t = target(&request.resource);
    let verb = |text: &str| text.replace("{t}", &t);
    match name.to_ascii_lowercase().as_str() {
        "createrole" | "createuser" | "createpolicy" | "createinstanceprofile" => {
            verb("creates {t}")
        }
        "putrolepolicy" | "putuserpolicy" | "putgrouppolicy" => {
            verb("writes an inline policy of {t}")
        }
        "deleterolepolicy" | "deleteuserpolicy" | "deletegrouppolicy" => {
            verb("deletes an inline policy of {t}")
        }
        "attachrolepolicy" | "attachuserpolicy" | "attachgrouppolicy" => {
            verb("attaches a managed policy to {t}")
        }
        "detachrolepolicy" | "detachuserpolicy" | "detachgrouppolicy" => {
            verb("detaches a managed policy from {t}")
        }
        "putrolepermissionsboundary" | "putuserpermissionsboundary" => {
            verb("sets the permissions boundary of {t}")
        }
        "deleterolepermissionsboundary" | "deleteuserpermissionsboundary" => {
            verb("removes the permissions boundary of {t}")
        }
        "updateassumerolepolicy" => verb("rewrites who may assume {t}"),
        "passrole" => match request.context.get("iam:PassedToService") {
            Some([service]) => format!("passes {t} to `{service}`"),
            _ => verb("passes {t} to a service"),
        },
        "createpolicyversion" => verb("writes a new version of {t}"),
        "setdefaultpolicyversion" => verb("changes which version of {t} is in force"),
        "deletepolicyversion" => verb("deletes a version of {t}"),
        "deletepolicy" | "deleterole" | "deleteuser" | "deleteinstanceprofile" => {
            verb("deletes {t}")
        }
        "createaccesskey" => verb("creates an access key for {t}"),
        "updateaccesskey" => verb("re-enables or disables an access key of {t}"),
        "createloginprofile" => verb("sets a console password for {t}"),
        "updateloginprofile" => verb("changes the console password of {t}"),
        "addusertogroup" => verb("adds a user to {t}"),
        "addroletoinstanceprofile" => verb("puts a role into {t}"),
        "removerolefrominstanceprofile" => verb("takes a role out of {t}"),
        n if n.starts_with("tag") || n.starts_with("untag") => verb("changes the tags of {t}"),
        _ => format!("performs `{action}` on {t}"),
    }
}

/// `role/service-*`: a delegated name pattern without the ARN's start, for messages. The
/// resource part follows the fifth colon: a prefix may hold `${aws:username}`.
pub(super) fn short(pattern: &str) -> &str {
    crate::iam::names::arn_parts(pattern).map_or(pattern, |parts| parts[5])
}

/// Whether `request` names one of the delegated names of `kind`. IAM names are unique without
/// regard to case, so the comparison ignores case: `Service-X` is as much the holders' as
/// `service-x` (a holder cannot create one while the other exists).
pub(super) fn in_scope(scope: &Scope, kind: &str, request: &Request) -> bool {
    let mut lower = request.clone();
    lower.resource = request.resource.to_lowercase();
    applies(&scope.names(kind).to_lowercase(), &lower)
        && !applies(&scope.deeper(kind).to_lowercase(), &lower)
}

/// The AWS path a role name starts with (`service-role/`), in any case.
pub(super) fn reserved_path(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    AWS_PATHS.iter().copied().find(|p| lower.starts_with(p))
}

/// Whether `request` acts on the user that sends it: its resource is `user/NAME` (any path) and
/// `aws:username` is NAME. IAM user names are unique whatever their case.
pub(super) fn is_the_callers_own_user(request: &Request) -> bool {
    let Some(("user", name)) = iam_arn_parts(&request.resource).map(|(_, kind, name)| (kind, name))
    else {
        return false;
    };
    let name = name.rsplit('/').next().unwrap_or(name);
    matches!(request.context.get("aws:username"), Some([caller]) if caller.eq_ignore_ascii_case(name))
}

/// Classifies an escaping request: what it does, how bad it is, and how to fix it.
pub(super) fn classify(request: &Request, scope: &Scope, own: &[String]) -> Finding {
    use Class::*;
    let action = request.action.as_str();
    let resource = request.resource.as_str();
    let does = does(request);
    let boundary = &scope.boundary_arn;
    let (kind, name) = iam_arn_parts(resource).map_or(("", ""), |(_, k, n)| (k, n));
    let names = short(&scope.names(if kind == "user" { "user" } else { "role" })).to_string();
    let carried = request
        .context
        .get(BOUNDARY_KEY)
        .and_then(|v| v.first())
        .map(String::as_str);
    let require = format!(
        "allow it only with `\"StringEquals\": {{\"iam:PermissionsBoundary\": \"{boundary}\"}}`"
    );
    if is(REMOVE_BOUNDARY, action) {
        return Finding::new(
            Escalation,
            "remove-boundary",
            format!("{does}: it is then limited by its own policies alone"),
            "deny `iam:DeleteRolePermissionsBoundary` and `iam:DeleteUserPermissionsBoundary` on `*`".into(),
        );
    }
    let delegation = scope.delegation_policies();
    for (protected, category, what) in [
        (
            vec![boundary.as_str()],
            "boundary-edit",
            "the boundary every delegated role must carry",
        ),
        (
            delegation,
            "delegation-edit",
            "the delegation policy itself",
        ),
    ] {
        if protected.iter().any(|p| p.eq_ignore_ascii_case(resource)) {
            let help = if in_scope(scope, "policy", request) {
                // A deny does not help a name the holders own: the prefix hands it to them.
                format!(
                    "give the policy a name outside the delegated names `{}`",
                    short(&scope.names("policy"))
                )
            } else {
                format!(
                    "deny `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`, `iam:DeletePolicyVersion`, `iam:DeletePolicy`, `iam:TagPolicy` and `iam:UntagPolicy` on `{resource}`"
                )
            };
            return Finding::new(Escalation, category, format!("{does}, {what}"), help);
        }
    }
    if own.iter().any(|o| o.eq_ignore_ascii_case(resource)) {
        return Finding::new(
            Escalation,
            "own-principal",
            format!("{does}, which holds this delegation: its holders can raise their own rights"),
            "deny policy, boundary and trust writes on the delegation's own principals".into(),
        );
    }
    // The caller's own user: its credentials are its own (at most more than the pattern
    // names), its policies its own rights; anything else is judged as on any user.
    if delegation::holders_may_be_users(own) && is_the_callers_own_user(request) {
        if is(SELF_SERVICE, action) {
            return Finding::new(
                Warning,
                "own-credentials",
                format!("{does}, the caller's own user: it acts as itself, outside what the delegation pattern names"),
                format!("scope the statement to `{}`", short(&scope.names("user"))),
            );
        }
        if is(SELF_CHANGE, action) {
            return Finding::new(
                Escalation,
                "own-principal",
                format!("{does}, the caller's own user: a holder can raise its own rights"),
                "do not allow holders to write the policies of their own user (`user/${aws:username}`, or `user/*`)".into(),
            );
        }
    }
    if is(CREDENTIALS, action) && kind == "user" && in_scope(scope, "user", request) {
        // A delegated user carries the boundary (holders create users only with it): acting
        // as one gives no more than the boundary, unless one already exists without it.
        let users = short(&scope.names("user")).to_string();
        return Finding::new(
            Conditional,
            "credentials-in-prefix",
            format!("{does}, a delegated user: the holder can act as that user, which the delegation pattern does not include"),
            if action.to_ascii_lowercase().contains("loginprofile") {
                "give the delegation `login_profiles` (`--login-profiles` with `--delegation`) if holders should set console passwords, or do not allow it".to_string()
            } else {
                format!("do not allow credential actions on `{users}`")
            },
        )
        .assuming(format!("a user named `{users}` exists without the boundary"));
    }
    if is(CREDENTIALS, action) {
        return Finding::new(
            Escalation,
            "credentials",
            format!(
                "{does}, a user outside the delegated names `{}`: the holder can act as that user",
                short(&scope.names("user"))
            ),
            format!(
                "allow credential actions only on `{}`",
                short(&scope.names("user"))
            ),
        );
    }
    if is(SELF_SERVICE, action) && kind == "user" && in_scope(scope, "user", request) {
        // Deleting, deactivating or resyncing a delegated user's credentials gives no one any
        // rights; the ways in were answered just above.
        return Finding::new(
            Warning,
            "credentials-housekeeping",
            format!("{does}, a delegated user: it gives no one more rights, but the delegation pattern does not include it"),
            format!("remove `{action}` unless holders should manage the credentials of the users they create"),
        );
    }
    if action.eq_ignore_ascii_case("iam:AddUserToGroup") {
        return Finding::new(
            Escalation,
            "group-membership",
            format!("{does}: the user gains the group's policies (a group carries no boundary of its own)"),
            "do not allow `iam:AddUserToGroup` to the holders, nor in their boundary".into(),
        );
    }
    if is(GROUP_POLICY, action) {
        return Finding::new(
            Conditional,
            "group-policy",
            format!("{does}, whose members get it without a boundary of the group's"),
            "do not allow group policy writes to the holders, nor in their boundary".into(),
        )
        .assuming(format!(
            "{} has members without the boundary",
            target(resource)
        ));
    }
    let scoped = matches!(kind, "role" | "user" | "policy" | "instance-profile")
        && in_scope(scope, kind, request);
    if is(CREATES_OR_REBOUNDS, action) {
        return match carried {
            None => Finding::new(
                Escalation,
                "create-unbounded",
                format!("{does} without a permissions boundary"),
                require,
            ),
            // Any AWS managed policy may be one: iamx does not hold their list.
            Some(other) if other != boundary => Finding::new(
                Escalation,
                "create-other-boundary",
                format!("{does} with boundary `{other}` instead of `{boundary}`"),
                format!("the statement lets another boundary through: require exactly `{boundary}` with `StringEquals` on `iam:PermissionsBoundary`"),
            ),
            Some(_) => Finding::new(
                Warning,
                "outside-bounded",
                format!("{does}, outside the delegated names `{names}`; it carries the boundary"),
                format!("scope the statement to `{names}`"),
            ),
        };
    }
    let role_write = is(ESCALATING, action) || action.eq_ignore_ascii_case("iam:PassRole");
    // A role there that carries the boundary is as safe as one under the prefix.
    if kind == "role" && role_write && carried != Some(boundary.as_str()) {
        if let Some(path) = reserved_path(name) {
            return Finding::new(
                Escalation,
                "reserved-path",
                format!("{does}, under AWS's own path `/{path}`, where AWS and the console create roles without boundaries"),
                "deny these actions on `role/service-role/*`, `role/aws-service-role/*` and `role/aws-reserved/*`, or give the delegation a `path` of its own".into(),
            );
        }
    }
    if role_write && matches!(kind, "role" | "user") {
        let what_kind = if kind == "user" { "user" } else { "role" };
        return match (scoped, carried) {
            (true, None) => Finding::new(
                Conditional,
                "unbounded-in-prefix",
                format!("{does} when it has no permissions boundary"),
                format!("{require}, so that only {what_kind}s that carry the boundary can be changed"),
            )
            .assuming(format!("a {what_kind} named `{names}` exists without the boundary (one an administrator, a pipeline or the console created)")),
            (true, Some(other)) => Finding::new(
                Conditional,
                "other-boundary-in-prefix",
                format!("{does} when it has boundary `{other}` instead of `{boundary}`"),
                format!("require exactly `{boundary}` with `StringEquals` on `iam:PermissionsBoundary`"),
            )
            .assuming(format!("a {what_kind} named `{names}` exists with another boundary")),
            (false, _) if action.eq_ignore_ascii_case("iam:PassRole") => Finding::new(
                Conditional,
                "pass-outside",
                format!("{does}, outside the delegated names `{names}`"),
                format!("scope `iam:PassRole` to `{names}`"),
            )
            .assuming(format!("{} exists with rights beyond the boundary", target(resource))),
            (false, Some(b)) if b == boundary => Finding::new(
                Warning,
                "outside-bounded",
                format!("{does}, outside the delegated names `{names}`; it already carries the boundary, so it stays inside it"),
                format!("scope the statement to `{names}`, so holders change only what they manage"),
            ),
            (false, _) => Finding::new(
                Conditional,
                "outside-unbounded",
                format!("{does}, outside the delegated names `{names}`"),
                format!("scope the statement to `{names}` and {require}"),
            )
            .assuming(format!("{} exists without the boundary", target(resource))),
        };
    }
    let lower = action.to_ascii_lowercase();
    if scoped && (lower.starts_with("iam:tag") || lower.starts_with("iam:untag")) {
        let keys = request.context.get("aws:TagKeys").unwrap_or_default();
        let other: Vec<&str> = (keys.iter())
            .filter(|k| !scope.tag_keys.iter().any(|t| t.eq_ignore_ascii_case(k)))
            .map(String::as_str)
            .collect();
        if !other.is_empty() {
            return Finding::new(
                Conditional,
                "tag-keys",
                format!(
                    "{does} with tag key `{}`, which is not one of the delegation's tag keys ({})",
                    other.join("`, `"),
                    scope.tag_keys.join(", ")
                ),
                format!(
                    "allow tag writes only with `\"ForAllValues:StringEquals\": {{\"aws:TagKeys\": [...]}}` over the delegation's tag keys, or add `{}` to them",
                    other[0]
                ),
            )
            .assuming(format!(
                "policies or trusts in the account grant access by the tag `{}`",
                other[0]
            ));
        }
    }
    if matches!(kind, "role" | "user") && !scoped {
        if lower.starts_with("iam:tag") || lower.starts_with("iam:untag") {
            return Finding::new(
                Conditional,
                "outside-tags",
                format!("{does}, outside the delegated names `{names}`"),
                format!("scope tag writes to `{names}`"),
            )
            .assuming(format!(
                "policies in the account grant access by the tags of {}",
                target(resource)
            ));
        }
        return Finding::new(
            Warning,
            "outside-other",
            format!("{does}, outside the delegated names `{names}`"),
            format!("scope the statement to `{names}`"),
        );
    }
    if kind == "policy" && !scoped {
        let policies = short(&scope.names("policy")).to_string();
        let help = format!("scope policy writes to `{policies}`");
        if is(
            &[
                "iam:CreatePolicyVersion",
                "iam:SetDefaultPolicyVersion",
                "iam:DeletePolicyVersion",
            ],
            action,
        ) {
            return Finding::new(
                Conditional,
                "outside-policy-edit",
                format!("{does}, outside the delegated names `{policies}`"),
                help,
            )
            .assuming(format!(
                "{} is attached to a principal without the boundary",
                target(resource)
            ));
        }
        return Finding::new(
            Warning,
            "outside-policy",
            format!("{does}, outside the delegated names `{policies}`"),
            help,
        );
    }
    if kind == "instance-profile" && !scoped {
        let profiles = short(&scope.names("instance-profile")).to_string();
        let finding = |class| {
            Finding::new(
                class,
                "outside-profile",
                format!("{does}, outside the delegated names `{profiles}`"),
                format!("scope instance profile writes to `{profiles}`"),
            )
        };
        // Only the role inside a profile decides what its instances may do.
        if is(
            &[
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
            ],
            action,
        ) {
            return finding(Conditional).assuming(format!(
                "EC2 instances a holder can reach use {}",
                target(resource)
            ));
        }
        return finding(Warning);
    }
    Finding::new(
        Escalation,
        "other",
        format!("{does}: an IAM write the delegation pattern does not include"),
        format!("remove `{action}`, or scope it to the delegated names"),
    )
}
