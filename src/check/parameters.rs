//! Parameters: references to undeclared ones, unused ones, defaults outside the allowed values,
//! values of the wrong type, and more parameters than Azure documents.

use std::borrow::Cow;

use super::Checker;
use super::values::Val;
use crate::ast::{Header, ParamType, Parameter, Spanned};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::syntax::span::Span;
use serde_json::Value as Json;

/// Azure's documented limit; built-ins exceed it (22), hence a warning.
const MAX_PARAMETERS: usize = 20;

impl<'a> Checker<'a> {
    /// `$name` (or `[parameters('name')]`): marks it used, reports it if undeclared.
    pub(crate) fn use_parameter(&mut self, name: &Spanned<String>) {
        if let Some(index) = self.params.iter().position(|p| p.name.value.eq_ignore_ascii_case(&name.value)) {
            if let Some(used) = self.used.get_mut(index) {
                *used = true;
            }
            return;
        }
        let declared = self.params.iter().map(|p| p.name.value.as_str());
        let mut diagnostic = Diagnostic::new(
            Code::UndefinedParameter,
            name.span,
            format!("parameter `${}` is not declared", name.value),
        );
        diagnostic = match did_you_mean(&name.value, declared) {
            Some(s) => diagnostic.with_help(format!("did you mean `${s}`?")),
            None => diagnostic.with_help(format!("declare it: `param {}: string`", name.value)),
        };
        self.report(diagnostic);
    }

    /// JSON taken verbatim (a deployment template, `json { … }`): `parameters('name')` in its
    /// strings counts as a use. Names the template declares itself are not policy parameters, so
    /// nothing is reported for undeclared ones.
    pub(crate) fn use_parameters_in_json(&mut self, json: &Json) {
        match json {
            Json::String(text) => {
                for name in parameter_references(text) {
                    if let Some(index) = self.params.iter().position(|p| p.name.value.eq_ignore_ascii_case(name))
                        && let Some(used) = self.used.get_mut(index)
                    {
                        *used = true;
                    }
                }
            }
            Json::Array(items) => items.iter().for_each(|item| self.use_parameters_in_json(item)),
            Json::Object(map) => map.values().for_each(|item| self.use_parameters_in_json(item)),
            _ => {}
        }
    }

    pub(crate) fn unused_parameters(&mut self) {
        let params: &'a [Parameter] = self.params;
        for (param, used) in params.iter().zip(self.used.clone()) {
            if used {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                Code::UnusedParameter,
                param.name.span,
                format!("parameter `{}` is never used", param.name.value),
            )
            .with_help("remove it, or use it as `$".to_string() + &param.name.value + "`");
            if self.cx.gavel_text(param.span).is_some() {
                diagnostic = diagnostic.with_fix("remove the parameter", param.span, "");
            }
            self.report(diagnostic);
        }
    }

    pub(crate) fn parameter_declarations(&mut self, header: &'a Header) {
        for param in &header.parameters {
            self.parameter_values(param);
            self.default_allowed(param);
        }
        if let Some(extra) = header.parameters.get(MAX_PARAMETERS) {
            self.report(
                Diagnostic::new(
                    Code::TooManyParameters,
                    extra.name.span,
                    format!("{} parameters; Azure documents at most {MAX_PARAMETERS}", header.parameters.len()),
                )
                .with_help("group related settings into an `object` parameter"),
            );
        }
    }

    /// Default and allowed values against the declared type.
    fn parameter_values(&mut self, param: &'a Parameter) {
        let ty = param.ty.value;
        if let Some(default) = &param.default {
            match Val::of(default) {
                // Azure accepts `[]` as the default of any parameter (built-in initiatives have
                // it for strings): advice, not an error.
                Val::Array(items) if items.is_empty() && ty != ParamType::Array => self.report(
                    Diagnostic::new(
                        Code::EmptyListDefault,
                        default.span(),
                        format!(
                            "the default of `{}` is an empty list, but the parameter is {}",
                            param.name.value,
                            ty.json_name()
                        ),
                    )
                    .with_label(param.ty.span, "type declared here")
                    .with_help("give a default of the parameter's type, or none"),
                ),
                value => self.parameter_value(param, &value, default.span(), "default"),
            }
        }
        let Some(allowed) = &param.allowed else {
            return;
        };
        match Val::of(allowed) {
            // Allowed values of an array parameter may be lists or members; not checked.
            Val::Array(_) if ty == ParamType::Array => {}
            Val::Array(items) => {
                for (item, span) in items {
                    self.parameter_value(param, &item, span, "allowed value");
                }
            }
            other => self.report(
                Diagnostic::new(
                    Code::ParameterValueType,
                    allowed.span(),
                    format!("allowed values are a list, not {}", other.kind_name()),
                )
                .with_help("write `in [\"a\", \"b\"]`"),
            ),
        }
    }

    fn parameter_value(&mut self, param: &Parameter, value: &Val<'_>, span: Span, what: &str) {
        let ty = param.ty.value;
        if let (ParamType::Effect, Val::Str(name)) = (ty, value) {
            self.effect_name(name, span);
        }
        if !value_fits(ty, value) {
            let expected = expected_value(ty);
            self.report(
                Diagnostic::new(
                    Code::ParameterValueType,
                    span,
                    format!(
                        "the {what} of `{}` is {}, but the parameter is {}",
                        param.name.value,
                        value.describe(),
                        ty.json_name()
                    ),
                )
                .with_label(param.ty.span, "type declared here")
                .with_help(format!("write {expected}, or change the parameter's type")),
            );
        }
    }

