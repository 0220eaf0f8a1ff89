//! IAM's size and count quotas, in one table.
//!
//! In: what a document is to IAM ([`QuotaKind`]). Out: its character limit (white space outside
//! strings not counted, as IAM counts) and the words messages use for it. Source: IAM User
//! Guide, "IAM and AWS STS quotas" (character limits for policies).

/// What a policy document is, as far as IAM's size quotas go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaKind {
    /// A customer managed policy (also one used as a permissions boundary).
    ManagedPolicy,
    /// A role's trust policy.
    TrustPolicy,
    /// A role's inline policies, counted together.
    RoleInline,
    /// A user's inline policies, counted together.
    UserInline,
    /// A group's inline policies, counted together.
    GroupInline,
    /// An AWS Organizations service control policy (Organizations quotas).
    Scp,
}

impl QuotaKind {
    /// The most characters IAM accepts.
    pub const fn limit(self) -> usize {
        match self {
            QuotaKind::ManagedPolicy => 6144,
            QuotaKind::TrustPolicy => 2048,
            QuotaKind::RoleInline => 10240,
            QuotaKind::UserInline => 2048,
            QuotaKind::GroupInline => 5120,
            QuotaKind::Scp => 5120,
        }
    }

    /// How messages name what the quota applies to.
    pub fn name(self) -> &'static str {
        match self {
            QuotaKind::ManagedPolicy => "managed policy",
            QuotaKind::TrustPolicy => "role trust policy",
            QuotaKind::RoleInline => "role inline policies",
            QuotaKind::UserInline => "user inline policies",
            QuotaKind::GroupInline => "group inline policies",
            QuotaKind::Scp => "service control policy",
        }
    }
}

/// The most characters the IAM API takes as a `PolicyDocument` parameter (`CreatePolicy`,
/// `Put...Policy`, `CreateRole`'s trust), white space included: a document within its quota
/// but padded past this is refused before it is counted.
pub const DOCUMENT_PARAMETER: usize = 131_072;

/// IAM's default quota of managed policies attached to one role, user or group.
pub const ATTACHED_POLICIES: usize = 10;

/// The most IAM groups one user can be a member of: 10, a quota AWS does not raise ("Groups an
/// IAM user can be a member of", IAM User Guide, "IAM and AWS STS quotas").
pub const GROUPS_PER_USER: usize = 10;

/// How many characters IAM counts for `value`: those of its compact JSON text as `serde_json`
/// writes it (no white space outside strings), counted without writing the text. The layout
/// (which fields, one value or a list) stays in the `Serialize` impls; this only knows JSON.
/// Measuring every document of a 10,000-role project by writing it cost ~6% of `check`.
pub fn characters<T: serde::Serialize + ?Sized>(value: &T) -> Result<usize, Unsupported> {
    let mut count = Count(0);
    value.serialize(&mut count)?;
    Ok(count.0)
}

/// The characters of `text` as a JSON string, quotes included: `"` and `\` take two, as do the
/// control characters with a short escape (`\b \f \n \r \t`); the other control characters
/// take six (`\u001f`); any other character, one (`serde_json` writes non-ASCII as it is).
fn string_characters(text: &str) -> usize {
    if !needs_counting(text.as_bytes()) {
        return 2 + text.len();
    }
    2 + text
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | 0x08 | 0x0C | b'\n' | b'\r' | b'\t' => 2,
            0x00..=0x1F => 6,
            // A UTF-8 continuation byte: its character was counted at its first byte.
            0x80..=0xBF => 0,
            _ => 1,
        })
        .sum::<usize>()
}

/// Whether `bytes` holds a byte that is not one character as it is: `"`, `\`, a control
/// character or a byte of non-ASCII. Most strings of a policy hold none, so this tests eight
/// bytes at a time (the byte loop it replaces was left scalar in the binary to ship, ~2.5% of
/// the cycles of checking the AWS managed policies).
fn needs_counting(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of a byte of `word` that is zero, or of one after such a byte (a borrow
    // runs on): never set when no byte is zero, which is all the answer needs.
    let zero = |word: u64| word.wrapping_sub(ONES) & !word;
    let special = |word: u64| {
        (zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            // Under 0x20 (the same borrow test), or 0xA0 and over: the first byte of every
            // non-ASCII character is (0xC2-0xF4 in UTF-8).
            | word.wrapping_sub(ONES * 0x20))
            & HIGHS
    };
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    if bytes.len() < 8 {
        let mut padded = [b'a'; 8];
        padded[..bytes.len()].copy_from_slice(bytes);
        return special(u64::from_le_bytes(padded)) != 0;
    }
    // Whole words, then the last eight bytes (which may overlap the last word tested).
    let mut found = special(word(bytes.len() - 8));
    for at in (0..bytes.len() - 8).step_by(8) {
        found |= special(word(at));
    }
    found != 0
}

/// A value [`characters`] cannot measure: a map key that is not text (no policy has one).
#[derive(Debug)]
pub struct Unsupported(String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl serde::ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Unsupported(message.to_string())
    }
}

