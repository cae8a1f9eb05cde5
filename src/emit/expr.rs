//! Expressions → JSON values. Literals stay JSON; everything else becomes an ARM template
//! expression string `"[…]"`. A literal string that would read as an expression is escaped
//! with `[[`.

use serde::ser::{Serialize, Serializer};
use serde_json::Value;

use super::object::Object;
use crate::ast::{Expr, Field, FieldName};

/// The JSON a value emits as.
pub fn value(expr: &Expr) -> Value {
    super::to_value(ExprJson(expr))
}

/// The name a field reference emits as (`"field": …`).
pub fn field_name(field: &Field) -> Value {
    super::to_value(FieldNameJson(field))
}

/// An expression, serialised as the JSON it emits as.
pub struct ExprJson<'a>(pub &'a Expr);

impl Serialize for ExprJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Expr::Null(_) => serializer.serialize_unit(),
            Expr::Bool(b, _) => serializer.serialize_bool(*b),
            Expr::Number(n, _) => n.serialize(serializer),
            // A string that ARM would otherwise evaluate gets a second `[`.
            Expr::String(s, _) if s.starts_with('[') && s.ends_with(']') => serializer.serialize_str(&format!("[{s}")),
            Expr::String(s, _) => serializer.serialize_str(s),
            Expr::Raw(json, _) => json.serialize(serializer),
            Expr::Array(items, _) => serializer.collect_seq(items.iter().map(ExprJson)),
            Expr::Object(entries, _) => {
                let mut object = Object::new();
                object.push_entries(entries);
                object.serialize(serializer)
            }
            other => serializer.serialize_str(&format!("[{}]", arm(other))),
        }
    }
}

/// The name of a field reference, serialised as it is emitted (`"field": …`).
pub struct FieldNameJson<'a>(pub &'a Field);

impl Serialize for FieldNameJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0.name {
            // A name is text: one that would read as an expression is escaped like a string.
            FieldName::Static(name) if name.starts_with('[') && name.ends_with(']') => {
                serializer.serialize_str(&format!("[{name}"))
            }
            FieldName::Static(name) => serializer.serialize_str(name),
            FieldName::Dynamic(expr) => ExprJson(expr).serialize(serializer),
        }
    }
}

/// An expression in ARM template expression syntax (without the outer brackets).
pub fn arm(expr: &Expr) -> String {
    let mut out = String::new();
    write_arm(expr, &mut out);
    out
}

fn write_arm(expr: &Expr, out: &mut String) {
    match expr {
        Expr::Null(_) => out.push_str("null()"),
        Expr::Bool(b, _) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Number(n, _) => out.push_str(&n.to_string()),
        Expr::String(s, _) => quote(s, out),
        Expr::Raw(json, _) => write_json_arm(json, out),
        Expr::Array(items, _) => {
            out.push_str("createArray(");
            comma_separated(items.iter(), out, write_arm);
            out.push(')');
        }
        Expr::Object(entries, _) => {
            out.push_str("createObject(");
            let mut first = true;
            for (key, value) in entries {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                quote(&key.value, out);
                out.push_str(", ");
                write_arm(value, out);
            }
            out.push(')');
        }
        Expr::Param(name) => {
            out.push_str("parameters(");
            quote(&name.value, out);
            out.push(')');
        }
        Expr::Field(field) => {
            out.push_str("field(");
            match &field.name {
                FieldName::Static(name) => quote(name, out),
                FieldName::Dynamic(expr) => write_arm(expr, out),
            }
            out.push(')');
        }
        Expr::Current(name, _) => {
            out.push_str("current(");
            if let Some(name) = name {
                quote(name, out);
            }
            out.push(')');
        }
        Expr::Call { name, args, .. } => {
            out.push_str(&name.value);
            out.push('(');
            comma_separated(args.iter(), out, write_arm);
            out.push(')');
        }
        Expr::Member { base, name, .. } => {
            write_arm(base, out);
            out.push('.');
            out.push_str(&name.value);
        }
        Expr::Index { base, index, .. } => {
            write_arm(base, out);
            out.push('[');
            write_arm(index, out);
            out.push(']');
        }
    }
}

fn write_json_arm(json: &Value, out: &mut String) {
    match json {
        Value::Null => out.push_str("null()"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => quote(s, out),
        Value::Array(items) => {
            out.push_str("createArray(");
            comma_separated(items.iter(), out, write_json_arm);
            out.push(')');
        }
        Value::Object(map) => {
            out.push_str("createObject(");
            let mut first = true;
            for (key, value) in map {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                quote(key, out);
                out.push_str(", ");
                write_json_arm(value, out);
            }
            out.push(')');
        }
    }
}

fn comma_separated<'a, T: 'a>(items: impl Iterator<Item = &'a T>, out: &mut String, write: fn(&T, &mut String)) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write(item, out);
    }
}

/// A single-quoted ARM string literal; quotes are doubled.
fn quote(s: &str, out: &mut String) {
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
}
