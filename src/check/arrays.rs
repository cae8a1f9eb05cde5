//! `[*]` rules: what a field count may count, and conditions on array members outside a count,
//! which Azure evaluates as "every member" where authors usually mean "any member".

use super::fields::{Known, rewrite};
use super::{Checker, Scope};
use crate::ast::{Field, FieldName, Operator, OperatorKind};
use crate::catalog::aliases::ValueType;
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::Span;

impl<'a> Checker<'a> {
    /// The source of a field count: a `[*]` alias. Returns the counted alias, which scopes the
    /// count's condition.
    pub(crate) fn count_source(&mut self, field: &'a Field, scope: &Scope<'a>) -> Option<&'a str> {
        let known = match &field.name {
            FieldName::Dynamic(name) => {
                self.expr(name, scope);
                return None;
            }
            FieldName::Static(_) => self.condition_field(field, scope),
        };
        let FieldName::Static(name) = &field.name else {
            return None;
        };
        if name.ends_with("[*]") {
            return Some(name);
        }
        let mut diagnostic = Diagnostic::new(
            Code::InvalidCount,
            field.span,
            format!("`{}` is not an array member selection", field.written.as_deref().unwrap_or(name)),
        );
        let array = matches!(known, Some(Known::Alias(alias)) if alias.value_type() == ValueType::Array);
        let fix = rewrite(field, name, &format!("{name}[*]"));
        diagnostic = match (array, fix) {
            (true, Some(text)) => diagnostic
                .with_help("a field count counts the members of an array: add `[*]`")
                .with_fix("add `[*]`", field.span, self.cx.name_replacement(field.span, &text)),
            _ => diagnostic.with_help("a field count counts the members of a `[*]` alias"),
        };
        self.report(diagnostic);
        None
    }

    /// A positive condition on `[*]` members outside a count over them holds only when every
    /// member matches; suggest `any`.
    pub(crate) fn all_members(&mut self, field: &'a Field, op: Operator, condition: Span, scope: &Scope<'a>) {
        use OperatorKind as K;
        let FieldName::Static(name) = &field.name else {
            return;
        };
        let positive = matches!(
            op.kind,
            K::Equals | K::Like | K::Match | K::MatchInsensitively | K::Contains | K::In | K::ContainsKey
        );
        if !positive || scope.negated || !name.contains("[*]") || counted(name, &scope.counted) {
            return;
        }
        let written = field.written.as_deref().unwrap_or(name);
        let mut diagnostic = Diagnostic::new(
            Code::AllMembersCondition,
            field.span,
            format!("`{written}` is a condition on every member of the array: all of them must match"),
        );
        diagnostic = match self.any_rewrite(field, written, condition) {
            Some(text) => diagnostic
                .with_help(format!("if any member matching is enough, write `{text}`"))
                .with_fix("test whether any member matches", condition, text),
            None => diagnostic
                .with_help("if any member matching is enough, count the members: `count` with a `where`, or gavel's `any x in …[*] { … }`"),
        };
        self.report(diagnostic);
    }

    /// `any x in items[*] { x.rest <op> <value> }` for a gavel condition `items[*].rest <op> <value>`.
    fn any_rewrite(&self, field: &Field, written: &str, condition: Span) -> Option<String> {
        let text = self.cx.gavel_text(condition)?;
        if condition.start != field.span.start {
            return None;
        }
        let tail = text.get((field.span.end - condition.start) as usize..)?;
        let split = written.rfind("[*]")? + 3;
        let (array, rest) = (written.get(..split)?, written.get(split..)?);
        let variable = variable_name(array);
        Some(format!("any {variable} in {array} {{ {variable}{rest}{tail} }}"))
    }
}

/// Inside a count over `A[*]`, `A[*].x` names the member being counted.
fn counted(name: &str, counted: &[&str]) -> bool {
    counted.iter().any(|alias| {
        name.get(..alias.len()).is_some_and(|head| head.eq_ignore_ascii_case(alias))
            && !name.get(alias.len()..).is_some_and(|rest| rest.contains("[*]"))
    })
}

/// A one-letter variable named after the array (`privateEndpointConnections[*]` → `p`).
fn variable_name(array: &str) -> char {
    let segment = array.trim_end_matches("[*]").rsplit(['.', '/']).next().unwrap_or_default();
    segment.chars().next().filter(char::is_ascii_alphabetic).map_or('x', |c| c.to_ascii_lowercase())
}
