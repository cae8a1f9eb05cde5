//! The bridge to Microsoft's Azure Policy engine (`regorus`, feature `azure_policy`): gavel
//! hands it definition JSON, the alias catalog and ARM resources, and reads back the effect.
//! gavel evaluates nothing itself; everything that decides an outcome happens in here.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use regorus::languages::azure_policy::aliases::{AliasRegistry, normalizer};
use regorus::languages::azure_policy::{compiler, parser};
use regorus::rvm::RegoVM;
use regorus::rvm::program::Program;
use regorus::rvm::vm::{ExecutionMode, ExecutionState, SuspendReason};
use serde_json::{Map, Value};

use super::resource::{self, KeyTree};
use crate::catalog::aliases::Catalog;

/// The identifier the engine uses when it asks its host for the resources an
/// auditIfNotExists/deployIfNotExists policy looks for.
const EXISTENCE_CHECK: &str = "azure.policy.existence_check";

/// Something the engine refused, with its own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError {
    pub stage: Stage,
    pub message: String,
}

/// Where the engine stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the alias catalog.
    Catalog,
    /// Reading the definition JSON.
    Parse,
    /// Compiling the definition (an unsupported function, a Modify on a non-modifiable alias…).
    Compile,
    /// Running the compiled policy.
    Evaluate,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Catalog => "reading the alias catalog",
            Stage::Parse => "reading the definition",
            Stage::Compile => "compiling the definition",
            Stage::Evaluate => "evaluating",
        }
    }
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the engine failed {}: {}", self.stage.as_str(), self.message)
    }
}

impl std::error::Error for EngineError {}

fn engine_error(stage: Stage, error: impl std::fmt::Display) -> EngineError {
    // The engine's messages may render a source excerpt before the final `error: …` line; the
    // last line is what a reader needs.
    let text = error.to_string();
    let message = text.rsplit_once("\nerror: ").map_or(text.as_str(), |(_, m)| m).trim().to_string();
    EngineError { stage, message }
}

/// The engine with an alias catalog: the bundled one plus imported ones. The engine's alias
/// registry is filled lazily, one namespace at a time, with the namespaces the definitions and
/// resources it sees name: loading all of Azure's aliases for one evaluation would cost far more
/// than the evaluation.
#[derive(Clone)]
pub struct Engine {
    /// The catalog the registry is loaded from, for what gavel says about aliases.
    catalog: Arc<Catalog>,
    loaded: Arc<Mutex<Loaded>>,
}

/// What the engine has taken from the catalog so far.
#[derive(Default)]
struct Loaded {
    registry: Arc<AliasRegistry>,
    /// Lower-case namespaces already in `registry`.
    namespaces: BTreeSet<String>,
    /// The catalog's property-name spellings, by lower-case resource type (see
    /// [`super::resource`]).
    keys: HashMap<String, Arc<KeyTree>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Engine").field("namespaces", &loaded.namespaces).finish()
    }
}

impl Engine {
    /// The engine with the built-in catalog, shared by the whole process so that what it has
    /// loaded is loaded once.
    pub fn builtin() -> Result<Engine, EngineError> {
        static BUILTIN: OnceLock<Engine> = OnceLock::new();
        Ok(BUILTIN.get_or_init(|| Engine::over(Catalog::builtin().clone())).clone())
    }

    /// The built-in catalog with `imports` laid over it (later aliases replace earlier ones).
    pub fn with_imports(imports: &[Catalog]) -> Result<Engine, EngineError> {
        if imports.is_empty() {
            return Engine::builtin();
        }
        Ok(Engine::over(Catalog::with_imports(imports.iter().cloned())))
    }

    fn over(catalog: Catalog) -> Engine {
        Engine { catalog: Arc::new(catalog), loaded: Arc::new(Mutex::new(Loaded::default())) }
    }

