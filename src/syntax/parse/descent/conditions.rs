//! The rules of a `when`: clauses, tests, operator calls, condition keys and `values`.

use super::*;

impl Parser<'_> {
    // ---- conditions ---------------------------------------------------------------------------

    /// `condition = { kw_when ~ clause ~ (kw_and ~ clause)* }`
    pub(super) fn condition(&mut self) -> Option<(Vec<Spanned<Clause>>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_WHEN) {
            return self.fail(Expected::Condition, start, mark);
        }
        self.skip();
        let Some((clause, end)) = self.clause() else {
            return self.fail(Expected::Condition, start, mark);
        };
        self.scratch.clauses.clear();
        self.scratch.clauses.push(clause);
        let mut last = end.tru;
        self.skip();
        let mut first = true;
        while let Some((clause, end)) =
            self.separated_round(&mut first, |p| p.kw(KW_AND), Self::clause)
        {
            self.scratch.clauses.push(clause);
            last = end.tru;
        }
        let clauses = take_all(&mut self.scratch.clauses);
        Some((clauses, self.ended(last)))
    }

    /// `clause = { operator_call | quantifier? ~ condition_key ~ test ~ if_exists? }`
    pub(super) fn clause(&mut self) -> Option<(Spanned<Clause>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        let (clause, last) = if let Some((name, key, values, last)) = self.operator_call() {
            let clause = Clause {
                quantifier: None,
                key,
                test: Test::Operator { name, values },
                if_exists: false,
            };
            (clause, last)
        } else {
            let quantifier = self.quantifier();
            self.skip();
            let Some(key) = self.condition_key() else {
                return self.fail(Expected::Clause, start, mark);
            };
            self.skip();
            let Some((test, mut last)) = self.test() else {
                return self.fail(Expected::Clause, start, mark);
            };
            self.skip();
            let if_exists = self.if_exists();
            if if_exists {
                last = self.pos;
            }
            let clause = Clause {
                quantifier,
                key,
                test,
                if_exists,
            };
            (clause, last)
        };
        let end = self.ended(last);
        Some((Spanned::new(clause, self.span(start, end)), end))
    }

    /// `quantifier = { kw_any | kw_all }`
    pub(super) fn quantifier(&mut self) -> Option<Quantifier> {
        let start = self.pos;
        let mark = self.mark(start);
        if self.kw(KW_ANY) {
            return Some(Quantifier::Any);
        }
        if self.kw(KW_ALL) {
            return Some(Quantifier::All);
        }
        self.fail(Expected::Quantifier, start, mark)
    }

    /// `if_exists = { kw_if ~ kw_exists }`
    pub(super) fn if_exists(&mut self) -> bool {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_IF) {
            return self.fail::<()>(Expected::IfExists, start, mark).is_some();
        }
        self.skip();
        self.kw(KW_EXISTS) || self.fail::<()>(Expected::IfExists, start, mark).is_some()
    }

    /// `test = _{ exists_test | compare_test | like_test | in_test }`; the end is the true end
    /// of the test's last child.
    pub(super) fn test(&mut self) -> Option<(Test, usize)> {
        // exists_test = { kw_not? ~ kw_exists }
        let start = self.pos;
        let mark = self.mark(start);
        let negated = self.kw(KW_NOT);
        self.skip();
        if self.kw(KW_EXISTS) {
            return Some((Test::Exists { negated }, self.pos));
        }
        self.fail::<()>(Expected::ExistsTest, start, mark);
        // compare_test = { compare_op ~ values }
        let mark = self.mark(start);
        let ops = [
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<=", CompareOp::Le),
            (">=", CompareOp::Ge),
            ("<", CompareOp::Lt),
            (">", CompareOp::Gt),
        ];
        match ops
            .into_iter()
            .find(|(symbol, _)| self.bytes[start..].starts_with(symbol.as_bytes()))
        {
            Some((symbol, op)) => {
                self.pos = start + symbol.len();
                self.skip();
                match self.values() {
                    Some((values, end)) => {
                        let last = self.close(end.tru, self.pos);
                        return Some((Test::Compare { op, values }, last));
                    }
                    None => {
                        self.fail::<()>(Expected::CompareTest, start, mark);
                    }
                }
            }
            None => {
                self.miss(Expected::CompareOp, start);
                self.fail::<()>(Expected::CompareTest, start, mark);
            }
        }
        // like_test = { kw_not? ~ kw_like ~ values }, in_test = { kw_not? ~ kw_in ~ values }
        for (keyword, rule) in [(KW_LIKE, Expected::LikeTest), (KW_IN, Expected::InTest)] {
            let mark = self.mark(start);
            let negated = self.kw(KW_NOT);
            self.skip();
            if self.kw(keyword) {
                self.skip();
                if let Some((values, end)) = self.values() {
                    let test = if rule == Expected::LikeTest {
                        Test::Like { negated, values }
                    } else {
                        Test::In { negated, values }
                    };
                    return Some((test, self.close(end.tru, self.pos)));
                }
            }
            self.fail::<()>(rule, start, mark);
        }
        None
    }

    /// `operator_call = { operator_name ~ "(" ~ condition_key ~ "," ~ values ~ ")" }`,
    /// `operator_name = @{ ASCII_ALPHA_UPPER ~ (ASCII_ALPHANUMERIC | ":")* }`
    #[allow(clippy::type_complexity)]
    pub(super) fn operator_call(
        &mut self,
    ) -> Option<(Spanned<Text>, Spanned<Str>, Vec<Value>, usize)> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.bytes.get(start).is_some_and(u8::is_ascii_uppercase) {
            self.miss(Expected::OperatorName, start);
            return self.fail(Expected::OperatorCall, start, mark);
        }
        let end = start
            + 1
            + self.bytes[start + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b':')
                .count();
        let name = Spanned::new(self.owned(start, end), Span::new(self.file, start, end));
        self.pos = end;
        self.skip();
        if !self.lit(b'(') {
            return self.fail(Expected::OperatorCall, start, mark);
        }
        self.skip();
        let Some(key) = self.condition_key() else {
            return self.fail(Expected::OperatorCall, start, mark);
        };
        self.skip();
        if !self.need(b',') {
            return self.fail(Expected::OperatorCall, start, mark);
        }
        self.skip();
        let Some((values, end)) = self.values() else {
            return self.fail(Expected::OperatorCall, start, mark);
        };
        self.skip();
        if !self.need(b')') {
            return self.fail(Expected::OperatorCall, start, mark);
        }
        let last = self.close(end.tru, self.pos);
        Some((name, key, values, last))
    }

    /// `condition_key = ${ string | key_text }`, `key_text = @{ key_part ~ ":" ~ key_tail }`
    pub(super) fn condition_key(&mut self) -> Option<Spanned<Str>> {
        let start = self.pos;
        let mark = self.mark(start);
        if let Some(string) = self.string() {
            return Some(Spanned::new(string, self.span(start, End::leaf(self.pos))));
        }
        let key_text = |b: &[u8], p: usize| {
            let part = run(b, p, KEY_PART);
            if part == p || b.get(part) != Some(&b':') {
                return None;
            }
            let tail = part + 1;
            let end = tail
                + b[tail..]
                    .iter()
                    .take_while(|c| is(KEY_PART, **c) || **c == b'/' || **c == b':')
                    .count();
            (end > tail).then_some(end)
        };
        match self.atom(Expected::KeyText, key_text) {
            Some(at) => Some(Spanned::new(
                Str::literal(self.owned(at, self.pos)),
                self.span(at, End::leaf(self.pos)),
            )),
            None => self.fail(Expected::ConditionKey, start, mark),
        }
    }

    /// `values = { "[" ~ value ~ ("," ~ value)* ~ ","? ~ "]" | value }`
    pub(super) fn values(&mut self) -> Option<(Vec<Value>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        if self.lit(b'[') {
            self.skip();
            if let Some(first) = self.value() {
                self.scratch.values.clear();
                self.scratch.values.push(first);
                let mut last = self.pos;
                self.skip();
                self.repeat_values(&mut last);
                self.skip();
                self.trailing_comma();
                self.skip();
                if self.need(b']') {
                    let values = take_all(&mut self.scratch.values);
                    return Some((values, self.ended(last)));
                }
            }
            self.pos = start;
        }
        match self.value() {
            Some(value) => Some((vec![value], End::leaf(self.pos))),
            None => self.fail(Expected::Values, start, mark),
        }
    }
}
