//! Initiatives against the policies they include: the parameters each member passes (names the
//! policy declares, every required one given, values of the parameter's type and among its
//! allowed values, initiative parameters passed through only where what they allow fits),
//! reference ids given once, and groups that exist and are used.
//!
//! Members are resolved among the definitions of the same compilation: by gavel name, or by
//! the definition name at the end of a definition id (`…/policyDefinitions/<name>`), which is
//! how JSON initiatives and built-in initiatives name their members.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value as Json;

use super::Context;
use super::parameters::{allowed_values, expected_value, json_of, same_allowed_value, value_fits};
use super::values::{Val, quoted};
use crate::ast::{Expr, Header, Initiative, Member, MemberTarget, ParamType, Parameter, Spanned};
use crate::diag::{Code, Diagnostic, did_you_mean};

/// The policies members may reference.
/// A name may stand for several definitions: copies in two folders (Azure's public cloud and
/// Azure Government) share their name but not always their parameters or versions. A member is
/// checked against the copies nearest to its initiative (the most folders in common), when the
/// version it pins is theirs and they agree on their parameters; otherwise it is not checked.
#[derive(Default)]
pub struct PolicyIndex<'a> {
    by_name: HashMap<&'a str, Vec<Candidate<'a>>>,
    by_definition_name: HashMap<String, Vec<Candidate<'a>>>,
}

/// A policy and the file it is in.
type Candidate<'a> = (&'a Path, &'a Header);

impl<'a> PolicyIndex<'a> {
    pub fn new(policies: impl IntoIterator<Item = Candidate<'a>>) -> PolicyIndex<'a> {
        let mut index = PolicyIndex::default();
        for (file, header) in policies {
            index.by_name.entry(&header.name.value).or_default().push((file, header));
            let definition_name = header.definition_name().to_ascii_lowercase();
            index.by_definition_name.entry(definition_name).or_default().push((file, header));
        }
        index
    }

    /// Whether some indexed definition has the name `member` references, fitting or not.
    pub fn knows(&self, member: &Member) -> bool {
        match &member.target {
            MemberTarget::Policy(name) => self.by_name.contains_key(name.value.as_str()),
            MemberTarget::Id(id) => definition_name_of(&id.value)
                .is_some_and(|name| self.by_definition_name.contains_key(&name.to_ascii_lowercase())),
        }
    }

    /// The policy `member` of an initiative in file `from` references, when it is known.
    pub fn resolve(&self, member: &Member, from: &Path) -> Option<&'a Header> {
        let candidates = match &member.target {
            MemberTarget::Policy(name) => self.by_name.get(name.value.as_str())?,
            MemberTarget::Id(id) => {
                self.by_definition_name.get(&definition_name_of(&id.value)?.to_ascii_lowercase())?
            }
        };
        let closeness = |file: &Path| file.components().filter(|c| from.components().any(|f| f == *c)).count();
        let nearest = candidates.iter().map(|(file, _)| closeness(file)).max()?;
        let pinned = member.definition_version.as_ref().map(|v| major(&v.value));
        let fitting: Vec<&Header> = candidates
            .iter()
            .filter(|(file, _)| closeness(file) == nearest)
            .map(|&(_, header)| header)
            .filter(|header| pinned.is_none_or(|want| header.version.as_ref().is_none_or(|v| major(&v.value) == want)))
            .collect();
        let (first, rest) = fitting.split_first()?;
        rest.iter().all(|other| same_parameters(first, other)).then_some(*first)
    }
}

/// The major version of `1.2.3` or `1.*.*`.
fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version)
}

fn same_parameters(a: &Header, b: &Header) -> bool {
    let names = |h: &Header| h.parameters.iter().map(|p| p.name.value.to_ascii_lowercase()).collect::<Vec<_>>();
    names(a) == names(b)
}

/// The definition name at the end of a policy definition id; `None` for an ARM expression or
/// an id of anything else.
fn definition_name_of(id: &str) -> Option<&str> {
    const MARKER: &str = "/providers/microsoft.authorization/policydefinitions/";
    if id.starts_with('[') {
        return None;
    }
    let at = id.to_ascii_lowercase().rfind(MARKER)?;
    let name = id.get(at + MARKER.len()..)?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

/// Every diagnostic about `initiative`'s members and groups.
pub fn check_initiative(
    initiative: &Initiative,
    file: &Path,
    policies: &PolicyIndex<'_>,
    cx: &Context<'_>,
) -> Vec<Diagnostic> {
    let mut check =
        InitiativeCheck { passed_from: &initiative.header.parameters, who: "member", cx, found: Vec::new() };
    for member in &initiative.members {
        // A built-in of gavel's table stands in only where the files give no copy of it at all.
        let fallback = || if policies.knows(member) { None } else { builtin(member) };
        if let Some(policy) = policies.resolve(member, file).or_else(fallback) {
            check.parameter_values(&member.parameters, target_span(member), policy);
        }
    }
    check.reference_ids(initiative);
    check.groups(initiative);
    without_builtin_labels(check.found)
}

/// A built-in the member references by id, when it is not among the files being checked and
/// the version it pins is the one gavel knows.
fn builtin(member: &Member) -> Option<&'static Header> {
    let MemberTarget::Id(id) = &member.target else { return None };
    let header = crate::catalog::builtins::by_id(&id.value)?;
    let pinned = member.definition_version.as_ref().map(|v| major(&v.value));
    let known = header.version.as_ref().map(|v| major(&v.value));
    match (pinned, known) {
        (Some(pinned), Some(known)) if pinned != known => None,
        _ => Some(header),
    }
}

