//! Curated IAM action lists, kept in one place and checked against the catalog in one test.
//!
//! In: nothing; these are facts about IAM actions. Out: the lists the delegation policy, its
//! safety check (`verify`) and the escalation lints use. Each list says why its actions belong
//! together.

/// The condition key that carries a role's or user's permissions boundary.
pub const BOUNDARY_KEY: &str = "iam:PermissionsBoundary";

/// Role actions that create or change what a role can do, or who can assume it.
pub const ROLE_WRITE: &[&str] = &[
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
    "iam:DeleteRole",
    "iam:TagRole",
    "iam:UntagRole",
];

/// The role and user actions that must only ever succeed with the boundary in place: each one
/// creates an identity or widens, narrows or re-points what an existing one may do.
pub const ESCALATING: &[&str] = &[
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateUser",
    "iam:PutUserPolicy",
    "iam:DeleteUserPolicy",
    "iam:AttachUserPolicy",
    "iam:DetachUserPolicy",
    "iam:PutUserPermissionsBoundary",
];

/// Customer managed policies and their versions.
pub const POLICY_WRITE: &[&str] = &[
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:TagPolicy",
    "iam:UntagPolicy",
];

/// What replaces or removes a managed policy's content, or changes its tags (which policies
/// may test with `iam:ResourceTag`): denied on the boundary and delegation.
pub const POLICY_EDIT: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:TagPolicy",
    "iam:UntagPolicy",
];

/// A user's console password: left out of a delegation unless it asks for login profiles.
pub const LOGIN_PROFILE: &[&str] = &[
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:DeleteLoginProfile",
];

pub const PROFILE_WRITE: &[&str] = &[
    "iam:CreateInstanceProfile",
    "iam:DeleteInstanceProfile",
    "iam:AddRoleToInstanceProfile",
    "iam:RemoveRoleFromInstanceProfile",
    "iam:TagInstanceProfile",
    "iam:UntagInstanceProfile",
];

/// User actions for `create_users`: the same pattern as roles, plus the user's credentials.
pub const USER_WRITE: &[&str] = &[
    "iam:CreateUser",
    "iam:PutUserPolicy",
    "iam:DeleteUserPolicy",
    "iam:AttachUserPolicy",
    "iam:DetachUserPolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:DeleteUser",
    "iam:TagUser",
    "iam:UntagUser",
    "iam:CreateAccessKey",
    "iam:DeleteAccessKey",
    "iam:UpdateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:DeleteLoginProfile",
];

pub const REMOVE_BOUNDARY: &[&str] = &[
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
];

/// The read-only actions the IAM console needs to show roles, policies and instance profiles.
pub const READ: &[&str] = &[
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListRoles",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListRoleTags",
    "iam:ListInstanceProfilesForRole",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListPolicies",
    "iam:ListPolicyVersions",
    "iam:ListPolicyTags",
    "iam:ListEntitiesForPolicy",
    "iam:GetInstanceProfile",
    "iam:ListInstanceProfiles",
    "iam:ListInstanceProfileTags",
];

/// Read-only user actions, added with `create_users`.
pub const READ_USERS: &[&str] = &[
    "iam:GetUser",
    "iam:GetUserPolicy",
    "iam:GetLoginProfile",
    "iam:ListUsers",
    "iam:ListUserPolicies",
    "iam:ListAttachedUserPolicies",
    "iam:ListUserTags",
    "iam:ListAccessKeys",
    "iam:ListGroupsForUser",
];

/// AWS's own IAM paths: roles the console and services create live there, without boundaries.
pub const AWS_PATHS: &[&str] = &["service-role/", SERVICE_LINKED_PATH, "aws-reserved/"];

/// The path of service-linked roles (without its leading `/`): AWS creates them there
/// (`iam:CreateServiceLinkedRole`, `aws-service-role/SERVICE/NAME`), and `CreateRole` cannot.
pub const SERVICE_LINKED_PATH: &str = "aws-service-role/";

/// Changing the policies of a principal: denied on the delegation's own principals.
pub const SELF_CHANGE: &[&str] = &[
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:DetachRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:UpdateAssumeRolePolicy",
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:DetachUserPolicy",
    "iam:DeleteUserPolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:AttachGroupPolicy",
    "iam:PutGroupPolicy",
    "iam:DetachGroupPolicy",
    "iam:DeleteGroupPolicy",
    "iam:AddUserToGroup",
];

/// Escalation actions: on `*`, each lets the holder give itself more access.
pub const ESCALATION: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachGroupPolicy",
    "iam:PutUserPolicy",
    "iam:PutRolePolicy",
    "iam:PutGroupPolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:DeleteRolePermissionsBoundary",
];

/// Actions that run code or create resources as a role: with `iam:PassRole` they escalate.
pub const PASS_ROLE_PARTNERS: &[&str] = &[
    "lambda:CreateFunction",
    "lambda:UpdateFunctionCode",
    "ec2:RunInstances",
    "cloudformation:CreateStack",
    "glue:CreateDevEndpoint",
    "datapipeline:CreatePipeline",
];

