//! Assignments and exemptions: what `gavel build` writes is what Azure's published schema
//! accepts, and assignment and exemption JSON in the shapes found in the wild (the landing-zone
//! library's files, REST responses) decompiles to gavel that builds back to the same JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/assignments";

fn gavel(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gavel")).args(args).current_dir(dir).output().expect("gavel runs")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES)
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

/// The library built into a temporary folder.
fn built_library() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("a temporary folder");
    let output = gavel(
        &[
            "build",
            &fixtures().join("library.gavel").to_string_lossy(),
            "--out-dir",
            &out.path().to_string_lossy(),
            "--definition-scope",
            "/providers/Microsoft.Management/managementGroups/contoso",
        ],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    out
}

#[test]
fn assignments_and_exemptions_are_built_with_ids_of_what_they_name() {
    let out = built_library();
    let assignment = json(&out.path().join("ml_baseline_prod.assignment.json"));
    assert_eq!(assignment["type"], "Microsoft.Authorization/policyAssignments");
    assert_eq!(
        assignment["properties"]["policyDefinitionId"],
        "/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policySetDefinitions/ml_baseline"
    );
    assert_eq!(assignment["properties"]["parameters"]["computeEffect"]["value"], "Deny");
    assert_eq!(
        assignment["properties"]["nonComplianceMessages"][1]["policyDefinitionReferenceId"],
        "Deny-Compute-PublicIp"
    );
    let exemption = json(&out.path().join("sandbox_waiver.exemption.json"));
    assert_eq!(
        exemption["properties"]["policyAssignmentId"],
        "/providers/Microsoft.Management/managementGroups/contoso-ml/providers/Microsoft.Authorization/policyAssignments/ml_baseline_prod"
    );
    assert_eq!(exemption["properties"]["exemptionCategory"], "Waiver");
}

/// The ARM resource schema of `Microsoft.Authorization/policyAssignments` (2026-06-01), with
/// the common definitions it refers to.
#[cfg(azure_schemas)]
fn assignment_validator() -> jsonschema::Validator {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/schema/arm-schemas");
    let authorization = json(&dir.join("2026-06-01/Microsoft.Authorization.json"));
    let mut schema = authorization["resourceDefinitions"]["policyAssignments"].clone();
    schema["definitions"] = authorization["definitions"].clone();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_retriever(LocalSchemas(json(&dir.join("common/definitions.json"))))
        .build(&schema)
        .expect("the schema compiles")
}

/// The one schema the ARM schema refers to, read from disk instead of the network.
#[cfg(azure_schemas)]
struct LocalSchemas(Value);

#[cfg(azure_schemas)]
impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str().trim_end_matches('#') {
            "https://schema.management.azure.com/schemas/common/definitions.json" => Ok(self.0.clone()),
            other => Err(format!("{other} is not a local schema").into()),
        }
    }
}

#[test]
#[cfg_attr(not(azure_schemas), ignore = "needs ../shared/data/schema (not part of the repository)")]
fn built_assignments_validate_against_the_published_arm_schema() {
    #[cfg(azure_schemas)]
    {
        let validator = assignment_validator();
        let arm_errors = |mut resource: Value| -> Vec<String> {
            // The ARM resource form: the file's object with the API version a template gives it.
            resource["apiVersion"] = Value::String("2026-06-01".into());
            validator.iter_errors(&resource).map(|e| format!("{} at {}", e, e.instance_path())).collect()
        };
        let out = built_library();
        let built = json(&out.path().join("ml_baseline_prod.assignment.json"));
        assert_eq!(arm_errors(built.clone()), Vec::<String>::new());
        // The hand-written cases too, as gavel builds them back.
        for case in ["rest-assignment.json", "alz-assignment.json"] {
            assert_eq!(arm_errors(round_trip(case)), Vec::<String>::new(), "{case}");
        }
        // A wrong enforcement mode is what the schema refuses: the validator checks something.
        let mut wrong = built;
        wrong["apiVersion"] = Value::String("2026-06-01".into());
        wrong["properties"]["enforcementMode"] = Value::String("Sometimes".into());
        assert!(!validator.is_valid(&wrong));
    }
}

