//! The policy rule: `if` conditions (and the az CLI rules file that holds only the rule).

use jsonc_parser::ast::{ObjectProp, Value};

use super::{JsonInput, Reader, effect, empty_span};
use crate::ast::{
    Condition, Count, CountSource, Definition, Effect, Expr, Header, Operator, OperatorKind, Parameter, Policy, Spanned,
};
use crate::decompile::json::prop_name;

/// `{"if": …, "then": …}`; other keys cannot be written in gavel and are reported.
pub(super) fn policy_rule(r: &mut Reader, value: &Value<'_>, params: &[Parameter]) -> Option<(Condition, Effect)> {
    let Value::Object(rule) = value else {
        r.unexpected(value, "an object with `if` and `then`");
        return None;
    };
    let mut condition = None;
    let mut effect = None;
    for prop in r.unique(rule) {
        let key = prop_name(prop);
        match key.to_ascii_lowercase().as_str() {
            "if" => condition = Some(r.at_prop(prop, |r| self::condition(r, &prop.value))),
            "then" => effect = r.at_prop(prop, |r| effect::then(r, &prop.value, params)),
            _ => {
                let span = r.prop_span(prop);
                let message = format!("{}: `{key}` is not part of a policy rule", r.path_text());
                r.error(
                    crate::diag::Code::UnexpectedJsonValue,
                    span,
                    message,
                    "a policy rule has `if` and `then` only",
                );
            }
        }
    }
    if condition.is_none() || effect.is_none() {
        let missing = if condition.is_none() { "if" } else { "then" };
        let span = r.span(value);
        let message = format!("{}: the policy rule has no `{missing}`", r.path_text());
        r.error(crate::diag::Code::UnexpectedJsonValue, span, message, "a policy rule has `if` and `then`");
    }
    Some((condition?, effect?))
}

/// An az CLI rules file: the rule alone, with parameters from the params file beside it.
pub(super) fn az_rules(r: &mut Reader, whole: &Value<'_>, input: &JsonInput<'_>) -> Option<Definition> {
    let span = r.span(whole);
    let name = Spanned::new(input.name_hint.unwrap_or("").to_string(), empty_span(r));
    let mut header = Header { name, span, ..Header::default() };
    if let Some(params) = input.params {
        let mut params_reader = Reader::new(params);
        if let Some(Value::Object(object)) = params_reader.parse(params.text) {
            header.parameters = super::header::az_parameters(&mut params_reader, &object);
        }
        r.diagnostics.append(&mut params_reader.diagnostics);
    }
    let (condition, effect) = policy_rule(r, whole, &header.parameters)?;
    // `az policy definition create` takes the mode as an option, `Indexed` unless given.
    let mode = Spanned::new(crate::ast::Mode::Indexed, empty_span(r));
    Some(Definition::Policy(Policy { header, mode, condition, effect }))
}

/// One condition object.
pub(super) fn condition(r: &mut Reader, value: &Value<'_>) -> Condition {
    let span = r.span(value);
    let Value::Object(object) = value else {
        r.unexpected(value, "a condition object");
        return Condition::Raw { value: r.raw(value), span };
    };
    let props = r.unique(object);
    let keys: Vec<String> = props.iter().map(|p| prop_name(p).to_ascii_lowercase()).collect();
    let first = props.first().copied();
    match (keys.as_slice(), first) {
        ([k], Some(prop)) if k == "allof" || k == "anyof" => logical(r, prop, k == "allof", value),
        ([k], Some(prop)) if k == "not" => {
            let inner = r.at_prop(prop, |r| condition(r, &prop.value));
            Condition::Not { inner: Box::new(inner), span }
        }
        _ => comparison(r, &props, value),
    }
}

fn logical(r: &mut Reader, prop: &ObjectProp<'_>, all: bool, whole: &Value<'_>) -> Condition {
    let span = r.span(whole);
    let Value::Array(array) = &prop.value else {
        r.at_prop(prop, |r| r.kept(span, "a logical operator without a list"));
        return Condition::Raw { value: r.raw(whole), span };
    };
    let items = r.at_prop(prop, |r| {
        let mut items = Vec::with_capacity(array.elements.len());
        for (i, element) in array.elements.iter().enumerate() {
            items.push(r.at_index(i, |r| condition(r, element)));
        }
        items
    });
    if all { Condition::AllOf { items, span } } else { Condition::AnyOf { items, span } }
}

