//! Cases of an initiative: the case's parameters are the assignment's, checked against the
//! initiative's; each member the case names is evaluated with the values the initiative gives
//! it (a literal, or an initiative parameter passed through) and compared with its own
//! expectation. A failure names the member and where its parameters came from.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::engine::{Engine, Request};
use super::explain::explain_prepared;
use super::policy::parameters;
use super::run::{
    CaseReport, Declared, MemberReport, Mismatch, Session, Status, assignment, assignment_of, compare,
    engine_diagnostic,
};
use super::source::Located;
use super::spec::{Case, Expectation, PolicyRef};
use crate::ast::{Definition, Expr, Initiative, Member, MemberTarget};
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::Span;

/// Where a member parameter's value came from, for reports.
struct Given {
    value: Value,
    from: String,
}

impl Session {
    /// The initiative named `name` in the compilation, if it is one.
    pub fn initiative(&self, name: &str) -> Option<Initiative> {
        let definitions = self.compilation.units.iter().flat_map(|u| u.module.definitions.iter());
        let found = definitions.clone().find(|d| d.name().value == name);
        match found.or_else(|| definitions.clone().find(|d| d.name().value.eq_ignore_ascii_case(name))) {
            Some(Definition::Initiative(initiative)) => Some(initiative.clone()),
            _ => None,
        }
    }

