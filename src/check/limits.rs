//! Azure Policy's documented limits (definition-structure-policy-rule.md, "Limits";
//! azure-policy-limits.md): condition expressions, counts, text lengths.

use std::collections::HashMap;

use super::Checker;
use super::values::Val;
use crate::ast::{Condition, CountSource, DetailEntry, Header, Policy};
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::Span;

const MAX_IF_CONDITIONS: usize = 4096;
const MAX_EXISTENCE_CONDITIONS: usize = 128;
const MAX_VALUE_COUNTS: usize = 10;
const MAX_ITERATIONS: usize = 100;
const MAX_FIELD_COUNTS_PER_ARRAY: usize = 5;
const MAX_DISPLAY_NAME: usize = 128;
const MAX_DESCRIPTION: usize = 512;
const MAX_METADATA_PROPERTY: usize = 1024;

/// Counts gathered over a rule.
#[derive(Default)]
struct Tally {
    value_counts: Vec<Span>,
    /// Field counts per counted alias (lower case).
    field_counts: HashMap<String, Vec<Span>>,
    /// Value counts whose iterations exceed the limit, with the number.
    iterations: Vec<(Span, usize)>,
}

impl<'a> Checker<'a> {
    pub(crate) fn limits(&mut self, policy: &'a Policy) {
        let mut tally = Tally::default();
        let conditions = walk(&policy.condition, 1, &mut tally);
        if conditions > MAX_IF_CONDITIONS {
            self.condition_limit(policy.condition.span(), conditions, MAX_IF_CONDITIONS, "the rule's `when`");
        }
        for entry in policy.effect.details.iter().flat_map(|d| &d.entries) {
            if let DetailEntry::ExistenceCondition(condition) = entry {
                let count = walk(condition, 1, &mut tally);
                if count > MAX_EXISTENCE_CONDITIONS {
                    self.condition_limit(condition.span(), count, MAX_EXISTENCE_CONDITIONS, "an existence condition");
                }
            }
        }
        self.count_limits(&tally);
    }

    fn condition_limit(&mut self, span: Span, count: usize, limit: usize, place: &str) {
        self.report(
            Diagnostic::new(
                Code::ConditionLimit,
                span,
                format!("{place} has {count} condition expressions; Azure allows {limit}"),
            )
            .with_help("split the policy, or replace chains of `==` with `in` lists"),
        );
    }

    fn count_limits(&mut self, tally: &Tally) {
        if let Some(&span) = tally.value_counts.get(MAX_VALUE_COUNTS) {
            self.report(
                Diagnostic::new(
                    Code::CountLimit,
                    span,
                    format!("{} value counts in one rule; Azure allows {MAX_VALUE_COUNTS}", tally.value_counts.len()),
                )
                .with_help("combine value counts, or split the policy"),
            );
        }
        for &(span, iterations) in &tally.iterations {
            self.report(
                Diagnostic::new(
                    Code::CountLimit,
                    span,
                    format!("this value count runs {iterations} iterations (with its enclosing counts); Azure allows {MAX_ITERATIONS}"),
                )
                .with_help("count over a shorter list"),
            );
        }
        let mut arrays: Vec<(&String, &Vec<Span>)> = tally.field_counts.iter().collect();
        arrays.sort_by_key(|(_, spans)| spans.first().copied());
        for (alias, spans) in arrays {
            if let Some(&span) = spans.get(MAX_FIELD_COUNTS_PER_ARRAY) {
                self.report(
                    Diagnostic::new(
                        Code::CountLimit,
                        span,
                        format!(
                            "{} field counts over `{alias}`; Azure allows {MAX_FIELD_COUNTS_PER_ARRAY} per array",
                            spans.len()
                        ),
                    )
                    .with_help("combine the conditions into fewer counts"),
                );
            }
        }
    }

    pub(crate) fn text_limits(&mut self, header: &Header) {
        // Built-ins have display names of up to 139 characters: the documented limit is advice.
        if let Some(name) = &header.display_name {
            let length = name.value.chars().count();
            if length > MAX_DISPLAY_NAME {
                self.report(
                    Diagnostic::new(
                        Code::LongDisplayName,
                        name.span,
                        format!(
                            "the display name is {length} characters long; Azure documents at most {MAX_DISPLAY_NAME}"
                        ),
                    )
                    .with_help("shorten it; the rest belongs in the description"),
                );
            }
        }
        if let Some(description) = &header.description {
            self.text_limit(description.value.chars().count(), MAX_DESCRIPTION, "description", description.span);
        }
        // Strings only: a built-in (Guest Configuration's SecureShell_DINE) has an object-valued
        // property longer than 1,024 characters as JSON, so the limit cannot apply to those.
        for (key, value) in &header.metadata {
            if let Val::Str(text) = Val::of(value) {
                let what = format!("metadata property `{}`", key.value);
                self.text_limit(text.chars().count(), MAX_METADATA_PROPERTY, &what, value.span());
            }
        }
        if let Some(category) = &header.category {
            self.text_limit(
                category.value.chars().count(),
                MAX_METADATA_PROPERTY,
                "metadata property `category`",
                category.span,
            );
        }
    }

    fn text_limit(&mut self, length: usize, limit: usize, what: &str, span: Span) {
        if length > limit {
            self.report(
                Diagnostic::new(
                    Code::TextTooLong,
                    span,
                    format!("the {what} is {length} characters long; Azure allows {limit}"),
                )
                .with_help("shorten it; longer explanations belong in documentation linked from the description"),
            );
        }
    }
}

/// Counts the condition expressions of `condition` (every node: comparisons, counts and logical
/// operators) and tallies its counts. `iterations` is how many times the enclosing value counts
/// run the node (1 outside any).
fn walk(condition: &Condition, iterations: usize, tally: &mut Tally) -> usize {
    match condition {
        Condition::AllOf { items, .. } | Condition::AnyOf { items, .. } => {
            1 + items.iter().map(|item| walk(item, iterations, tally)).sum::<usize>()
        }
        Condition::Not { inner, .. } => 1 + walk(inner, iterations, tally),
        Condition::Field { .. } | Condition::Value { .. } | Condition::Raw { .. } => 1,
        Condition::Count { count, .. } => {
            let mut inner_iterations = iterations;
            match &count.source {
                CountSource::Value { value, .. } => {
                    tally.value_counts.push(count.span);
                    if let Val::Array(items) = Val::of(value) {
                        inner_iterations = iterations.saturating_mul(items.len());
                        // Reported once, at the count that crosses the limit.
                        if inner_iterations > MAX_ITERATIONS && iterations <= MAX_ITERATIONS {
                            tally.iterations.push((count.span, inner_iterations));
                        }
                    }
                }
                CountSource::Field(field) => {
                    if let crate::ast::FieldName::Static(name) = &field.name {
                        tally.field_counts.entry(name.to_ascii_lowercase()).or_default().push(count.span);
                    }
                }
            }
            1 + count.condition.as_ref().map_or(0, |inner| walk(inner, inner_iterations, tally))
        }
    }
}
