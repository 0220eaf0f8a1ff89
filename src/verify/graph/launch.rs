//! Where a path launches what it runs (a Lambda function, an instance, ...): the ARNs of what
//! a launch action creates, and the places a caller's own statements allow.
//!
//! In: a launch action, the account, a place. Out: the ARN the request names.

use super::*;

/// The ARN of what a path creates for a launch action, or of the action's resource.
pub(super) fn launch_resource(action: &str, partition: &str, account: &str) -> String {
    launch_resource_at(action, partition, account, &Place::default())
}

/// Where a path launches what it runs: a region and a name. The caller chooses both, so a
/// caller whose statements allow only `function:team-*` in `eu-west-1` launches there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Place {
    pub(super) region: String,
    pub(super) name: String,
}

impl Default for Place {
    fn default() -> Place {
        Place {
            region: REGION.to_string(),
            name: CREATED.to_string(),
        }
    }
}

/// Regions a region pattern of a statement is tried with: the first of these it matches.
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-south-1",
    "ca-central-1",
    "sa-east-1",
];

/// The place a resource pattern of a launch action allows (`arn:aws:lambda:eu-west-1:1:function:team-*`
/// → `eu-west-1`, `team-iamx-escalation`), when it names a region and a name the path can use.
pub(super) fn place_of(pattern: &str) -> Option<Place> {
    let parts = crate::iam::names::arn_parts(pattern)?;
    let region_pattern = parts[3];
    let region = REGIONS
        .iter()
        .find(|r| crate::iam::policy::wildcard_matches(region_pattern, r, false))?;
    // The name after the resource type (`function:`, `job/`, `stack/`, ...).
    let resource = parts[5];
    let name = resource
        .split_once([':', '/'])
        .map_or(resource, |(_, name)| name)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let name = match name {
        "" | "*" => CREATED.to_string(),
        name => name.replace('*', CREATED).replace('?', "x"),
    };
    Some(Place {
        region: region.to_string(),
        name,
    })
}

pub(super) fn launch_resource_at(
    action: &str,
    partition: &str,
    account: &str,
    place: &Place,
) -> String {
    let (p, r, a, n) = (
        partition,
        place.region.as_str(),
        account,
        place.name.as_str(),
    );
    match action {
        "ec2:RunInstances" => format!("arn:{p}:ec2:{r}:{a}:instance/*"),
        "lambda:CreateFunction" | "lambda:InvokeFunction" | "lambda:AddPermission" => {
            format!("arn:{p}:lambda:{r}:{a}:function:{n}")
        }
        "glue:CreateDevEndpoint" => format!("arn:{p}:glue:{r}:{a}:devEndpoint/{n}"),
        "glue:CreateJob" | "glue:StartJobRun" => format!("arn:{p}:glue:{r}:{a}:job/{n}"),
        "ecs:RunTask" => format!("arn:{p}:ecs:{r}:{a}:task-definition/{n}:1"),
        "cloudformation:CreateStack"
        | "cloudformation:CreateChangeSet"
        | "cloudformation:ExecuteChangeSet" => {
            format!("arn:{p}:cloudformation:{r}:{a}:stack/{n}/*")
        }
        "ec2:RequestSpotInstances" => format!("arn:{p}:ec2:{r}:{a}:spot-instances-request/*"),
        "glue:CreateTrigger" => format!("arn:{p}:glue:{r}:{a}:trigger/{n}"),
        "ecs:CreateService" => format!("arn:{p}:ecs:{r}:{a}:service/default/{n}"),
        "codebuild:CreateProject" | "codebuild:StartBuild" | "codebuild:StartBuildBatch" => {
            format!("arn:{p}:codebuild:{r}:{a}:project/{n}")
        }
        "sagemaker:CreateNotebookInstance" | "sagemaker:CreatePresignedNotebookInstanceUrl" => {
            format!("arn:{p}:sagemaker:{r}:{a}:notebook-instance/{n}")
        }
        "sagemaker:CreateTrainingJob" => format!("arn:{p}:sagemaker:{r}:{a}:training-job/{n}"),
        "sagemaker:CreateProcessingJob" => {
            format!("arn:{p}:sagemaker:{r}:{a}:processing-job/{n}")
        }
        "apprunner:CreateService" => format!("arn:{p}:apprunner:{r}:{a}:service/{n}/*"),
        "iam:CreateInstanceProfile" | "iam:AddRoleToInstanceProfile" => {
            format!("arn:{p}:iam::{a}:instance-profile/{n}")
        }
        _ => "*".to_string(),
    }
}
