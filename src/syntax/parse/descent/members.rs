//! The rules below the top level: members of a block, conditions, actions and values.

use super::*;

/// How a `kw ~ value_list` setting is built.
type ListSetting = fn(Vec<Value>) -> Setting;
/// How a `kw ~ value` setting is built.
type ValueSetting = fn(Value) -> Setting;

impl Parser<'_> {
    /// `member = _{ statement | trust | use_template | path_setting | ... }`, in the grammar's
    /// order, which decides what is tried (and reported) before what.
    pub(super) fn member(&mut self) -> Option<(Member, End)> {
        let start = self.pos;
        if let Some((statement, end)) = self.statement() {
            let span = self.span(start, end);
            return Some((Member::Statement(Spanned::new(statement, span)), end));
        }
        if let Some((trust, end)) = self.trust() {
            let span = self.span(start, end);
            return Some((Member::Trust(Spanned::new(trust, span)), end));
        }
        if let Some((use_, end)) = self.use_template() {
            let span = self.span(start, end);
            return Some((Member::Use(Spanned::new(use_, span)), end));
        }
        let (setting, end) = self.setting()?;
        let span = self.span(start, end);
        Some((Member::Setting(Spanned::new(setting, span)), end))
    }

    pub(super) fn setting(&mut self) -> Option<(Setting, End)> {
        let one_value: [(Keyword, Expected, ValueSetting); 3] = [
            (KW_PATH, Expected::PathSetting, Setting::Path),
            (
                KW_DESCRIPTION,
                Expected::DescriptionSetting,
                Setting::Description,
            ),
            (KW_BOUNDARY, Expected::BoundarySetting, Setting::Boundary),
        ];
        for (keyword, rule, build) in one_value {
            if let Some(value) = self.kw_value(keyword, rule) {
                return Some((build(value), End::leaf(self.pos)));
            }
        }
        if let Some(found) = self.instance_profile_setting() {
            return Some(found);
        }
        if let Some(found) = self.max_session_setting() {
            return Some(found);
        }
        if let Some(found) = self.tag_setting() {
            return Some(found);
        }
        let lists: [(Keyword, Expected, ListSetting); 2] = [
            (KW_ATTACH, Expected::AttachSetting, Setting::Attach),
            (KW_GROUPS, Expected::GroupsSetting, Setting::Groups),
        ];
        for (keyword, rule, build) in lists {
            if let Some((values, end)) = self.kw_value_list(keyword, rule) {
                return Some((build(values), end));
            }
        }
        if let Some(found) = self.setting_to() {
            return Some(found);
        }
        if let Some(value) = self.kw_value(KW_PREFIX, Expected::PrefixSetting) {
            return Some((Setting::Prefix(value), End::leaf(self.pos)));
        }
        if let Some((values, end)) = self.kw_value_list(KW_PASS_TO, Expected::PassToSetting) {
            return Some((Setting::PassTo(values), end));
        }
        if self.kw_alone(KW_CREATE_USERS, Expected::CreateUsersSetting) {
            return Some((Setting::CreateUsers, End::leaf(self.pos)));
        }
        if self.kw_alone(KW_AWS_MANAGED, Expected::AwsManagedSetting) {
            return Some((Setting::AwsManaged, End::leaf(self.pos)));
        }
        if let Some((values, end)) = self.kw_value_list(KW_TAG_KEYS, Expected::TagKeysSetting) {
            return Some((Setting::TagKeys(values), end));
        }
        if self.kw_alone(KW_LOGIN_PROFILES, Expected::LoginProfilesSetting) {
            return Some((Setting::LoginProfiles, End::leaf(self.pos)));
        }
        None
    }

    /// A rule that is one keyword: `{ kw }`.
    pub(super) fn kw_alone(&mut self, keyword: Keyword, rule: Expected) -> bool {
        let start = self.pos;
        let mark = self.mark(start);
        self.kw(keyword) || self.fail::<()>(rule, start, mark).is_some()
    }

    /// `{ kw ~ value_list }`
    pub(super) fn kw_value_list(
        &mut self,
        keyword: Keyword,
        rule: Expected,
    ) -> Option<(Vec<Value>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(keyword) {
            return self.fail(rule, start, mark);
        }
        self.skip();
        match self.value_list() {
            Some((values, end)) => Some((values, self.ended(end.tru))),
            None => self.fail(rule, start, mark),
        }
    }

    /// The end of a rule that ends here, whose last child truly ends at `last`.
    pub(super) fn ended(&self, last: usize) -> End {
        End {
            raw: self.pos,
            tru: self.close(last, self.pos),
        }
    }

    /// `instance_profile_setting = { kw_instance_profile ~ string? }`
    pub(super) fn instance_profile_setting(&mut self) -> Option<(Setting, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_INSTANCE_PROFILE) {
            return self.fail(Expected::InstanceProfileSetting, start, mark);
        }
        let mut last = self.pos;
        self.skip();
        let at = self.pos;
        let value = self.string().map(|string| {
            last = self.pos;
            Spanned::new(ValueKind::Str(string), self.span(at, End::leaf(self.pos)))
        });
        Some((Setting::InstanceProfile(value), self.ended(last)))
    }

    /// `max_session_setting = { kw_max_session ~ duration }`, with
    /// `duration = @{ ASCII_DIGIT+ ~ ("h" | "m" | "s")? ~ !ident_char }`
    pub(super) fn max_session_setting(&mut self) -> Option<(Setting, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_MAX_SESSION) {
            return self.fail(Expected::MaxSessionSetting, start, mark);
        }
        self.skip();
        let duration = |b: &[u8], p: usize| {
            let mut i = digits(b, p, usize::MAX);
            if i == p {
                return None;
            }
            if b.get(i).is_some_and(|c| b"hms".contains(c)) {
                i += 1;
            }
            (!ident_char_at(b, i)).then_some(i)
        };
        let Some(at) = self.atom(Expected::Duration, duration) else {
            return self.fail(Expected::MaxSessionSetting, start, mark);
        };
        let text = Spanned::new(self.owned(at, self.pos), Span::new(self.file, at, self.pos));
        Some((Setting::MaxSession(text), End::leaf(self.pos)))
    }

    /// `tag_setting = { kw_tag ~ name ~ "=" ~ value }`
    pub(super) fn tag_setting(&mut self) -> Option<(Setting, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_TAG) {
            return self.fail(Expected::TagSetting, start, mark);
        }
        self.skip();
        let Some(key) = self.name() else {
            return self.fail(Expected::TagSetting, start, mark);
        };
        self.skip();
        if !self.need(b'=') {
            return self.fail(Expected::TagSetting, start, mark);
        }
        self.skip();
        let Some(value) = self.value() else {
            return self.fail(Expected::TagSetting, start, mark);
        };
        Some((Setting::Tag { key, value }, End::leaf(self.pos)))
    }

    /// `to_setting = { kw_to ~ principal_ref_kind ~ value_list }`, with
    /// `principal_ref_kind = { kw_user | kw_group | kw_role }`
    pub(super) fn setting_to(&mut self) -> Option<(Setting, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_TO) {
            return self.fail(Expected::ToSetting, start, mark);
        }
        self.skip();
        let at = self.pos;
        let kind_mark = self.mark(at);
        let kind = if self.kw(KW_USER) {
            PrincipalRefKind::User
        } else if self.kw(KW_GROUP) {
            PrincipalRefKind::Group
        } else if self.kw(KW_ROLE) {
            PrincipalRefKind::Role
        } else {
            self.fail::<()>(Expected::PrincipalRefKind, at, kind_mark);
            return self.fail(Expected::ToSetting, start, mark);
        };
        let kind = Spanned::new(kind, self.span(at, End::leaf(self.pos)));
        self.skip();
        let Some((names, end)) = self.value_list() else {
            return self.fail(Expected::ToSetting, start, mark);
        };
        Some((Setting::To { kind, names }, self.ended(end.tru)))
    }

    // ---- statements, trusts, uses -------------------------------------------------------------

    /// `statement = { sid? ~ effect ~ not_action? ~ action_list ~ kw_on ~ not_resource?
    /// ~ value_list ~ condition? }`
    pub(super) fn statement(&mut self) -> Option<(Statement, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        let sid = self.sid();
        self.skip();
        let at = self.pos;
        let Some(effect) = self.effect() else {
            return self.fail(Expected::Statement, start, mark);
        };
        let effect = Spanned::new(effect, self.span(at, End::leaf(self.pos)));
        self.skip();
        let not_action = self.except(Expected::NotAction);
        self.skip();
        let Some((actions, _)) = self.action_list() else {
            return self.fail(Expected::Statement, start, mark);
        };
        self.skip();
        if !self.kw(KW_ON) {
            return self.fail(Expected::Statement, start, mark);
        }
        self.skip();
        let not_resource = self.except(Expected::NotResource);
        self.skip();
        let Some((resources, mut last)) = self.value_list() else {
            return self.fail(Expected::Statement, start, mark);
        };
        self.skip();
        let conditions = match self.condition() {
            Some((conditions, end)) => {
                last = end;
                conditions
            }
            None => Vec::new(),
        };
        let statement = Statement {
            sid: sid.map(Box::new),
            effect,
            not_action,
            actions,
            not_resource,
            resources,
            conditions,
        };
        Some((statement, self.ended(last.tru)))
    }

    /// `sid = ${ sid_name ~ ":" }`, `sid_name = @{ (ASCII_ALPHANUMERIC | "_" | "-")+ }`
    pub(super) fn sid(&mut self) -> Option<Ident> {
        let start = self.pos;
        let mark = self.mark(start);
        let end = run(self.bytes, start, IDENT_CHAR);
        if end == start {
            self.miss(Expected::SidName, start);
            return self.fail(Expected::Sid, start, mark);
        }
        if self.bytes.get(end) != Some(&b':') {
            return self.fail(Expected::Sid, start, mark);
        }
        self.pos = end + 1;
        Some(Spanned::new(
            self.owned(start, end),
            Span::new(self.file, start, end),
        ))
    }

    /// `effect = { kw_allow | kw_deny }`
    pub(super) fn effect(&mut self) -> Option<Effect> {
        let start = self.pos;
        let mark = self.mark(start);
        if self.kw(KW_ALLOW) {
            return Some(Effect::Allow);
        }
        if self.kw(KW_DENY) {
            return Some(Effect::Deny);
        }
        self.fail(Expected::Effect, start, mark)
    }

    /// `not_action`, `not_resource`, `not_principal`: `{ kw_except }`
    pub(super) fn except(&mut self, rule: Expected) -> bool {
        self.kw_alone(KW_EXCEPT, rule)
    }

    /// `action_list = { action ~ ("," ~ action)* }`
    pub(super) fn action_list(&mut self) -> Option<(Vec<Spanned<Action>>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        let Some((first, end)) = self.action() else {
            return self.fail(Expected::ActionList, start, mark);
        };
        self.scratch.actions.clear();
        self.scratch.actions.push(first);
        let mut last = end.tru;
        self.skip();
        let mut first = true;
        while let Some((action, end)) =
            self.separated_round(&mut first, |p| p.lit(b','), Self::action)
        {
            self.scratch.actions.push(action);
            last = end.tru;
        }
        let actions = take_all(&mut self.scratch.actions);
        Some((actions, self.ended(last)))
    }

    /// `action = ${ any_action | quoted_action | service_prefix ~ ":" ~ (access_levels
    /// | action_group | action_name) }`
    pub(super) fn action(&mut self) -> Option<(Spanned<Action>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        let b = self.bytes;
        let (node, end) = if b.get(start) == Some(&b'*') {
            self.pos = start + 1;
            (Action::Any, End::leaf(self.pos))
        } else if let Some(text) = {
            self.miss(Expected::AnyAction, start);
            self.quoted_action()
        } {
            (Action::Unchecked(text), End::leaf(self.pos))
        } else {
            let prefix_end = run(b, start, SERVICE);
            if prefix_end == start {
                self.miss(Expected::ServicePrefix, start);
                return self.fail(Expected::Action, start, mark);
            }
            if b.get(prefix_end) != Some(&b':') {
                return self.fail(Expected::Action, start, mark);
            }
            let service = self.owned(start, prefix_end);
            self.pos = prefix_end + 1;
            if let Some((levels, end)) = self.access_levels() {
                (Action::Levels { service, levels }, end)
            } else if let Some((names, end)) = self.action_group() {
                (Action::Named { service, names }, end)
            } else {
                let at = self.pos;
                let name_end = run(b, at, ACTION_NAME);
                if name_end == at {
                    self.miss(Expected::ActionName, at);
                    return self.fail(Expected::Action, start, mark);
                }
                self.pos = name_end;
                let name =
                    Spanned::new(self.owned(at, name_end), Span::new(self.file, at, name_end));
                (
                    Action::Named {
                        service,
                        names: vec![name],
                    },
                    End::leaf(name_end),
                )
            }
        };
        let raw = self.pos;
        let end = End {
            raw,
            tru: self.close(end.tru, raw),
        };
        Some((Spanned::new(node, self.span(start, end)), end))
    }

    /// `quoted_action = ${ "\"" ~ quoted_text ~ "\"" }`,
    /// `quoted_text = @{ (!("\"" | "\n" | " ") ~ ANY)+ }`
    pub(super) fn quoted_action(&mut self) -> Option<Text> {
        let start = self.pos;
        let mark = self.mark(start);
        if self.bytes.get(start) != Some(&b'"') {
            return self.fail(Expected::QuotedAction, start, mark);
        }
        let from = start + 1;
        let end = from
            + self.bytes[from..]
                .iter()
                .position(|c| matches!(c, b'"' | b'\n' | b' '))
                .unwrap_or(self.bytes.len() - from);
        if end == from {
            self.miss(Expected::QuotedText, from);
            return self.fail(Expected::QuotedAction, start, mark);
        }
        if self.bytes.get(end) != Some(&b'"') {
            return self.fail(Expected::QuotedAction, start, mark);
        }
        self.pos = end + 1;
        Some(self.owned(from, end))
    }

    /// `access_levels = !{ "level" ~ "(" ~ level_name ~ ("," ~ level_name)* ~ ","? ~ ")" }`,
    /// `level_name = @{ ASCII_ALPHA ~ (ASCII_ALPHA | "_")* }`
    pub(super) fn access_levels(&mut self) -> Option<(Vec<Spanned<Text>>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.bytes[start..].starts_with(b"level") {
            return self.fail(Expected::AccessLevels, start, mark);
        }
        self.pos += 5;
        self.skip();
        if !self.lit(b'(') {
            return self.fail(Expected::AccessLevels, start, mark);
        }
        self.skip();
        let level = |b: &[u8], p: usize| {
            let alpha = |c: &u8| c.is_ascii_alphabetic();
            b.get(p).filter(|c| alpha(c))?;
            Some(
                p + 1
                    + b[p + 1..]
                        .iter()
                        .take_while(|c| alpha(c) || **c == b'_')
                        .count(),
            )
        };
        self.separated(
            Expected::AccessLevels,
            start,
            mark,
            b')',
            Expected::LevelName,
            level,
        )
    }

    /// `action_group = !{ "{" ~ action_name ~ ("," ~ action_name)* ~ ","? ~ "}" }`
    pub(super) fn action_group(&mut self) -> Option<(Vec<Spanned<Text>>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.lit(b'{') {
            return self.fail(Expected::ActionGroup, start, mark);
        }
        self.skip();
        let name = |b: &[u8], p: usize| Some(run(b, p, ACTION_NAME)).filter(|&end| end > p);
        self.separated(
            Expected::ActionGroup,
            start,
            mark,
            b'}',
            Expected::ActionName,
            name,
        )
    }

    /// The rest of `access_levels` and `action_group`: `word ~ ("," ~ word)* ~ ","? ~ close`.
    pub(super) fn separated(
        &mut self,
        rule: Expected,
        start: usize,
        mark: usize,
        close: u8,
        word: Expected,
        end: fn(&[u8], usize) -> Option<usize>,
    ) -> Option<(Vec<Spanned<Text>>, End)> {
        self.scratch.words.clear();
        let take = |parser: &mut Self| {
            let at = parser.atom(word, end)?;
            let span = Span::new(parser.file, at, parser.pos);
            let word = Spanned::new(parser.owned(at, parser.pos), span);
            parser.scratch.words.push(word);
            Some(parser.pos)
        };
        let Some(mut last) = take(self) else {
            return self.fail(rule, start, mark);
        };
        self.skip();
        let mut first = true;
        while let Some(end) = self.separated_round(&mut first, |p| p.lit(b','), take) {
            last = end;
        }
        self.skip();
        self.trailing_comma();
        self.skip();
        if !self.need(close) {
            return self.fail(rule, start, mark);
        }
        let words = take_all(&mut self.scratch.words);
        Some((words, self.ended(last)))
    }

    /// `trust = { kw_trust ~ trust_deny? ~ not_principal? ~ principal_kind ~ value_list?
    /// ~ trust_actions? ~ condition? }`
    pub(super) fn trust(&mut self) -> Option<(Trust, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_TRUST) {
            return self.fail(Expected::Trust, start, mark);
        }
        let mut last = self.pos;
        self.skip();
        let deny = self.kw_alone(KW_DENY, Expected::TrustDeny);
        if deny {
            last = self.pos;
        }
        self.skip();
        let not_principal = self.except(Expected::NotPrincipal);
        if not_principal {
            last = self.pos;
        }
        self.skip();
        let at = self.pos;
        let kind_mark = self.mark(at);
        let kinds = [
            (KW_SERVICE, PrincipalKind::Service),
            (KW_ACCOUNT, PrincipalKind::Account),
            (KW_AWS, PrincipalKind::Aws),
            (KW_FEDERATED, PrincipalKind::Federated),
            (KW_ANYONE, PrincipalKind::Anyone),
        ];
        let Some(kind) = kinds.into_iter().find(|(keyword, _)| self.kw(*keyword)) else {
            self.fail::<()>(Expected::PrincipalKind, at, kind_mark);
            return self.fail(Expected::Trust, start, mark);
        };
        let kind = Spanned::new(kind.1, self.span(at, End::leaf(self.pos)));
        last = self.pos.max(last);
        self.skip();
        let principals = match self.value_list() {
            Some((values, end)) => {
                last = end.tru;
                values
            }
            None => Vec::new(),
        };
        self.skip();
        let actions = match self.trust_actions() {
            Some((actions, end)) => {
                last = end.tru;
                actions
            }
            None => Vec::new(),
        };
        self.skip();
        let conditions = match self.condition() {
            Some((conditions, end)) => {
                last = end.tru;
                conditions
            }
            None => Vec::new(),
        };
        let trust = Trust {
            deny,
            not_principal,
            kind,
            principals,
            actions,
            conditions,
        };
        Some((trust, self.ended(last)))
    }

    /// `trust_actions = { kw_actions ~ action_list }`
    pub(super) fn trust_actions(&mut self) -> Option<(Vec<Spanned<Action>>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_ACTIONS) {
            return self.fail(Expected::TrustActions, start, mark);
        }
        self.skip();
        match self.action_list() {
            Some((actions, end)) => Some((actions, self.ended(end.tru))),
            None => self.fail(Expected::TrustActions, start, mark),
        }
    }

    /// `use_template = { kw_use ~ template_ref ~ "(" ~ arguments? ~ ")" }`, with
    /// `template_ref = ${ ident ~ ("." ~ ident)? }` and
    /// `arguments = { value ~ ("," ~ value)* ~ ","? }`
    pub(super) fn use_template(&mut self) -> Option<(Use, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_USE) {
            return self.fail(Expected::UseTemplate, start, mark);
        }
        self.skip();
        let at = self.pos;
        let ref_mark = self.mark(at);
        let Some(first) = self.ident() else {
            self.fail::<()>(Expected::TemplateRef, at, ref_mark);
            return self.fail(Expected::UseTemplate, start, mark);
        };
        let (module, template) = {
            let save = self.pos;
            if self.lit(b'.') {
                match self.ident() {
                    Some(second) => (Some(first), second),
                    None => {
                        self.pos = save;
                        (None, first)
                    }
                }
            } else {
                (None, first)
            }
        };
        let mut last = self.pos;
        self.skip();
        if !self.need(b'(') {
            return self.fail(Expected::UseTemplate, start, mark);
        }
        self.skip();
        let args_start = self.pos;
        let args_mark = self.mark(args_start);
        let mut arguments = Vec::new();
        match self.value() {
            Some(first) => {
                self.scratch.values.clear();
                self.scratch.values.push(first);
                let mut last_value = self.pos;
                self.skip();
                self.repeat_values(&mut last_value);
                self.skip();
                self.trailing_comma();
                last = self.close(last_value, self.pos);
                arguments = take_all(&mut self.scratch.values);
            }
            None => {
                self.fail::<()>(Expected::Arguments, args_start, args_mark);
            }
        }
        self.skip();
        if !self.need(b')') {
            return self.fail(Expected::UseTemplate, start, mark);
        }
        let use_ = Use {
            module: module.map(Box::new),
            template,
            arguments,
        };
        Some((use_, self.ended(last)))
    }
}
