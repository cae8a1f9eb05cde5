//! Evaluation agreement over Azure's built-in policy definitions
//! (`../shared/data/azure-policy/built-in-policies/policyDefinitions`): for every definition in
//! mode `All` or `Indexed` (a missing mode is `Indexed`), the original JSON and the JSON gavel
//! builds from its decompiled source give the same outcome (the same effect, or none) under
//! Microsoft's Azure Policy engine, on small resources of each type the rule names.
//!
//! The resources are generated from the alias catalog, not written by hand: for each type the
//! `if` names (`field: type` with `equals`/`in`, and the types of the aliases it reads), one
//! resource carries a value at the default path of every alias of that type the rule reads (the
//! first enum value, `true`, a string, an array of one element for `[*]`), and one carries
//! nothing but its type, name, location and id. Parameters take their default value, or a value
//! of their type (the first allowed value when there is a list).
//!
//! What the engine refuses in the original definition is counted as skipped, with its reason;
//! what it refuses only in the rebuilt one is a failure. The folder is not part of the
//! repository; where it is absent, the test is compiled as ignored (see `build.rs`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use common::{builtin_policies, decompiled_source, deployed_definitions, json_files, read_text};
use gavel::catalog::aliases::{AliasInfo, Catalog, ValueType};
use gavel::emit::EmitOptions;
use gavel::emit::target::definition_json;
use gavel::test_runner::engine::{Engine, EngineError, Request, Verdict};

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000000";

/// The built-in policy definitions' folder, if it is there.
fn definitions_dir() -> Option<PathBuf> {
    builtin_policies().map(|dir| dir.join("policyDefinitions"))
}

/// The definition's properties (`{"name", "properties"}` or bare properties).
fn properties(definition: &Value) -> &Value {
    definition.get("properties").unwrap_or(definition)
}

/// Mode `All` or `Indexed`, a missing mode being `Indexed`.
fn resource_manager_mode(definition: &Value) -> bool {
    match properties(definition).get("mode") {
        None | Some(Value::Null) => true,
        Some(Value::String(mode)) => mode.eq_ignore_ascii_case("all") || mode.eq_ignore_ascii_case("indexed"),
        Some(_) => false,
    }
}

/// The definition gavel builds from the decompiled source of `text`, with the errors the build
/// reported. Errors do not stop the comparison: those of the built-ins are the checker's (an
/// alias or value the catalog lacks, which `tests/builtins.rs` reports), and the definition
/// is emitted from the lowered source all the same.
fn rebuilt(text: &str, stem: Option<&str>) -> Result<(Value, Vec<String>), String> {
    let source = decompiled_source(text, stem)?;
    let compilation = gavel::project::compile_source("decompiled.gavel", &source);
    let errors: Vec<String> =
        compilation.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code.id().to_string()).collect();
    match compilation.emitted_definitions().as_slice() {
        [definition] => Ok((definition_json(definition, &EmitOptions::default()), errors)),
        other => Err(format!("{} definitions built, 1 expected (errors: {})", other.len(), errors.join(", "))),
    }
}

/// Parameter values for an assignment: each default, else a value of the parameter's type.
fn parameter_values(definition: &Value) -> Map<String, Value> {
    let mut values = Map::new();
    let Some(parameters) = properties(definition).get("parameters").and_then(Value::as_object) else {
        return values;
    };
    for (name, parameter) in parameters {
        let allowed = parameter.get("allowedValues").and_then(Value::as_array).and_then(|a| a.first());
        let value = match (parameter.get("defaultValue"), allowed) {
            (Some(value), _) => value.clone(),
            (None, Some(first)) => first.clone(),
            (None, _) => {
                let kind = parameter.get("type").and_then(Value::as_str).unwrap_or("String").to_ascii_lowercase();
                match kind.as_str() {
                    "array" => json!(["x"]),
                    "object" => json!({}),
                    "boolean" => json!(true),
                    "integer" => json!(1),
                    "float" => json!(1.5),
                    "datetime" => json!("2024-01-01T00:00:00Z"),
                    _ => json!("x"),
                }
            }
        };
        values.insert(name.clone(), value);
    }
    values
}

/// `[parameters('name')]` → `name`.
fn parameter_reference(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("[parameters('")?.strip_suffix("')]")?;
    (!inner.contains('\'')).then_some(inner)
}