/// Labels at a built-in's parameters point into no file: the message names the built-in.
fn without_builtin_labels(mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for diagnostic in &mut found {
        diagnostic.labels.retain(|label| !crate::catalog::builtins::is_nowhere(label.span));
    }
    found
}

/// The parameter values an assignment gives the policy or initiative it assigns (`target`,
/// whose declaration is at `at`), checked as an initiative's members are.
pub fn check_assigned_values(
    given: &[(Spanned<String>, Expr)],
    at: crate::syntax::span::Span,
    target: &Header,
    cx: &Context<'_>,
) -> Vec<Diagnostic> {
    let mut check = InitiativeCheck { passed_from: &[], who: "assignment", cx, found: Vec::new() };
    check.parameter_values(given, at, target);
    without_builtin_labels(check.found)
}

struct InitiativeCheck<'a> {
    /// The parameters a value may pass through (`$name`): the initiative's.
    passed_from: &'a [Parameter],
    /// What gives the values, in messages: `member` or `assignment`.
    who: &'static str,
    cx: &'a Context<'a>,
    found: Vec<Diagnostic>,
}

impl<'a> InitiativeCheck<'a> {
    fn parameter_values(&mut self, given: &[(Spanned<String>, Expr)], at: crate::syntax::span::Span, policy: &Header) {
        let declared = |name: &str| policy.parameters.iter().find(|p| p.name.value.eq_ignore_ascii_case(name));
        for (key, value) in given {
            match declared(&key.value) {
                Some(param) => self.value(policy, param, value),
                None => self.unknown_parameter(policy, key),
            }
        }
        let is_given = |name: &str| given.iter().any(|(key, _)| key.value.eq_ignore_ascii_case(name));
        for param in policy.parameters.iter().filter(|p| p.default.is_none() && !is_given(&p.name.value)) {
            self.missing_parameter(at, policy, param);
        }
    }

    fn unknown_parameter(&mut self, policy: &Header, key: &Spanned<String>) {
        let names = policy.parameters.iter().map(|p| p.name.value.as_str());
        let mut diagnostic = Diagnostic::new(
            Code::UnknownMemberParameter,
            key.span,
            format!("`{}` is not a parameter of `{}`", key.value, policy.name.value),
        )
        .with_label(policy.name.span, "declared here");
        diagnostic = match did_you_mean(&key.value, names.clone()) {
            Some(name) => diagnostic.with_help(format!("did you mean `{name}`?")).with_fix(
                format!("replace with `{name}`"),
                key.span,
                self.cx.name_replacement(key.span, name),
            ),
            None if policy.parameters.is_empty() => {
                diagnostic.with_help(format!("`{}` declares no parameters: remove it", policy.name.value))
            }
            None => diagnostic.with_help(format!("its parameters: {}", names.collect::<Vec<_>>().join(", "))),
        };
        self.found.push(diagnostic);
    }

    fn missing_parameter(&mut self, at: crate::syntax::span::Span, policy: &Header, param: &Parameter) {
        let name = &param.name.value;
        let passed = self.initiative_parameter(name).map(|_| format!(", or pass the initiative's: `{name}: ${name}`"));
        self.found.push(
            Diagnostic::new(
                Code::MissingMemberParameter,
                at,
                format!("`{}` requires parameter `{name}`, which this {} does not give", policy.name.value, self.who),
            )
            .with_label(param.name.span, "declared here without a default")
            .with_help(format!("give it a value under `parameters`{}", passed.unwrap_or_default())),
        );
    }