/// Azure publishes no schema for exemptions in the ARM schema set; the REST API's rules are
/// checked instead: a policy assignment id, a category of `Waiver` or `Mitigated`, and only
/// the documented properties.
#[test]
fn built_exemptions_have_the_properties_the_rest_api_requires() {
    const DOCUMENTED: &[&str] = &[
        "displayName",
        "description",
        "scope",
        "policyAssignmentId",
        "exemptionCategory",
        "expiresOn",
        "policyDefinitionReferenceIds",
        "metadata",
        "resourceSelectors",
        "assignmentScopeValidation",
    ];
    let out = built_library();
    for exemption in [json(&out.path().join("sandbox_waiver.exemption.json")), round_trip("exemption.json")] {
        let properties = exemption["properties"].as_object().expect("properties");
        assert!(
            properties["policyAssignmentId"]
                .as_str()
                .is_some_and(|id| id.contains("/providers/Microsoft.Authorization/policyAssignments/"))
        );
        assert!(["Waiver", "Mitigated"].contains(&properties["exemptionCategory"].as_str().unwrap_or_default()));
        for key in properties.keys() {
            assert!(DOCUMENTED.contains(&key.as_str()), "`{key}` is not an exemption property");
        }
        assert_eq!(exemption["type"], "Microsoft.Authorization/policyExemptions");
    }
}

/// `case` decompiled to gavel and built back; the built file's JSON.
fn round_trip(case: &str) -> Value {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(fixtures().join(case), dir.path().join(case)).expect("copied");
    let output = gavel(&["decompile", case, "--out-dir", "src"], dir.path());
    assert!(output.status.success(), "{case}: {}", String::from_utf8_lossy(&output.stderr));
    let output = gavel(&["build", "src", "--out-dir", "out"], dir.path());
    assert!(output.status.success(), "{case}: {}", String::from_utf8_lossy(&output.stderr));
    let built: Vec<PathBuf> = std::fs::read_dir(dir.path().join("out"))
        .expect("the output folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(built.len(), 1, "{case}: {built:?}");
    json(&built[0])
}

#[test]
fn assignment_and_exemption_json_round_trips_through_gavel() {
    for case in ["rest-assignment.json", "alz-assignment.json", "exemption.json"] {
        let mut original = json(&fixtures().join(case));
        // An ARM template's deployment keys are not the assignment's: gavel writes the
        // assignment itself.
        if let Some(object) = original.as_object_mut() {
            object.remove("apiVersion");
            object.remove("dependsOn");
        }
        let rebuilt = round_trip(case);
        assert_eq!(sorted(&rebuilt), sorted(&original), "{case}");
    }
}

/// A policy-as-code exemptions file (EPAC's `{"exemptions": [ … ]}`, each exemption its
/// properties beside its name) builds to Azure's shape with the same properties.
#[test]
fn epac_exemption_files_round_trip_through_gavel() {
    let original = json(&fixtures().join("epac-exemptions.json"));
    let mut expected = original["exemptions"][0].clone();
    let name = expected.as_object_mut().and_then(|o| o.remove("name")).expect("a name");
    let rebuilt = round_trip("epac-exemptions.json");
    assert_eq!(rebuilt["name"], name);
    assert_eq!(rebuilt["type"], "Microsoft.Authorization/policyExemptions");
    assert_eq!(sorted(&rebuilt["properties"]), sorted(&expected));
}

/// A policy-as-code assignment file (EPAC's single-node form) builds to an Azure assignment
/// with the file's values: plain parameter values wrapped as Azure wants them, its scope.
#[test]
fn epac_assignment_files_build_to_the_assignment_they_describe() {
    let original = json(&fixtures().join("epac-assignment.json"));
    let rebuilt = round_trip("epac-assignment.json");
    let properties = &rebuilt["properties"];
    assert_eq!(rebuilt["name"], original["assignment"]["name"]);
    assert_eq!(properties["displayName"], original["assignment"]["displayName"]);
    assert_eq!(properties["description"], original["assignment"]["description"]);
    assert_eq!(properties["policyDefinitionId"], original["definitionEntry"]["policySetId"]);
    assert_eq!(properties["scope"], original["scope"]["epac-dev"][0]);
    assert_eq!(properties["enforcementMode"], original["enforcementMode"]);
    assert_eq!(properties["metadata"], original["metadata"]);
    assert_eq!(properties["nonComplianceMessages"], original["nonComplianceMessages"]);
    for (name, value) in original["parameters"].as_object().expect("parameters") {
        assert_eq!(&properties["parameters"][name]["value"], value, "{name}");
    }
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by_key(|(k, _)| k.as_str());
            Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}