/// What a rule names: resource types, and aliases (by name, catalog spelling).
#[derive(Default)]
struct Named<'c> {
    types: BTreeSet<String>,
    aliases: Vec<&'c AliasInfo>,
}

impl<'c> Named<'c> {
    fn alias(&mut self, catalog: &'c Catalog, name: &str) {
        if let Some(alias) = catalog.lookup(name.trim())
            && !self.aliases.iter().any(|a| a.name() == alias.name())
        {
            self.types.insert(alias.resource_type().to_string());
            self.aliases.push(alias);
        }
    }

    /// `type` values: literal strings, or the value of a `[parameters('…')]` reference.
    fn type_values(&mut self, value: &Value, parameters: &Map<String, Value>) {
        let value = match value.as_str().and_then(parameter_reference) {
            Some(name) => parameters.get(name).unwrap_or(value),
            None => value,
        };
        match value {
            Value::String(s) if !s.starts_with('[') && s.contains('/') => {
                self.types.insert(s.clone());
            }
            Value::Array(items) => {
                for item in items {
                    self.type_values(item, parameters);
                }
            }
            _ => {}
        }
    }
}

/// Every `field('…')` argument in an expression string.
fn field_calls(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("field('").filter_map(move |(at, call)| {
        let rest = text.get(at + call.len()..)?;
        rest.find('\'').and_then(|end| rest.get(..end))
    })
}

/// Walks a condition (or any part of a rule) for the types and aliases it names.
fn collect<'c>(catalog: &'c Catalog, node: &Value, parameters: &Map<String, Value>, named: &mut Named<'c>) {
    match node {
        Value::Object(map) => {
            let field = map.get("field").and_then(Value::as_str);
            if let Some(field) = field {
                if field.eq_ignore_ascii_case("type") {
                    for operator in ["equals", "in"] {
                        if let Some((_, value)) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(operator)) {
                            named.type_values(value, parameters);
                        }
                    }
                } else if !field.starts_with('[') {
                    named.alias(catalog, field);
                }
            }
            for (key, value) in map {
                if key.eq_ignore_ascii_case("field") && field.is_some_and(|f| !f.starts_with('[')) {
                    continue;
                }
                collect(catalog, value, parameters, named);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect(catalog, item, parameters, named);
            }
        }
        Value::String(text) if text.starts_with('[') => {
            for name in field_calls(text) {
                named.alias(catalog, name);
            }
        }
        _ => {}
    }
}

/// A value of the alias's type: the first enum value, `true`, `1`, a string.
fn sample(alias: &AliasInfo) -> Value {
    if let Some(first) = alias.enum_values().next() {
        return json!(first);
    }
    match alias.value_type() {
        ValueType::Boolean => json!(true),
        ValueType::Integer | ValueType::Number => json!(1),
        ValueType::Array => json!(["x"]),
        ValueType::Object => json!({}),
        ValueType::String | ValueType::Unknown => json!("x"),
    }
}

/// Sets `value` at a default path (`properties.a.b`, `properties.list[*].c`), making the objects
/// and one-element arrays on the way. `false` when the path has a form this does not write.
fn set_path(root: &mut Value, path: &str, value: Value) -> bool {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty() || s.contains(['\'', '"', '(', ')']) || s.contains("[]")) {
        return false;
    }
    let mut node = root;
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let (key, arrays) = match segment.find('[') {
            Some(at) => segment.split_at(at),
            None => (*segment, ""),
        };
        let depth = arrays.matches("[*]").count();
        if depth * 3 != arrays.len() || key.is_empty() {
            return false;
        }
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else { return false };
        let mut slot = map.entry(key.to_string()).or_insert(Value::Null);
        for _ in 0..depth {
            if !matches!(slot, Value::Array(items) if !items.is_empty()) {
                *slot = Value::Array(vec![Value::Null]);
            }
            let Some(first) = slot.as_array_mut().and_then(|items| items.first_mut()) else { return false };
            slot = first;
        }
        if last {
            // A deeper path written earlier keeps its object; a scalar fills an empty place.
            if slot.is_null() || !(slot.is_object() || slot.is_array()) {
                *slot = value;
            }
            return true;
        }
        node = slot;
    }
    true
}

