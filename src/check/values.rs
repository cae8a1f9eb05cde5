//! What the checks can tell about a value without evaluating it: its JSON kind when it is a
//! literal (written in gavel or as JSON), the parameter when it is `$name`, or nothing.

use crate::ast::{Expr, ParamType, Parameter};
use crate::syntax::span::Span;
use serde_json::Value as Json;

/// A value as far as it is known before evaluation.
#[derive(Debug, Clone)]
pub(crate) enum Val<'e> {
    Str(&'e str),
    Bool(bool),
    Num(&'e serde_json::Number),
    Null,
    /// A literal list, with the members' spans (the list's span for JSON members).
    Array(Vec<(Val<'e>, Span)>),
    Object,
    /// `$name`: the parameter, if declared.
    Param(&'e str),
    /// Anything computed: a call, a field read, `current()`.
    Computed,
}

impl<'e> Val<'e> {
    pub fn of(expr: &'e Expr) -> Val<'e> {
        match expr {
            Expr::String(s, _) => Val::Str(s),
            Expr::Bool(b, _) => Val::Bool(*b),
            Expr::Number(n, _) => Val::Num(n),
            Expr::Null(_) => Val::Null,
            Expr::Array(items, _) => Val::Array(items.iter().map(|item| (Val::of(item), item.span())).collect()),
            Expr::Object(..) => Val::Object,
            Expr::Raw(json, span) => Val::json(json, *span),
            Expr::Param(name) => Val::Param(&name.value),
            _ => Val::Computed,
        }
    }

    pub fn json(json: &'e Json, span: Span) -> Val<'e> {
        match json {
            Json::String(s) => Val::Str(s),
            Json::Bool(b) => Val::Bool(*b),
            Json::Number(n) => Val::Num(n),
            Json::Null => Val::Null,
            Json::Array(items) => Val::Array(items.iter().map(|item| (Val::json(item, span), span)).collect()),
            Json::Object(_) => Val::Object,
        }
    }

    /// How the value is named in messages: `"false"`, `3`, `a list`, `$effect`.
    pub fn describe(&self) -> String {
        match self {
            Val::Str(s) => serde_json::to_string(s).unwrap_or_default(),
            Val::Bool(b) => b.to_string(),
            Val::Num(n) => n.to_string(),
            Val::Null => "null".into(),
            Val::Array(_) => "a list".into(),
            Val::Object => "an object".into(),
            Val::Param(name) => format!("`${name}`"),
            Val::Computed => "a computed value".into(),
        }
    }

    /// The kind of value, for messages: "a string", "a boolean", ….
    pub fn kind_name(&self) -> &'static str {
        match self {
            Val::Str(_) => "a string",
            Val::Bool(_) => "a boolean",
            Val::Num(_) => "a number",
            Val::Null => "null",
            Val::Array(_) => "a list",
            Val::Object => "an object",
            Val::Param(_) => "a parameter",
            Val::Computed => "a computed value",
        }
    }
}

/// The parameter named `name` (Azure compares parameter names ignoring case).
pub(crate) fn find_param<'p>(params: &'p [Parameter], name: &str) -> Option<&'p Parameter> {
    params.iter().find(|p| p.name.value.eq_ignore_ascii_case(name))
}

/// The kind of value a parameter of this type holds, as a [`Val`] shape: strings for string,
/// effect and dateTime parameters.
pub(crate) fn param_kind(ty: ParamType) -> &'static str {
    match ty {
        ParamType::String | ParamType::Effect | ParamType::DateTime => "a string",
        ParamType::Array => "a list",
        ParamType::Object => "an object",
        ParamType::Boolean => "a boolean",
        ParamType::Integer | ParamType::Float => "a number",
    }
}

/// The values a parameter can take that the definition states: its allowed values, or else
/// its default. Each with the span of the expression it comes from.
pub(crate) fn stated_values(param: &Parameter) -> Vec<(Val<'_>, Span)> {
    if let Some(allowed) = &param.allowed
        && let Val::Array(items) = Val::of(allowed)
    {
        return items;
    }
    match &param.default {
        Some(default) => vec![(Val::of(default), default.span())],
        None => Vec::new(),
    }
}

/// A string that reads as a number (`"3"`, `"-1.5"`).
pub(crate) fn is_numeric(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// A string that starts like an ISO date (`2021-10-01`, `2024-01-31T00:00:00Z`).
pub(crate) fn is_date_like(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes.iter().take(4).all(u8::is_ascii_digit)
        && bytes.get(4) == Some(&b'-')
        && bytes.get(5..7).is_some_and(|b| b.iter().all(u8::is_ascii_digit))
        && bytes.get(7) == Some(&b'-')
        && bytes.get(8..10).is_some_and(|b| b.iter().all(u8::is_ascii_digit))
}

/// `text` as a JSON string literal, for fixes.
pub(crate) fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}
