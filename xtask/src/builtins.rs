//! `gen-builtins`: the parameters of Azure's built-in policy definitions
//! (`data/azure-policy/built-in-policies/policyDefinitions`), as the committed
//! table `stdlib/catalog/builtin-parameters.json` that gavel compiles in, so that an
//! initiative member referencing a built-in by id is checked like one referencing a gavel
//! policy. One line per definition, sorted by name: `{"name", "displayName", "version",
//! "parameters": {NAME: {"type", "defaultValue"?, "allowedValues"?}}}`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value, json};

/// Where the definitions are read from, relative to the data folder.
pub const SOURCE: &str = "azure-policy/built-in-policies/policyDefinitions";

/// The generated file, relative to the output folder.
pub const OUTPUT: &str = "builtin-parameters.json";

/// The table's text, and how many definitions it holds.
pub fn generate(data: &Path) -> Result<(String, usize), String> {
    let root = data.join(SOURCE);
    let mut files = Vec::new();
    collect(&root, &mut files)?;
    let mut copies: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let definition: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let Some(name) = definition.get("name").and_then(Value::as_str) else { continue };
        let properties = definition.get("properties").unwrap_or(&definition);
        copies.entry(name.to_ascii_lowercase()).or_default().push(entry(name, properties));
    }
    // A definition whose copies (public cloud, Azure Government) differ in version or in the
    // parameters they declare has histories gavel cannot tell apart: it is left out, and
    // members referencing it are not checked.
    let agreeing: Vec<String> = copies
        .values()
        .filter(|copies| copies.iter().all(|c| same_shape(c, &copies[0])))
        .map(|copies| copies[0].to_string())
        .collect();
    Ok((format!("[\n{}\n]\n", agreeing.join(",\n")), agreeing.len()))
}

fn same_shape(a: &Value, b: &Value) -> bool {
    let names = |v: &Value| v["parameters"].as_object().map(|p| p.keys().cloned().collect::<Vec<_>>());
    a["version"] == b["version"] && names(a) == names(b)
}

fn entry(name: &str, properties: &Value) -> Value {
    let mut parameters = Map::new();
    if let Some(declared) = properties.get("parameters").and_then(Value::as_object) {
        for (key, spec) in declared {
            let mut parameter = Map::new();
            for field in ["type", "defaultValue", "allowedValues"] {
                if let Some(value) = spec.get(field) {
                    parameter.insert(field.into(), value.clone());
                }
            }
            parameters.insert(key.clone(), Value::Object(parameter));
        }
    }
    json!({
        "name": name,
        "displayName": properties.get("displayName"),
        "version": properties.get("version"),
        "parameters": parameters,
    })
}

/// Every `.json` file below `dir`, in path order (of copies that agree, the first is kept).
fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> Result<(), String> {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    Ok(())
}
