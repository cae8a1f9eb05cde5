//! Field names → paths: a count variable's member, a top-level field, a short name inside a
//! kind, a kind-qualified name, or the full alias; the first that reads back as the same
//! field in the scope it is written in.

use super::Raiser;
use crate::ast::lower::fields::{Binding, Resolved, Scope, TOP_LEVEL_FIELDS};
use crate::ast::{Expr, FieldName};
use crate::catalog::kinds::builtin_kinds;
use crate::fmt::lexical;
use crate::syntax::tree::{self, Literal, LiteralKind, Name, Path, PathHead, Segment};

/// Words that start a path although they are keywords elsewhere (the grammar's `PathName`).
const PATH_KEYWORDS: &[&str] = &["name", "version", "description", "display", "category", "mode", "metadata"];

/// A piece of a field name after its head.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Member(String),
    Wildcard,
    Key(String),
    Index(String),
}

/// What a path must resolve to.
#[derive(Debug, Clone, Copy)]
pub(super) enum Want<'a> {
    /// The field with this (static) name.
    Field(&'a str),
    /// As a value inside a count: `current('<alias>')`, or a value count's variable.
    Current(&'a str),
}

impl Raiser {
    /// The most idiomatic path for `name` in `scope` that resolves to what is wanted.
    pub(super) fn field_path(&mut self, want: Want<'_>, scope: &Scope<'_>, as_value: bool) -> Option<Path> {
        let name = match want {
            Want::Field(name) | Want::Current(name) => name,
        };
        for (head, parts) in candidates(name, scope) {
            let Some(path) = self.build_path(&head, &parts, false) else { continue };
            if self.resolves(&path, scope, as_value, want) {
                return Some(path);
            }
        }
        let path = self.alias_path(name)?;
        self.resolves(&path, scope, as_value, want).then_some(path)
    }

    /// `tags[X]` for a field name computed as `concat('tags[', X, ']')`.
    pub(super) fn dynamic_tag_path(&mut self, expr: &Expr, scope: &Scope<'_>, conservative: bool) -> Option<Path> {
        let Expr::Call { name, args, .. } = expr else { return None };
        let [Expr::String(open, _), key, Expr::String(close, _)] = args.as_slice() else { return None };
        if !name.value.eq_ignore_ascii_case("concat") || open != "tags[" || close != "]" {
            return None;
        }
        let start = self.open();
        let head = Name { text: "tags".into(), span: self.leaf() };
        let index = self.expr(key, scope, super::expr::Position::Expr, conservative)?;
        let segment = Segment::Index(index, self.leaf());
        let path = Path { head: PathHead::Name(head), segments: vec![segment], span: self.close(start) };
        let expected = FieldName::Dynamic(Box::new(expr.clone()));
        let resolved = self.lowers(|l| match l.resolve_path(&path, scope, false)? {
            Resolved::Field(field) => Some(field.name),
            _ => None,
        });
        let same = match (resolved, &expected) {
            (Some(FieldName::Dynamic(a)), FieldName::Dynamic(b)) => {
                super::same_json(&crate::emit::expr::value(&a), &crate::emit::expr::value(b))
            }
            _ => false,
        };
        same.then_some(path)
    }

    fn resolves(&mut self, path: &Path, scope: &Scope<'_>, as_value: bool, want: Want<'_>) -> bool {
        let resolved = self.lowers(|l| l.resolve_path(path, scope, as_value));
        match (resolved, want) {
            (Some(Resolved::Field(field)), Want::Field(name)) => {
                matches!(&field.name, FieldName::Static(n) if n.eq_ignore_ascii_case(name))
            }
            (Some(Resolved::CurrentElement { alias, .. }), Want::Current(name)) => alias.eq_ignore_ascii_case(name),
            (Some(Resolved::ValueBinding { name: binding, rest, .. }), Want::Current(name)) => {
                rest.is_empty() && binding == name
            }
            _ => false,
        }
    }

    /// The full alias as one token.
    fn alias_path(&mut self, alias: &str) -> Option<Path> {
        if !lexical::is_alias_token(alias) {
            return None;
        }
        let span = self.leaf();
        Some(Path { head: PathHead::Alias(Name { text: alias.to_string(), span }), segments: Vec::new(), span })
    }

    /// A path from a head and parts, if every word can be written bare.
    fn build_path(&mut self, head: &str, parts: &[Part], _alias: bool) -> Option<Path> {
        if !(lexical::is_ident(head) || PATH_KEYWORDS.contains(&head)) {
            return None;
        }
        let start = self.open();
        let head = self.name(head);
        let mut segments = Vec::with_capacity(parts.len());
        for part in parts {
            segments.push(match part {
                Part::Member(word) if lexical::is_any_name(word) => Segment::Member(self.name(word)),
                Part::Member(_) => return None,
                Part::Wildcard => Segment::Wildcard(self.leaf()),
                Part::Key(key) => {
                    let literal = Literal { kind: LiteralKind::String(lexical::escape(key, false)), span: self.leaf() };
                    Segment::Index(tree::Expr::Literal(literal), self.leaf())
                }
                Part::Index(n) => {
                    let literal = Literal { kind: LiteralKind::Number(n.clone()), span: self.leaf() };
                    Segment::Index(tree::Expr::Literal(literal), self.leaf())
                }
            });
        }
        Some(Path { head: PathHead::Name(head), segments, span: self.close(start) })
    }
}

/// Heads and parts to try, most idiomatic first.
fn candidates(name: &str, scope: &Scope<'_>) -> Vec<(String, Vec<Part>)> {
    let mut out = Vec::new();
    for binding in scope.bindings.iter().rev() {
        match binding {
            Binding::Element { name: Some(variable), alias } => {
                if let Some(rest) = strip_prefix_ci(name, alias)
                    && (rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
                    && let Some(parts) = parts(rest)
                {
                    out.push((variable.clone(), parts));
                }
            }
            Binding::Element { name: None, alias } => {
                if let Some(rest) = strip_prefix_ci(name, alias).and_then(|r| r.strip_prefix('.')) {
                    out.extend(split(rest));
                }
                break;
            }
            Binding::Value { name: variable } if variable == name => out.push((variable.clone(), Vec::new())),
            Binding::Value { .. } => {}
        }
    }
    if let Some((head, parts)) = split(name)
        && let Some(top) = TOP_LEVEL_FIELDS.iter().find(|f| f.eq_ignore_ascii_case(&head))
    {
        out.push((top.to_string(), parts));
    }
    if let Some(resource_type) = &scope.resource_type {
        if let Some(rest) = strip_prefix_ci(name, resource_type).and_then(|r| r.strip_prefix('/'))
            && !rest.contains('/')
        {
            out.extend(split(rest));
        }
    } else {
        for kind in builtin_kinds() {
            let Some(rest) = strip_prefix_ci(name, kind.resource_type).and_then(|r| r.strip_prefix('/')) else {
                continue;
            };
            if let Some((first, mut parts)) = split(rest).filter(|_| !rest.contains('/')) {
                parts.insert(0, Part::Member(first));
                out.push((kind.name.to_string(), parts));
            }
        }
    }
    out
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

/// `a.b[*].c['k'][0]` → (`a`, [.b, [*], .c, ['k'], [0]]).
fn split(text: &str) -> Option<(String, Vec<Part>)> {
    let end = text.find(['.', '[']).unwrap_or(text.len());
    let head = text.get(..end)?;
    if head.is_empty() {
        return None;
    }
    Some((head.to_string(), parts(text.get(end..)?)?))
}

fn parts(mut text: &str) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    while !text.is_empty() {
        if let Some(rest) = text.strip_prefix("[*]") {
            parts.push(Part::Wildcard);
            text = rest;
        } else if let Some(rest) = text.strip_prefix("['") {
            let (key, after) = quoted_key(rest)?;
            parts.push(Part::Key(key));
            text = after;
        } else if let Some(rest) = text.strip_prefix('[') {
            let close = rest.find(']')?;
            let digits = rest.get(..close)?;
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            parts.push(Part::Index(digits.to_string()));
            text = rest.get(close + 1..)?;
        } else if let Some(rest) = text.strip_prefix('.') {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let word = rest.get(..end)?;
            if word.is_empty() {
                return None;
            }
            parts.push(Part::Member(word.to_string()));
            text = rest.get(end..)?;
        } else {
            return None;
        }
    }
    Some(parts)
}

/// The key of `['…']` (quotes doubled inside) and the text after `']`.
fn quoted_key(text: &str) -> Option<(String, &str)> {
    let mut key = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\'' {
            key.push(c);
            continue;
        }
        if chars.peek().map(|&(_, c)| c) == Some('\'') {
            chars.next();
            key.push('\'');
            continue;
        }
        return text.get(i + 1..)?.strip_prefix(']').map(|rest| (key, rest));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_field_names_into_parts() {
        assert_eq!(
            split("a.b[*].c['it''s'][0]"),
            Some((
                "a".into(),
                vec![
                    Part::Member("b".into()),
                    Part::Wildcard,
                    Part::Member("c".into()),
                    Part::Key("it's".into()),
                    Part::Index("0".into())
                ]
            ))
        );
        assert_eq!(split("tags[env]"), None);
        assert_eq!(split(".x"), None);
        assert_eq!(split("a..b"), None);
    }
}
