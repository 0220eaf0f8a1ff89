//! The catalog's data types: services, actions, resource types and condition keys, as the
//! Service Authorization Reference describes them. All are statics prepared at build time
//! (`build.rs`, through the `prepared` constructors), read through methods, and handed out by
//! [`super::Catalog`], hence `&'static`.

use super::matching::{is_template, key_matches, NameIndex};
use super::prepared;
use std::fmt;
use std::sync::OnceLock;

/// Where the embedded data came from: package name, its version and the upstream update time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub source: &'static str,
    pub version: &'static str,
    pub date: &'static str,
}

/// An action's access level as the Service Authorization Reference classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The name as AWS writes it ("Permissions management").
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The data type of a condition key, which decides the condition operators that fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    String,
    Arn,
    Numeric,
    Date,
    Bool,
    IpAddress,
    Binary,
}

impl KeyType {
    /// The name as AWS writes it ("ARN", "IPAddress").
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::Arn => "ARN",
            KeyType::Numeric => "Numeric",
            KeyType::Date => "Date",
            KeyType::Bool => "Bool",
            KeyType::IpAddress => "IPAddress",
            KeyType::Binary => "Binary",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a condition key can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyScope {
    /// Defined by one service; applies to the actions and resource types that list it.
    Service,
    /// A global key usable with every action (aws:SourceIp, aws:PrincipalArn, ...).
    Global,
    /// A global key (aws:RequestTag, aws:ResourceTag, aws:TagKeys) that only applies where
    /// the reference lists it, since tag-based authorization is not supported everywhere.
    GlobalWhereListed,
}

/// A name in the catalog's text table (`prepared::TEXT`): where it starts and how long it is.
/// The prepared statics hold these rather than `&str`s: a pointer in a static is a relocation,
/// and ~100,000 of them made every start of the process write 2.3 MB (600 page faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    start: u32,
    len: u32,
}

impl Text {
    pub(crate) const fn at(start: u32, len: u32) -> Text {
        Text { start, len }
    }

    fn get(self) -> &'static str {
        let start = self.start as usize;
        &prepared::TEXT[start..start + self.len as usize]
    }
}

/// A run of one of the prepared tables: `table[start..start + len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    start: u32,
    len: u32,
}

impl Run {
    pub(crate) const fn at(start: u32, len: u32) -> Run {
        Run { start, len }
    }

    fn of<T>(self, table: &'static [T]) -> &'static [T] {
        let start = self.start as usize;
        &table[start..start + self.len as usize]
    }
}

/// A list of names in the catalog: condition keys, ARN formats.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Names(&'static [Text]);

impl Names {
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'static str> + Clone + 'static {
        self.0.iter().map(|text| text.get())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names joined by `separator`.
    pub fn join(&self, separator: &str) -> String {
        self.iter().collect::<Vec<_>>().join(separator)
    }

    pub fn to_vec(&self) -> Vec<&'static str> {
        self.iter().collect()
    }
}

impl IntoIterator for Names {
    type Item = &'static str;
    type IntoIter = std::iter::Map<std::slice::Iter<'static, Text>, fn(&Text) -> &'static str>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|text| text.get())
    }
}

impl fmt::Debug for Names {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for Names {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.iter().eq(other.iter().copied())
    }
}

/// A condition key. Its name may be a template (`aws:RequestTag/${TagKey}`,
/// `s3:ExistingObjectTag/<key>`) standing for every concrete key it [`matches`](Self::matches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionKey {
    name: Text,
    pub key_type: KeyType,
    /// A second type the key also takes: aws:EpochTime is both Date and Numeric.
    pub also_type: Option<KeyType>,
    /// Multivalued keys hold a set and need the ForAnyValue/ForAllValues operators.
    pub multivalued: bool,
    pub scope: KeyScope,
}

impl ConditionKey {
    /// A key as `build.rs` writes it.
    pub(crate) const fn prepared(
        name: Text,
        key_type: KeyType,
        also_type: Option<KeyType>,
        multivalued: bool,
        scope: KeyScope,
    ) -> Self {
        ConditionKey {
            name,
            key_type,
            also_type,
            multivalued,
            scope,
        }
    }

    /// The name as AWS spells it (`aws:SourceIp`, `aws:RequestTag/${TagKey}`).
    pub fn name(&self) -> &'static str {
        self.name.get()
    }

    /// Whether `name` is this key or, for a template, one of its instances (case-insensitive).
    pub fn matches(&self, name: &str) -> bool {
        key_matches(self.name(), name)
    }

    pub fn is_template(&self) -> bool {
        is_template(self.name())
    }

    /// Whether a condition of type `key_type` fits this key.
    pub fn accepts(&self, key_type: KeyType) -> bool {
        self.key_type == key_type || self.also_type == Some(key_type)
    }

    pub fn is_global(&self) -> bool {
        self.scope != KeyScope::Service
    }
}

