//! Checks over the lowered AST. They work on any [`Definition`], whether it was lowered from
//! gavel source or read from Azure Policy JSON, and report every problem they find.
//!
//! One walk ([`Checker`]) visits conditions and expressions with a [`Scope`] saying where they
//! stand (inside which counts, under how many `not`s, on which resource types). Each concern
//! lives in its own module and adds methods to the checker:
//! - [`fields`]: fields against the alias catalog (unknown, casing, wrong resource type);
//! - [`types`]: values against the field's type and enum;
//! - [`operators`]: operands each operator accepts;
//! - [`arrays`]: `count` sources and `[*]` conditions outside counts;
//! - [`parameters`]: declarations and uses of parameters;
//! - [`effects`]: effect values, details, operations and modes;
//! - [`limits`]: Azure Policy's documented limits;
//! - [`functions`]: template functions and their arities.

mod arrays;
pub mod assignment;
mod effects;
mod fields;
pub mod functions;
pub mod initiative;
mod limits;
mod operators;
pub(crate) mod parameters;
mod types;
mod values;

use crate::ast::{
    Condition, CountSource, Definition, Expr, Field, FieldName, Header, Mode, Operator, Parameter, Policy,
};
use crate::catalog::aliases::Catalog;
use crate::catalog::kinds::Kinds;
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::{SourceMap, Span};
use functions::Verdict;

/// What the checks read besides the definition.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    /// The source texts, when the definitions came from files: fixes that rewrite a condition
    /// need the text the author wrote. Without them the checks still run, with fewer fixes.
    pub sources: Option<&'a SourceMap>,
    /// The kinds the definitions were written with (built-in and declared ones), for helps.
    pub kinds: &'a Kinds,
}

impl<'a> Context<'a> {
    pub fn new(catalog: &'a Catalog) -> Context<'a> {
        Context { catalog, sources: None, kinds: Kinds::builtin() }
    }

    pub fn with_kinds(self, kinds: &'a Kinds) -> Context<'a> {
        Context { kinds, ..self }
    }

    pub fn with_sources(self, sources: &'a SourceMap) -> Context<'a> {
        Context { sources: Some(sources), ..self }
    }

    /// The gavel source text of a span; `None` for JSON inputs and when no sources are known,
    /// since rewrites in gavel syntax only fit gavel files.
    pub(crate) fn gavel_text(&self, span: Span) -> Option<&'a str> {
        let file = self.sources?.get(span.file)?;
        if file.path.extension().is_some_and(|e| e != "gavel") {
            return None;
        }
        file.text.get(span.range())
    }

    /// What replaces a field name at `span`: the name itself, or, where the name was written as
    /// a JSON string (a definition read from JSON), the name in quotes.
    pub(crate) fn name_replacement(&self, span: Span, name: &str) -> String {
        let written = self.sources.and_then(|s| s.get(span.file)).and_then(|f| f.text.get(span.range()));
        match written {
            Some(text) if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') => values::quoted(name),
            _ => name.to_string(),
        }
    }
}

/// Every diagnostic the checker finds in one definition.
pub fn check_definition(definition: &Definition, cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut checker = Checker::new(cx, definition.header());
    match definition {
        Definition::Policy(policy) => checker.policy(policy),
        Definition::Initiative(initiative) => {
            for member in &initiative.members {
                for (_, value) in &member.parameters {
                    checker.expr(value, &Scope::default());
                }
            }
        }
    }
    checker.header_checks(definition.header());
    checker.finish()
}

/// Where a condition or expression stands.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope<'a> {
    /// How many `count`s enclose the node: `current()` needs at least one.
    pub counts: usize,
    /// Under an odd number of `not`s.
    pub negated: bool,
    /// The resource types the enclosing `allOf`s pin with a `type` test (or the details `type`
    /// of an existence condition); `None` when nothing pins them.
    pub types: Option<Vec<&'a str>>,
    /// The `[*]` aliases of the enclosing field counts, innermost last.
    pub counted: Vec<&'a str>,
}

impl<'a> Scope<'a> {
    fn negate(&self) -> Scope<'a> {
        Scope { negated: !self.negated, ..self.clone() }
    }

