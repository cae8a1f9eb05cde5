//! Assignments and exemptions: where a policy or initiative applies, with which parameter
//! values, and where it is waived. Emitted as `Microsoft.Authorization/policyAssignments` and
//! `policyExemptions`.

use super::{Expr, Spanned};
use crate::syntax::span::Span;

/// `assignment name "Display" { scope "…"  initiative ml_baseline  parameters { … } … }`.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The gavel name; Azure's `name` too unless `resource_name` says otherwise.
    pub name: Spanned<String>,
    /// `name "…"`: the name Azure knows it by, when it is not a gavel name.
    pub resource_name: Option<Spanned<String>>,
    pub display_name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    /// Where it applies: a management group, subscription, resource group or resource id.
    pub scope: Option<Spanned<String>>,
    pub not_scopes: Vec<Spanned<String>>,
    pub target: Option<AssignedTarget>,
    pub parameters: Vec<(Spanned<String>, Expr)>,
    pub enforcement: Option<Spanned<Enforcement>>,
    pub identity: Option<Spanned<Identity>>,
    /// Required with an identity: where it lives.
    pub location: Option<Spanned<String>>,
    /// Non-compliance messages: the default one (no reference id) and per member.
    pub messages: Vec<NonComplianceMessage>,
    pub definition_version: Option<Spanned<String>>,
    pub metadata: Vec<(Spanned<String>, Expr)>,
    /// `resourceSelectors`, `overrides` and other properties, kept verbatim.
    pub extra: Vec<(Spanned<String>, Expr)>,
    pub span: Span,
}

impl Assignment {
    /// An assignment with its name only; what it assigns, where and how are filled in by
    /// whoever reads it.
    pub fn new(name: Spanned<String>, span: Span) -> Assignment {
        Assignment {
            name,
            resource_name: None,
            display_name: None,
            description: None,
            scope: None,
            not_scopes: Vec::new(),
            target: None,
            parameters: Vec::new(),
            enforcement: None,
            identity: None,
            location: None,
            messages: Vec::new(),
            definition_version: None,
            metadata: Vec::new(),
            extra: Vec::new(),
            span,
        }
    }

    /// The name Azure knows it by.
    pub fn resource_name(&self) -> &str {
        self.resource_name.as_ref().map_or(&self.name.value, |n| &n.value)
    }
}

impl Exemption {
    /// An exemption with its name only.
    pub fn new(name: Spanned<String>, span: Span) -> Exemption {
        Exemption {
            name,
            resource_name: None,
            display_name: None,
            description: None,
            scope: None,
            assignment: None,
            category: None,
            expires: None,
            members: Vec::new(),
            metadata: Vec::new(),
            extra: Vec::new(),
            span,
        }
    }

    pub fn resource_name(&self) -> &str {
        self.resource_name.as_ref().map_or(&self.name.value, |n| &n.value)
    }
}

/// What an assignment assigns.
#[derive(Debug, Clone)]
pub enum AssignedTarget {
    /// A gavel policy, by name.
    Policy(Spanned<String>),
    /// A gavel initiative, by name.
    Initiative(Spanned<String>),
    /// Any definition or initiative, by its full id (a built-in's, say).
    Id(Spanned<String>),
}

impl AssignedTarget {
    pub fn span(&self) -> Span {
        match self {
            AssignedTarget::Policy(name) | AssignedTarget::Initiative(name) | AssignedTarget::Id(name) => name.span,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    Default,
    DoNotEnforce,
}

impl Enforcement {
    pub const NAMES: &'static [&'static str] = &["default", "doNotEnforce"];

    pub fn parse(word: &str) -> Option<Enforcement> {
        match word.to_ascii_lowercase().as_str() {
            "default" => Some(Enforcement::Default),
            "donotenforce" => Some(Enforcement::DoNotEnforce),
            _ => None,
        }
    }

    /// As Azure writes it.
    pub fn json_name(self) -> &'static str {
        match self {
            Enforcement::Default => "Default",
            Enforcement::DoNotEnforce => "DoNotEnforce",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    SystemAssigned,
    /// The id of a user-assigned managed identity.
    UserAssigned(String),
}

#[derive(Debug, Clone)]
pub struct NonComplianceMessage {
    /// The member it is for; `None` for every member.
    pub reference_id: Option<Spanned<String>>,
    pub message: Spanned<String>,
}

/// `exemption name "Display" { scope "…"  assignment name  category waiver … }`.
#[derive(Debug, Clone)]
pub struct Exemption {
    pub name: Spanned<String>,
    pub resource_name: Option<Spanned<String>>,
    pub display_name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub scope: Option<Spanned<String>>,
    pub assignment: Option<AssignmentRef>,
    pub category: Option<Spanned<ExemptionCategory>>,
    /// `expiresOn`, an ISO 8601 date and time.
    pub expires: Option<Spanned<String>>,
    /// The members of an initiative assignment it is limited to (`policyDefinitionReferenceIds`).
    pub members: Vec<Spanned<String>>,
    pub metadata: Vec<(Spanned<String>, Expr)>,
    pub extra: Vec<(Spanned<String>, Expr)>,
    pub span: Span,
}

/// The assignment an exemption waives.
#[derive(Debug, Clone)]
pub enum AssignmentRef {
    /// A gavel assignment, by name.
    Name(Spanned<String>),
    /// A full assignment id.
    Id(Spanned<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExemptionCategory {
    Waiver,
    Mitigated,
}

impl ExemptionCategory {
    pub const NAMES: &'static [&'static str] = &["waiver", "mitigated"];

    pub fn parse(word: &str) -> Option<ExemptionCategory> {
        match word.to_ascii_lowercase().as_str() {
            "waiver" => Some(ExemptionCategory::Waiver),
            "mitigated" => Some(ExemptionCategory::Mitigated),
            _ => None,
        }
    }

    pub fn json_name(self) -> &'static str {
        match self {
            ExemptionCategory::Waiver => "Waiver",
            ExemptionCategory::Mitigated => "Mitigated",
        }
    }
}