/// The id and name of a resource of `resource_type` (`NS/a/b` → `/…/providers/NS/a/x/b/x`).
fn resource_id(resource_type: &str) -> String {
    let mut id = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers");
    let mut segments = resource_type.split('/');
    if let Some(namespace) = segments.next() {
        id.push('/');
        id.push_str(namespace);
    }
    for segment in segments {
        id.push('/');
        id.push_str(segment);
        id.push_str("/x");
    }
    id
}

/// The resources to evaluate for one type: one with a value at the default path of each alias
/// the rule reads, one with nothing but its identity.
fn resources(resource_type: &str, aliases: &[&AliasInfo]) -> Vec<Value> {
    let bare = json!({
        "type": resource_type,
        "name": "x",
        "location": "eastus",
        "id": resource_id(resource_type),
        "properties": {},
    });
    let mut filled = bare.clone();
    let mut own: Vec<&AliasInfo> =
        aliases.iter().copied().filter(|a| a.resource_type().eq_ignore_ascii_case(resource_type)).collect();
    // Longer paths first: an object alias does not replace the members a deeper alias wrote.
    own.sort_by_key(|a| std::cmp::Reverse(a.default_path().len()));
    let mut wrote = false;
    for alias in own {
        let path = alias.default_path();
        if matches!(path.to_ascii_lowercase().as_str(), "type" | "name" | "id" | "location") {
            continue;
        }
        wrote |= set_path(&mut filled, path, sample(alias));
    }
    if wrote { vec![filled, bare] } else { vec![bare] }
}

/// One definition's outcome.
#[derive(Default)]
struct Tally {
    definitions: usize,
    evaluations: usize,
    agreements: usize,
    /// Evaluations where both gave an effect (the others agree on "none").
    with_effect: usize,
    /// Why evaluations or definitions were skipped (the engine refused the original), by reason.
    skipped: BTreeMap<String, usize>,
    skipped_definitions: usize,
    skipped_evaluations: usize,
    /// Definitions without a resource type to evaluate on.
    untyped: usize,
    /// Errors of the rebuild (the checker's), by code.
    build_errors: BTreeMap<String, usize>,
    failures: Vec<String>,
}

impl Tally {
    fn merge(mut self, other: Tally) -> Tally {
        self.definitions += other.definitions;
        self.evaluations += other.evaluations;
        self.agreements += other.agreements;
        self.with_effect += other.with_effect;
        self.skipped_definitions += other.skipped_definitions;
        self.skipped_evaluations += other.skipped_evaluations;
        self.untyped += other.untyped;
        for (code, n) in other.build_errors {
            *self.build_errors.entry(code).or_default() += n;
        }
        for (reason, n) in other.skipped {
            *self.skipped.entry(reason).or_default() += n;
        }
        self.failures.extend(other.failures);
        self
    }

    fn skip(&mut self, error: &EngineError) {
        *self.skipped.entry(reason(error)).or_default() += 1;
    }
}

