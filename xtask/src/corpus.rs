//! Readers for the alias listing, the modifiable-alias list and the policy corpus.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// One row of the `Get-AzPolicyAlias` Markdown dump.
#[derive(Debug, Clone)]
pub struct DumpAlias {
    pub resource_type: String,
    pub name: String,
    pub default_path: String,
}

/// Reads every `<Namespace>/<type>.md` under `root` (namespaces and files in sorted order):
/// line 1 is `# <Namespace>/<type>` (after an optional BOM), then a table
/// `| Default Path | Alias |` with one row per alias, each cell in backticks. A row whose alias
/// name is not under the file's type (`Microsoft.Compute/imageOffer` in `virtualMachines.md`)
/// is kept as it is: the alias belongs to that type all the same.
pub fn read_listing(root: &Path) -> Result<(Vec<DumpAlias>, usize), String> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))? {
        let path = entry.map_err(|e| format!("{}: {e}", root.display()))?.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    let mut files = Vec::new();
    for dir in dirs {
        let mut in_dir = list(&dir, "md")?;
        in_dir.sort();
        files.extend(in_dir);
    }
    let mut out = Vec::new();
    let count = files.len();
    for file in files {
        let text = read(&file)?;
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        let Some(resource_type) = header.strip_prefix("# ").map(str::trim) else {
            return Err(format!("{}: line 1 is not `# <resource type>`", file.display()));
        };
        for (n, line) in lines.enumerate() {
            let line = line.trim();
            if !line.starts_with("| `") {
                continue;
            }
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let [path, name] = cells.as_slice() else {
                return Err(format!("{}:{}: expected two cells", file.display(), n + 2));
            };
            let unquote = |cell: &str| cell.trim_matches('`').to_string();
            let name = unquote(name);
            out.push(DumpAlias { resource_type: resource_type.to_string(), name, default_path: unquote(path) });
        }
    }
    Ok((out, count))
}

/// Reads the modifiable-alias list: a JSON array of `"<alias name> (<default path>)"`.
pub fn read_modifiable_list(path: &Path) -> Result<Vec<String>, String> {
    let value = read_json(path)?;
    let items = value.as_array().ok_or_else(|| format!("{}: expected a JSON array", path.display()))?;
    Ok(items.iter().filter_map(Value::as_str).map(|s| s.split(" (").next().unwrap_or(s).trim().to_string()).collect())
}

/// Aliases written by Modify (`then.details.operations[].field`) or Append (`then.details[].field`)
/// policies under any of `dirs`: writable in practice even where the alias metadata does not say
/// `Modifiable`.
pub fn written_by_policies(dirs: &[PathBuf]) -> Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    for file in json_files_in(dirs)? {
        let doc = read_json(&file)?;
        let rule = if doc["properties"]["policyRule"].is_object() {
            &doc["properties"]["policyRule"]
        } else {
            &doc["policyRule"]
        };
        let details = get_ci(get_ci(rule, "then"), "details");
        let written: Vec<&Value> = match details {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => match get_ci(details, "operations") {
                Value::Array(ops) => ops.iter().collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for item in written {
            if let Some(field) = get_ci(item, "field").as_str() {
                out.insert(field.to_string());
            }
        }
    }
    Ok(out)
}

/// Every field a policy under any of `dirs` refers to: `"field": "…"` keys anywhere
/// (conditions, count, operations) and `field('…')` / `current('…')` inside expressions.
pub fn fields_used(dirs: &[PathBuf]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for file in json_files_in(dirs)? {
        let doc = read_json(&file)?;
        collect_fields(&doc, &mut out);
    }
    Ok(out)
}

fn collect_fields(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                // A field given as an expression (`[concat('tags[', …)]`) names no alias itself.
                if let Some(s) = item.as_str()
                    && key.eq_ignore_ascii_case("field")
                    && !s.starts_with('[')
                {
                    out.push(s.to_string());
                }
                collect_fields(item, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_fields(item, out)),
        Value::String(s) => {
            let lower = s.to_ascii_lowercase();
            for function in ["field('", "current('"] {
                let mut from = 0;
                while let Some(at) = lower[from..].find(function) {
                    let start = from + at + function.len();
                    let Some(len) = s[start..].find('\'') else {
                        break;
                    };
                    out.push(s[start..start + len].to_string());
                    from = start + len;
                }
            }
        }
        _ => {}
    }
}

/// What the policies' conditions compare fields with: for each lower-cased field, the literal
/// strings of its `equals`, `notEquals`, `in` and `notIn` conditions (expressions left out).
/// Microsoft's built-ins prove these values meaningful: a resource type they test exists, and an
/// enum value they test is one the service knows, whatever the newest API version lists.
pub fn values_compared(dirs: &[PathBuf]) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let mut out = BTreeMap::new();
    for file in json_files_in(dirs)? {
        collect_compared(&read_json(&file)?, &mut out);
    }
    Ok(out)
}

fn collect_compared(value: &Value, out: &mut BTreeMap<String, BTreeSet<String>>) {
    match value {
        Value::Object(map) => {
            if let Some(field) = get_ci(value, "field").as_str().filter(|f| !f.starts_with('[')) {
                for op in ["equals", "notEquals", "in", "notIn"] {
                    let literals = match get_ci(value, op) {
                        Value::String(s) => vec![s.as_str()],
                        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    let set = out.entry(field.to_ascii_lowercase()).or_default();
                    set.extend(
                        literals.into_iter().filter(|s| !s.starts_with('[') && !s.is_empty()).map(str::to_string),
                    );
                }
            }
            if let Some(ty) = get_ci(get_ci(value, "details"), "type").as_str().filter(|t| !t.starts_with('[')) {
                out.entry("type".to_string()).or_default().insert(ty.to_string());
            }
            map.values().for_each(|item| collect_compared(item, out));
        }
        Value::Array(items) => items.iter().for_each(|item| collect_compared(item, out)),
        _ => {}
    }
}

/// Case-insensitive member access (policy JSON keys are case-insensitive).
fn get_ci<'a>(value: &'a Value, key: &str) -> &'a Value {
    match value {
        Value::Object(map) => map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map_or(&Value::Null, |(_, v)| v),
        _ => &Value::Null,
    }
}

pub fn read(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

pub fn read_json(path: &Path) -> Result<Value, String> {
    serde_json::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every `.json` under each of `dirs` (folder names may contain spaces), in order.
fn json_files_in(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for dir in dirs {
        out.extend(json_files(dir)?);
    }
    Ok(out)
}

/// Every `.json` under `dir`, recursively, sorted.
pub fn json_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    out.retain(|p| p.extension().is_some_and(|e| e == "json"));
    out.sort();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn list(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    Ok(out)
}