    /// The aliases the engine knows: the built-in catalog and the imported ones.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The registry with every catalogued namespace that `texts` mention loaded.
    fn registry_for<'t>(&self, texts: impl IntoIterator<Item = &'t str>) -> Result<Arc<AliasRegistry>, EngineError> {
        let mut wanted = BTreeSet::new();
        for text in texts {
            for namespace in namespaces_in(text) {
                if self.catalog.covers_namespace(namespace) {
                    wanted.insert(namespace.to_ascii_lowercase());
                }
            }
        }
        let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        let missing: Vec<String> = wanted.difference(&loaded.namespaces).cloned().collect();
        if !missing.is_empty() {
            let registry = Arc::make_mut(&mut loaded.registry);
            for namespace in &missing {
                let json = provider_json(&self.catalog, namespace).to_string();
                registry.load_from_json(&json).map_err(|e| engine_error(Stage::Catalog, e))?;
            }
            loaded.namespaces.extend(missing);
        }
        Ok(Arc::clone(&loaded.registry))
    }

    /// The key tree of one resource type, built on first use.
    fn key_tree(&self, resource_type: &str) -> Arc<KeyTree> {
        let key = resource_type.to_ascii_lowercase();
        let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        let tree = loaded.keys.entry(key).or_insert_with(|| Arc::new(resource::key_tree(&self.catalog, resource_type)));
        Arc::clone(tree)
    }

    /// Parses and compiles a definition (`{"name", "properties": {…}}` or bare properties).
    pub fn compile(&self, definition: &Value) -> Result<CompiledPolicy, EngineError> {
        let text = engine_text(definition).map_err(|e| engine_error(Stage::Parse, e))?;
        let source = regorus::Source::from_contents_with_limits(
            "definition.json".into(),
            text,
            ENGINE_TEXT_LIMIT,
            ENGINE_TEXT_LIMIT,
        )
        .map_err(|e| engine_error(Stage::Parse, e))?;
        let parsed = parser::parse_policy_definition(&source).map_err(|e| engine_error(Stage::Parse, e))?;
        let registry = self.registry_for(json_strings(definition))?;
        let program = compiler::compile_policy_definition_with_aliases(&parsed, registry)
            .map_err(|e| engine_error(Stage::Compile, e))?;
        Ok(CompiledPolicy { program })
    }

    /// The resource as the engine sees it: keys respelt as the catalog spells them, then the
    /// engine's own normalisation (`properties` flattened, keys lowercased, alias paths
    /// resolved).
    pub fn normalize(&self, resource: &Value) -> regorus::Value {
        // `prepare` returns a copy already; it is handed over rather than copied again.
        let resource_type = resource::resource_type(resource).unwrap_or_default();
        let tree = self.key_tree(resource_type);
        let prepared = regorus::Value::from(resource::prepare(resource, &tree));
        // A catalog the engine cannot read was already reported when the policy compiled.
        let registry = self.registry_for([resource_type]).unwrap_or_default();
        normalizer::normalize(&prepared, Some(&registry), None)
    }

    /// Everything an evaluation reads, converted once so that many policies can evaluate it.
    pub fn prepare(&self, request: &Request) -> Prepared {
        let mut input = Map::new();
        input.insert("parameters".into(), Value::Object(request.parameters.clone()));
        let mut input = to_engine(&Value::Object(input));
        if let Ok(map) = input.as_object_mut() {
            map.insert(regorus::Value::from("resource"), self.normalize(&request.resource));
        }
        let related = distinct(&request.related)
            .map(|r| Related { resource: Arc::new(r.clone()), normalized: self.normalize(r) })
            .collect();
        Prepared { input, context: context_of(&request.resource, request), related }
    }
}

/// `resourceGroup()` and `subscription()` as `resource`'s id tells them, then the request's
/// own context over them.
fn context_of(resource: &Value, request: &Request) -> regorus::Value {
    let mut context = resource::derived_context(resource);
    context.extend(request.context.clone());
    to_engine(&Value::Object(context))
}