/// One service (`s3`, `iam`, ...), with everything sorted case-insensitively by name.
#[derive(Debug)]
pub struct Service {
    prefix: Text,
    name: Text,
    actions: Run,
    resource_types: Run,
    condition_keys: Run,
    /// What is read off the lists on first use.
    derived: OnceLock<Derived>,
}

/// What a service's lists give that is not prepared at build time (`ArnShape::of` is the
/// crate's reading of an ARN, which `build.rs` cannot call).
#[derive(Debug)]
struct Derived {
    /// The condition keys that are templates (`s3:ExistingObjectTag/<key>`), in order.
    key_templates: Vec<usize>,
    /// The shapes of every resource type's ARN formats, in order.
    arn_shapes: Vec<ArnShape>,
    /// Whether some shape has no region, and whether some has no account.
    some_lack: (bool, bool),
}

impl Derived {
    fn of(service: &Service) -> Derived {
        let keys = service.condition_keys();
        let arn_shapes: Vec<ArnShape> = (service.resource_types().iter())
            .flat_map(|r| r.arn_formats().into_iter().map(ArnShape::of))
            .collect();
        Derived {
            key_templates: (0..keys.len()).filter(|&i| keys[i].is_template()).collect(),
            some_lack: (
                arn_shapes.iter().any(|shape| shape.no_region),
                arn_shapes.iter().any(|shape| shape.no_account),
            ),
            arn_shapes,
        }
    }
}

impl Service {
    /// A service as `build.rs` writes it.
    pub(crate) const fn prepared(
        prefix: Text,
        name: Text,
        actions: Run,
        resource_types: Run,
        condition_keys: Run,
    ) -> Self {
        Service {
            prefix,
            name,
            actions,
            resource_types,
            condition_keys,
            derived: OnceLock::new(),
        }
    }

    /// The prefix actions and keys are written with (`s3`), in lower case.
    pub fn prefix(&self) -> &'static str {
        self.prefix.get()
    }

    /// The service's name (`Amazon S3`).
    pub fn name(&self) -> &'static str {
        self.name.get()
    }

    pub fn actions(&self) -> &'static [Action] {
        self.actions.of(&prepared::ACTIONS)
    }

    pub fn resource_types(&self) -> &'static [ResourceType] {
        self.resource_types.of(&prepared::RESOURCE_TYPES)
    }

    /// The keys this service's reference page defines, including the aws:* tag keys it lists.
    pub fn condition_keys(&self) -> &'static [ConditionKey] {
        self.condition_keys.of(&prepared::CONDITION_KEYS)
    }

    fn derived(&self) -> &Derived {
        self.derived.get_or_init(|| Derived::of(self))
    }

    /// A list's case-insensitive index (see [`NameIndex`]), prepared with the list: its run
    /// of the two hash tables is the list's run of its table.
    fn index(run: Run, exact: &'static [(u64, u32)], caseless: &'static [(u64, u32)]) -> NameIndex {
        NameIndex {
            exact: run.of(exact),
            caseless: run.of(caseless),
        }
    }

    pub fn resource_type(&self, name: &str) -> Option<&'static ResourceType> {
        let types = self.resource_types();
        let index = Self::index(
            self.resource_types,
            &prepared::RESOURCE_TYPE_EXACT,
            &prepared::RESOURCE_TYPE_CASELESS,
        );
        index.find(name, |i| types[i].name()).map(|i| &types[i])
    }

    /// The key this service defines under `name`, exactly or as an instance of a template.
    pub fn condition_key(&self, name: &str) -> Option<&'static ConditionKey> {
        let keys = self.condition_keys();
        let index = Self::index(
            self.condition_keys,
            &prepared::CONDITION_KEY_EXACT,
            &prepared::CONDITION_KEY_CASELESS,
        );
        match index.find(name, |i| keys[i].name()) {
            Some(i) => Some(&keys[i]),
            None => (self.derived().key_templates)
                .iter()
                .map(|&i| &keys[i])
                .find(|k| k.matches(name)),
        }
    }

    /// What the checks read of the ARN formats of all the service's resource types, in order
    /// (see [`ArnShape`]).
    pub fn arn_shapes(&self) -> &[ArnShape] {
        &self.derived().arn_shapes
    }

    /// Whether some of [`Service::arn_shapes`] has no region, and whether some has no
    /// account: when neither an ARN can lack, no written region or account is out of place.
    pub fn arn_shapes_some_lack(&self) -> (bool, bool) {
        self.derived().some_lack
    }
}