    pub(super) fn run_initiative_case(
        &mut self,
        key: &[std::path::PathBuf],
        engine: &Engine,
        case: Case,
        initiative: &Initiative,
        mut report: CaseReport,
    ) -> CaseReport {
        let Some(wanted) = case.expect.value.members.clone() else {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidExpectation,
                    case.expect.span,
                    format!(
                        "`{}` is an initiative: the case expects an outcome per member",
                        initiative.header.name.value
                    ),
                )
                .with_help(format!("write `expect: {{ members: {{ {}: deny, … }} }}`", example_reference(initiative))),
            );
            return report;
        };
        let Some(assigned) = self.initiative_assignment(&case, initiative) else { return report };
        if !self.references_exist(&wanted, initiative, case.expect.span) {
            return report;
        }
        let mut failed = None;
        for (reference, expectation) in &wanted {
            let Some(member) = initiative.members.iter().find(|m| m.reference().eq_ignore_ascii_case(reference)) else {
                continue;
            };
            let Some((member_report, explanation)) =
                self.run_member(key, engine, &case, initiative, member, &assigned, expectation)
            else {
                return report;
            };
            // The first member that fails decides the case, and is explained.
            if member_report.status == Status::Failed && failed.is_none() {
                failed = Some(report.members.len());
                report.explanation = explanation;
            }
            report.members.push(member_report);
        }
        report.status = if failed.is_some() { Status::Failed } else { Status::Passed };
        if let Some(index) = failed {
            let member = &report.members[index];
            report.mismatch = Some(Mismatch {
                summary: format!("member `{}` (policy `{}`): {}", member.reference, member.policy, member.message),
                diff: member.diff.clone(),
            });
            report.outcome = member.outcome.clone();
        }
        report
    }

    /// The case's parameters as an assignment of the initiative gives them.
    fn initiative_assignment(&mut self, case: &Case, initiative: &Initiative) -> Option<Map<String, Value>> {
        let definition = crate::emit::initiative_definition(initiative, &crate::emit::EmitOptions::default());
        let spans: Vec<(String, Span)> =
            initiative.header.parameters.iter().map(|p| (p.name.value.clone(), p.name.span)).collect();
        let declared =
            Declared { label: &initiative.header.name.value, parameters: parameters(&definition), spans: &spans };
        match assignment_of(&case.parameters, case.parameters_span, &declared) {
            Ok(mut values) => {
                // Defaults fill what the case leaves out: members read them through the initiative.
                for param in &declared.parameters {
                    if let (false, Some(default)) = (values.contains_key(&param.name), &param.default) {
                        values.insert(param.name.clone(), default.clone());
                    }
                }
                Some(values)
            }
            Err(errors) => {
                self.diagnostics.extend(errors);
                None
            }
        }
    }

    fn references_exist(&mut self, wanted: &[(String, Expectation)], initiative: &Initiative, at: Span) -> bool {
        let references: Vec<&str> = initiative.members.iter().map(Member::reference).collect();
        let mut ok = true;
        for (reference, _) in wanted {
            if references.iter().any(|r| r.eq_ignore_ascii_case(reference)) {
                continue;
            }
            ok = false;
            let help = match crate::diag::did_you_mean(reference, references.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("its members: {}", references.join(", ")),
            };
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidExpectation,
                    at,
                    format!("`{}` has no member `{reference}`", initiative.header.name.value),
                )
                .with_help(help),
            );
        }
        ok
    }

    /// One member evaluated; `None` when it could not be (its diagnostics say why).
    #[allow(clippy::too_many_arguments)]
    fn run_member(
        &mut self,
        key: &[std::path::PathBuf],
        engine: &Engine,
        case: &Case,
        initiative: &Initiative,
        member: &Member,
        assigned: &Map<String, Value>,
        expectation: &Expectation,
    ) -> Option<(MemberReport, Option<super::explain::Explanation>)> {
        let policy_name = self.member_policy(member)?;
        let span = member_span(member);
        let compiled = self.compiled_policy(key, engine, &Located::new(PolicyRef::Gavel(policy_name), span))?;
        let given = self.member_parameters(member, initiative, assigned)?;
        let values: BTreeMap<String, Located<Value>> =
            given.iter().map(|(name, g)| (name.clone(), Located::new(g.value.clone(), span))).collect();
        let parameters = match assignment(&values, span, &compiled.policy) {
            Ok(parameters) => parameters,
            Err(errors) => {
                self.diagnostics.extend(errors);
                return None;
            }
        };
        let request = Request {
            resource: case.resource.value.clone(),
            parameters,
            context: case.context.clone(),
            related: case.related.iter().map(|r| r.value.clone()).collect(),
        };
        let prepared = engine.prepare(&request);
        let outcome = match compiled.evaluate(&prepared) {
            Ok(outcome) => outcome,
            Err(error) => {
                self.diagnostics.push(engine_diagnostic(case.span, &compiled.policy.label, &error.to_string()));
                return None;
            }
        };
        let mismatch = compare(expectation, &outcome);
        let explanation =
            mismatch.as_ref().map(|_| explain_prepared(engine, &compiled.policy, &request, &prepared, &outcome));
        let sources: Vec<String> =
            given.iter().map(|(name, g)| format!("`{name}` is {} ({})", g.value, g.from)).collect();
        let message = match &mismatch {
            Some(m) if sources.is_empty() => m.summary.clone(),
            Some(m) => format!("{}; {}", m.summary, sources.join(", ")),
            None => String::new(),
        };
        let report = MemberReport {
            reference: member.reference().to_string(),
            policy: compiled.policy.label.clone(),
            status: if mismatch.is_some() { Status::Failed } else { Status::Passed },
            expected: expectation.clone(),
            outcome: Some(outcome),
            message,
            diff: mismatch.and_then(|m| m.diff),
        };
        Some((report, explanation))
    }

    /// [`Session::member_policy_name`], reporting a member whose definition is not among the
    /// files given.
    fn member_policy(&mut self, member: &Member) -> Option<String> {
        let found = self.member_policy_name(member);
        match &member.target {
            MemberTarget::Id(id) if found.is_none() => {
                self.diagnostics.push(
                        Diagnostic::new(
                            Code::UnknownTestPolicy,
                            id.span,
                            format!("member `{}` references a definition that is not among the files given", member.reference()),
                        )
                        .with_help("give `gavel test` the definition's file (a built-in's JSON, say), or leave the member out of `expect`"),
                );
                None
            }
            _ => found,
        }
    }

    /// The gavel name of the policy `member` evaluates, when the compilation has it: its own
    /// name, or the policy whose definition name ends the member's id.
    pub fn member_policy_name(&self, member: &Member) -> Option<String> {
        match &member.target {
            MemberTarget::Policy(name) => Some(name.value.clone()),
            MemberTarget::Id(id) => {
                let definition_name = id.value.rsplit('/').next().unwrap_or_default();
                let mut definitions = self.compilation.units.iter().flat_map(|u| u.module.definitions.iter());
                let found = definitions.find(|d| {
                    matches!(d, Definition::Policy(_))
                        && d.header().definition_name().eq_ignore_ascii_case(definition_name)
                });
                found.map(|d| d.name().value.clone())
            }
        }
    }

    /// The values the initiative gives the member's parameters.
    fn member_parameters(
        &mut self,
        member: &Member,
        initiative: &Initiative,
        assigned: &Map<String, Value>,
    ) -> Option<Vec<(String, Given)>> {
        let mut given = Vec::with_capacity(member.parameters.len());
        for (name, expr) in &member.parameters {
            let value = match expr {
                Expr::Param(param) => {
                    let declared =
                        initiative.header.parameters.iter().find(|p| p.name.value.eq_ignore_ascii_case(&param.value));
                    let (Some(declared), Some(value)) =
                        (declared, assigned.iter().find(|(k, _)| k.eq_ignore_ascii_case(&param.value)).map(|(_, v)| v))
                    else {
                        continue;
                    };
                    let how = if declared
                        .default
                        .as_ref()
                        .and_then(crate::check::parameters::json_of)
                        .is_some_and(|d| *d == *value)
                    {
                        "its default"
                    } else {
                        "given"
                    };
                    Given {
                        value: value.clone(),
                        from: format!("from the initiative's `{}`, {how}", declared.name.value),
                    }
                }
                literal => match crate::check::parameters::json_of(literal) {
                    Some(value) => Given { value: value.into_owned(), from: "set by the initiative".into() },
                    None => {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::EngineRefused,
                                literal.span(),
                                format!("the value of `{}` for member `{}` is computed; tests evaluate literal and passed-through values", name.value, member.reference()),
                            )
                            .with_help("leave the member out of `expect`, or give it a literal value"),
                        );
                        return None;
                    }
                },
            };
            given.push((name.value.clone(), value));
        }
        Some(given)
    }
}

fn member_span(member: &Member) -> Span {
    match &member.target {
        MemberTarget::Policy(name) | MemberTarget::Id(name) => name.span,
    }
}

fn example_reference(initiative: &Initiative) -> &str {
    initiative.members.first().map_or("member", Member::reference)
}