    /// One value given to member parameter `param` of `policy`.
    fn value(&mut self, policy: &Header, param: &Parameter, value: &Expr) {
        match Val::of(value) {
            Val::Param(name) => {
                if let Some(passed) = self.initiative_parameter(name) {
                    self.passed_through(policy, param, passed, value);
                }
            }
            Val::Computed | Val::Null => {}
            literal if !value_fits(param.ty.value, &literal) => self.found.push(
                Diagnostic::new(
                    Code::MemberParameterType,
                    value.span(),
                    format!(
                        "`{}` of `{}` is of type {}, but this is {}",
                        param.name.value,
                        policy.name.value,
                        param.ty.value.json_name(),
                        literal.kind_name()
                    ),
                )
                .with_label(param.ty.span, "type declared here")
                .with_help(format!("write {}", expected_value(param.ty.value))),
            ),
            _ => self.literal_allowed(policy, param, value),
        }
    }

    fn literal_allowed(&mut self, policy: &Header, param: &Parameter, value: &Expr) {
        let (Some(allowed), Some(given)) = (allowed_values(param), json_of(value)) else { return };
        let outside = outside_of(&allowed, &given);
        let Some(first) = outside.first() else { return };
        let mut diagnostic = Diagnostic::new(
            Code::MemberValueNotAllowed,
            value.span(),
            format!(
                "{} {} not among the allowed values of `{}` of `{}`: {}",
                join(&outside),
                if outside.len() == 1 { "is" } else { "are" },
                param.name.value,
                policy.name.value,
                join(&allowed)
            ),
        );
        if let Some(span) = param.allowed.as_ref().map(Expr::span) {
            diagnostic = diagnostic.with_label(span, "allowed values");
        }
        let near = first.as_str().and_then(|text| closest_allowed(&allowed, text));
        diagnostic = match (near, given.as_ref()) {
            (Some(spelling), Json::String(_)) => diagnostic
                .with_help(format!("did you mean \"{spelling}\"?"))
                .with_fix(format!("replace with \"{spelling}\""), value.span(), quoted(&spelling)),
            (Some(spelling), _) => diagnostic.with_help(format!("did you mean \"{spelling}\"?")),
            (None, _) => diagnostic.with_help("pass one of the allowed values"),
        };
        self.found.push(diagnostic);
    }

    /// Initiative parameter `passed` given to member parameter `param`: its type must fit, its
    /// default must be allowed, and what it allows should be.
    fn passed_through(&mut self, policy: &Header, param: &Parameter, passed: &Parameter, value: &Expr) {
        let (from, to) = (passed.ty.value, param.ty.value);
        if !compatible(from, to) {
            self.found.push(
                Diagnostic::new(
                    Code::MemberParameterType,
                    value.span(),
                    format!(
                        "`${}` is of type {}, but `{}` of `{}` is of type {}",
                        passed.name.value,
                        from.json_name(),
                        param.name.value,
                        policy.name.value,
                        to.json_name()
                    ),
                )
                .with_label(passed.ty.span, "the initiative parameter's type")
                .with_label(param.ty.span, "the member parameter's type")
                .with_help(format!(
                    "declare `{}` as {}, or pass another value",
                    passed.name.value,
                    to.json_name()
                )),
            );
            return;
        }
        let Some(allowed) = allowed_values(param) else { return };
        let what = format!("`{}` of `{}`", param.name.value, policy.name.value);
        if let Some(default) = passed.default.as_ref().and_then(json_of) {
            let outside = outside_of(&allowed, &default);
            if !outside.is_empty() {
                self.found.push(
                    Diagnostic::new(
                        Code::PassedDefaultNotAllowed,
                        value.span(),
                        format!(
                            "the default of `${}` ({}) is not among the allowed values of {what}: {}",
                            passed.name.value,
                            join(&outside),
                            join(&allowed)
                        ),
                    )
                    .with_label(default_span(passed), "default given here")
                    .with_help("an assignment that keeps the default fails: change the default, or pass a value the member allows"),
                );
                return;
            }
        }
        let Some(offered) = allowed_values(passed) else { return };
        let outside: Vec<Json> = offered.into_iter().filter(|v| !outside_of(&allowed, v).is_empty()).collect();
        if !outside.is_empty() {
            self.found.push(
                Diagnostic::new(
                    Code::PassedValuesNotAllowed,
                    value.span(),
                    format!(
                        "`${}` allows {}, which {what} does not (it allows {})",
                        passed.name.value,
                        join(&outside),
                        join(&allowed)
                    ),
                )
                .with_label(passed.allowed.as_ref().map_or(passed.name.span, Expr::span), "allowed here")
                .with_help("an assignment choosing those values fails: narrow the initiative parameter, or give the member its own"),
            );
        }
    }

    fn in_gavel(&self, span: crate::syntax::span::Span) -> bool {
        self.cx.gavel_text(span).is_some()
    }

