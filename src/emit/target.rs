//! Output targets: the Azure/azure-policy repository shape (one file per definition), a
//! deployable ARM template, and the rules/params files of `az policy definition create`.

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::{DefinitionScope, EmitOptions};
use crate::ast::{Definition, MemberTarget};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Target {
    /// One `{"name", "properties"}` JSON file per policy or initiative.
    #[default]
    Definition,
    /// One ARM template (`azuredeploy.json`) that deploys every definition: at subscription
    /// scope when `--definition-scope` is a subscription, at management-group scope otherwise.
    Arm,
    /// `<name>.rules.json` and `<name>.params.json` for `az policy definition create`.
    Az,
}

impl Target {
    /// The file, relative to the output folder, that holds `definition` (for az, its rules or
    /// member list; for ARM, the one template).
    pub fn file_of(self, definition: &Definition) -> String {
        let name = &definition.name().value;
        match (self, definition) {
            (Target::Definition, _) => format!("{name}.json"),
            (Target::Az, Definition::Policy(_)) => format!("{name}.rules.json"),
            (Target::Az, Definition::Initiative(_)) => format!("{name}.definitions.json"),
            (Target::Arm, _) => "azuredeploy.json".into(),
        }
    }
}

/// A file to write: a path relative to the output directory and its JSON text.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    pub path: String,
    pub text: String,
}

impl OutputFile {
    fn new(path: String, json: &impl serde::Serialize) -> OutputFile {
        OutputFile { path, text: super::to_pretty_text(json) }
    }
}

pub const ARM_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#";
pub const ARM_SUBSCRIPTION_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";
pub const POLICY_API_VERSION: &str = "2023-04-01";

/// The files a set of definitions produces for `target`.
pub fn outputs(definitions: &[&Definition], target: Target, options: &EmitOptions) -> Vec<OutputFile> {
    map_outputs(definitions, target, options, |file| file)
}

/// [`outputs`], handing each file to `use_file` as soon as it is made rather than keeping them
/// all. Definitions are written independently, in parallel; the results keep their order.
pub fn map_outputs<R: Send>(
    definitions: &[&Definition],
    target: Target,
    options: &EmitOptions,
    use_file: impl Fn(OutputFile) -> R + Sync + Send,
) -> Vec<R> {
    match target {
        Target::Definition => definitions
            .par_iter()
            .map(|d| use_file(OutputFile::new(format!("{}.json", d.name().value), &DefinitionJson(d, options))))
            .collect(),
        Target::Az => definitions.par_iter().flat_map_iter(|d| az_files(d, options)).map(use_file).collect(),
        Target::Arm => {
            vec![use_file(OutputFile::new(
                "azuredeploy.json".into(),
                &arm_template(definitions, &options.definition_scope),
            ))]
        }
    }
}

/// The files of the assignments and exemptions built with the definitions: one
/// `<name>.assignment.json` or `<name>.exemption.json` each, whatever the target (they are
/// deployed on their own, with `az rest` or a template).
pub fn assignment_outputs(
    assignments: &[&crate::ast::Assignment],
    exemptions: &[&crate::ast::Exemption],
    options: &EmitOptions,
) -> Vec<OutputFile> {
    let assignment_files = assignments.iter().map(|a| {
        OutputFile::new(format!("{}.assignment.json", a.name.value), &super::assignment::assignment_json(a, options))
    });
    let exemption_files = exemptions.iter().map(|e| {
        OutputFile::new(format!("{}.exemption.json", e.name.value), &super::assignment::exemption_json(e, assignments))
    });
    assignment_files.chain(exemption_files).collect()
}

/// A definition's JSON, for inspecting or comparing it.
pub fn definition_json(definition: &Definition, options: &EmitOptions) -> Value {
    super::to_value(DefinitionJson(definition, options))
}

/// A definition's JSON file as `gavel build` writes it (pretty, with a trailing newline).
pub fn definition_text(definition: &Definition, options: &EmitOptions) -> String {
    super::to_pretty_text(&DefinitionJson(definition, options))
}

/// A policy or initiative, serialised as its definition file.
pub struct DefinitionJson<'a>(pub &'a Definition, pub &'a EmitOptions);

impl serde::Serialize for DefinitionJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Definition::Policy(policy) => super::PolicyJson(policy).serialize(serializer),
            Definition::Initiative(initiative) => super::InitiativeJson(initiative, self.1).serialize(serializer),
        }
    }
}

