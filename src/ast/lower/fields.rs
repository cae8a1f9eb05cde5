//! Field paths → alias names. What the first name of a path stands for in the scope it is
//! written in is the one resolver's answer ([`crate::ast::names`]): count variables first, then
//! the top-level fields every resource has, then the resource type of the enclosing block
//! (short names), then kind-qualified names (`compute.vmSize`).

use super::Lowerer;
use crate::ast::names::{Head, NameScope};
use crate::ast::{Expr, Field, FieldName, Spanned};
use crate::catalog::aliases::AliasInfo;
use crate::catalog::kinds;
use crate::diag::{Code, did_you_mean};
use crate::syntax::span::Span;
use crate::syntax::tree::{self, LiteralKind, PathHead, Segment};

/// Fields every resource has; they never take a resource-type prefix.
pub(crate) const TOP_LEVEL_FIELDS: &[&str] = crate::catalog::fields::TOP_LEVEL_NAMES;

/// What names mean where a condition or expression is written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope<'p> {
    pub params: &'p [String],
    /// The resource type short names are relative to (`compute { … }`, a details `type`).
    pub resource_type: Option<String>,
    /// Count variables, innermost last.
    pub bindings: Vec<Binding>,
}

pub(crate) use crate::ast::names::Binding;

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
        let names =
            NameScope { kinds: self.kinds, resource_type: scope.resource_type.as_deref(), bindings: &scope.bindings };
        let resolved = if is_alias { None } else { Some(names.head(head)) };
        match resolved {
            None => parts.push(Part::Text(head.to_string())),
            Some(Head::ValueBinding(name)) => {
                return Some(Resolved::ValueBinding {
                    name: name.to_string(),
                    rest: path.segments.clone(),
                    span: path.span,
                });
            }
            Some(Head::Element(alias)) => {
                via_binding = true;
                parts.push(Part::Text(alias.to_string()));
            }
            Some(Head::TopLevel) => return self.top_level_field(head, path, scope, written),
            Some(Head::Member(alias)) => {
                via_binding = true;
                parts.push(Part::Text(format!("{alias}.{head}")));
            }
            Some(Head::Relative(resource_type)) => parts.push(Part::Text(format!("{resource_type}/{head}"))),
            Some(Head::Kind(kind)) => {
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
            }
            Some(Head::Unknown) => {
                let help = self.not_a_field_help(head);
                self.error(Code::InvalidFieldPath, head_span, format!("`{head}` is not a field here"), help);
                return None;
            }
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

    /// The help for a name that is no field where it is written: a close kind or top-level
    /// field, else a block of the kind (or generic `resource "T" { … }`) of a type that has a
    /// field of that name, else the ways a field can be written.
    fn not_a_field_help(&self, head: &str) -> String {
        let names = self.kinds.iter().map(|k| k.name).chain(TOP_LEVEL_FIELDS.iter().copied());
        let suggestion = did_you_mean(head, names).map(|s| format!("did you mean `{s}`? "));
        let owners: Vec<_> =
            self.catalog.search(head).into_iter().filter(|a| a.short_name().eq_ignore_ascii_case(head)).collect();
        // A type with a kind first, control plane before data plane.
        let rank = |alias: &&&AliasInfo| match self.kinds.by_type(alias.resource_type()) {
            Some(kind) if kinds::kind_by_name(kind.name).is_some_and(|k| k.data_plane) => 1,
            Some(_) => 0,
            None => 2,
        };
        let owner = owners.iter().min_by_key(rank);
        let ways = match owner {
            Some(alias) => {
                let ty = alias.resource_type();
                match self.kinds.by_type(ty) {
                    Some(kind) => format!(
                        "{ty} has it: write it inside a kind block (`{kind} {{ {head} … }}`), qualify it (`{kind}.{head}`) or use the full alias name `{}`",
                        alias.name(),
                        kind = kind.name
                    ),
                    None => format!(
                        "{ty} has it: write it inside `resource \"{ty}\" {{ {head} … }}` or use the full alias name `{}`",
                        alias.name()
                    ),
                }
            }
            None => "write the field inside a kind block (`storageAccount { … }`, `resource \"Microsoft.X/y\" { … }`), qualify it with a kind (`compute.vmSize`) or use the full alias name".to_string(),
        };
        match suggestion {
            Some(suggestion) => format!("{suggestion}Otherwise {ways}"),
            None => capitalize_first(&ways),
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

fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}
