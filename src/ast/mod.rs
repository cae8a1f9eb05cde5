//! The lowered AST: policies and initiatives with names resolved, fields turned into alias
//! names, strings decoded and interpolations turned into expressions. Every node keeps the
//! span of the source it came from, for the checker, the language server and the emitter's
//! source maps. The decompiler produces the same AST from JSON, so these types must be able
//! to say everything Azure Policy can.

pub mod assignment;
pub(crate) mod caseless;
pub mod lower;
pub(crate) mod names;
pub mod numbers;
mod strings;

pub use assignment::{AssignedTarget, Assignment, AssignmentRef, Exemption};
pub use lower::{Lowered, lower_file, lower_file_with};

use crate::syntax::span::Span;

/// A value with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// One file's definitions, in source order.
#[derive(Debug, Clone, Default)]
pub struct Module {
    pub imports: Vec<Spanned<String>>,
    pub definitions: Vec<Definition>,
    pub assignments: Vec<Assignment>,
    pub exemptions: Vec<Exemption>,
}

// Definitions live in a Vec, one per policy; boxing the larger variant would save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Definition {
    Policy(Policy),
    Initiative(Initiative),
}

impl Definition {
    pub fn name(&self) -> &Spanned<String> {
        match self {
            Definition::Policy(p) => &p.header.name,
            Definition::Initiative(i) => &i.header.name,
        }
    }

    pub fn header(&self) -> &Header {
        match self {
            Definition::Policy(p) => &p.header,
            Definition::Initiative(i) => &i.header,
        }
    }
}

/// What policies and initiatives share: names, texts, version, metadata, parameters.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// The gavel name: output file name and reference name in initiatives.
    pub name: Spanned<String>,
    /// The definition name Azure stores (`name "a6f9a2d0-…"`); defaults to the gavel name.
    pub definition_name: Option<Spanned<String>>,
    pub display_name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub version: Option<Spanned<String>>,
    pub category: Option<Spanned<String>>,
    pub preview: Option<Span>,
    pub deprecated: Option<Span>,
    /// Further metadata entries, in order (`metadata { portalReview: "…" }`).
    pub metadata: Vec<(Spanned<String>, Expr)>,
    pub parameters: Vec<Parameter>,
    /// Properties gavel has no syntax for (`json { "key": … }`), emitted last and verbatim.
    pub extra: Vec<(Spanned<String>, Expr)>,
    pub span: Span,
}

impl Header {
    pub fn definition_name(&self) -> &str {
        self.definition_name.as_ref().map_or(&self.name.value, |n| &n.value)
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name.value.eq_ignore_ascii_case(name))
    }
}

impl Default for Spanned<String> {
    fn default() -> Self {
        Spanned { value: String::new(), span: Span::default() }
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub header: Header,
    pub mode: Spanned<Mode>,
    pub condition: Condition,
    pub effect: Effect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    All,
    Indexed,
    /// A resource-provider mode, in Azure's spelling (`Microsoft.MachineLearningServices.v2.Data`).
    Provider(String),
}

impl Mode {
    pub fn as_str(&self) -> &str {
        match self {
            Mode::All => "All",
            Mode::Indexed => "Indexed",
            Mode::Provider(name) => name,
        }
    }

    /// Resource Manager modes (as opposed to resource-provider modes).
    pub fn is_resource_manager(&self) -> bool {
        matches!(self, Mode::All | Mode::Indexed)
    }
}

/// The resource-provider modes Azure Policy documents or the built-ins use.
pub const PROVIDER_MODES: &[&str] = &[
    "Microsoft.Kubernetes.Data",
    "Microsoft.KeyVault.Data",
    "Microsoft.Network.Data",
    "Microsoft.ManagedHSM.Data",
    "Microsoft.DataFactory.Data",
    "Microsoft.MachineLearningServices.Data",
    "Microsoft.MachineLearningServices.v2.Data",
    "Microsoft.CognitiveServices.Data",
    "Microsoft.LoadTestService.Data",
    "Microsoft.ContainerService.Data",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Array,
    Object,
    Boolean,
    Integer,
    Float,
    DateTime,
    /// A string whose values are effect names.
    Effect,
}

impl ParamType {
    pub const NAMES: &'static [&'static str] =
        &["string", "array", "object", "boolean", "integer", "float", "dateTime", "effect"];