    /// The scope inside an `allOf`: a `type` test among its items pins the resource type.
    fn all_of(&self, items: &'a [Condition]) -> Scope<'a> {
        match items.iter().find_map(type_guard) {
            Some(types) => Scope { types: Some(types), ..self.clone() },
            None => self.clone(),
        }
    }

    pub(crate) fn with_types(&self, types: Vec<&'a str>) -> Scope<'a> {
        Scope { types: Some(types), ..self.clone() }
    }

    fn inside_count(&self, counted: Option<&'a str>) -> Scope<'a> {
        let mut scope = self.clone();
        scope.counts += 1;
        scope.counted.extend(counted);
        scope
    }
}

/// The resource types a `type == "…"` or `type in [...]` condition pins.
pub(crate) fn type_guard(condition: &Condition) -> Option<Vec<&str>> {
    use crate::ast::OperatorKind;
    let Condition::Field { field, op, value, .. } = condition else {
        return None;
    };
    let FieldName::Static(name) = &field.name else {
        return None;
    };
    if !name.eq_ignore_ascii_case("type") {
        return None;
    }
    match (op.kind, value) {
        (OperatorKind::Equals, value) => value.as_str().map(|t| vec![t]),
        (OperatorKind::In, Expr::Array(items, _)) => items.iter().map(Expr::as_str).collect(),
        (OperatorKind::In, Expr::Raw(serde_json::Value::Array(items), _)) => {
            items.iter().map(serde_json::Value::as_str).collect()
        }
        _ => None,
    }
}

pub(crate) struct Checker<'a> {
    pub(crate) cx: &'a Context<'a>,
    pub(crate) params: &'a [Parameter],
    pub(crate) mode: Option<&'a Mode>,
    /// Per parameter (same order as `params`): read anywhere.
    pub(crate) used: Vec<bool>,
    /// Namespaces already reported as unchecked, lower case: one hint per namespace.
    pub(crate) unchecked: Vec<String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn new(cx: &'a Context<'a>, header: &'a Header) -> Checker<'a> {
        Checker {
            cx,
            params: &header.parameters,
            mode: None,
            used: vec![false; header.parameters.len()],
            unchecked: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The diagnostics, each once: a parameter compared in several places is checked in each.
    fn finish(mut self) -> Vec<Diagnostic> {
        let mut seen = std::collections::HashSet::new();
        self.diagnostics.retain(|d| seen.insert((d.code, d.span, d.message.clone())));
        self.diagnostics
    }

    fn policy(&mut self, policy: &'a Policy) {
        self.mode = Some(&policy.mode.value);
        self.condition(&policy.condition, &Scope::default());
        self.effect(policy);
        self.limits(policy);
    }

    fn header_checks(&mut self, header: &'a Header) {
        self.parameter_declarations(header);
        self.unused_parameters();
        self.text_limits(header);
    }

    pub(crate) fn condition(&mut self, condition: &'a Condition, scope: &Scope<'a>) {
        match condition {
            Condition::AllOf { items, .. } => {
                let inner = scope.all_of(items);
                for item in items {
                    self.condition(item, &inner);
                }
            }
            Condition::AnyOf { items, .. } => {
                for item in items {
                    self.condition(item, scope);
                }
            }
            Condition::Not { inner, .. } => self.condition(inner, &scope.negate()),
            Condition::Field { field, op, value, span } => self.field_condition(field, *op, value, *span, scope),
            Condition::Value { value, op, rhs, .. } => {
                self.expr(value, scope);
                self.expr(rhs, scope);
                self.operands(*op, rhs);
            }
            Condition::Count { count, op, rhs, .. } => {
                let counted = match &count.source {
                    CountSource::Field(field) => self.count_source(field, scope),
                    CountSource::Value { value, .. } => {
                        self.expr(value, scope);
                        None
                    }
                };
                if let Some(inner) = &count.condition {
                    self.condition(inner, &scope.inside_count(counted));
                }
                self.expr(rhs, scope);
                self.count_operand(*op, rhs);
            }
            // Kept verbatim: not checked, but the parameters it uses count as used.
            Condition::Raw { value, .. } => self.use_parameters_in_json(value),
        }
    }

    fn field_condition(&mut self, field: &'a Field, op: Operator, value: &'a Expr, span: Span, scope: &Scope<'a>) {
        if let FieldName::Dynamic(name) = &field.name {
            self.expr(name, scope);
        }
        self.expr(value, scope);
        let known = self.condition_field(field, scope);
        self.operands(op, value);
        if let Some(known) = &known {
            self.compare_values(&fields::Target::new(*known, field), op.kind, value);
        }
        self.all_members(field, op, span, scope);
    }

    pub(crate) fn expr(&mut self, expr: &'a Expr, scope: &Scope<'a>) {
        match expr {
            Expr::Current(_, span) if scope.counts == 0 => self.report(
                Diagnostic::new(Code::CurrentOutsideCount, *span, "`current()` outside a `count`")
                    .with_help("`current()` reads the member being counted; use it inside `count(… where …)`"),
            ),
            Expr::Param(name) => self.use_parameter(name),
            Expr::Call { name, args, .. } => {
                self.call(&name.value, args.len(), name.span);
                for arg in args {
                    self.expr(arg, scope);
                }
            }
            Expr::Array(items, _) => items.iter().for_each(|item| self.expr(item, scope)),
            Expr::Object(entries, _) => entries.iter().for_each(|(_, value)| self.expr(value, scope)),
            Expr::Member { base, .. } => self.expr(base, scope),
            Expr::Index { base, index, .. } => {
                self.expr(base, scope);
                self.expr(index, scope);
            }
            Expr::Field(field) => match &field.name {
                FieldName::Dynamic(name) => self.expr(name, scope),
                FieldName::Static(_) => {
                    self.value_field(field);
                }
            },
            Expr::Raw(json, _) => self.use_parameters_in_json(json),
            _ => {}
        }
    }

    /// `name_span` is the span of the function name.
    fn call(&mut self, name: &str, arity: usize, name_span: Span) {
        // Lowered interpolations carry the span of the whole string; only name what was written.
        let name_span = Span { end: name_span.start.saturating_add(name.len() as u32).min(name_span.end), ..name_span };
        match functions::judge(name, arity) {
            Verdict::Ok => {}
            Verdict::NotAllowed => self.report(
                Diagnostic::new(
                    Code::FunctionNotAllowed,
                    name_span,
                    format!("`{name}()` cannot be used in a policy rule"),
                )
                .with_help("Azure Policy rejects this template function outside a deployIfNotExists template"),
            ),
            Verdict::WrongArity { min, max } => {
                let expected = match (min, max) {
                    (min, max) if min == max => format!("{min}"),
                    (min, usize::MAX) => format!("at least {min}"),
                    (min, max) => format!("{min} to {max}"),
                };
                self.report(
                    Diagnostic::new(
                        Code::WrongArity,
                        name_span,
                        format!("`{name}()` takes {expected} argument(s), not {arity}"),
                    )
                    .with_help(format!("pass {expected} argument(s)")),
                );
            }
            Verdict::Unknown { suggestion } => {
                let diagnostic = Diagnostic::new(
                    Code::UnknownFunction,
                    name_span,
                    format!("`{name}()` is not a function gavel knows"),
                );
                self.report(match suggestion {
                    Some(s) => diagnostic.with_help(format!("did you mean `{s}()`?")).with_fix(
                        format!("replace with `{s}`"),
                        name_span,
                        s,
                    ),
                    None => diagnostic
                        .with_help("it is emitted as written; check the spelling against the ARM template functions"),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