    fn initiative_parameter(&self, name: &str) -> Option<&'a Parameter> {
        self.passed_from.iter().find(|p| p.name.value.eq_ignore_ascii_case(name))
    }

    fn reference_ids(&mut self, initiative: &Initiative) {
        let mut first: HashMap<String, &Member> = HashMap::new();
        for member in &initiative.members {
            let reference = member.reference();
            let Some(earlier) = first.get(&reference.to_ascii_lowercase()) else {
                first.insert(reference.to_ascii_lowercase(), member);
                continue;
            };
            self.found.push(
                Diagnostic::new(
                    Code::DuplicateReferenceId,
                    reference_span(member),
                    format!("two members have the reference id `{reference}`"),
                )
                .with_label(reference_span(earlier), "the first one")
                .with_help(if self.in_gavel(reference_span(member)) {
                    "give one of them its own `reference \"…\"`"
                } else {
                    "give one of them its own `policyDefinitionReferenceId`"
                }),
            );
        }
    }

    fn groups(&mut self, initiative: &Initiative) {
        // Groups gavel keeps verbatim (`json { policyDefinitionGroups: … }`) count as defined;
        // when their names cannot be read, member groups are not checked.
        let verbatim = initiative.header.extra.iter().find(|(key, _)| key.value == "policyDefinitionGroups");
        let mut defined: Vec<&str> = initiative.groups.iter().map(|g| g.name.value.as_str()).collect();
        match verbatim.map(|(_, value)| value) {
            Some(Expr::Raw(Json::Array(groups), _)) => {
                defined.extend(groups.iter().filter_map(|g| g.get("name").and_then(Json::as_str)));
            }
            Some(_) => return,
            None => {}
        }
        let mut used: HashSet<String> = HashSet::new();
        for member in &initiative.members {
            for group in &member.groups {
                used.insert(group.value.to_ascii_lowercase());
                if defined.iter().any(|d| d.eq_ignore_ascii_case(&group.value)) {
                    continue;
                }
                let diagnostic = Diagnostic::new(
                    Code::UnknownGroup,
                    group.span,
                    format!("the initiative defines no group `{}`", group.value),
                );
                self.found.push(match did_you_mean(&group.value, defined.iter().copied()) {
                    Some(name) => diagnostic.with_help(format!("did you mean `{name}`?")).with_fix(
                        format!("replace with `{name}`"),
                        group.span,
                        self.cx.name_replacement(group.span, name),
                    ),
                    None if self.in_gavel(group.span) => {
                        diagnostic.with_help(format!("define it: `group {} {{ … }}`", group.value))
                    }
                    None => diagnostic.with_help("define it under `policyDefinitionGroups`"),
                });
            }
        }
        for group in &initiative.groups {
            if !used.contains(&group.name.value.to_ascii_lowercase()) {
                self.found.push(
                    Diagnostic::new(
                        Code::UnusedGroup,
                        group.name.span,
                        format!("no member is in group `{}`", group.name.value),
                    )
                    .with_help(if self.in_gavel(group.name.span) {
                        "add `groups [name]` to its members, or remove the group"
                    } else {
                        "name it in its members' `groupNames`, or remove the group"
                    }),
                );
            }
        }
    }
}

/// Whether an initiative parameter of type `from` can be passed to a member parameter of type
/// `to`: effects and dates are strings, and an integer is a number.
fn compatible(from: ParamType, to: ParamType) -> bool {
    let stringly = |ty| matches!(ty, ParamType::String | ParamType::Effect | ParamType::DateTime);
    from == to || (stringly(from) && stringly(to)) || (from == ParamType::Integer && to == ParamType::Float)
}

/// What of `given` the allowed values exclude: nothing when it is one of them; for a list, its
/// members that are not (an array parameter's value is checked member by member).
fn outside_of(allowed: &[Json], given: &Json) -> Vec<Json> {
    let is_allowed = |value: &Json| allowed.iter().any(|a| same_allowed_value(a, value));
    if is_allowed(given) {
        return Vec::new();
    }
    match given {
        Json::Array(members) => members.iter().filter(|m| !is_allowed(m)).cloned().collect(),
        single => vec![single.clone()],
    }
}

/// The allowed string closest to `text`.
fn closest_allowed(allowed: &[Json], text: &str) -> Option<String> {
    did_you_mean(text, allowed.iter().filter_map(Json::as_str)).map(str::to_string)
}

fn join(values: &[Json]) -> String {
    values.iter().map(Json::to_string).collect::<Vec<_>>().join(", ")
}

fn target_span(member: &Member) -> crate::syntax::span::Span {
    match &member.target {
        MemberTarget::Policy(name) | MemberTarget::Id(name) => name.span,
    }
}

fn reference_span(member: &Member) -> crate::syntax::span::Span {
    member.reference_id.as_ref().map_or_else(|| target_span(member), |r| r.span)
}

fn default_span(param: &Parameter) -> crate::syntax::span::Span {
    param.default.as_ref().map_or(param.name.span, Expr::span)
}