    pub fn parse(name: &str) -> Option<ParamType> {
        Some(match name.to_ascii_lowercase().as_str() {
            "string" => ParamType::String,
            "array" => ParamType::Array,
            "object" => ParamType::Object,
            "boolean" | "bool" => ParamType::Boolean,
            "integer" | "int" => ParamType::Integer,
            "float" => ParamType::Float,
            "datetime" => ParamType::DateTime,
            "effect" => ParamType::Effect,
            _ => return None,
        })
    }

    /// The type name Azure Policy JSON uses.
    pub fn json_name(self) -> &'static str {
        match self {
            ParamType::String | ParamType::Effect => "String",
            ParamType::Array => "Array",
            ParamType::Object => "Object",
            ParamType::Boolean => "Boolean",
            ParamType::Integer => "Integer",
            ParamType::Float => "Float",
            ParamType::DateTime => "DateTime",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: Spanned<String>,
    pub ty: Spanned<ParamType>,
    pub display_name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub default: Option<Expr>,
    pub allowed: Option<Expr>,
    pub strong_type: Option<Spanned<String>>,
    pub assign_permissions: Option<Spanned<bool>>,
    pub deprecated: Option<Spanned<bool>>,
    pub schema: Option<Expr>,
    /// Further metadata entries, in order.
    pub metadata: Vec<(Spanned<String>, Expr)>,
    /// Parameter keys gavel has no syntax for (`json { … }`), emitted last and verbatim.
    pub extra: Vec<(Spanned<String>, Expr)>,
    pub span: Span,
}

impl Parameter {
    /// A parameter with its name and type only.
    pub fn new(name: Spanned<String>, ty: Spanned<ParamType>, span: Span) -> Parameter {
        Parameter {
            name,
            ty,
            display_name: None,
            description: None,
            default: None,
            allowed: None,
            strong_type: None,
            assign_permissions: None,
            deprecated: None,
            schema: None,
            metadata: Vec::new(),
            extra: Vec::new(),
            span,
        }
    }