/// The running count: a serializer that writes nothing.
struct Count(usize);

/// A number's characters, as `serde_json` writes it (rare in policies: counted by writing it).
fn number<T: serde::Serialize>(count: &mut Count, value: T) -> Result<(), Unsupported> {
    let text = serde_json::to_string(&value).map_err(|e| Unsupported(e.to_string()))?;
    count.0 += text.len();
    Ok(())
}

/// The serializer's methods for numbers, each measured by [`number`].
macro_rules! numbers {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<(), Unsupported> {
            number(self, v)
        })*
    };
}

/// A compound value (list, object): `[`/`{`, the parts with `,` between them, `]`/`}`.
struct Compound<'a> {
    count: &'a mut Count,
    first: bool,
    /// The `}` of the `{"Variant": ...}` wrapper around a tuple or struct variant.
    wrapped: bool,
}

impl Compound<'_> {
    fn part(&mut self) {
        self.count.0 += usize::from(!self.first);
        self.first = false;
    }

    fn end(self) -> Result<(), Unsupported> {
        self.count.0 += 1 + usize::from(self.wrapped);
        Ok(())
    }

    fn element<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.part();
        value.serialize(&mut *self.count)
    }

    fn field<T: serde::Serialize + ?Sized>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.part();
        self.count.0 += string_characters(key) + 1;
        value.serialize(&mut *self.count)
    }
}

impl<'a> serde::Serializer for &'a mut Count {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.0 += if v { 4 } else { 5 };
        Ok(())
    }
    numbers! {
        serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64),
        serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64),
        serialize_f32(f32), serialize_f64(f64),
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.0 += string_characters(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unsupported> {
        number(self, v)
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.0 += 4;
        Ok(())
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        // `{"Variant":value}`
        self.0 += 2 + string_characters(variant) + 1;
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        self.0 += 1;
        Ok(Compound {
            count: self,
            first: true,
            wrapped: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        // `{"Variant":[...]}`
        self.0 += 1 + string_characters(variant) + 1 + 1;
        Ok(Compound {
            count: self,
            first: true,
            wrapped: true,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        self.serialize_seq(len)
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        self.serialize_tuple_variant(name, index, variant, len)
    }
}

/// The compound parts written as a list of values (`[a,b]`): the serializer traits of a
/// sequence, a tuple, a tuple struct and (inside its wrapper) a tuple variant.
macro_rules! list_parts {
    ($($trait:ident :: $method:ident),*) => {
        $(impl serde::ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn $method<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
                self.element(value)
            }
            fn end(self) -> Result<(), Unsupported> {
                Compound::end(self)
            }
        })*
    };
}

list_parts!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl serde::ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: serde::Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.part();
        // A key is written as text: only text keys are measured (policies have no others).
        let mut key_count = Count(0);
        key.serialize(KeyOnly(&mut key_count))?;
        self.count.0 += key_count.0 + 1;
        Ok(())
    }
    fn serialize_value<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(&mut *self.count)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

/// The compound parts written as an object of named fields (`{"a":1}`): a struct and (inside
/// its wrapper) a struct variant.
macro_rules! field_parts {
    ($($trait:ident),*) => {
        $(impl serde::ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn serialize_field<T: serde::Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Unsupported> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), Unsupported> {
                Compound::end(self)
            }
        })*
    };
}

field_parts!(SerializeStruct, SerializeStructVariant);

/// Measures a map key: text only, as IAM policies' keys all are.
struct KeyOnly<'a>(&'a mut Count);

/// Methods of [`KeyOnly`] for values that cannot be a key.
macro_rules! not_a_key {
    ($($method:ident($($arg:ty),*) $(-> $out:ty)?),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<not_a_key!(@out $($out)?), Unsupported> {
            Err(Unsupported(concat!("a map key must be text, not from ", stringify!($method)).into()))
        })*
    };
    (@out) => { () };
    (@out $out:ty) => { $out };
}