fn az_files(definition: &Definition, options: &EmitOptions) -> Vec<OutputFile> {
    let name = &definition.name().value;
    match definition {
        Definition::Policy(policy) => vec![
            OutputFile::new(format!("{name}.rules.json"), &super::RuleJson(policy)),
            OutputFile::new(format!("{name}.params.json"), &super::ParametersJson(&policy.header.parameters)),
        ],
        Definition::Initiative(initiative) => {
            let full = super::initiative_definition(initiative, options);
            let property = |key: &str| full.get("properties").and_then(|p| p.get(key)).cloned();
            let mut files = vec![
                OutputFile::new(
                    format!("{name}.definitions.json"),
                    &property("policyDefinitions").unwrap_or(Value::Array(vec![])),
                ),
                OutputFile::new(
                    format!("{name}.params.json"),
                    &property("parameters").unwrap_or(Value::Object(Map::new())),
                ),
            ];
            if let Some(groups) = property("policyDefinitionGroups") {
                files.push(OutputFile::new(format!("{name}.groups.json"), &groups));
            }
            files
        }
    }
}

/// A deployment template with every definition, for a subscription when the definition scope
/// is one and for a management group otherwise; member policies of initiatives that the same
/// template deploys are referenced by an id computed at deployment and depended on.
fn arm_template(definitions: &[&Definition], scope: &DefinitionScope) -> Value {
    let options = EmitOptions::default();
    let at_subscription = matches!(scope, DefinitionScope::Subscription(_));
    let resources: Vec<Value> = definitions
        .iter()
        .map(|definition| {
            let json = definition_json(definition, &options);
            let name = json.get("name").cloned().unwrap_or(Value::Null);
            let mut properties = escape_arm(json.get("properties").cloned().unwrap_or(Value::Null));
            let mut resource = Map::new();
            let resource_type = match definition {
                Definition::Policy(_) => "Microsoft.Authorization/policyDefinitions",
                Definition::Initiative(_) => "Microsoft.Authorization/policySetDefinitions",
            };
            resource.insert("type".into(), Value::String(resource_type.into()));
            resource.insert("apiVersion".into(), Value::String(POLICY_API_VERSION.into()));
            resource.insert("name".into(), name);
            if let Definition::Initiative(initiative) = definition {
                let mut depends_on = Vec::new();
                let members = properties.get_mut("policyDefinitions").and_then(Value::as_array_mut);
                for (member, json) in initiative.members.iter().zip(members.into_iter().flatten()) {
                    if let MemberTarget::Policy(policy) = &member.target {
                        let id = definition_id_expression(&policy.value, definitions, at_subscription);
                        json["policyDefinitionId"] = Value::String(id.clone());
                        if !depends_on.contains(&Value::String(id.clone())) {
                            depends_on.push(Value::String(id));
                        }
                    }
                }
                if !depends_on.is_empty() {
                    resource.insert("dependsOn".into(), Value::Array(depends_on));
                }
            }
            resource.insert("properties".into(), properties);
            Value::Object(resource)
        })
        .collect();
    let mut template = Map::new();
    let schema = if at_subscription { ARM_SUBSCRIPTION_SCHEMA } else { ARM_SCHEMA };
    template.insert("$schema".into(), Value::String(schema.into()));
    template.insert("contentVersion".into(), Value::String("1.0.0.0".into()));
    template.insert("resources".into(), Value::Array(resources));
    Value::Object(template)
}

/// The id of a definition deployed at the management group or subscription the template is
/// deployed to.
fn definition_id_expression(gavel_name: &str, definitions: &[&Definition], at_subscription: bool) -> String {
    let name =
        definitions.iter().find(|d| d.name().value == gavel_name).map_or(gavel_name, |d| d.header().definition_name());
    let name = name.replace('\'', "''");
    if at_subscription {
        format!("[subscriptionResourceId('Microsoft.Authorization/policyDefinitions', '{name}')]")
    } else {
        format!("[extensionResourceId(managementGroup().id, 'Microsoft.Authorization/policyDefinitions', '{name}')]")
    }
}

/// Inside an ARM template a string that starts with `[` and ends with `]` is a template
/// expression, so such strings (the policy's own expressions) are escaped with a second `[`.
/// Other strings are left alone: ARM reads `"[[Preview]: x"` literally, brackets and all.
pub fn escape_arm(value: Value) -> Value {
    match value {
        Value::String(s) if s.starts_with('[') && s.ends_with(']') => Value::String(format!("[{s}")),
        Value::Array(items) => Value::Array(items.into_iter().map(escape_arm).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, escape_arm(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::escape_arm;
    use serde_json::json;

    #[test]
    fn escapes_only_what_arm_would_evaluate() {
        let escaped = escape_arm(json!({
            "displayName": "[Preview]: Configure allowed registries",
            "effect": "[parameters('effect')]",
            "literal": "[[kept]",
            "list": ["[field('name')]", "plain"]
        }));
        assert_eq!(
            escaped,
            json!({
                "displayName": "[Preview]: Configure allowed registries",
                "effect": "[[parameters('effect')]",
                "literal": "[[[kept]",
                "list": ["[[field('name')]", "plain"]
            })
        );
    }
}
