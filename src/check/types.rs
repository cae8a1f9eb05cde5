//! Values against the type of the field they are compared with (or written to): a string
//! compared with a boolean field, a value outside the field's enum, a `type` condition naming
//! a resource type that does not exist. Parameters are checked through the values they state
//! (allowed values, else the default).

use super::Checker;
use super::fields::Target;
use super::values::{Val, find_param, is_numeric, param_kind, quoted, stated_values};
use crate::ast::{Expr, OperatorKind, ParamType};
use crate::catalog::aliases::ValueType;
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::syntax::span::Span;

/// Where a value comes from, for messages.
#[derive(Clone, Copy)]
enum Via<'p> {
    Literal,
    /// Stated by this parameter (an allowed value or its default).
    Param(&'p str),
}

impl<'a> Checker<'a> {
    /// The value of a field condition, or of a modify/append operation (checked as `==`).
    pub(crate) fn compare_values(&mut self, known: &Target<'a>, op: OperatorKind, value: &'a Expr) {
        use OperatorKind as K;
        match op {
            K::Equals | K::NotEquals => self.compare_one(known, Val::of(value), value.span(), op),
            K::In | K::NotIn => match Val::of(value) {
                Val::Array(items) => {
                    for (item, span) in items {
                        self.compare_one(known, item, span, op);
                    }
                }
                Val::Param(name) => self.array_param_members(known, name),
                _ => {}
            },
            K::Less | K::LessOrEquals | K::Greater | K::GreaterOrEquals => {
                if let Val::Str(text) = Val::of(value)
                    && known.value_type().is_numeric()
                {
                    self.literal(known, &Val::Str(text), value.span(), Via::Literal);
                }
            }
            K::Like | K::NotLike | K::Contains | K::NotContains => self.text_operator(known, op, value.span()),
            K::Match | K::NotMatch | K::MatchInsensitively | K::NotMatchInsensitively => {
                self.text_operator(known, op, value.span())
            }
            K::ContainsKey | K::NotContainsKey => {
                if !matches!(known.value_type(), ValueType::Object | ValueType::Unknown) {
                    self.report(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            value.span(),
                            format!(
                                "`{}` tests the keys of an object, and `{}` is {}",
                                op.gavel_name(),
                                known.name(),
                                type_phrase(known.value_type())
                            ),
                        )
                        .with_help("use `containsKey` on an object field such as `tags`; for text use `contains`"),
                    );
                }
            }
            K::Exists => {}
        }
    }

    fn compare_one(&mut self, known: &Target<'a>, value: Val<'a>, span: Span, op: OperatorKind) {
        match value {
            Val::Param(name) => self.scalar_param(known, name, span),
            Val::Computed => {}
            Val::Array(_) => {
                if is_scalar(known.value_type()) {
                    let instead = if op == OperatorKind::NotEquals { "notIn" } else { "in" };
                    self.report(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            span,
                            format!("`{}` is {}, compared with a list", known.name(), type_phrase(known.value_type())),
                        )
                        .with_help(format!("to test membership in the list, use `{instead}`")),
                    );
                }
            }
            literal => self.literal(known, &literal, span, Via::Literal),
        }
    }

    /// `$param` compared with a field: its type, and the values it states.
    fn scalar_param(&mut self, known: &Target<'a>, name: &'a str, span: Span) {
        let Some(param) = find_param(self.params, name) else {
            return;
        };
        let ty = param.ty.value;
        let field_type = known.value_type();
        let clash = match ty {
            ParamType::Boolean => is_scalar(field_type) && field_type != ValueType::Boolean,
            ParamType::Integer | ParamType::Float => field_type == ValueType::Boolean,
            ParamType::Object => is_scalar(field_type),
            // Arrays with a single-value operator are reported by the operator checks.
            ParamType::Array | ParamType::String | ParamType::Effect | ParamType::DateTime => false,
        };
        if clash {
            self.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    span,
                    format!("`${name}` is {}, but `{}` is {}", param_kind(ty), known.name(), type_phrase(field_type)),
                )
                .with_label(param.ty.span, "parameter type declared here")
                .with_help(format!("declare the parameter as {}", param_type_for(field_type))),
            );
            return;
        }
        if ty != ParamType::Array {
            for (value, value_span) in stated_values(param) {
                if !matches!(value, Val::Array(_) | Val::Param(_) | Val::Computed) {
                    self.literal(known, &value, value_span, Via::Param(name));
                }
            }
        }
    }

    /// `field in $param`: the members of the parameter's default list.
    fn array_param_members(&mut self, known: &Target<'a>, name: &'a str) {
        let Some(param) = find_param(self.params, name) else {
            return;
        };
        if param.ty.value != ParamType::Array {
            return;
        }
        if let Some(Val::Array(items)) = param.default.as_ref().map(Val::of) {
            for (item, span) in items {
                self.literal(known, &item, span, Via::Param(name));
            }
        }
    }

    /// A literal against the field's type and values.
    fn literal(&mut self, known: &Target<'a>, value: &Val<'a>, span: Span, via: Via<'_>) {
        if known.is_resource_type() {
            if let Val::Str(text) = value {
                self.resource_type_value(text, span);
            }
            return;
        }
        let field_type = known.value_type();
        match (field_type, value) {
            (ValueType::Unknown | ValueType::Array | ValueType::Object, _) => {}
            (_, Val::Null) => {}
            // Azure reads a missing or null property as "" in comparisons, so `equals ""` tests
            // for "not set" on a field of any type (Microsoft's built-ins do it on booleans).
            (_, Val::Str("")) => {}
            (ValueType::Boolean, Val::Bool(_)) => {}
            (ValueType::Boolean, Val::Str(text)) if is_bool_text(text) => {
                self.coerced(known, value, span, via, text.to_ascii_lowercase());
            }
            (ValueType::Integer | ValueType::Number, Val::Num(n)) => {
                if field_type == ValueType::Integer && !(n.is_i64() || n.is_u64()) {
                    self.mismatch(known, value, span, via);
                }
            }
            (ValueType::Integer | ValueType::Number, Val::Str(text)) if is_numeric(text) => {
                self.coerced(known, value, span, via, text.trim().to_string());
            }
            (ValueType::String, Val::Str(text)) => self.enum_value(known, text, span, via),
            (ValueType::String, Val::Bool(_) | Val::Num(_)) => {
                let text = value.describe();
                let values = known.enum_values();
                if values.is_empty() || values.iter().any(|v| v.eq_ignore_ascii_case(&text)) {
                    self.coerced(known, value, span, via, quoted(&text));
                } else {
                    self.mismatch(known, value, span, via);
                }
            }
            _ => self.mismatch(known, value, span, via),
        }
    }

    fn mismatch(&mut self, known: &Target<'a>, value: &Val<'_>, span: Span, via: Via<'_>) {
        let field_type = known.value_type();
        let message = format!(
            "`{}` is {}; {} is {} and never matches",
            known.name(),
            type_phrase(field_type),
            describe(value, via),
            value.kind_name()
        );
        let help = match field_type {
            ValueType::Boolean => "compare with `true` or `false`".to_string(),
            ValueType::Integer => "compare with a whole number".to_string(),
            ValueType::Number => "compare with a number".to_string(),
            _ => "compare with a string".to_string(),
        };
        self.report(Diagnostic::new(Code::TypeMismatch, span, message).with_help(help));
    }

    fn coerced(&mut self, known: &Target<'a>, value: &Val<'_>, span: Span, via: Via<'_>, typed: String) {
        let field_type = known.value_type();
        let diagnostic = Diagnostic::new(
            Code::CoercedValue,
            span,
            format!(
                "`{}` is {}, compared with {} {}",
                known.name(),
                type_phrase(field_type),
                value.kind_name(),
                describe(value, via)
            ),
        )
        .with_help(format!("Azure converts the value before comparing; write `{typed}`"));
        // Only a literal written in place can be replaced there.
        self.report(match via {
            Via::Literal => diagnostic.with_fix(format!("write `{typed}`"), span, typed),
            Via::Param(_) => diagnostic,
        });
    }

    fn enum_value(&mut self, known: &Target<'a>, text: &str, span: Span, via: Via<'_>) {
        let values = known.enum_values();
        // `== ""` tests for an empty or missing value, a common idiom.
        if values.is_empty() || text.is_empty() || values.iter().any(|v| v.eq_ignore_ascii_case(text)) {
            return;
        }
        let (code, kind) =
            if known.enum_open() { (Code::OpenEnumValue, "a known value") } else { (Code::EnumValue, "a value") };
        let mut diagnostic = Diagnostic::new(
            code,
            span,
            format!("{} is not {kind} of `{}`", describe(&Val::Str(text), via), known.name()),
        );
        let listed = list_values(&values);
        diagnostic = match (did_you_mean(text, values.iter().copied()), via) {
            (Some(s), Via::Literal) => diagnostic
                .with_help(format!("did you mean \"{s}\"? Values: {listed}"))
                .with_fix(format!("replace with \"{s}\""), span, quoted(s)),
            (Some(s), Via::Param(_)) => diagnostic.with_help(format!("did you mean \"{s}\"? Values: {listed}")),
            (None, _) => diagnostic.with_help(format!("values: {listed}")),
        };
        self.report(diagnostic);
    }

    /// `type == "…"` with a type of a covered namespace that the catalog does not have.
    fn resource_type_value(&mut self, text: &str, span: Span) {
        let catalog = self.cx.catalog;
        let namespace = text.split('/').next().unwrap_or(text);
        if !text.contains('/') || catalog.resource_type(text).is_some() {
            return;
        }
        let in_namespace: Vec<&str> = catalog.resource_types_of(namespace).map(|t| t.name()).collect();
        if in_namespace.is_empty() {
            return;
        }
        // A warning: the catalog lists the types that have aliases or API specs, and Azure has a
        // few more (`Microsoft.Resources/subscriptions`, types of retired API versions).
        let mut diagnostic = Diagnostic::new(
            Code::UnknownResourceType,
            span,
            format!("`{text}` is not a resource type gavel knows in {namespace}"),
        );
        diagnostic = match did_you_mean(text, in_namespace.iter().copied()) {
            Some(s) => diagnostic.with_help(format!("did you mean \"{s}\"?")).with_fix(
                format!("replace with \"{s}\""),
                span,
                quoted(s),
            ),
            None => diagnostic.with_help("`gavel aliases` lists the resource types and their aliases"),
        };
        self.report(diagnostic);
    }

    /// Text operators on a boolean field compare "True"/"False", which is never what is meant.
    fn text_operator(&mut self, known: &Target<'a>, op: OperatorKind, span: Span) {
        if known.value_type() == ValueType::Boolean {
            self.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    span,
                    format!("`{}` compares text, and `{}` is a boolean", op.gavel_name(), known.name()),
                )
                .with_help("compare a boolean with `==` or `!=` and `true` or `false`"),
            );
        }
    }
}