/// The related resources without repeats: a resource given twice (the same file under
/// `related:` twice) answers an existence check as once, and would cost its preparation again.
/// Resources are told apart by a hash of their JSON text, and compared in full only when two
/// hashes agree: many settings of one type and name (one per workspace) stay linear.
fn distinct(related: &[Value]) -> impl Iterator<Item = &Value> {
    let mut seen: HashMap<u64, Vec<&Value>> = HashMap::new();
    related.iter().filter(move |candidate| {
        let same_hash = seen.entry(content_hash(candidate)).or_default();
        let repeat = same_hash.iter().any(|earlier| earlier == candidate);
        if !repeat {
            same_hash.push(candidate);
        }
        !repeat
    })
}

/// A hash of `value`'s JSON text, written into the hasher rather than into a string.
fn content_hash(value: &Value) -> u64 {
    use std::hash::Hasher;
    struct HashWriter(std::hash::DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = HashWriter(Default::default());
    // Writing into a hasher cannot fail; a value that did would only be compared in full.
    let _ = serde_json::to_writer(&mut writer, value);
    writer.0.finish()
}

/// The most instructions one evaluation may run. The engine's default (25,000) stops a rule at
/// Azure's own limit of 4,096 conditions, each a handful of instructions; this bound still
/// ends a runaway evaluation (a count over a huge array) within about a second.
const MAX_INSTRUCTIONS: usize = 10_000_000;

/// The largest definition text handed to the engine, in bytes and in lines. The engine's
/// defaults (1 MiB, 20,000 lines) are for policies from anywhere; gavel's inputs are already
/// bounded by its read limits, and a policy at Azure's own limits (4,096 conditions) written one
/// member a line passes 20,000 lines.
const ENGINE_TEXT_LIMIT: std::num::NonZeroUsize = std::num::NonZeroUsize::new(64 << 20).unwrap();

/// The definition as the engine reads it. Its reader limits line width, so each member goes
/// on its own line; and the size of the text, so lines are not indented: indentation would
/// grow with the nesting of the conditions, and take a deep rule past the limit.
fn engine_text(definition: &Value) -> Result<String, String> {
    use serde::Serialize;
    let mut text = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"");
    definition
        .serialize(&mut serde_json::Serializer::with_formatter(&mut text, formatter))
        .map_err(|e| e.to_string())?;
    String::from_utf8(text).map_err(|e| e.to_string())
}

/// What one evaluation needs besides the policy.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The resource as ARM returns it (`az resource show`).
    pub resource: Value,
    /// Parameter values of the assignment; defaults fill the rest.
    pub parameters: Map<String, Value>,
    /// `resourceGroup()`, `subscription()`, `requestContext()`; what the resource id tells is
    /// filled in.
    pub context: Map<String, Value>,
    /// The resources an existence check (auditIfNotExists, deployIfNotExists) can find.
    pub related: Vec<Value>,
}

/// A [`Request`] in the engine's own values.
#[derive(Debug, Clone)]
pub struct Prepared {
    input: regorus::Value,
    context: regorus::Value,
    /// The distinct related resources.
    related: Vec<Related>,
}

/// A related resource as given (for matching, and for reports of what an existence check
/// found) and normalised (what the engine reads).
#[derive(Debug, Clone)]
struct Related {
    resource: Arc<Value>,
    normalized: regorus::Value,
}

impl Prepared {
    /// What an existence condition reads: the related resource a [`Lookup`] of this request
    /// found in place of the resource, with the same parameters and its own
    /// `resourceGroup()`/`subscription()`. Its normalised form is shared, not made again.
    pub fn for_related(&self, lookup: &Lookup, request: &Request) -> Option<Prepared> {
        let related = self.related.get(lookup.position?)?;
        let mut input = self.input.clone();
        input.as_object_mut().ok()?.insert(regorus::Value::from("resource"), related.normalized.clone());
        Some(Prepared { input, context: context_of(&related.resource, request), related: Vec::new() })
    }
}