/// The credential actions: whoever holds them for a user can act as that user.
pub const CREDENTIALS: &[&str] = &[
    "iam:CreateAccessKey",
    "iam:UpdateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UploadSSHPublicKey",
    "iam:UpdateSSHPublicKey",
];

/// What a user may do to its own credentials without gaining anything (AWS's example policy
/// "allows IAM users to manage their own credentials"): on another user each is a way in or a
/// way to lock its owner out; on oneself, acting as oneself.
pub const SELF_SERVICE: &[&str] = &[
    "iam:ChangePassword",
    "iam:CreateAccessKey",
    "iam:UpdateAccessKey",
    "iam:DeleteAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:DeleteLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UpdateServiceSpecificCredential",
    "iam:DeleteServiceSpecificCredential",
    "iam:UploadSSHPublicKey",
    "iam:UpdateSSHPublicKey",
    "iam:DeleteSSHPublicKey",
    "iam:UploadSigningCertificate",
    "iam:UpdateSigningCertificate",
    "iam:DeleteSigningCertificate",
    "iam:EnableMFADevice",
    "iam:ResyncMFADevice",
    "iam:DeactivateMFADevice",
];

/// The actions that create an identity or set its boundary: without the boundary they escalate
/// in any account.
pub const CREATES_OR_REBOUNDS: &[&str] = &[
    "iam:CreateRole",
    "iam:CreateUser",
    "iam:PutRolePermissionsBoundary",
    "iam:PutUserPermissionsBoundary",
];

/// The group writes that change what the group's members may do.
pub const GROUP_POLICY: &[&str] = &[
    "iam:PutGroupPolicy",
    "iam:DeleteGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:DetachGroupPolicy",
];

/// A service that runs code as a role passed to it: its service principal (what the role's
/// trust must allow and `iam:PassedToService` carries), and the ways to make it run code, each
/// a list of actions called in that order (all needed). Escalation through `iam:PassRole`: the
/// code runs with the role's permissions (`verify::graph`).
pub struct CodeRunner {
    /// `lambda`, `ec2`: how the report names it.
    pub name: &'static str,
    pub service: &'static str,
    pub launches: &'static [&'static [&'static str]],
}

/// The services [`CodeRunner`] knows, in the order paths try them.
pub const CODE_RUNNERS: &[CodeRunner] = &[
    CodeRunner {
        name: "ec2",
        service: "ec2.amazonaws.com",
        launches: &[&["ec2:RunInstances"], &["ec2:RequestSpotInstances"]],
    },
    CodeRunner {
        name: "lambda",
        service: "lambda.amazonaws.com",
        launches: &[
            &["lambda:CreateFunction", "lambda:InvokeFunction"],
            // A resource policy that lets the caller (or an account it holds) invoke it.
            &["lambda:CreateFunction", "lambda:AddPermission"],
        ],
    },
    CodeRunner {
        name: "glue",
        service: "glue.amazonaws.com",
        launches: &[
            &["glue:CreateDevEndpoint"],
            &["glue:CreateJob", "glue:StartJobRun"],
            &["glue:CreateJob", "glue:CreateTrigger"],
        ],
    },
    CodeRunner {
        name: "ecs",
        service: "ecs-tasks.amazonaws.com",
        launches: &[
            &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
            &["ecs:RegisterTaskDefinition", "ecs:CreateService"],
        ],
    },
    CodeRunner {
        name: "cloudformation",
        service: "cloudformation.amazonaws.com",
        launches: &[
            &["cloudformation:CreateStack"],
            &[
                "cloudformation:CreateChangeSet",
                "cloudformation:ExecuteChangeSet",
            ],
        ],
    },
    CodeRunner {
        name: "codebuild",
        service: "codebuild.amazonaws.com",
        launches: &[
            &["codebuild:CreateProject", "codebuild:StartBuild"],
            &["codebuild:CreateProject", "codebuild:StartBuildBatch"],
        ],
    },
    CodeRunner {
        name: "sagemaker",
        service: "sagemaker.amazonaws.com",
        launches: &[
            &[
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreatePresignedNotebookInstanceUrl",
            ],
            &["sagemaker:CreateTrainingJob"],
            &["sagemaker:CreateProcessingJob"],
        ],
    },
    CodeRunner {
        name: "apprunner",
        service: "tasks.apprunner.amazonaws.com",
        launches: &[&["apprunner:CreateService"]],
    },
];

/// The writes that give a principal any identity policy: an inline policy, an attached managed
/// policy (AWS's `AdministratorAccess`), a new default version of a managed policy it has, or
/// a policy of a group it is in.
pub const POLICY_GRANT: &[&str] = &[
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:CreatePolicyVersion",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
];

/// The writes that lift a principal's permissions boundary: removing it, or replacing it with a
/// policy that allows everything.
pub const BOUNDARY_LIFT: &[&str] = &[
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:PutUserPermissionsBoundary",
];
