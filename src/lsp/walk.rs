//! Visiting the fields and expressions of a definition. Several features look for AST nodes by
//! position (hover, symbols, inlay hints, semantic tokens); they share this one walk.

use crate::ast::{
    Condition, CountSource, Definition, DetailEntry, EffectValue, Expr, Field, FieldName, Header, Initiative, Policy,
    Spanned,
};

/// A node the walk visits.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    Field(&'a Field),
    Expr(&'a Expr),
    /// `then $effect`: the effect comes from a parameter.
    EffectParam(&'a Spanned<String>),
    /// `then deny`.
    EffectLiteral(&'a Spanned<String>),
}

/// Calls `visit` for every field and expression of `definition`, outer nodes first.
pub fn definition(definition: &Definition, visit: &mut dyn FnMut(Node<'_>)) {
    match definition {
        Definition::Policy(policy) => self::policy(policy, visit),
        Definition::Initiative(initiative) => self::initiative(initiative, visit),
    }
}

fn header(header: &Header, visit: &mut dyn FnMut(Node<'_>)) {
    for (_, value) in &header.metadata {
        expr(value, visit);
    }
    for parameter in &header.parameters {
        let values = [&parameter.default, &parameter.allowed, &parameter.schema];
        for value in values.into_iter().flatten() {
            expr(value, visit);
        }
        for (_, value) in &parameter.metadata {
            expr(value, visit);
        }
    }
}

fn policy(policy: &Policy, visit: &mut dyn FnMut(Node<'_>)) {
    header(&policy.header, visit);
    condition(&policy.condition, visit);
    match &policy.effect.value {
        EffectValue::Param(name) => visit(Node::EffectParam(name)),
        EffectValue::Literal(name) => visit(Node::EffectLiteral(name)),
    }
    let Some(details) = &policy.effect.details else { return };
    for entry in &details.entries {
        match entry {
            DetailEntry::Property { value, .. } => expr(value, visit),
            DetailEntry::Roles { .. } => {}
            DetailEntry::Raw(value) => expr(value, visit),
            DetailEntry::ExistenceCondition(inner) => condition(inner, visit),
            DetailEntry::Operation(operation) => {
                field(&operation.field, visit);
                for value in [&operation.value, &operation.condition].into_iter().flatten() {
                    expr(value, visit);
                }
            }
        }
    }
}

fn initiative(initiative: &Initiative, visit: &mut dyn FnMut(Node<'_>)) {
    header(&initiative.header, visit);
    for member in &initiative.members {
        for (_, value) in &member.parameters {
            expr(value, visit);
        }
    }
}

/// Every field and expression of a condition.
pub fn condition(condition: &Condition, visit: &mut dyn FnMut(Node<'_>)) {
    match condition {
        Condition::AllOf { items, .. } | Condition::AnyOf { items, .. } => {
            items.iter().for_each(|item| self::condition(item, visit));
        }
        Condition::Not { inner, .. } => self::condition(inner, visit),
        Condition::Field { field, value, .. } => {
            self::field(field, visit);
            expr(value, visit);
        }
        Condition::Value { value, rhs, .. } => {
            expr(value, visit);
            expr(rhs, visit);
        }
        Condition::Count { count, rhs, .. } => {
            match &count.source {
                CountSource::Field(source) => self::field(source, visit),
                CountSource::Value { value, .. } => expr(value, visit),
            }
            if let Some(inner) = &count.condition {
                self::condition(inner, visit);
            }
            expr(rhs, visit);
        }
        // Verbatim JSON: nothing inside has a meaning of its own.
        Condition::Raw { .. } => {}
    }
}

fn field(field: &Field, visit: &mut dyn FnMut(Node<'_>)) {
    visit(Node::Field(field));
    if let FieldName::Dynamic(name) = &field.name {
        expr(name, visit);
    }
}

/// An expression and everything inside it.
pub fn expr(expr: &Expr, visit: &mut dyn FnMut(Node<'_>)) {
    visit(Node::Expr(expr));
    match expr {
        Expr::Array(items, _) | Expr::Call { args: items, .. } => {
            items.iter().for_each(|item| self::expr(item, visit));
        }
        Expr::Object(entries, _) => entries.iter().for_each(|(_, value)| self::expr(value, visit)),
        Expr::Member { base, .. } => self::expr(base, visit),
        Expr::Index { base, index, .. } => {
            self::expr(base, visit);
            self::expr(index, visit);
        }
        Expr::Field(inner) => field(inner, visit),
        Expr::Null(_)
        | Expr::Bool(..)
        | Expr::Number(..)
        | Expr::String(..)
        | Expr::Param(_)
        | Expr::Current(..)
        | Expr::Raw(..) => {}
    }
}