/// What the engine decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The effect, as the definition spells it; `None` when the policy does not apply or the
    /// resource complies.
    pub effect: Option<String>,
    /// The effect's details as the engine reports them (Modify operations, role ids…).
    pub details: Option<Value>,
    /// The existence checks the engine asked for, with the related resource it was given.
    pub lookups: Vec<Lookup>,
}

/// One existence check: what the engine looked for and what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub request: Value,
    /// The related resource handed back, or `None` when none matched.
    pub found: Option<Arc<Value>>,
    /// Where `found` is among the prepared related resources.
    position: Option<usize>,
}

/// A definition compiled by the engine, ready to evaluate any number of resources.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    program: Arc<Program>,
}

impl CompiledPolicy {
    /// Evaluates one resource. An existence check is answered with each related resource that
    /// matches its type and name in turn (Azure is satisfied by any of them), or with nothing.
    pub fn evaluate(&self, prepared: &Prepared) -> Result<Verdict, EngineError> {
        let mut lookups = Vec::new();
        let mut from = 0usize;
        loop {
            let (result, lookup, next) = self.run(prepared, from)?;
            lookups.extend(lookup);
            let effect = effect_of(&result);
            // Compliant with this related resource, or nothing left to try: that is the answer.
            match next {
                Some(next) if effect.is_some() => from = next,
                _ => return Ok(Verdict { effect, details: details_of(&result), lookups }),
            }
        }
    }

    /// The raw `effect` member of the result, whatever its type: the way gavel reads a value
    /// out of the engine (a definition whose effect is `[field('…')]`). `None` when undefined.
    pub fn effect_value(&self, prepared: &Prepared) -> Result<Option<Value>, EngineError> {
        let (result, _, _) = self.run(prepared, 0)?;
        Ok(match &result {
            regorus::Value::Object(map) => match map.get(&regorus::Value::from("effect")) {
                None | Some(regorus::Value::Undefined) => None,
                Some(value) => Some(from_engine(value)),
            },
            _ => None,
        })
    }

    /// One run of the program; the existence check, if any, gets the first match among the
    /// related resources from position `from` on. Also gives where the next match is, if one
    /// is left: each run starts where the last one stopped, so trying every related resource
    /// reads the list once.
    fn run(
        &self,
        prepared: &Prepared,
        from: usize,
    ) -> Result<(regorus::Value, Option<Lookup>, Option<usize>), EngineError> {
        let mut vm = RegoVM::new();
        vm.load_program(Arc::clone(&self.program));
        vm.set_input(prepared.input.clone());
        vm.set_context(prepared.context.clone());
        vm.set_execution_mode(ExecutionMode::Suspendable);
        vm.set_max_instructions(MAX_INSTRUCTIONS);
        let evaluate = |e| engine_error(Stage::Evaluate, e);
        let mut result = vm.execute_entry_point_by_name("main").map_err(evaluate)?;
        let mut lookup = None;
        let mut next = None;
        while let ExecutionState::Suspended { reason: SuspendReason::HostAwait { argument, identifier, .. }, .. } =
            vm.execution_state()
        {
            let argument = from_engine(argument);
            let matches: Vec<(usize, &Related)> = if identifier == &regorus::Value::from(EXISTENCE_CHECK) {
                matching_related(&prepared.related, from, &argument).take(2).collect()
            } else {
                Vec::new()
            };
            next = matches.get(1).map(|(at, _)| *at);
            let response = matches.first().map_or(regorus::Value::Null, |(_, r)| r.normalized.clone());
            lookup = Some(Lookup {
                request: argument,
                found: matches.first().map(|(_, r)| Arc::clone(&r.resource)),
                position: matches.first().map(|(at, _)| *at),
            });
            result = vm.resume(Some(response)).map_err(evaluate)?;
        }
        match vm.execution_state() {
            ExecutionState::Error { error } => Err(engine_error(Stage::Evaluate, error)),
            // Only existence checks suspend an Azure Policy program; anything else would leave
            // the result unfinished.
            ExecutionState::Suspended { reason, .. } => {
                Err(engine_error(Stage::Evaluate, format!("the program stopped unexpectedly ({reason:?})")))
            }
            _ => Ok((result, lookup, next)),
        }
    }
}

