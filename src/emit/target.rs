//! Output targets: the Azure/azure-policy repository shape (one file per definition), a
//! deployable ARM template, and the rules/params files of `az policy definition create`.

use serde_json::{Map, Value};

use super::EmitOptions;
use crate::ast::{Definition, MemberTarget};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Target {
    /// One `{"name", "properties"}` JSON file per policy or initiative.
    #[default]
    Definition,
    /// One ARM template (`azuredeploy.json`) that deploys every definition at management-group scope.
    Arm,
    /// `<name>.rules.json` and `<name>.params.json` for `az policy definition create`.
    Az,
}

/// A file to write: a path relative to the output directory and its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    pub path: String,
    pub json: Value,
}

pub const ARM_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#";
pub const POLICY_API_VERSION: &str = "2023-04-01";

/// The files a set of definitions produces for `target`.
pub fn outputs(definitions: &[&Definition], target: Target, options: &EmitOptions) -> Vec<OutputFile> {
    match target {
        Target::Definition => definitions
            .iter()
            .map(|d| OutputFile { path: format!("{}.json", d.name().value), json: definition_json(d, options) })
            .collect(),
        Target::Az => definitions.iter().flat_map(|d| az_files(d, options)).collect(),
        Target::Arm => vec![OutputFile { path: "azuredeploy.json".into(), json: arm_template(definitions) }],
    }
}

pub fn definition_json(definition: &Definition, options: &EmitOptions) -> Value {
    match definition {
        Definition::Policy(policy) => super::policy_definition(policy),
        Definition::Initiative(initiative) => super::initiative_definition(initiative, options),
    }
}

fn az_files(definition: &Definition, options: &EmitOptions) -> Vec<OutputFile> {
    let name = &definition.name().value;
    match definition {
        Definition::Policy(policy) => vec![
            OutputFile { path: format!("{name}.rules.json"), json: super::policy_rule(policy) },
            OutputFile { path: format!("{name}.params.json"), json: super::parameters(&policy.header.parameters) },
        ],
        Definition::Initiative(initiative) => {
            let full = super::initiative_definition(initiative, options);
            let property = |key: &str| full.get("properties").and_then(|p| p.get(key)).cloned();
            let mut files = vec![
                OutputFile {
                    path: format!("{name}.definitions.json"),
                    json: property("policyDefinitions").unwrap_or(Value::Array(vec![])),
                },
                OutputFile {
                    path: format!("{name}.params.json"),
                    json: property("parameters").unwrap_or(Value::Object(Map::new())),
                },
            ];
            if let Some(groups) = property("policyDefinitionGroups") {
                files.push(OutputFile { path: format!("{name}.groups.json"), json: groups });
            }
            files
        }
    }
}

/// A management-group deployment template with every definition; member policies of
/// initiatives that are deployed by the same template are referenced by id and depended on.
fn arm_template(definitions: &[&Definition]) -> Value {
    let options = EmitOptions::default();
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
                        let id = definition_id_expression(&policy.value, definitions);
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
    template.insert("$schema".into(), Value::String(ARM_SCHEMA.into()));
    template.insert("contentVersion".into(), Value::String("1.0.0.0".into()));
    template.insert("resources".into(), Value::Array(resources));
    Value::Object(template)
}

/// The id of a definition deployed at the management group the template is deployed to.
fn definition_id_expression(gavel_name: &str, definitions: &[&Definition]) -> String {
    let name =
        definitions.iter().find(|d| d.name().value == gavel_name).map_or(gavel_name, |d| d.header().definition_name());
    format!(
        "[extensionResourceId(managementGroup().id, 'Microsoft.Authorization/policyDefinitions', '{}')]",
        name.replace('\'', "''")
    )
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
