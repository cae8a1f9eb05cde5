//! Field paths → alias names. A path is resolved against the scope it is written in:
//! count variables first, then the top-level fields every resource has, then the resource
//! kind of the enclosing block (short names), then kind-qualified names (`compute.vmSize`).

use super::Lowerer;
use crate::ast::{Expr, Field, FieldName, Spanned};
use crate::catalog::kinds::{self, KINDS};
use crate::diag::{Code, did_you_mean};
use crate::syntax::span::Span;
use crate::syntax::tree::{self, LiteralKind, PathHead, Segment};

/// Fields every resource has; they never take a resource-type prefix.
pub(crate) const TOP_LEVEL_FIELDS: &[&str] =
    &["type", "name", "fullName", "kind", "location", "id", "tags", "identity"];

/// What names mean where a condition or expression is written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope<'p> {
    pub params: &'p [String],
    /// The resource type short names are relative to (`compute { … }`, a details `type`).
    pub resource_type: Option<String>,
    /// Count variables, innermost last.
    pub bindings: Vec<Binding>,
}

#[derive(Debug, Clone)]
pub(crate) enum Binding {
    /// A field count or quantifier over `alias` (ending in `[*]`). Unnamed bindings make
    /// short names relative to the array member.
    Element { name: Option<String>, alias: String },
    /// A value count: `current('name')`.
    Value { name: String },
}

impl<'p> Scope<'p> {
    pub fn new(params: &'p [String]) -> Scope<'p> {
        Scope { params, resource_type: None, bindings: Vec::new() }
    }

    pub fn with_resource_type(&self, resource_type: &str) -> Scope<'p> {
        Scope { resource_type: Some(resource_type.to_string()), ..self.clone() }
    }

    pub fn with_binding(&self, binding: Binding) -> Scope<'p> {
        let mut scope = self.clone();
        scope.bindings.push(binding);
        scope
    }

    fn element_for(&self, head: &str) -> Option<&Binding> {
        self.bindings.iter().rev().find(|b| match b {
            Binding::Element { name: Some(name), .. } | Binding::Value { name } => name == head,
            Binding::Element { name: None, .. } => false,
        })
    }

    fn unnamed_element(&self) -> Option<&str> {
        self.bindings.iter().rev().find_map(|b| match b {
            Binding::Element { name: None, alias } => Some(alias.as_str()),
            _ => None,
        })
    }
}

/// What a path means.
pub(crate) enum Resolved {
    Field(Field),
    /// A member of the array being counted, read as a value: `current('alias[*].x')`.
    CurrentElement {
        alias: String,
        span: Span,
    },
    /// A value-count variable, with member/index accesses after it.
    ValueBinding {
        name: String,
        rest: Vec<Segment>,
        span: Span,
    },
}

/// A piece of a field name being built: text, or an expression (`tags[$name]`).
enum Part {
    Text(String),
    Expr(Expr),
}