/// An action such as `s3:GetObject`.
#[derive(Debug)]
pub struct Action {
    /// Where the action's service is in the catalog's list: its prefix is read there, and the
    /// catalog checks go from each action to its service's resource types.
    service_index: u16,
    name: Text,
    pub access_level: AccessLevel,
    resources: Run,
    condition_keys: Run,
}

impl Action {
    /// An action as `build.rs` writes it.
    pub(crate) const fn prepared(
        service_index: u16,
        name: Text,
        access_level: AccessLevel,
        resources: Run,
        condition_keys: Run,
    ) -> Self {
        Action {
            service_index,
            name,
            access_level,
            resources,
            condition_keys,
        }
    }

    /// The service prefix (`s3`).
    pub fn service(&self) -> &'static str {
        prepared::SERVICES[self.service_index()].prefix()
    }

    /// The action name as AWS spells it (`GetObject`).
    pub fn name(&self) -> &'static str {
        self.name.get()
    }

    /// Where the action's service is in the catalog's list ([`super::Catalog::service_of`]).
    pub(super) fn service_index(&self) -> usize {
        usize::from(self.service_index)
    }

    /// The resource types the action can be authorized against.
    pub fn resources(&self) -> &'static [ActionResource] {
        self.resources.of(&prepared::ACTION_RESOURCES)
    }

    /// Condition keys of the action regardless of resource type.
    pub fn condition_keys(&self) -> Names {
        Names(self.condition_keys.of(&prepared::NAMES))
    }

    /// `service:Name`, as written in a policy.
    pub fn full_name(&self) -> String {
        [self.service(), ":", self.name()].concat()
    }
}

/// One resource type an action takes.
#[derive(Debug)]
pub struct ActionResource {
    resource_type: Text,
    /// Its position in the service's [`Service::resource_types`], found at build time (`None`
    /// if the service does not define it): the catalog checks ask for the types of every action
    /// of every statement.
    pub(crate) type_index: Option<usize>,
    /// Required resource types must be matched by the statement's Resource for the action to
    /// be allowed; optional ones apply only to some calls.
    pub required: bool,
    condition_keys: Run,
}

impl ActionResource {
    /// A resource type of an action as `build.rs` writes it.
    pub(crate) const fn prepared(
        resource_type: Text,
        type_index: Option<usize>,
        required: bool,
        condition_keys: Run,
    ) -> Self {
        ActionResource {
            resource_type,
            type_index,
            required,
            condition_keys,
        }
    }

    /// Name of a [`ResourceType`] of the same service.
    pub fn resource_type(&self) -> &'static str {
        self.resource_type.get()
    }

    /// Condition keys that apply only when the action acts on this resource type.
    pub fn condition_keys(&self) -> Names {
        Names(self.condition_keys.of(&prepared::NAMES))
    }
}

/// A resource type such as `s3` `object`.
#[derive(Debug)]
pub struct ResourceType {
    name: Text,
    arn_formats: Run,
    condition_keys: Run,
}

impl ResourceType {
    /// A resource type as `build.rs` writes it.
    pub(crate) const fn prepared(name: Text, arn_formats: Run, condition_keys: Run) -> Self {
        ResourceType {
            name,
            arn_formats,
            condition_keys,
        }
    }

    pub fn name(&self) -> &'static str {
        self.name.get()
    }

    /// ARN templates like `arn:${Partition}:s3:::${BucketName}/${ObjectName}`; a few resource
    /// types have more than one.
    pub fn arn_formats(&self) -> Names {
        Names(self.arn_formats.of(&prepared::NAMES))
    }

    /// Condition keys available whenever an action acts on this resource type.
    pub fn condition_keys(&self) -> Names {
        Names(self.condition_keys.of(&prepared::NAMES))
    }
}

/// The parts of an ARN format the resource checks compare a written ARN with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnShape {
    /// The format has no region (`arn:${Partition}:s3:::...`).
    pub no_region: bool,
    /// The format has no account.
    pub no_account: bool,
    /// The resource part up to its first placeholder (`accesspoint/` of
    /// `accesspoint/${AccessPointName}`; empty for `${BucketName}`).
    pub resource_literal: &'static str,
}

impl ArnShape {
    pub fn of(format: &'static str) -> ArnShape {
        // Every format of the catalog has the six parts (a test holds it to that).
        let [_, _, _, region, account, rest] =
            crate::iam::names::arn_parts(format).unwrap_or(["", "", "", "-", "-", ""]);
        let placeholder = rest.find("${").unwrap_or(rest.len());
        ArnShape {
            no_region: region.is_empty(),
            no_account: account.is_empty(),
            resource_literal: &rest[..placeholder],
        }
    }
}
