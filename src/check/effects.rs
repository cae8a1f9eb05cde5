//! Effects: the details each effect needs, whether every effect a parameter allows fits the
//! details given and the policy's mode, what Modify and Append operations write, and the
//! `Disabled` switch.

use super::fields::{Known, Target};
use super::values::{Val, find_param, stated_values};
use super::{Checker, Scope, type_guard};
use crate::ast::{
    Condition, DetailEntry, Details, Effect, EffectKind, EffectValue, Expr, Field, FieldName, Mode, Operation,
    OperationKind, OperatorKind, Parameter, Policy,
};
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::Span;

impl<'a> Checker<'a> {
    pub(crate) fn effect(&mut self, policy: &'a Policy) {
        let effect = &policy.effect;
        let values = self.effect_values(effect);
        if let EffectValue::Param(name) = &effect.value {
            self.use_parameter(name);
            if let Some(param) = find_param(self.params, &name.value) {
                self.disabled_switch(param);
            }
        }
        if let Some(details) = &effect.details {
            self.details(details, effect.kind, &rule_scope(&policy.condition));
        }
        self.required_details(policy);
        self.details_fit(effect, &values);
        self.effect_modes(policy, &values);
    }

    /// The effects the policy can take, each with the span that states it: the literal, or the
    /// parameter's allowed values and default.
    fn effect_values(&mut self, effect: &'a Effect) -> Vec<(EffectKind, Span)> {
        match &effect.value {
            EffectValue::Literal(name) => match EffectKind::parse(&name.value) {
                Some(kind) => vec![(kind, name.span)],
                None => {
                    self.effect_name(&name.value, name.span);
                    Vec::new()
                }
            },
            EffectValue::Param(name) => {
                let Some(param) = find_param(self.params, &name.value) else {
                    return Vec::new();
                };
                let mut values = stated_values(param);
                if param.allowed.is_some()
                    && let Some(default) = &param.default
                {
                    values.push((Val::of(default), default.span()));
                }
                let mut kinds = Vec::new();
                for (value, span) in values {
                    if let Val::Str(text) = value {
                        match EffectKind::parse(text) {
                            Some(kind) => kinds.push((kind, span)),
                            None => self.effect_name(text, span),
                        }
                    }
                }
                kinds
            }
        }
    }

