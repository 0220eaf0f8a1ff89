//! The rules of values: value lists, the value shapes, strings and bare ARNs.

use super::*;

impl Parser<'_> {
    // ---- values -------------------------------------------------------------------------------

    /// `value_list = { value ~ ("," ~ value)* }`
    pub(super) fn value_list(&mut self) -> Option<(Vec<Value>, End)> {
        let start = self.pos;
        let mark = self.mark(start);
        let Some(first) = self.value() else {
            return self.fail(Expected::ValueList, start, mark);
        };
        self.scratch.values.clear();
        self.scratch.values.push(first);
        let mut last = self.pos;
        self.skip();
        self.repeat_values(&mut last);
        let values = take_all(&mut self.scratch.values);
        Some((values, self.ended(last)))
    }

    /// `value = { string | bare_arn | star | date | cidr | number | boolean | bare_path
    /// | dns_name | value_name }`. A value ends where its text does.
    pub(super) fn value(&mut self) -> Option<Value> {
        let start = self.pos;
        let mark = self.mark(start);
        let kind = if let Some(string) = self.string() {
            ValueKind::Str(string)
        } else if let Some(arn) = self.bare_arn() {
            ValueKind::Str(arn)
        } else if self
            .atom(Expected::Star, |b, p| {
                (b.get(p) == Some(&b'*')).then_some(p + 1)
            })
            .is_some()
        {
            ValueKind::Star
        } else if self.atom(Expected::Date, date_end).is_some() {
            ValueKind::Date(self.owned(start, self.pos))
        } else if self.atom(Expected::Cidr, cidr_end).is_some() {
            ValueKind::Cidr(self.owned(start, self.pos))
        } else if self.atom(Expected::Number, number_end).is_some() {
            ValueKind::Number(self.owned(start, self.pos))
        } else if self.atom(Expected::Boolean, boolean_end).is_some() {
            ValueKind::Bool(self.bytes[start] == b't')
        } else if self.atom(Expected::BarePath, bare_path_end).is_some() {
            ValueKind::Str(Str::literal(self.owned(start, self.pos)))
        } else if self.atom(Expected::DnsName, dns_name_end).is_some() {
            ValueKind::DnsName(self.owned(start, self.pos))
        } else if self.atom(Expected::ValueName, value_name_end).is_some() {
            ValueKind::Name(self.owned(start, self.pos))
        } else {
            return self.fail(Expected::Value, start, mark);
        };
        Some(Spanned::new(kind, self.span(start, End::leaf(self.pos))))
    }

    /// `string = ${ "\"" ~ (interpolation | escape | text)* ~ "\"" }`, with
    /// `escape = @{ "\\" ~ ("\"" | "\\" | "n" | "t" | "$") }` and
    /// `text = @{ (!("\"" | "\\" | "${" | "\n") ~ ANY)+ }`
    pub(super) fn string(&mut self) -> Option<Str> {
        let start = self.pos;
        let mark = self.mark(start);
        if self.bytes.get(start) != Some(&b'"') {
            return self.fail(Expected::String, start, mark);
        }
        self.pos = start + 1;
        self.scratch.parts.clear();
        loop {
            if let Some(name) = self.interpolation() {
                self.scratch.parts.push(StrPart::Interpolation(name));
                continue;
            }
            let p = self.pos;
            let b = self.bytes;
            if b.get(p) == Some(&b'\\') {
                let unescaped = match b.get(p + 1) {
                    Some(b'n') => Some("\n"),
                    Some(b't') => Some("\t"),
                    Some(b'"') => Some("\""),
                    Some(b'\\') => Some("\\"),
                    Some(b'$') => Some("$"),
                    _ => None,
                };
                if let Some(unescaped) = unescaped {
                    push_text(&mut self.scratch.parts, unescaped);
                    self.pos = p + 2;
                    continue;
                }
            }
            self.miss(Expected::Escape, p);
            let mut end = p;
            while let Some(&c) = b.get(end) {
                if c == b'"'
                    || c == b'\\'
                    || c == b'\n'
                    || (c == b'$' && b.get(end + 1) == Some(&b'{'))
                {
                    break;
                }
                end += 1;
            }
            if end == p {
                self.miss(Expected::Text, p);
                break;
            }
            push_text(&mut self.scratch.parts, &self.text[p..end]);
            self.pos = end;
        }
        if !self.need(b'"') {
            return self.fail(Expected::String, start, mark);
        }
        let parts = take_all(&mut self.scratch.parts);
        Some(Str { parts })
    }

    /// `interpolation = ${ "${" ~ interpolation_name ~ "}" }`,
    /// `interpolation_name = @{ (!("}" | "\"" | "\n") ~ ANY)+ }`
    pub(super) fn interpolation(&mut self) -> Option<Spanned<Text>> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.bytes[start..].starts_with(b"${") {
            return self.fail(Expected::Interpolation, start, mark);
        }
        let from = start + 2;
        let end = from
            + self.bytes[from..]
                .iter()
                .position(|c| matches!(c, b'}' | b'"' | b'\n'))
                .unwrap_or(self.bytes.len() - from);
        if end == from {
            self.miss(Expected::InterpolationName, from);
            return self.fail(Expected::Interpolation, start, mark);
        }
        if self.bytes.get(end) != Some(&b'}') {
            return self.fail(Expected::Interpolation, start, mark);
        }
        self.pos = end + 1;
        Some(Spanned::new(
            self.owned(from, end),
            self.span(from, End::leaf(end)),
        ))
    }

    /// `bare_arn = ${ arn_head ~ (interpolation | arn_text)* }`, with
    /// `arn_head = @{ "arn:" ~ arn_char* }` and `arn_text = @{ arn_char+ }`
    pub(super) fn bare_arn(&mut self) -> Option<Str> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.bytes[start..].starts_with(b"arn:") {
            self.miss(Expected::ArnHead, start);
            return self.fail(Expected::BareArn, start, mark);
        }
        let head = arn_chars(self.bytes, start + 4);
        self.pos = head;
        self.scratch.parts.clear();
        let head = StrPart::Text(self.owned(start, head));
        self.scratch.parts.push(head);
        loop {
            if let Some(name) = self.interpolation() {
                self.scratch.parts.push(StrPart::Interpolation(name));
                continue;
            }
            let p = self.pos;
            let end = arn_chars(self.bytes, p);
            if end == p {
                self.miss(Expected::ArnText, p);
                break;
            }
            push_text(&mut self.scratch.parts, &self.text[p..end]);
            self.pos = end;
        }
        let parts = take_all(&mut self.scratch.parts);
        Some(Str { parts })
    }
}

/// Adds text to a string, joined to the text before it.
fn push_text(parts: &mut Vec<StrPart>, text: &str) {
    match parts.last_mut() {
        Some(StrPart::Text(previous)) => previous.push_str(text),
        _ => parts.push(StrPart::Text(Text::from(text))),
    }
}