impl Lowerer<'_> {
    /// Resolves a path written where a field is expected.
    pub(crate) fn resolve_path(&mut self, path: &tree::Path, scope: &Scope<'_>, as_value: bool) -> Option<Resolved> {
        let written = path_text(path, self.text);
        let (head, head_span, is_alias) = match &path.head {
            PathHead::Name(name) => (name.text.as_str(), name.span, false),
            PathHead::Alias(name) => (name.text.as_str(), name.span, true),
        };
        let mut parts = Vec::new();
        let mut segments: &[Segment] = &path.segments;
        let mut via_binding = false;
        if is_alias {
            parts.push(Part::Text(head.to_string()));
        } else if let Some(binding) = scope.element_for(head) {
            match binding {
                Binding::Value { name } => {
                    return Some(Resolved::ValueBinding {
                        name: name.clone(),
                        rest: path.segments.clone(),
                        span: path.span,
                    });
                }
                Binding::Element { alias, .. } => {
                    via_binding = true;
                    parts.push(Part::Text(alias.clone()));
                }
            }
        } else if TOP_LEVEL_FIELDS.contains(&head) {
            return self.top_level_field(head, path, scope, written);
        } else if let Some(alias) = scope.unnamed_element() {
            via_binding = true;
            parts.push(Part::Text(format!("{alias}.{head}")));
        } else if let Some(resource_type) = &scope.resource_type {
            parts.push(Part::Text(format!("{resource_type}/{head}")));
        } else if let Some(kind) = kinds::kind_by_name(head) {
            let Some((Segment::Member(first), rest)) = path.segments.split_first() else {
                self.error(
                    Code::InvalidFieldPath,
                    path.span,
                    format!("`{head}` is a resource kind, not a field"),
                    format!(
                        "compare one of its fields, as in `{head}.someField == …`, or use `{head}` alone as a condition"
                    ),
                );
                return None;
            };
            parts.push(Part::Text(format!("{}/{}", kind.resource_type, first.text)));
            segments = rest;
        } else {
            let suggestion = did_you_mean(head, KINDS.iter().map(|k| k.name).chain(TOP_LEVEL_FIELDS.iter().copied()));
            let help = match suggestion {
                Some(s) => format!(
                    "did you mean `{s}`? Otherwise write the field inside a kind block (`compute {{ {head} … }}`), qualify it (`compute.{head}`) or use the full alias name"
                ),
                None => format!(
                    "write the field inside a kind block (`compute {{ {head} … }}`), qualify it (`compute.{head}`) or use the full alias name"
                ),
            };
            self.error(Code::InvalidFieldPath, head_span, format!("`{head}` is not a field here"), help);
            return None;
        }
        for segment in segments {
            self.push_segment(&mut parts, segment, scope);
        }
        let field = self.finish_field(parts, path.span, Some(written));
        match (&field.name, via_binding && as_value) {
            // Read as a value, a member of the counted array is `current('…')`.
            (FieldName::Static(alias), true) => {
                Some(Resolved::CurrentElement { alias: alias.clone(), span: path.span })
            }
            _ => Some(Resolved::Field(field)),
        }
    }

    /// Resolves a path in a field position; value-count variables are an error there.
    pub(crate) fn field(&mut self, path: &tree::Path, scope: &Scope<'_>) -> Option<Field> {
        match self.resolve_path(path, scope, false)? {
            Resolved::Field(field) => Some(field),
            Resolved::CurrentElement { span, .. } | Resolved::ValueBinding { span, .. } => {
                self.error(
                    Code::InvalidFieldPath,
                    span,
                    "a count variable is a value, not a field",
                    "compare it as a value, for example `current(x) == …`, or count over a `[*]` field",
                );
                None
            }
        }
    }

    fn top_level_field(
        &mut self,
        head: &str,
        path: &tree::Path,
        scope: &Scope<'_>,
        written: String,
    ) -> Option<Resolved> {
        let mut parts = vec![Part::Text(head.to_string())];
        for segment in &path.segments {
            match (head, segment) {
                ("tags", Segment::Member(name)) => {
                    parts.push(Part::Text(format!("['{}']", name.text.replace('\'', "''"))))
                }
                _ => self.push_segment(&mut parts, segment, scope),
            }
        }
        let shown = (written != path_text_plain(&parts)).then_some(written);
        Some(Resolved::Field(self.finish_field(parts, path.span, shown)))
    }

    fn push_segment(&mut self, parts: &mut Vec<Part>, segment: &Segment, scope: &Scope<'_>) {
        match segment {
            Segment::Member(name) => parts.push(Part::Text(format!(".{}", name.text))),
            Segment::Wildcard(_) => parts.push(Part::Text("[*]".into())),
            Segment::Index(tree::Expr::Literal(literal), _) => match &literal.kind {
                LiteralKind::String(_) => {
                    let key = self.plain_string(literal).unwrap_or_default();
                    parts.push(Part::Text(format!("['{}']", key.replace('\'', "''"))));
                }
                LiteralKind::Number(n) => parts.push(Part::Text(format!("[{n}]"))),
                _ => self.error(
                    Code::InvalidFieldPath,
                    literal.span,
                    "a field index must be a string or `*`",
                    "write `tags[\"name\"]` or `items[*]`",
                ),
            },
            Segment::Index(expr, _) => {
                if let Some(index) = self.value(expr, scope) {
                    parts.push(Part::Text("['".into()));
                    parts.push(Part::Expr(index));
                    parts.push(Part::Text("']".into()));
                }
            }
        }
    }

    fn finish_field(&mut self, parts: Vec<Part>, span: Span, written: Option<String>) -> Field {
        let all_text = parts.iter().all(|p| matches!(p, Part::Text(_)));
        let name = if all_text {
            FieldName::Static(path_text_plain(&parts))
        } else {
            // `tags['…']` with a computed key: `concat('tags[''', key, ''']')` reads badly,
            // so the brackets are emitted without quotes, as the Azure docs write it.
            let mut args = Vec::new();
            for part in parts {
                match part {
                    Part::Text(text) => {
                        let text = text.replace("['", "[").replace("']", "]");
                        if !text.is_empty() {
                            match args.last_mut() {
                                Some(Expr::String(previous, _)) => previous.push_str(&text),
                                _ => args.push(Expr::String(text, span)),
                            }
                        }
                    }
                    Part::Expr(expr) => args.push(expr),
                }
            }
            FieldName::Dynamic(Box::new(Expr::Call { name: Spanned::new("concat".into(), span), args, span }))
        };
        let written = written.filter(|w| !matches!(&name, FieldName::Static(n) if n == w));
        Field { name, written, span }
    }
}

fn path_text_plain(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.as_str(),
            Part::Expr(_) => "",
        })
        .collect()
}

/// The path exactly as the author wrote it.
fn path_text(path: &tree::Path, text: &str) -> String {
    text.get(path.span.range()).unwrap_or_default().to_string()
}
