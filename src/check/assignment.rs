//! Assignments and exemptions against what they name: the policy or initiative assigned (its
//! parameters given as an initiative's members give them), scopes Azure can assign at, the
//! identity remediation needs, member reference ids that exist, and expiry dates not past.

use std::collections::HashMap;

use super::Context;
use super::initiative::check_assigned_values;
use crate::ast::assignment::{AssignedTarget, Assignment, AssignmentRef, Exemption};
use crate::ast::{Definition, EffectKind, Initiative, Policy, Spanned};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::emit::DefinitionScope;

/// The gavel definitions and assignments assignments and exemptions may name.
pub struct Assignables<'a> {
    policies: HashMap<&'a str, &'a Policy>,
    initiatives: HashMap<&'a str, &'a Initiative>,
    assignments: HashMap<&'a str, &'a Assignment>,
}

impl<'a> Assignables<'a> {
    pub fn new(
        definitions: impl IntoIterator<Item = &'a Definition>,
        assignments: impl IntoIterator<Item = &'a Assignment>,
    ) -> Assignables<'a> {
        let mut policies = HashMap::new();
        let mut initiatives = HashMap::new();
        for definition in definitions {
            match definition {
                Definition::Policy(p) => {
                    policies.entry(p.header.name.value.as_str()).or_insert(p);
                }
                Definition::Initiative(i) => {
                    initiatives.entry(i.header.name.value.as_str()).or_insert(i);
                }
            }
        }
        let assignments = assignments.into_iter().map(|a| (a.name.value.as_str(), a)).collect();
        Assignables { policies, initiatives, assignments }
    }
}

pub fn check_assignment(assignment: &Assignment, known: &Assignables<'_>, cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(scope) = &assignment.scope {
        found.extend(scope_error(scope, "assign"));
    }
    for not_scope in &assignment.not_scopes {
        found.extend(scope_error(not_scope, "exclude"));
    }
    let mut remediates = false;
    match &assignment.target {
        Some(AssignedTarget::Policy(name)) => match known.policies.get(name.value.as_str()) {
            Some(policy) => {
                found.extend(check_assigned_values(&assignment.parameters, name.span, &policy.header, cx));
                remediates = remediating(policy);
            }
            None => found.push(unknown(name, "policy", known.policies.keys().copied())),
        },
        Some(AssignedTarget::Initiative(name)) => match known.initiatives.get(name.value.as_str()) {
            Some(initiative) => {
                found.extend(check_assigned_values(&assignment.parameters, name.span, &initiative.header, cx));
                for message in &assignment.messages {
                    if let Some(reference) = &message.reference_id {
                        found.extend(unknown_member(reference, initiative));
                    }
                }
                remediates = initiative.members.iter().any(|m| match &m.target {
                    crate::ast::MemberTarget::Policy(p) => {
                        known.policies.get(p.value.as_str()).is_some_and(|p| remediating(p))
                    }
                    crate::ast::MemberTarget::Id(_) => false,
                });
            }
            None => found.push(unknown(name, "initiative", known.initiatives.keys().copied())),
        },
        Some(AssignedTarget::Id(id)) => {
            if let Some(builtin) = crate::catalog::builtins::by_id(&id.value) {
                found.extend(check_assigned_values(&assignment.parameters, id.span, builtin, cx));
            }
        }
        None => {}
    }
    match (&assignment.identity, &assignment.location) {
        (Some(identity), None) => found.push(
            Diagnostic::new(Code::IdentityWithoutLocation, identity.span, "a managed identity needs a `location`")
                .with_help("add `location \"westeurope\"` (the region the identity lives in)"),
        ),
        (None, _) if remediates => found.push(
            Diagnostic::new(
                Code::MissingIdentity,
                assignment.name.span,
                format!(
                    "`{}` assigns modify or deployIfNotExists effects but has no managed identity",
                    assignment.name.value
                ),
            )
            .with_help("add `identity systemAssigned` and a `location`: remediation runs as that identity"),
        ),
        _ => {}
    }
    found
}

