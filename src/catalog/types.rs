//! The catalog's data types: services, actions, resource types and condition keys, as the
//! Service Authorization Reference describes them. Values are built by `parse` and handed out
//! by [`super::Catalog`]; names borrow from the embedded snapshot, hence `&'static str`.

use super::matching::{is_template, key_matches, NameIndex};
use std::fmt;

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

/// A condition key. `name` may be a template (`aws:RequestTag/${TagKey}`,
/// `s3:ExistingObjectTag/<key>`) standing for every concrete key it [`matches`](Self::matches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionKey {
    pub name: &'static str,
    pub key_type: KeyType,
    /// A second type the key also takes: aws:EpochTime is both Date and Numeric.
    pub also_type: Option<KeyType>,
    /// Multivalued keys hold a set and need the ForAnyValue/ForAllValues operators.
    pub multivalued: bool,
    pub scope: KeyScope,
}

impl ConditionKey {
    /// Whether `name` is this key or, for a template, one of its instances (case-insensitive).
    pub fn matches(&self, name: &str) -> bool {
        key_matches(self.name, name)
    }

    pub fn is_template(&self) -> bool {
        is_template(self.name)
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
    pub prefix: &'static str,
    pub name: &'static str,
    pub actions: Vec<Action>,
    pub resource_types: Vec<ResourceType>,
    /// The keys this service's reference page defines, including the aws:* tag keys it lists.
    pub condition_keys: Vec<ConditionKey>,
    /// Case-insensitive indices of the three lists, made with them (see [`NameIndex`]).
    pub(crate) indices: ServiceIndices,
}

#[derive(Debug, Default)]
pub(crate) struct ServiceIndices {
    pub(crate) actions: NameIndex,
    pub(crate) resource_types: NameIndex,
    pub(crate) condition_keys: NameIndex,
    /// The condition keys that are templates (`s3:ExistingObjectTag/<key>`), in order.
    pub(crate) key_templates: Vec<usize>,
}

impl ServiceIndices {
    pub(crate) fn of(service: &Service) -> ServiceIndices {
        ServiceIndices {
            actions: NameIndex::new(service.actions.iter().map(|a| a.name)),
            resource_types: NameIndex::new(service.resource_types.iter().map(|r| r.name)),
            condition_keys: NameIndex::new(service.condition_keys.iter().map(|k| k.name)),
            key_templates: (0..service.condition_keys.len())
                .filter(|&i| service.condition_keys[i].is_template())
                .collect(),
        }
    }
}

impl Service {
    /// The action with this name, ignoring case (`getobject` finds `GetObject`).
    pub fn action(&self, name: &str) -> Option<&Action> {
        let found = (self.indices.actions).find(name, |i| self.actions[i].name);
        found.map(|i| &self.actions[i])
    }

    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        let found = (self.indices.resource_types).find(name, |i| self.resource_types[i].name);
        found.map(|i| &self.resource_types[i])
    }

    /// The key this service defines under `name`, exactly or as an instance of a template.
    pub fn condition_key(&self, name: &str) -> Option<&ConditionKey> {
        let keys = &self.condition_keys;
        match (self.indices.condition_keys).find(name, |i| keys[i].name) {
            Some(i) => Some(&keys[i]),
            None => (self.indices.key_templates)
                .iter()
                .map(|&i| &keys[i])
                .find(|k| k.matches(name)),
        }
    }
}

/// An action such as `s3:GetObject`.
#[derive(Debug)]
pub struct Action {
    /// The service prefix (`s3`).
    pub service: &'static str,
    /// The action name as AWS spells it (`GetObject`).
    pub name: &'static str,
    pub access_level: AccessLevel,
    /// The resource types the action can be authorized against.
    pub resources: Vec<ActionResource>,
    /// Condition keys of the action regardless of resource type.
    pub condition_keys: Vec<&'static str>,
}

impl Action {
    /// `service:Name`, as written in a policy.
    pub fn full_name(&self) -> String {
        [self.service, ":", self.name].concat()
    }
}

/// One resource type an action takes.
#[derive(Debug)]
pub struct ActionResource {
    /// Name of a [`ResourceType`] of the same service.
    pub resource_type: &'static str,
    /// Its position in the service's [`Service::resource_types`], found when the service is
    /// read (`None` if the service does not define it): the catalog checks ask for the types of
    /// every action of every statement.
    pub(crate) type_index: Option<usize>,
    /// Required resource types must be matched by the statement's Resource for the action to
    /// be allowed; optional ones apply only to some calls.
    pub required: bool,
    /// Condition keys that apply only when the action acts on this resource type.
    pub condition_keys: Vec<&'static str>,
}

/// A resource type such as `s3` `object`.
#[derive(Debug)]
pub struct ResourceType {
    pub name: &'static str,
    /// ARN templates like `arn:${Partition}:s3:::${BucketName}/${ObjectName}`; a few resource
    /// types have more than one.
    pub arn_formats: Vec<&'static str>,
    /// What the checks read of each ARN format, in the same order (see [`ArnShape`]).
    pub arn_shapes: Vec<ArnShape>,
    /// Condition keys available whenever an action acts on this resource type.
    pub condition_keys: Vec<&'static str>,
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