/// `field`/`value`/`count` with one operator; anything else is kept verbatim.
fn comparison(r: &mut Reader, props: &[&ObjectProp<'_>], whole: &Value<'_>) -> Condition {
    let span = r.span(whole);
    let subject =
        props.iter().find(|p| ["field", "value", "count"].iter().any(|k| prop_name(p).eq_ignore_ascii_case(k)));
    let operators: Vec<&&ObjectProp<'_>> = props.iter().filter(|p| Some(**p) != subject.copied()).collect();
    let (Some(subject), [operator]) = (subject, operators.as_slice()) else {
        r.kept(span, "a condition gavel does not recognise");
        return Condition::Raw { value: r.raw(whole), span };
    };
    let Some(kind) = OperatorKind::from_json_name(prop_name(operator)) else {
        let message = format!("the operator `{}` is not one gavel knows", prop_name(operator));
        r.kept(span, &message);
        return Condition::Raw { value: r.raw(whole), span };
    };
    let op = Operator { kind, span: r.key(operator).span };
    let rhs = r.at_prop(operator, |r| operand(r, &operator.value, kind));
    match prop_name(subject).to_ascii_lowercase().as_str() {
        "field" => match &subject.value {
            Value::StringLit(lit) => {
                let field = r.at_prop(subject, |r| r.field(lit));
                Condition::Field { field, op, value: rhs, span }
            }
            _ => {
                r.kept(span, "a field that is not a string");
                Condition::Raw { value: r.raw(whole), span }
            }
        },
        "value" => {
            let value = r.at_prop(subject, |r| r.expr(&subject.value));
            Condition::Value { value, op, rhs, span }
        }
        _ => match r.at_prop(subject, |r| count(r, &subject.value)) {
            Some(count) => Condition::Count { count: Box::new(count), op, rhs, span },
            None => Condition::Raw { value: r.raw(whole), span },
        },
    }
}

/// The right-hand side; `exists` reads `"true"`/`"false"` strings as booleans, as Azure does.
fn operand(r: &mut Reader, value: &Value<'_>, kind: OperatorKind) -> Expr {
    if kind == OperatorKind::Exists
        && let Value::StringLit(lit) = value
    {
        for (text, b) in [("true", true), ("false", false)] {
            if lit.value.eq_ignore_ascii_case(text) {
                return Expr::Bool(b, r.lit_span(lit));
            }
        }
    }
    r.expr(value)
}

/// `{"field": "…[*]", "where": …}` or `{"value": …, "name": "x", "where": …}`.
fn count(r: &mut Reader, value: &Value<'_>) -> Option<Count> {
    let span = r.span(value);
    let Value::Object(object) = value else {
        r.kept(span, "a count that is not an object");
        return None;
    };
    let props = r.unique(object);
    let get_prop = |key: &str| props.iter().find(|p| prop_name(p).eq_ignore_ascii_case(key)).copied();
    let known = ["field", "value", "name", "where"];
    if props.iter().any(|p| !known.iter().any(|k| prop_name(p).eq_ignore_ascii_case(k))) {
        r.kept(span, "a count with keys gavel does not know");
        return None;
    }
    let condition = get_prop("where").map(|prop| r.at_prop(prop, |r| condition(r, &prop.value)));
    let source = match (get_prop("field"), get_prop("value"), get_prop("name")) {
        (Some(field), None, None) => match &field.value {
            Value::StringLit(lit) => CountSource::Field(r.at_prop(field, |r| r.field(lit))),
            _ => {
                r.kept(span, "a count field that is not a string");
                return None;
            }
        },
        (None, Some(value), name) => {
            let expr = r.at_prop(value, |r| r.expr(&value.value));
            let name = match name {
                None => None,
                Some(prop) => match r.string_value(&prop.value) {
                    Some(name) => Some(name),
                    None => {
                        r.kept(span, "a count name that is not a string");
                        return None;
                    }
                },
            };
            CountSource::Value { value: expr, name }
        }
        _ => {
            r.kept(span, "a count needs either `field` or `value`");
            return None;
        }
    };
    Some(Count { source, condition, span })
}