/// Related resources of the requested type (and name, when the policy names one), from
/// position `from` on, with their positions.
fn matching_related<'a, 'r>(
    related: &'a [Related],
    from: usize,
    request: &'r Value,
) -> impl Iterator<Item = (usize, &'a Related)> + use<'a, 'r> {
    let wanted = move |key: &str| request.get(key).and_then(Value::as_str);
    let has = move |resource: &Value, key: &str, compare: fn(&str, &str) -> bool| {
        wanted(key).is_none_or(|want| {
            resource::member(resource, key).and_then(Value::as_str).is_some_and(|v| compare(v, want))
        })
    };
    let same_type = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let same_name = |a: &str, b: &str| leaf(a).eq_ignore_ascii_case(leaf(b));
    related
        .iter()
        .enumerate()
        .skip(from)
        .filter(move |(_, r)| has(&r.resource, "type", same_type) && has(&r.resource, "name", same_name))
}

/// The last segment of a name (`ws/default` → `default`); child names come either way.
fn leaf(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

fn effect_of(result: &regorus::Value) -> Option<String> {
    let effect = match result {
        regorus::Value::Object(map) => map.get(&regorus::Value::from("effect"))?,
        other => other,
    };
    match effect {
        regorus::Value::String(name) => Some(name.to_string()),
        _ => None,
    }
}

fn details_of(result: &regorus::Value) -> Option<Value> {
    match result {
        regorus::Value::Object(map) => map.get(&regorus::Value::from("details")).map(from_engine),
        _ => None,
    }
}

pub(crate) fn to_engine(value: &Value) -> regorus::Value {
    regorus::Value::from(value.clone())
}

pub(crate) fn from_engine(value: &regorus::Value) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Every string in a JSON document (keys are not needed: aliases are values).
fn json_strings(value: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(s) => out.push(s.as_str()),
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    out
}

/// The namespaces a text may name: each run of name characters right before a `/`
/// (`[field('Microsoft.Storage/storageAccounts/x')]` → `Microsoft.Storage`, `storageAccounts`).
fn namespaces_in(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('/').filter_map(move |(at, _)| {
        let head = text.get(..at)?;
        let start = head.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '.')).map_or(0, |i| i + 1);
        head.get(start..).filter(|name| name.contains('.'))
    })
}