pub fn check_exemption(exemption: &Exemption, known: &Assignables<'_>, today: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(scope) = &exemption.scope {
        found.extend(scope_error(scope, "exempt"));
    }
    if let Some(AssignmentRef::Name(name)) = &exemption.assignment {
        match known.assignments.get(name.value.as_str()) {
            Some(assignment) => {
                if let Some(initiative) = assigned_initiative(assignment, known) {
                    for member in &exemption.members {
                        found.extend(unknown_member(member, initiative));
                    }
                }
                if let (Some(outer), Some(inner)) = (&assignment.scope, &exemption.scope) {
                    found.extend(outside_scope(inner, outer));
                }
            }
            None => found.push(unknown(name, "assignment", known.assignments.keys().copied())),
        }
    }
    if let Some(expires) = &exemption.expires {
        let date = expires.value.get(..10).unwrap_or_default();
        if date < today {
            found.push(
                Diagnostic::new(Code::ExpiredExemption, expires.span, format!("the exemption expired on {date}"))
                    .with_help("give a later date, or remove the exemption"),
            );
        }
    }
    found
}

/// The gavel initiative an assignment assigns, if it assigns one.
fn assigned_initiative<'a>(assignment: &Assignment, known: &Assignables<'a>) -> Option<&'a Initiative> {
    match assignment.target.as_ref()? {
        AssignedTarget::Initiative(name) => known.initiatives.get(name.value.as_str()).copied(),
        _ => None,
    }
}

/// Whether a policy's effect may be modify or deployIfNotExists, which remediate.
fn remediating(policy: &Policy) -> bool {
    matches!(policy.effect.kind, Some(EffectKind::Modify | EffectKind::DeployIfNotExists))
}

fn unknown<'n>(name: &Spanned<String>, what: &str, names: impl Iterator<Item = &'n str>) -> Diagnostic {
    let names: Vec<&str> = names.collect();
    let diagnostic = Diagnostic::new(Code::UnknownAssigned, name.span, format!("no {what} named `{}`", name.value));
    diagnostic.with_suggestion(
        name.span,
        did_you_mean(&name.value, names.iter().copied()),
        format!("define the {what} in the files being built, or give its full id as a string"),
    )
}

fn unknown_member(reference: &Spanned<String>, initiative: &Initiative) -> Option<Diagnostic> {
    let references: Vec<&str> = initiative.members.iter().map(crate::ast::Member::reference).collect();
    if references.iter().any(|r| r.eq_ignore_ascii_case(&reference.value)) {
        return None;
    }
    let diagnostic = Diagnostic::new(
        Code::UnknownMemberReference,
        reference.span,
        format!("`{}` has no member `{}`", initiative.header.name.value, reference.value),
    );
    Some(match did_you_mean(&reference.value, references.iter().copied()) {
        Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
        None => diagnostic.with_help(format!("its members: {}", references.join(", "))),
    })
}

/// A scope Azure assigns at: a management group, or a subscription and what is below it.
fn scope_error(scope: &Spanned<String>, verb: &str) -> Option<Diagnostic> {
    let text = scope.value.trim_end_matches('/');
    let lower = text.to_ascii_lowercase();
    let valid = if lower.starts_with("/providers/microsoft.management/managementgroups/") {
        DefinitionScope::parse(text).is_ok()
    } else if let Some(rest) = lower.strip_prefix("/subscriptions/") {
        let (id, below) = rest.split_once('/').unwrap_or((rest, ""));
        DefinitionScope::parse(&format!("/subscriptions/{id}")).is_ok()
            && (below.is_empty() || below.starts_with("resourcegroups/") && below.len() > "resourcegroups/".len())
    } else {
        false
    };
    (!valid).then(|| {
        Diagnostic::new(Code::InvalidAssignmentScope, scope.span, format!("Azure cannot {verb} at `{}`", scope.value))
            .with_help("write `/providers/Microsoft.Management/managementGroups/NAME`, `/subscriptions/GUID` or `/subscriptions/GUID/resourceGroups/NAME`")
    })
}

/// An exemption scope outside its assignment's, where the containment can be told from the
/// ids (a management group's subscriptions cannot).
fn outside_scope(inner: &Spanned<String>, outer: &Spanned<String>) -> Option<Diagnostic> {
    let (inner_text, outer_text) = (inner.value.to_ascii_lowercase(), outer.value.to_ascii_lowercase());
    let outer_text = outer_text.trim_end_matches('/');
    if !outer_text.starts_with("/subscriptions/") || inner_text.starts_with(outer_text) {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::InvalidAssignmentScope,
            inner.span,
            format!("the exemption's scope is not within its assignment's (`{}`)", outer.value),
        )
        .with_label(outer.span, "the assignment's scope")
        .with_help("exempt a scope at or below the assignment's"),
    )
}

/// Today's date as `YYYY-MM-DD` (UTC), for expiry checks.
pub fn today() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    civil_date((seconds / 86_400) as i64)
}

/// The calendar date `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_795), "2026-12-08");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }
}