    /// A value of an effect parameter must name an effect.
    pub(crate) fn effect_name(&mut self, name: &str, span: Span) {
        if crate::ast::EffectKind::parse(name).is_some() {
            return;
        }
        let names = crate::ast::EffectKind::ALL.iter().map(|k| k.name());
        let diagnostic = Diagnostic::new(Code::UnknownEffect, span, format!("`{name}` is not an effect"));
        self.report(match did_you_mean(name, names) {
            Some(s) => diagnostic.with_help(format!("did you mean `{s}`?")),
            None => diagnostic
                .with_help("effects: Audit, Deny, Disabled, Modify, Append, AuditIfNotExists, DeployIfNotExists, …"),
        });
    }

    /// The default must be one of the allowed values, exactly; each member of a list default
    /// (Azure checks an array parameter's default member by member). An empty list of allowed
    /// values restricts nothing.
    fn default_allowed(&mut self, param: &Parameter) {
        let (Some(default), Some(allowed)) = (&param.default, &param.allowed) else {
            return;
        };
        let (Some(default_json), Some(allowed_json)) = (json_of(default), json_of(allowed)) else {
            return;
        };
        let Json::Array(allowed_json) = allowed_json.as_ref() else {
            return;
        };
        if allowed_json.is_empty() || allowed_json.contains(&default_json) {
            return;
        }
        let outside: Vec<&Json> = match default_json.as_ref() {
            Json::Array(members) => members.iter().filter(|m| !allowed_json.contains(m)).collect(),
            single => vec![single],
        };
        let Some(&first) = outside.first() else {
            return;
        };
        let near = match first {
            Json::String(text) => allowed_json.iter().filter_map(Json::as_str).find(|a| a.eq_ignore_ascii_case(text)),
            _ => None,
        };
        let help = match near {
            Some(spelling) => format!("allowed values are compared exactly: write \"{spelling}\""),
            None => "add the default to the allowed values, or change it".to_string(),
        };
        let message = match default_json.as_ref() {
            Json::Array(_) => format!(
                "the default of `{}` has {} that {} not one of its allowed values: {}",
                param.name.value,
                if outside.len() == 1 { "a member" } else { "members" },
                if outside.len() == 1 { "is" } else { "are" },
                outside.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ")
            ),
            _ => format!("the default of `{}` is not one of its allowed values", param.name.value),
        };
        self.report(
            Diagnostic::new(Code::DefaultNotAllowed, default.span(), message)
                .with_label(allowed.span(), "allowed values")
                .with_help(help),
        );
    }
}

/// Whether a value can be given to a parameter of type `ty`; values known only when the policy
/// is evaluated (parameters, calls) always can.
pub(crate) fn value_fits(ty: ParamType, value: &Val<'_>) -> bool {
    match (ty, value) {
        (_, Val::Null | Val::Computed | Val::Param(_)) => true,
        (ParamType::String | ParamType::DateTime | ParamType::Effect, Val::Str(_)) => true,
        (ParamType::Integer, Val::Num(n)) => n.is_i64() || n.is_u64(),
        (ParamType::Float, Val::Num(_)) => true,
        (ParamType::Boolean, Val::Bool(_)) => true,
        (ParamType::Array, Val::Array(_)) => true,
        (ParamType::Object, Val::Object) => true,
        _ => false,
    }
}

/// What a value of type `ty` is written as, for help lines.
pub(crate) fn expected_value(ty: ParamType) -> &'static str {
    match ty {
        ParamType::Integer => "a whole number",
        ParamType::Float => "a number",
        ParamType::Boolean => "`true` or `false`",
        ParamType::Array => "a list",
        ParamType::Object => "an object",
        ParamType::String | ParamType::Effect | ParamType::DateTime => "a string",
    }
}

/// A parameter's allowed values, when it lists some literally (an empty list restricts nothing).
pub(crate) fn allowed_values(param: &Parameter) -> Option<Vec<Json>> {
    match json_of(param.allowed.as_ref()?)?.into_owned() {
        Json::Array(values) if !values.is_empty() => Some(values),
        _ => None,
    }
}

/// A value compared as Azure compares it with allowed values at assignment: strings ignoring
/// case (Azure's own initiatives pass `"audit"` to members that allow `"Audit"`), anything else
/// exactly.
pub(crate) fn same_allowed_value(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::String(a), Json::String(b)) => a.eq_ignore_ascii_case(b),
        _ => a == b,
    }
}

/// A literal expression as JSON, if it is one (borrowed when it already is JSON).
pub(crate) fn json_of(expr: &crate::ast::Expr) -> Option<Cow<'_, Json>> {
    use crate::ast::Expr;
    let owned = match expr {
        Expr::Raw(json, _) => return Some(Cow::Borrowed(json)),
        Expr::String(s, _) => Json::String(s.clone()),
        Expr::Bool(b, _) => Json::Bool(*b),
        Expr::Number(n, _) => Json::Number(n.clone()),
        Expr::Null(_) => Json::Null,
        Expr::Array(items, _) => {
            Json::Array(items.iter().map(|item| json_of(item).map(Cow::into_owned)).collect::<Option<Vec<_>>>()?)
        }
        _ => return None,
    };
    Some(Cow::Owned(owned))
}

/// The names in `parameters('name')` calls (any casing) inside an ARM expression string;
/// other strings are literal text and refer to nothing.
fn parameter_references(text: &str) -> impl Iterator<Item = &str> {
    const CALL: &[u8] = b"parameters(";
    let bytes = if text.starts_with('[') { text.as_bytes() } else { &[] };
    (0..bytes.len().saturating_sub(CALL.len() - 1))
        .filter(move |&at| bytes[at..at + CALL.len()].eq_ignore_ascii_case(CALL))
        .filter_map(move |at| {
            let quoted = text.get(at + CALL.len()..)?.trim_start().strip_prefix('\'')?;
            quoted.get(..quoted.find('\'')?)
        })
}