impl serde::Serializer for KeyOnly<'_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = serde::ser::Impossible<(), Unsupported>;
    type SerializeTuple = serde::ser::Impossible<(), Unsupported>;
    type SerializeTupleStruct = serde::ser::Impossible<(), Unsupported>;
    type SerializeTupleVariant = serde::ser::Impossible<(), Unsupported>;
    type SerializeMap = serde::ser::Impossible<(), Unsupported>;
    type SerializeStruct = serde::ser::Impossible<(), Unsupported>;
    type SerializeStructVariant = serde::ser::Impossible<(), Unsupported>;

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.0.serialize_str(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.0.serialize_char(v)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.0.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    not_a_key! {
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_bytes(&[u8]),
        serialize_none(), serialize_unit(), serialize_unit_struct(&'static str),
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, _: &T) -> Result<(), Unsupported> {
        Err(Unsupported("a map key must be text".into()))
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported("a map key must be text".into()))
    }
    not_a_key! {
        serialize_seq(Option<usize>) -> Self::SerializeSeq,
        serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant,
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct(&'static str, usize) -> Self::SerializeStruct,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant,
    }
}

#[cfg(test)]
mod tests {
    use super::characters;
    use proptest::prelude::*;

    /// Characters as IAM counts them, by writing the compact JSON.
    fn written(value: &impl serde::Serialize) -> usize {
        serde_json::to_string(value).unwrap().chars().count()
    }

    #[test]
    fn every_kind_of_json_value_is_measured_as_written() {
        #[derive(serde::Serialize)]
        enum Shape {
            Unit,
            Newtype(u8),
            Tuple(i32, bool),
            Struct { a: Option<String>, b: f64 },
        }
        #[derive(serde::Serialize)]
        struct Everything {
            text: &'static str,
            shapes: Vec<Shape>,
            map: std::collections::BTreeMap<String, Vec<Option<char>>>,
            unit: (),
            bytes: &'static [u8],
            big: u64,
            negative: i64,
            float: f32,
        }
        let value = Everything {
            text: "q\"b\\s\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}é€𝄞/",
            shapes: vec![
                Shape::Unit,
                Shape::Newtype(7),
                Shape::Tuple(-12, false),
                Shape::Struct { a: None, b: 1.5 },
                Shape::Struct {
                    a: Some("x".into()),
                    b: f64::NAN,
                },
            ],
            map: [
                ("k\"ey".to_string(), vec![Some('ü'), None]),
                ("".into(), vec![]),
            ]
            .into(),
            unit: (),
            bytes: b"\x00\xff",
            big: u64::MAX,
            negative: i64::MIN,
            float: 0.1,
        };
        assert_eq!(characters(&value).unwrap(), written(&value));
        assert_eq!(characters(&Vec::<u8>::new()).unwrap(), 2);
    }

    #[test]
    fn a_key_that_is_not_text_is_refused() {
        let map: std::collections::BTreeMap<u8, u8> = [(1, 2)].into();
        assert!(characters(&map).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// Any string measures as written, whatever its length and wherever its one byte that
        /// needs counting stands (before, within or after the last eight).
        #[test]
        fn strings_measure_as_they_are_written(
            plain in "[ !#-\\[\\]-~]{0,40}",
            special in "[\"\\\\\u{0}-\u{1f}\u{7f}-\u{ff}€]",
            at in any::<prop::sample::Index>(),
            with_special in any::<bool>(),
        ) {
            let mut text = plain.clone();
            if with_special {
                text.insert_str(at.index(plain.len() + 1), &special);
            }
            prop_assert_eq!(super::string_characters(&text), written(&text));
            prop_assert_eq!(super::needs_counting(text.as_bytes()), with_special && special != "\u{7f}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any policy document, whatever its text holds, measures as it is written.
        #[test]
        fn policies_measure_as_they_are_written(
            statements in proptest::collection::vec(
                (
                    proptest::collection::vec("\\PC{0,12}|[\"\\\\\u{0}-\u{1f}é]{0,4}", 1..4),
                    proptest::collection::vec("\\PC{0,20}", 0..3),
                    proptest::collection::vec(("[A-Za-z:]{1,12}", "\\PC{0,8}", proptest::collection::vec("\\PC{0,8}", 1..3)), 0..3),
                    any::<bool>(),
                    proptest::option::of("\\PC{0,6}"),
                ),
                1..5,
            )
        ) {
            use crate::iam::policy::{Conditions, Effect, PolicyDocument, Principal, Statement};
            let statements = statements
                .into_iter()
                .map(|(actions, resources, clauses, deny, sid)| {
                    let mut condition = Conditions::default();
                    for (operator, key, values) in clauses {
                        condition.insert(&operator, &key, values);
                    }
                    let mut statement = Statement::new(if deny { Effect::Deny } else { Effect::Allow });
                    statement.sid = sid;
                    statement.principal = deny.then(|| Box::new(Principal::Map(
                        [("AWS".to_string(), resources.clone())].into_iter().collect(),
                    )));
                    statement.action = Some(actions);
                    statement.resource = (!resources.is_empty()).then_some(resources);
                    statement.condition = condition;
                    statement
                })
                .collect();
            let policy = PolicyDocument::new(statements);
            prop_assert_eq!(characters(&policy).unwrap(), written(&policy));
        }
    }
}