    fn details(&mut self, details: &'a Details, kind: Option<EffectKind>, rule: &Scope<'a>) {
        let related: Option<&'a str> = details.entries.iter().find_map(|entry| match entry {
            DetailEntry::Property { key, value } if key.value.eq_ignore_ascii_case("type") => value.as_str(),
            _ => None,
        });
        for entry in &details.entries {
            match entry {
                DetailEntry::Property { value: Expr::Raw(json, _), .. } | DetailEntry::Raw(Expr::Raw(json, _)) => {
                    self.use_parameters_in_json(json)
                }
                DetailEntry::Raw(value) => self.expr(value, &Scope::default()),
                DetailEntry::Property { value, .. } => self.expr(value, &Scope::default()),
                DetailEntry::ExistenceCondition(condition) => {
                    // Fields in an existence condition are those of the related resource.
                    let scope = match related {
                        Some(ty) => Scope::default().with_types(vec![ty]),
                        None => Scope::default(),
                    };
                    self.condition(condition, &scope);
                }
                DetailEntry::Operation(operation) => self.operation(operation, kind, rule),
                DetailEntry::Roles { .. } => {}
            }
        }
    }

    fn operation(&mut self, operation: &'a Operation, kind: Option<EffectKind>, rule: &Scope<'a>) {
        let known = self.condition_field(&operation.field, rule);
        if let FieldName::Dynamic(name) = &operation.field.name {
            self.expr(name, rule);
        }
        if let Some(value) = &operation.value {
            self.expr(value, rule);
            if let Some(known) = &known {
                self.compare_values(&Target::new(*known, &operation.field), OperatorKind::Equals, value);
            }
        }
        if let Some(condition) = &operation.condition {
            self.expr(condition, rule);
        }
        if kind != Some(EffectKind::Modify) {
            return;
        }
        let tag = is_tag_field(&operation.field, known);
        match operation.kind {
            OperationKind::Remove if !tag => self.report(
                Diagnostic::new(
                    Code::RemoveNonTag,
                    operation.field.span,
                    format!("`remove` only removes tags, not `{}`", shown(&operation.field)),
                )
                .with_help("to change a property, `set` it to a value"),
            ),
            OperationKind::Add | OperationKind::AddOrReplace if !tag => self.modifiable(&operation.field, known),
            _ => {}
        }
    }

    fn modifiable(&mut self, field: &Field, known: Option<Known<'a>>) {
        let writable = match known {
            Some(Known::Alias(alias)) => alias.modifiable(),
            Some(Known::Builtin(field)) => field.modifiable,
            // Unknown or unchecked fields are reported (or not) elsewhere.
            Some(Known::Tag) | None => true,
        };
        if !writable {
            self.report(
                Diagnostic::new(Code::NotModifiable, field.span, format!("Modify cannot write `{}`", shown(field)))
                    .with_help(
                        "only tags and aliases marked Modifiable can be modified (`gavel aliases NAME` shows it); \
                         use deployIfNotExists to change other properties",
                    ),
            );
        }
    }

    /// The details each effect needs (the effect chosen for the details' shape).
    fn required_details(&mut self, policy: &Policy) {
        let effect = &policy.effect;
        let Some(kind) = effect.kind else { return };
        let required: &[&str] = match kind {
            EffectKind::Modify => &["roleDefinitionIds", "operations"],
            EffectKind::Append => &["operations"],
            EffectKind::AuditIfNotExists => &["type"],
            EffectKind::DeployIfNotExists => &["type", "roleDefinitionIds", "deployment"],
            EffectKind::DenyAction => &["actionNames"],
            EffectKind::EnforceSetting => &["setting"],
            _ => &[],
        };
        let missing: Vec<&str> = required.iter().copied().filter(|key| !has_detail(effect, key)).collect();
        if !missing.is_empty() && kind.has_details() {
            let shown: Vec<String> = missing.iter().map(|m| format!("`{}`", gavel_detail_name(m))).collect();
            self.report(
                Diagnostic::new(
                    Code::InvalidDetails,
                    effect.span,
                    format!("a `{}` effect needs {}", kind.name(), shown.join(", ")),
                )
                .with_help(format!("add {} to the details block", shown.join(", "))),
            );
        }
        if !kind.has_details()
            && policy.mode.value.is_resource_manager()
            && let Some(details) = &effect.details
        {
            // Azure accepts the definition and ignores the details: advice.
            let message = match &effect.value {
                EffectValue::Param(name) => format!(
                    "the details are ignored: `${}` allows only effects that take none (`{}` and the like)",
                    name.value,
                    kind.name()
                ),
                EffectValue::Literal(_) => format!("a `{}` effect ignores its details", kind.name()),
            };
            self.report(
                Diagnostic::new(Code::IgnoredDetails, details.span, message)
                    .with_help("remove the details block, or allow the effect that uses it"),
            );
        }
    }

    /// Every effect the parameter allows must work with the details given.
    fn details_fit(&mut self, effect: &Effect, values: &[(EffectKind, Span)]) {
        let EffectValue::Param(name) = &effect.value else {
            return;
        };
        let details = effect.details.as_ref().and(effect.kind);
        if effect.details.is_some() && details.is_none() {
            // The details' shape is unknown (reported as ambiguous elsewhere).
            return;
        }
        if let (Some(d), Some(shape)) = (details, &effect.details)
            && needs_details(d)
            && !values.is_empty()
            && values.iter().all(|&(kind, _)| !needs_details(kind))
        {
            self.report(
                Diagnostic::new(
                    Code::IgnoredDetails,
                    shape.span,
                    format!(
                        "the `{}` details are ignored: `${}` allows no effect that reads them",
                        lower_first(d.name()),
                        name.value
                    ),
                )
                .with_help(format!("allow `{}`, or remove the details block", d.name())),
            );
        }
        for &(kind, span) in values {
            if Some(kind) == effect.kind {
                continue;
            }
            match fits(kind, details) {
                Fit::Yes => continue,
                Fit::Ignores => {
                    if let Some(d) = details {
                        self.report(
                            Diagnostic::new(
                                Code::IgnoredDetails,
                                span,
                                format!(
                                    "`{}` (allowed by `${}`) ignores the `{}` details",
                                    kind.name(),
                                    name.value,
                                    lower_first(d.name())
                                ),
                            )
                            .with_help(format!(
                                "with `{}` the policy reports every resource the condition matches, whatever the details say; allow only `{}` if that is not meant",
                                kind.name(),
                                d.name()
                            )),
                        );
                    }
                    continue;
                }
                Fit::No => {}
            }
            let message = match details {
                Some(d) => format!(
                    "`{}` (allowed by `${}`) does not work with `{}` details",
                    kind.name(),
                    name.value,
                    lower_first(d.name())
                ),
                None => format!("`{}` (allowed by `${}`) needs details, and none are given", kind.name(), name.value),
            };
            self.report(
                Diagnostic::new(Code::EffectDetailsMismatch, span, message)
                    .with_help("allow only effects that share these details (Audit, Deny and Modify or Append; AuditIfNotExists and DeployIfNotExists; Disabled with any), or split the policy"),
            );
        }
    }

    fn effect_modes(&mut self, policy: &Policy, values: &[(EffectKind, Span)]) {
        let mode = &policy.mode.value;
        for &(kind, span) in values {
            if allowed_in_mode(kind, mode) {
                continue;
            }
            let help = match kind {
                EffectKind::Mutate => "use mode `Microsoft.Kubernetes.Data`",
                EffectKind::AddToNetworkGroup => "use mode `Microsoft.Network.Data`",
                EffectKind::EnforceSetting => {
                    "use a resource-provider mode such as `Microsoft.MachineLearningServices.Data`"
                }
                _ => "use mode `all` or `indexed`",
            };
            self.report(
                Diagnostic::new(
                    Code::EffectNotInMode,
                    span,
                    format!("`{}` does not work in mode {}", kind.name(), mode.as_str()),
                )
                .with_label(policy.mode.span, "mode set here")
                .with_help(help),
            );
        }
    }

    /// An effect parameter whose allowed values leave out `Disabled`.
    fn disabled_switch(&mut self, param: &Parameter) {
        let Some(allowed) = &param.allowed else { return };
        let Val::Array(items) = Val::of(allowed) else { return };
        let names: Vec<&str> =
            items.iter().filter_map(|(v, _)| if let Val::Str(s) = v { Some(*s) } else { None }).collect();
        if names.iter().any(|n| n.eq_ignore_ascii_case("disabled")) {
            return;
        }
        let mut diagnostic = Diagnostic::new(
            Code::EffectWithoutDisabled,
            allowed.span(),
            format!("the effect parameter `{}` cannot be set to `Disabled`", param.name.value),
        )
        .with_help("allow `Disabled`, so that an assignment can switch the policy off");
        if let Some(text) = self.cx.gavel_text(allowed.span()).and_then(|t| t.strip_suffix(']')) {
            let lower = names.iter().all(|n| n.starts_with(|c: char| c.is_ascii_lowercase()));
            let disabled = if lower { "disabled" } else { "Disabled" };
            let separator = if names.is_empty() { "" } else { ", " };
            diagnostic = diagnostic.with_fix(
                format!("allow `{disabled}`"),
                allowed.span(),
                format!("{}{separator}{disabled}]", text.trim_end()),
            );
        }
        self.report(diagnostic);
    }
}