fn is_scalar(ty: ValueType) -> bool {
    matches!(ty, ValueType::String | ValueType::Boolean | ValueType::Integer | ValueType::Number)
}

fn is_bool_text(text: &str) -> bool {
    text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
}

fn type_phrase(ty: ValueType) -> &'static str {
    match ty {
        ValueType::String => "a string",
        ValueType::Boolean => "a boolean",
        ValueType::Integer => "an integer",
        ValueType::Number => "a number",
        ValueType::Array => "an array",
        ValueType::Object => "an object",
        ValueType::Unknown => "of unknown type",
    }
}

fn param_type_for(ty: ValueType) -> &'static str {
    match ty {
        ValueType::Boolean => "`boolean`",
        ValueType::Integer => "`integer`",
        ValueType::Number => "`float`",
        _ => "`string`",
    }
}

fn describe(value: &Val<'_>, via: Via<'_>) -> String {
    match via {
        Via::Literal => value.describe(),
        Via::Param(name) => format!("{} (a value of `${name}`)", value.describe()),
    }
}

/// At most a dozen values, quoted.
fn list_values(values: &[&str]) -> String {
    let mut shown: Vec<String> = values.iter().take(12).map(|v| format!("\"{v}\"")).collect();
    if values.len() > 12 {
        shown.push(format!("… ({} in all)", values.len()));
    }
    shown.join(", ")
}