    /// The effect whose details shape this effect parameter gives, as the compiler settles
    /// it: the one effect with details among its allowed values and default
    /// (deployIfNotExists wins over auditIfNotExists, whose details it extends); with none, the
    /// first value's effect. `Err` lists the effects when several with details remain.
    pub fn details_kind(&self) -> Result<Option<EffectKind>, Vec<EffectKind>> {
        let mut values: Vec<&str> = Vec::new();
        if let Some(Expr::Raw(serde_json::Value::Array(items), _)) = &self.allowed {
            values.extend(items.iter().filter_map(|v| v.as_str()));
        }
        if let Some(Expr::Raw(serde_json::Value::String(default), _)) = &self.default {
            values.push(default);
        }
        let mut with_details: Vec<EffectKind> =
            values.iter().filter_map(|v| EffectKind::parse(v)).filter(|k| k.has_details()).collect();
        with_details.sort_by_key(|k| k.name());
        with_details.dedup();
        if with_details.contains(&EffectKind::DeployIfNotExists) {
            with_details.retain(|k| *k != EffectKind::AuditIfNotExists);
        }
        match with_details.as_slice() {
            [one] => Ok(Some(*one)),
            [] => Ok(values.first().and_then(|v| EffectKind::parse(v))),
            _ => Err(with_details),
        }
    }
}

/// A policy rule condition.
#[derive(Debug, Clone)]
pub enum Condition {
    AllOf {
        items: Vec<Condition>,
        span: Span,
    },
    AnyOf {
        items: Vec<Condition>,
        span: Span,
    },
    Not {
        inner: Box<Condition>,
        span: Span,
    },
    /// `{"field": …, "<op>": …}`
    Field {
        field: Field,
        op: Operator,
        value: Expr,
        span: Span,
    },
    /// `{"value": …, "<op>": …}`
    Value {
        value: Expr,
        op: Operator,
        rhs: Expr,
        span: Span,
    },
    /// `{"count": {…}, "<op>": …}`
    Count {
        count: Box<Count>,
        op: Operator,
        rhs: Expr,
        span: Span,
    },
    /// A condition kept verbatim (`json { … }`): operators and shapes gavel does not know.
    Raw {
        value: serde_json::Value,
        span: Span,
    },
}

impl Condition {
    pub fn span(&self) -> Span {
        match self {
            Condition::AllOf { span, .. }
            | Condition::AnyOf { span, .. }
            | Condition::Not { span, .. }
            | Condition::Field { span, .. }
            | Condition::Value { span, .. }
            | Condition::Count { span, .. }
            | Condition::Raw { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorKind {
    Equals,
    NotEquals,
    Like,
    NotLike,
    Match,
    NotMatch,
    MatchInsensitively,
    NotMatchInsensitively,
    Contains,
    NotContains,
    In,
    NotIn,
    ContainsKey,
    NotContainsKey,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
    Exists,
}

impl OperatorKind {
    pub const ALL: &'static [OperatorKind] = &[
        OperatorKind::Equals,
        OperatorKind::NotEquals,
        OperatorKind::Like,
        OperatorKind::NotLike,
        OperatorKind::Match,
        OperatorKind::NotMatch,
        OperatorKind::MatchInsensitively,
        OperatorKind::NotMatchInsensitively,
        OperatorKind::Contains,
        OperatorKind::NotContains,
        OperatorKind::In,
        OperatorKind::NotIn,
        OperatorKind::ContainsKey,
        OperatorKind::NotContainsKey,
        OperatorKind::Less,
        OperatorKind::LessOrEquals,
        OperatorKind::Greater,
        OperatorKind::GreaterOrEquals,
        OperatorKind::Exists,
    ];

    /// The operator key in Azure Policy JSON.
    pub fn json_name(self) -> &'static str {
        match self {
            OperatorKind::Equals => "equals",
            OperatorKind::NotEquals => "notEquals",
            OperatorKind::Like => "like",
            OperatorKind::NotLike => "notLike",
            OperatorKind::Match => "match",
            OperatorKind::NotMatch => "notMatch",
            OperatorKind::MatchInsensitively => "matchInsensitively",
            OperatorKind::NotMatchInsensitively => "notMatchInsensitively",
            OperatorKind::Contains => "contains",
            OperatorKind::NotContains => "notContains",
            OperatorKind::In => "in",
            OperatorKind::NotIn => "notIn",
            OperatorKind::ContainsKey => "containsKey",
            OperatorKind::NotContainsKey => "notContainsKey",
            OperatorKind::Less => "less",
            OperatorKind::LessOrEquals => "lessOrEquals",
            OperatorKind::Greater => "greater",
            OperatorKind::GreaterOrEquals => "greaterOrEquals",
            OperatorKind::Exists => "exists",
        }
    }

    /// Parses a JSON operator key, ignoring case as Azure does (`notin`).
    pub fn from_json_name(name: &str) -> Option<OperatorKind> {
        OperatorKind::ALL.iter().copied().find(|op| op.json_name().eq_ignore_ascii_case(name))
    }

    /// How the operator is written in gavel.
    pub fn gavel_name(self) -> &'static str {
        match self {
            OperatorKind::Equals => "==",
            OperatorKind::NotEquals => "!=",
            OperatorKind::Less => "<",
            OperatorKind::LessOrEquals => "<=",
            OperatorKind::Greater => ">",
            OperatorKind::GreaterOrEquals => ">=",
            other => other.json_name(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    pub kind: OperatorKind,
    pub span: Span,
}

/// A field reference: an alias or top-level field name, or an expression that yields one.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: FieldName,
    /// The text the author wrote (`enableNodePublicIp`), when it differs from the name.
    pub written: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldName {
    /// `Microsoft.MachineLearningServices/workspaces/computes/vmSize`, `type`, `tags['env']`.
    Static(String),
    /// A field name computed by an expression: `tags[$tagName]`.
    Dynamic(Box<Expr>),
}

/// `count` over a `[*]` alias (field count) or over an array value (value count).
#[derive(Debug, Clone)]
pub struct Count {
    pub source: CountSource,
    pub condition: Option<Condition>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum CountSource {
    Field(Field),
    Value { value: Expr, name: Option<Spanned<String>> },
}

/// Expressions: JSON literals, or ARM template expressions emitted as `"[…]"` strings.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null(Span),
    Bool(bool, Span),
    Number(serde_json::Number, Span),
    String(String, Span),
    Array(Vec<Expr>, Span),
    Object(Vec<(Spanned<String>, Expr)>, Span),
    /// `$name` → `parameters('name')`.
    Param(Spanned<String>),
    /// A field read in a value: `field('alias')`.
    Field(Box<Field>),
    /// `current('name')`, or `current()` for the innermost count.
    Current(Option<String>, Span),
    Call {
        name: Spanned<String>,
        args: Vec<Expr>,
        span: Span,
    },
    Member {
        base: Box<Expr>,
        name: Spanned<String>,
        span: Span,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
        span: Span,
    },
    /// JSON kept verbatim (`json { … }`, deployment templates, unknown constructs).
    Raw(serde_json::Value, Span),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Null(span)
            | Expr::Bool(_, span)
            | Expr::Number(_, span)
            | Expr::String(_, span)
            | Expr::Array(_, span)
            | Expr::Object(_, span)
            | Expr::Current(_, span)
            | Expr::Call { span, .. }
            | Expr::Member { span, .. }
            | Expr::Index { span, .. }
            | Expr::Raw(_, span) => *span,
            Expr::Param(name) => name.span,
            Expr::Field(field) => field.span,
        }
    }

    /// True for values that are plain JSON (emitted as themselves, not as `"[…]"`).
    pub fn is_literal(&self) -> bool {
        match self {
            Expr::Null(_) | Expr::Bool(..) | Expr::Number(..) | Expr::String(..) | Expr::Raw(..) => true,
            Expr::Array(items, _) => items.iter().all(Expr::is_literal),
            Expr::Object(entries, _) => entries.iter().all(|(_, v)| v.is_literal()),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::String(s, _) => Some(s),
            Expr::Raw(serde_json::Value::String(s), _) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectKind {
    Audit,
    Deny,
    Disabled,
    Manual,
    Append,
    Modify,
    AuditIfNotExists,
    DeployIfNotExists,
    DenyAction,
    AuditAction,
    EnforceSetting,
    Mutate,
    AddToNetworkGroup,
    EnforceRegoPolicy,
    EnforceOpaConstraint,
}

impl EffectKind {
    pub const ALL: &'static [EffectKind] = &[
        EffectKind::Audit,
        EffectKind::Deny,
        EffectKind::Disabled,
        EffectKind::Manual,
        EffectKind::Append,
        EffectKind::Modify,
        EffectKind::AuditIfNotExists,
        EffectKind::DeployIfNotExists,
        EffectKind::DenyAction,
        EffectKind::AuditAction,
        EffectKind::EnforceSetting,
        EffectKind::Mutate,
        EffectKind::AddToNetworkGroup,
        EffectKind::EnforceRegoPolicy,
        EffectKind::EnforceOpaConstraint,
    ];

    /// Azure's canonical spelling.
    pub fn name(self) -> &'static str {
        match self {
            EffectKind::Audit => "Audit",
            EffectKind::Deny => "Deny",
            EffectKind::Disabled => "Disabled",
            EffectKind::Manual => "Manual",
            EffectKind::Append => "Append",
            EffectKind::Modify => "Modify",
            EffectKind::AuditIfNotExists => "AuditIfNotExists",
            EffectKind::DeployIfNotExists => "DeployIfNotExists",
            EffectKind::DenyAction => "DenyAction",
            EffectKind::AuditAction => "AuditAction",
            EffectKind::EnforceSetting => "EnforceSetting",
            EffectKind::Mutate => "Mutate",
            EffectKind::AddToNetworkGroup => "AddToNetworkGroup",
            EffectKind::EnforceRegoPolicy => "EnforceRegoPolicy",
            EffectKind::EnforceOpaConstraint => "EnforceOPAConstraint",
        }
    }

    /// Parses an effect name, ignoring case as Azure does.
    pub fn parse(name: &str) -> Option<EffectKind> {
        EffectKind::ALL.iter().copied().find(|kind| kind.name().eq_ignore_ascii_case(name))
    }

    /// Effects whose details say what to do (and so fix the shape of `details`).
    pub fn has_details(self) -> bool {
        !matches!(self, EffectKind::Audit | EffectKind::Deny | EffectKind::Disabled | EffectKind::AuditAction)
    }
}

#[derive(Debug, Clone)]
pub struct Effect {
    pub value: EffectValue,
    /// The effect whose details shape applies (resolved from a parameter's allowed values).
    pub kind: Option<EffectKind>,
    pub details: Option<Details>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum EffectValue {
    /// The effect as written (`deny`), emitted in that spelling.
    Literal(Spanned<String>),
    Param(Spanned<String>),
}

#[derive(Debug, Clone)]
pub struct Details {
    pub entries: Vec<DetailEntry>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum DetailEntry {
    /// Any details key with its value: `type`, `name`, `conflictEffect`, `deployment`, ….
    Property {
        key: Spanned<String>,
        value: Expr,
    },
    /// `roles [contributor, "…"]` → `roleDefinitionIds`.
    Roles {
        ids: Vec<Spanned<String>>,
        span: Span,
    },
    ExistenceCondition(Condition),
    Operation(Operation),
    /// The whole `details` value kept verbatim (`json [ … ]`): shapes gavel has no syntax for.
    Raw(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    AddOrReplace,
    Add,
    Remove,
}

impl OperationKind {
    pub fn json_name(self) -> &'static str {
        match self {
            OperationKind::AddOrReplace => "addOrReplace",
            OperationKind::Add => "add",
            OperationKind::Remove => "remove",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub kind: OperationKind,
    pub field: Field,
    pub value: Option<Expr>,
    pub condition: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Initiative {
    pub header: Header,
    pub groups: Vec<Group>,
    pub members: Vec<Member>,
    /// Where member policies given by gavel name are deployed (`definitionScope "…"`).
    pub definition_scope: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: Spanned<String>,
    pub display_name: Option<Spanned<String>>,
    pub category: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub additional_metadata_id: Option<Spanned<String>>,
    /// Group keys gavel has no syntax for (`json { … }`), emitted last and verbatim.
    pub extra: Vec<(Spanned<String>, Expr)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub target: MemberTarget,
    pub reference_id: Option<Spanned<String>>,
    pub parameters: Vec<(Spanned<String>, Expr)>,
    pub groups: Vec<Spanned<String>>,
    pub definition_version: Option<Spanned<String>>,
    /// Member keys gavel has no syntax for (`json { … }`), emitted last and verbatim.
    pub extra: Vec<(Spanned<String>, Expr)>,
    pub span: Span,
}

impl Member {
    /// The member's `policyDefinitionReferenceId`: as given, else the policy's gavel name, else
    /// the last segment of the definition id.
    pub fn reference(&self) -> &str {
        match (&self.reference_id, &self.target) {
            (Some(reference), _) => &reference.value,
            (None, MemberTarget::Policy(name)) => &name.value,
            (None, MemberTarget::Id(id)) => id.value.rsplit('/').next().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum MemberTarget {
    /// A policy defined in gavel, by its gavel name.
    Policy(Spanned<String>),
    /// Any definition, by id.
    Id(Spanned<String>),
}