/// One namespace of a catalog in the `az provider show --expand "resourceTypes/aliases"`
/// shape the engine reads.
fn provider_json(catalog: &Catalog, namespace: &str) -> Value {
    let mut providers: Map<String, Value> = Map::new();
    for ty in catalog.resource_types_of(namespace) {
        let namespace = ty.namespace().to_string();
        let short_type = ty.name().get(namespace.len() + 1..).unwrap_or_default();
        let aliases: Vec<Value> = catalog
            .aliases_of_type(ty.name())
            .map(|alias| {
                serde_json::json!({
                    "name": alias.name(),
                    "defaultPath": alias.default_path(),
                    "defaultMetadata": {
                        "type": alias.value_type().azure_name(),
                        "attributes": if alias.modifiable() { "Modifiable" } else { "None" },
                    },
                })
            })
            .collect();
        let entry = providers
            .entry(namespace.clone())
            .or_insert_with(|| serde_json::json!({"namespace": namespace, "resourceTypes": []}));
        if let Some(types) = entry.get_mut("resourceTypes").and_then(Value::as_array_mut) {
            types.push(serde_json::json!({"resourceType": short_type, "aliases": aliases}));
        }
    }
    Value::Array(providers.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn definition(rule: Value) -> Value {
        json!({"properties": {"mode": "All", "parameters": {}, "policyRule": rule}})
    }

    /// An auditIfNotExists over diagnostic settings named `audit`, satisfied when `ok` is true.
    fn existence_policy(engine: &Engine) -> CompiledPolicy {
        let rule = json!({
            "if": {"field": "type", "equals": "Microsoft.MachineLearningServices/workspaces"},
            "then": {"effect": "auditIfNotExists", "details": {
                "type": "Microsoft.Insights/diagnosticSettings",
                "name": "audit",
                "existenceCondition": {"field": "Microsoft.Insights/diagnosticSettings/workspaceId", "equals": "ok"}
            }}
        });
        engine.compile(&definition(rule)).expect("compiles")
    }

    fn insights_engine() -> Engine {
        let catalog = crate::catalog::import::import_json(
            r#"{"namespace": "Microsoft.Insights", "resourceTypes": [{"resourceType": "diagnosticSettings",
                "aliases": [{"name": "Microsoft.Insights/diagnosticSettings/workspaceId",
                             "defaultPath": "properties.workspaceId"}]}]}"#,
        )
        .expect("an export");
        Engine::with_imports(&[catalog]).expect("loads")
    }

    fn setting(name: &str, workspace: &str) -> Value {
        json!({"type": "Microsoft.Insights/diagnosticSettings", "name": format!("ws/{name}"),
               "properties": {"workspaceId": workspace}})
    }

    #[test]
    fn the_builtin_catalog_evaluates_an_ml_alias() {
        let engine = Engine::builtin().expect("loads");
        let rule = json!({
            "if": {"field": "Microsoft.MachineLearningServices/workspaces/computes/disableLocalAuth", "notEquals": true},
            "then": {"effect": "audit"}
        });
        let policy = engine.compile(&definition(rule)).expect("compiles");
        let compute = json!({"type": "Microsoft.MachineLearningServices/workspaces/computes", "name": "c",
                             "properties": {"disableLocalAuth": false}});
        let verdict = policy.evaluate(&engine.prepare(&Request { resource: compute, ..Request::default() }));
        assert_eq!(verdict.map(|v| v.effect), Ok(Some("audit".into())));
    }

    #[test]
    fn any_related_resource_of_the_right_type_and_name_satisfies_the_existence_check() {
        let engine = insights_engine();
        let policy = existence_policy(&engine);
        let workspace = json!({"type": "Microsoft.MachineLearningServices/workspaces", "name": "ws"});
        let run = |related: Vec<Value>| {
            let request = Request { resource: workspace.clone(), related, ..Request::default() };
            policy.evaluate(&engine.prepare(&request)).expect("evaluates")
        };
        assert_eq!(run(vec![]).effect.as_deref(), Some("auditIfNotExists"));
        assert_eq!(run(vec![]).lookups[0].found, None);
        // The same resource given twice is tried once.
        let twice = run(vec![setting("audit", "no"), setting("audit", "no")]);
        assert_eq!(twice.lookups.len(), 1);
        // Wrong name, then a non-compliant match, then a compliant one.
        let verdict = run(vec![setting("other", "ok"), setting("audit", "no"), setting("audit", "ok")]);
        assert_eq!(verdict.effect, None);
        assert_eq!(verdict.lookups.len(), 2);
        assert_eq!(run(vec![setting("audit", "no")]).effect.as_deref(), Some("auditIfNotExists"));
    }

    #[test]
    fn refusals_name_the_stage() {
        let engine = Engine::builtin().expect("loads");
        let error = engine.compile(&json!({"properties": {"policyRule": {"if": 3}}})).expect_err("refused");
        assert_eq!(error.stage, Stage::Parse);
        let unknown = definition(
            json!({"if": {"field": "Microsoft.Storage/storageAccounts/nope", "equals": 1}, "then": {"effect": "deny"}}),
        );
        let error = engine.compile(&unknown).expect_err("refused");
        assert_eq!(error.stage, Stage::Compile);
        assert!(error.to_string().starts_with("the engine failed compiling the definition: "), "{error}");
    }
}