/// The scope of the rule's top level: the types its `type` guard pins.
fn rule_scope(condition: &Condition) -> Scope<'_> {
    let types = match condition {
        Condition::AllOf { items, .. } => items.iter().find_map(type_guard),
        other => type_guard(other),
    };
    match types {
        Some(types) => Scope::default().with_types(types),
        None => Scope::default(),
    }
}

/// `tags`, `tags['x']`, `tags[$name]`.
fn is_tag_field(field: &Field, known: Option<Known<'_>>) -> bool {
    if known.is_some_and(Known::is_tag) {
        return true;
    }
    match &field.name {
        FieldName::Dynamic(expr) => match expr.as_ref() {
            Expr::Call { args, .. } => args
                .first()
                .and_then(Expr::as_str)
                .is_some_and(|s| s.get(..4).is_some_and(|head| head.eq_ignore_ascii_case("tags"))),
            _ => false,
        },
        FieldName::Static(_) => false,
    }
}

fn shown(field: &Field) -> String {
    match (&field.written, &field.name) {
        (Some(written), _) => written.clone(),
        (None, FieldName::Static(name)) => name.clone(),
        (None, FieldName::Dynamic(_)) => "a computed field".into(),
    }
}

fn has_detail(effect: &Effect, key: &str) -> bool {
    effect.details.as_ref().is_some_and(|d| {
        d.entries.iter().any(|e| match e {
            DetailEntry::Property { key: k, .. } => k.value.eq_ignore_ascii_case(key),
            DetailEntry::Roles { .. } => key == "roleDefinitionIds",
            DetailEntry::ExistenceCondition(_) => key == "existenceCondition",
            DetailEntry::Operation(_) => key == "operations",
            // Details kept verbatim are not looked into.
            DetailEntry::Raw(_) => true,
        })
    })
}