/// An engine refusal summarised for counting: its stage and message without the specifics
/// (quoted names, numbers).
fn reason(error: &EngineError) -> String {
    let mut summary = String::new();
    let mut quoted = false;
    for c in error.message.chars() {
        match c {
            '`' | '\'' | '"' => {
                quoted = !quoted;
                if quoted {
                    summary.push('…');
                }
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {}
            c => summary.push(c),
        }
    }
    let summary: String = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    let summary: String = summary.chars().take(90).collect();
    format!("{}: {summary}", error.stage.as_str())
}

fn same(a: &Verdict, b: &Verdict) -> bool {
    match (&a.effect, &b.effect) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

/// Evaluates the original and the rebuilt definition of one file on its generated resources.
fn evaluate_file(engine: &Engine, path: &Path) -> Tally {
    let mut tally = Tally::default();
    let text = read_text(path);
    let Some(original) = deployed_definitions(&text).into_iter().next() else { return tally };
    if !resource_manager_mode(&original) {
        return tally;
    }
    tally.definitions = 1;
    let shown = path.display();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let rebuilt = match rebuilt(&text, stem.as_deref()) {
        Ok((rebuilt, errors)) => {
            for code in errors {
                *tally.build_errors.entry(code).or_default() += 1;
            }
            rebuilt
        }
        Err(why) => {
            tally.failures.push(format!("{shown}: {why}"));
            return tally;
        }
    };
    let compiled_original = match engine.compile(&original) {
        Ok(compiled) => compiled,
        Err(error) => {
            tally.skipped_definitions = 1;
            tally.skip(&error);
            return tally;
        }
    };
    let compiled_rebuilt = match engine.compile(&rebuilt) {
        Ok(compiled) => compiled,
        Err(error) => {
            tally.failures.push(format!("{shown}: the engine refuses only the rebuilt definition: {error}"));
            return tally;
        }
    };
    let parameters = parameter_values(&original);
    let catalog = engine.catalog();
    let mut named = Named::default();
    if let Some(condition) = properties(&original).get("policyRule").and_then(|r| r.get("if")) {
        collect(catalog, condition, &parameters, &mut named);
    }
    if named.types.is_empty() {
        tally.untyped = 1;
    }
    for resource_type in &named.types {
        for resource in resources(resource_type, &named.aliases) {
            let request = Request { resource, parameters: parameters.clone(), ..Request::default() };
            let prepared = engine.prepare(&request);
            let expected = match compiled_original.evaluate(&prepared) {
                Ok(verdict) => verdict,
                Err(error) => {
                    tally.skipped_evaluations += 1;
                    tally.skip(&error);
                    continue;
                }
            };
            tally.evaluations += 1;
            match compiled_rebuilt.evaluate(&prepared) {
                Ok(actual) if same(&expected, &actual) => {
                    tally.agreements += 1;
                    tally.with_effect += usize::from(expected.effect.is_some());
                }
                Ok(actual) => tally.failures.push(format!(
                    "{shown}: on {}: original gives {:?}, rebuilt gives {:?}",
                    request.resource, expected.effect, actual.effect
                )),
                Err(error) => tally.failures.push(format!(
                    "{shown}: on {}: the engine refuses only the rebuilt definition: {error}",
                    request.resource
                )),
            }
        }
    }
    tally
}

/// Loads every namespace the definitions may name into the engine before evaluating in
/// parallel, so that threads share one alias registry instead of each extending it.
fn warm(engine: &Engine) {
    let catalog = engine.catalog();
    let namespaces: Vec<String> = catalog.namespaces().map(str::to_string).collect();
    for namespace in namespaces {
        if let Some(ty) = catalog.resource_types_of(&namespace).next() {
            engine.normalize(&json!({"type": ty.name(), "name": "x"}));
        }
    }
}

#[test]
#[cfg_attr(not(azure_builtins), ignore = "needs ../shared/data/azure-policy (not part of the repository)")]
fn builtins_evaluate_the_same_after_a_round_trip() {
    let Some(dir) = definitions_dir() else { return };
    let files = json_files(&dir);
    let engine = Engine::builtin().expect("the engine loads the built-in catalog");
    warm(&engine);
    let tally = files.par_iter().map(|path| evaluate_file(&engine, path)).reduce(Tally::default, Tally::merge);
    println!(
        "{} definitions in mode All/Indexed (of {} files); {} evaluations, {} agreements ({} with an effect, {} with none); {} without a resource type to evaluate on",
        tally.definitions,
        files.len(),
        tally.evaluations,
        tally.agreements,
        tally.with_effect,
        tally.agreements - tally.with_effect,
        tally.untyped,
    );
    println!(
        "skipped by the engine: {} definitions, {} evaluations",
        tally.skipped_definitions, tally.skipped_evaluations
    );
    for (reason, count) in &tally.skipped {
        println!("  {count:>5}  {reason}");
    }
    if !tally.build_errors.is_empty() {
        let codes: Vec<String> = tally.build_errors.iter().map(|(code, n)| format!("{code} ×{n}")).collect();
        println!("rebuilt despite check errors (reported by tests/builtins.rs): {}", codes.join(", "));
    }
    let shown: Vec<&str> = tally.failures.iter().take(20).map(String::as_str).collect();
    assert!(tally.failures.is_empty(), "{} disagreements (first 20):\n{}", tally.failures.len(), shown.join("\n"));
    assert!(tally.evaluations > 0, "some definitions were evaluated");
}
