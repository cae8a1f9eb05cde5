//! `gavel diff`: what changes between two versions of a library mean for the assignments that
//! already use its definitions. A parameter removed, renamed or newly required, a parameter
//! whose type changed or whose allowed values lost a value, an effect no longer allowed, a
//! definition or an initiative member gone: each breaks an existing assignment (or exemption),
//! and needs a new major `version`.

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::ast::{Definition, Header, ParamType, Parameter};
use crate::check::parameters::{allowed_values, same_allowed_value};

/// One kind of change, breaking or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    DefinitionRemoved,
    DefinitionAdded,
    ParameterRemoved,
    ParameterRenamed,
    ParameterAdded,
    NewlyRequired,
    TypeChanged,
    AllowedValuesNarrowed,
    EffectNoLongerAllowed,
    MemberRemoved,
    MemberAdded,
    RuleChanged,
}

impl ChangeKind {
    /// Whether an assignment made with the old version fails or changes meaning with the new.
    pub fn breaking(self) -> bool {
        !matches!(
            self,
            ChangeKind::DefinitionAdded
                | ChangeKind::ParameterAdded
                | ChangeKind::MemberAdded
                | ChangeKind::RuleChanged
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::DefinitionRemoved => "definition-removed",
            ChangeKind::DefinitionAdded => "definition-added",
            ChangeKind::ParameterRemoved => "parameter-removed",
            ChangeKind::ParameterRenamed => "parameter-renamed",
            ChangeKind::ParameterAdded => "parameter-added",
            ChangeKind::NewlyRequired => "parameter-newly-required",
            ChangeKind::TypeChanged => "parameter-type-changed",
            ChangeKind::AllowedValuesNarrowed => "allowed-values-narrowed",
            ChangeKind::EffectNoLongerAllowed => "effect-no-longer-allowed",
            ChangeKind::MemberRemoved => "member-removed",
            ChangeKind::MemberAdded => "member-added",
            ChangeKind::RuleChanged => "rule-changed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: ChangeKind,
    pub message: String,
}

/// The changes of one definition, and whether its version says so.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionDiff {
    /// The gavel name (of the new version, or the old one when removed).
    pub name: String,
    pub old_version: Option<String>,
    pub new_version: Option<String>,
    pub changes: Vec<Change>,
    /// A breaking change without a new major version: what `gavel diff` fails on.
    pub needs_major_version: bool,
}

impl DefinitionDiff {
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(|c| c.kind.breaking())
    }

    /// What the versions say about the changes, for reports.
    pub fn version_verdict(&self) -> String {
        let versions = match (&self.old_version, &self.new_version) {
            (Some(old), Some(new)) => format!("{old} → {new}"),
            (None, Some(new)) => format!("unversioned → {new}"),
            (Some(old), None) => format!("{old} → unversioned"),
            (None, None) => "unversioned".to_string(),
        };
        match (self.breaking(), self.needs_major_version) {
            (true, true) => format!("{versions}: breaking changes need a new major version"),
            (true, false) => format!("{versions}: a new major version, as the breaking changes need"),
            (false, _) => format!("{versions}: compatible"),
        }
    }
}

/// Compares the definitions of two versions of a library, matched by the definition name
/// Azure knows them by. Definitions without changes are left out.
pub fn compare(old: &[&Definition], new: &[&Definition]) -> Vec<DefinitionDiff> {
    let key = |d: &Definition| d.header().definition_name().to_ascii_lowercase();
    let old_by_name: HashMap<String, &Definition> = old.iter().map(|d| (key(d), *d)).collect();
    let new_names: std::collections::HashSet<String> = new.iter().map(|d| key(d)).collect();
    let mut diffs = Vec::new();
    for definition in new {
        let diff = match old_by_name.get(&key(definition)) {
            Some(previous) => compare_definition(previous, definition),
            None => DefinitionDiff {
                name: definition.name().value.clone(),
                old_version: None,
                new_version: version(definition.header()),
                changes: vec![Change { kind: ChangeKind::DefinitionAdded, message: "new definition".into() }],
                needs_major_version: false,
            },
        };
        if !diff.changes.is_empty() {
            diffs.push(diff);
        }
    }
    for definition in old.iter().filter(|d| !new_names.contains(&key(d))) {
        diffs.push(DefinitionDiff {
            name: definition.name().value.clone(),
            old_version: version(definition.header()),
            new_version: None,
            changes: vec![Change {
                kind: ChangeKind::DefinitionRemoved,
                message: "the definition is gone: its assignments point at nothing".into(),
            }],
            needs_major_version: true,
        });
    }
    diffs
}

fn version(header: &Header) -> Option<String> {
    header.version.as_ref().map(|v| v.value.clone())
}

fn major(version: Option<&str>) -> Option<u64> {
    version?.split(['.', '-']).next()?.parse().ok()
}