/// Effects that do nothing without details.
fn needs_details(kind: EffectKind) -> bool {
    use EffectKind as E;
    matches!(
        kind,
        E::Modify
            | E::Append
            | E::AuditIfNotExists
            | E::DeployIfNotExists
            | E::DenyAction
            | E::EnforceSetting
            | E::Mutate
            | E::AddToNetworkGroup
    )
}

/// How an effect goes with the details written for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    Yes,
    /// The effect works and does not read the details, which were written for a different one.
    Ignores,
    No,
}

/// Whether `kind` can share the details written for `details` (`None`: no details).
fn fits(kind: EffectKind, details: Option<EffectKind>) -> Fit {
    use EffectKind as E;
    let Some(details) = details else {
        return if kind == E::Disabled || !needs_details(kind) { Fit::Yes } else { Fit::No };
    };
    if kind == details
        || kind == E::Disabled
        || matches!(
            (kind, details),
            (E::Audit | E::Deny, E::Modify | E::Append | E::Audit | E::Deny)
                | (E::AuditIfNotExists, E::DeployIfNotExists)
                | (E::AuditAction, E::DenyAction)
                | (E::DenyAction, E::AuditAction)
        )
    {
        return Fit::Yes;
    }
    // Audit and Deny do not read details (Azure accepts them beside any).
    if matches!(kind, E::Audit | E::Deny) { Fit::Ignores } else { Fit::No }
}

/// Modes restrict effects (effect-basics.md, policy modes).
fn allowed_in_mode(kind: EffectKind, mode: &Mode) -> bool {
    use EffectKind as E;
    let provider = match mode {
        Mode::All | Mode::Indexed => {
            return !matches!(
                kind,
                E::Mutate | E::AddToNetworkGroup | E::EnforceSetting | E::EnforceRegoPolicy | E::EnforceOpaConstraint
            );
        }
        Mode::Provider(name) => name.as_str(),
    };
    let is = |m: &str| provider.eq_ignore_ascii_case(m);
    match kind {
        E::Modify | E::Append | E::AuditIfNotExists | E::DeployIfNotExists | E::DenyAction | E::AuditAction => false,
        E::Mutate => is("Microsoft.Kubernetes.Data"),
        E::AddToNetworkGroup => is("Microsoft.Network.Data"),
        E::EnforceRegoPolicy | E::EnforceOpaConstraint => {
            is("Microsoft.Kubernetes.Data") || is("Microsoft.ContainerService.Data")
        }
        _ => true,
    }
}

fn gavel_detail_name(key: &str) -> &str {
    match key {
        "roleDefinitionIds" => "roles",
        "operations" => "set/add/remove",
        other => other,
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}
