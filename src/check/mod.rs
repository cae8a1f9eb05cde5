//! Checks over the lowered AST: function calls, `current()` placement, effect details and
//! mode. The alias-catalog checks build on the same walk.

pub mod functions;

use crate::ast::{Condition, CountSource, Definition, DetailEntry, EffectKind, EffectValue, Expr, FieldName, Policy};
use crate::diag::{Code, Diagnostic};
use functions::Verdict;

/// Every diagnostic the checker finds in one definition.
pub fn check_definition(definition: &Definition) -> Vec<Diagnostic> {
    let mut checker = Checker::default();
    match definition {
        Definition::Policy(policy) => checker.policy(policy),
        Definition::Initiative(initiative) => {
            for member in &initiative.members {
                for (_, value) in &member.parameters {
                    checker.expr(value, 0);
                }
            }
        }
    }
    checker.diagnostics
}

#[derive(Default)]
struct Checker {
    diagnostics: Vec<Diagnostic>,
}

impl Checker {
    fn policy(&mut self, policy: &Policy) {
        self.condition(&policy.condition, 0);
        self.effect(policy);
    }

    /// `counts` is how many `count`s enclose the node: `current()` needs at least one.
    fn condition(&mut self, condition: &Condition, counts: usize) {
        match condition {
            Condition::AllOf { items, .. } | Condition::AnyOf { items, .. } => {
                for item in items {
                    self.condition(item, counts);
                }
            }
            Condition::Not { inner, .. } => self.condition(inner, counts),
            Condition::Field { field, value, .. } => {
                if let FieldName::Dynamic(expr) = &field.name {
                    self.expr(expr, counts);
                }
                self.expr(value, counts);
            }
            Condition::Value { value, rhs, .. } => {
                self.expr(value, counts);
                self.expr(rhs, counts);
            }
            Condition::Count { count, rhs, .. } => {
                match &count.source {
                    CountSource::Field(field) => {
                        if let FieldName::Dynamic(expr) = &field.name {
                            self.expr(expr, counts);
                        }
                    }
                    CountSource::Value { value, .. } => self.expr(value, counts),
                }
                if let Some(inner) = &count.condition {
                    self.condition(inner, counts + 1);
                }
                self.expr(rhs, counts);
            }
            Condition::Raw { .. } => {}
        }
    }

    fn expr(&mut self, expr: &Expr, counts: usize) {
        match expr {
            Expr::Current(_, span) if counts == 0 => self.diagnostics.push(
                Diagnostic::new(Code::CurrentOutsideCount, *span, "`current()` outside a `count`")
                    .with_help("`current()` reads the member being counted; use it inside `count(… where …)`"),
            ),
            Expr::Call { name, args, span } => {
                self.call(&name.value, args.len(), name.span.to(*span).to(name.span));
                for arg in args {
                    self.expr(arg, counts);
                }
            }
            Expr::Array(items, _) => items.iter().for_each(|item| self.expr(item, counts)),
            Expr::Object(entries, _) => entries.iter().for_each(|(_, value)| self.expr(value, counts)),
            Expr::Member { base, .. } => self.expr(base, counts),
            Expr::Index { base, index, .. } => {
                self.expr(base, counts);
                self.expr(index, counts);
            }
            Expr::Field(field) => {
                if let FieldName::Dynamic(name) = &field.name {
                    self.expr(name, counts);
                }
            }
            _ => {}
        }
    }

    fn call(&mut self, name: &str, arity: usize, span: crate::syntax::span::Span) {
        let name_span = crate::syntax::span::Span { end: span.start + name.len() as u32, ..span };
        match functions::judge(name, arity) {
            Verdict::Ok => {}
            Verdict::NotAllowed => self.diagnostics.push(
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
                self.diagnostics.push(
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
                self.diagnostics.push(match suggestion {
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

    fn effect(&mut self, policy: &Policy) {
        let effect = &policy.effect;
        let counts = 0;
        if let Some(details) = &effect.details {
            for entry in &details.entries {
                match entry {
                    DetailEntry::Property { value, key } if key.value != "deployment" => self.expr(value, counts),
                    DetailEntry::ExistenceCondition(condition) => self.condition(condition, counts),
                    DetailEntry::Operation(operation) => {
                        if let Some(value) = &operation.value {
                            self.expr(value, counts);
                        }
                        if let Some(condition) = &operation.condition {
                            self.expr(condition, counts);
                        }
                    }
                    _ => {}
                }
            }
        }
        let Some(kind) = effect.kind else { return };
        let has = |key: &str| {
            effect.details.as_ref().is_some_and(|d| {
                d.entries.iter().any(|e| match e {
                    DetailEntry::Property { key: k, .. } => k.value.eq_ignore_ascii_case(key),
                    DetailEntry::Roles { .. } => key == "roleDefinitionIds",
                    DetailEntry::ExistenceCondition(_) => key == "existenceCondition",
                    DetailEntry::Operation(_) => key == "operations",
                    DetailEntry::Raw(_) => true,
                })
            })
        };
        let required: &[&str] = match kind {
            EffectKind::Modify => &["roleDefinitionIds", "operations"],
            EffectKind::Append => &["operations"],
            EffectKind::AuditIfNotExists => &["type"],
            EffectKind::DeployIfNotExists => &["type", "roleDefinitionIds", "deployment"],
            EffectKind::DenyAction => &["actionNames"],
            EffectKind::EnforceSetting => &["setting"],
            _ => &[],
        };
        let missing: Vec<&str> = required.iter().copied().filter(|key| !has(key)).collect();
        let literal = matches!(effect.value, EffectValue::Literal(_));
        if !missing.is_empty() && (literal || effect.details.is_some() || kind.has_details()) && kind.has_details() {
            let shown: Vec<String> = missing.iter().map(|m| format!("`{}`", gavel_detail_name(m))).collect();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidDetails,
                    effect.span,
                    format!("a `{}` effect needs {}", kind.name(), shown.join(", ")),
                )
                .with_help(format!("add {} to the details block", shown.join(", "))),
            );
        }
        if !kind.has_details()
            && policy.mode.value.is_resource_manager()
            && let Some(details) = &effect.details
        {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidDetails,
                    details.span,
                    format!("a `{}` effect takes no details in mode {}", kind.name(), policy.mode.value.as_str()),
                )
                .with_help("remove the details block"),
            );
        }
        if matches!(kind, EffectKind::Modify | EffectKind::Append) && !policy.mode.value.is_resource_manager() {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidDetails,
                    effect.span,
                    format!("`{}` only works in Resource Manager modes (all, indexed)", kind.name()),
                )
                .with_label(policy.mode.span, "mode set here")
                .with_help("use mode `all` or `indexed`"),
            );
        }
    }
}

fn gavel_detail_name(key: &str) -> &str {
    match key {
        "roleDefinitionIds" => "roles",
        "operations" => "set/add/remove",
        other => other,
    }
}