fn compare_definition(old: &Definition, new: &Definition) -> DefinitionDiff {
    let mut changes = parameter_changes(old.header(), new.header());
    match (old, new) {
        (Definition::Initiative(old), Definition::Initiative(new)) => {
            let references = |i: &crate::ast::Initiative| -> Vec<String> {
                i.members.iter().map(|m| m.reference().to_string()).collect()
            };
            let (before, after) = (references(old), references(new));
            let has = |list: &[String], r: &str| list.iter().any(|x| x.eq_ignore_ascii_case(r));
            for gone in before.iter().filter(|r| !has(&after, r)) {
                changes.push(Change {
                    kind: ChangeKind::MemberRemoved,
                    message: format!("member `{gone}` is gone: exemptions and messages that name it point at nothing"),
                });
            }
            for added in after.iter().filter(|r| !has(&before, r)) {
                changes.push(Change { kind: ChangeKind::MemberAdded, message: format!("new member `{added}`") });
            }
        }
        (Definition::Policy(old_policy), Definition::Policy(new_policy)) => {
            if crate::emit::policy_rule(old_policy) != crate::emit::policy_rule(new_policy) {
                changes.push(Change { kind: ChangeKind::RuleChanged, message: "the policy rule changed".into() });
            }
        }
        _ => changes.push(Change {
            kind: ChangeKind::DefinitionRemoved,
            message: "a policy and an initiative share the definition name: the old one is gone".into(),
        }),
    }
    let (old_version, new_version) = (version(old.header()), version(new.header()));
    let bumped = match (major(old_version.as_deref()), major(new_version.as_deref())) {
        (Some(before), Some(after)) => after > before,
        (None, Some(_)) => true,
        _ => false,
    };
    let breaking = changes.iter().any(|c| c.kind.breaking());
    DefinitionDiff {
        name: new.name().value.clone(),
        old_version,
        new_version,
        changes,
        needs_major_version: breaking && !bumped,
    }
}

fn parameter_changes(old: &Header, new: &Header) -> Vec<Change> {
    let mut changes = Vec::new();
    let removed: Vec<&Parameter> = old.parameters.iter().filter(|p| find(new, &p.name.value).is_none()).collect();
    let added: Vec<&Parameter> = new.parameters.iter().filter(|p| find(old, &p.name.value).is_none()).collect();
    let mut renamed_to: Vec<&str> = Vec::new();
    for gone in &removed {
        // A parameter of the same type and title in place of one removed is the same parameter
        // under a new name; assignments that set the old name fail either way.
        let successor = added.iter().find(|a| {
            a.ty.value == gone.ty.value && title(a) == title(gone) && !renamed_to.contains(&a.name.value.as_str())
        });
        match successor {
            Some(successor) => {
                renamed_to.push(&successor.name.value);
                changes.push(Change {
                    kind: ChangeKind::ParameterRenamed,
                    message: format!(
                        "parameter `{}` is renamed `{}`: assignments that set it fail",
                        gone.name.value, successor.name.value
                    ),
                });
            }
            None => changes.push(Change {
                kind: ChangeKind::ParameterRemoved,
                message: format!("parameter `{}` is removed: assignments that set it fail", gone.name.value),
            }),
        }
    }
    for new_param in added.iter().filter(|a| !renamed_to.contains(&a.name.value.as_str())) {
        let (kind, message) = match new_param.default {
            None => (
                ChangeKind::NewlyRequired,
                format!("new parameter `{}` has no default: existing assignments do not give it", new_param.name.value),
            ),
            Some(_) => {
                (ChangeKind::ParameterAdded, format!("new parameter `{}`, with a default", new_param.name.value))
            }
        };
        changes.push(Change { kind, message });
    }
    for param in &new.parameters {
        if let Some(before) = find(old, &param.name.value) {
            changes.extend(parameter_change(before, param));
        }
    }
    changes
}

fn find<'h>(header: &'h Header, name: &str) -> Option<&'h Parameter> {
    header.parameters.iter().find(|p| p.name.value.eq_ignore_ascii_case(name))
}

fn title(param: &Parameter) -> Option<&str> {
    param.display_name.as_ref().map(|d| d.value.as_str())
}

/// What changed in one parameter that both versions declare.
fn parameter_change(old: &Parameter, new: &Parameter) -> Vec<Change> {
    let name = &new.name.value;
    let mut changes = Vec::new();
    if !same_json_type(old.ty.value, new.ty.value) {
        changes.push(Change {
            kind: ChangeKind::TypeChanged,
            message: format!(
                "parameter `{name}` is {} instead of {}: assignments that set it fail",
                new.ty.value.json_name(),
                old.ty.value.json_name()
            ),
        });
    }
    if old.default.is_some() && new.default.is_none() {
        changes.push(Change {
            kind: ChangeKind::NewlyRequired,
            message: format!("parameter `{name}` lost its default: assignments that relied on it fail"),
        });
    }
    let effect = old.ty.value == ParamType::Effect || name.eq_ignore_ascii_case("effect");
    let narrowed = match (allowed_values(old), allowed_values(new)) {
        (Some(before), Some(after)) => {
            let lost: Vec<String> = before
                .iter()
                .filter(|v| !after.iter().any(|a| same_allowed_value(a, v)))
                .map(Json::to_string)
                .collect();
            match (lost.is_empty(), effect) {
                (true, _) => None,
                (false, true) => Some((
                    ChangeKind::EffectNoLongerAllowed,
                    format!("effect {} is no longer allowed by `{name}`", lost.join(", ")),
                )),
                (false, false) => Some((
                    ChangeKind::AllowedValuesNarrowed,
                    format!("parameter `{name}` no longer allows {}", lost.join(", ")),
                )),
            }
        }
        (None, Some(after)) => {
            let listed = after.iter().map(Json::to_string).collect::<Vec<_>>().join(", ");
            Some((ChangeKind::AllowedValuesNarrowed, format!("parameter `{name}` now allows only {listed}")))
        }
        _ => None,
    };
    if let Some((kind, message)) = narrowed {
        changes.push(Change { kind, message: format!("{message}: assignments that chose another value fail") });
    }
    changes
}

/// Both types are written the same in Azure (`effect` is a `String`).
fn same_json_type(a: ParamType, b: ParamType) -> bool {
    a.json_name() == b.json_name()
}
