//! Why the engine decided as it did: the conditions that decided the outcome, with where they
//! were written and the values the engine saw.
//!
//! Each field, value and count condition is evaluated on its own by the engine (a copy of the
//! definition whose `if` is that condition), and so is the whole `if`. A block in between
//! (`allOf`, `anyOf`, `not`) takes its members' verdicts combined as Azure combines them; only
//! when they do not settle it (a member the engine could not evaluate alone) is the block
//! handed to the engine. So every condition is evaluated once, however deep it sits: asking the
//! engine about each block would evaluate a condition once per block around it. Each distinct
//! condition is compiled once per explanation, whatever the resources it is evaluated on.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::engine::{CompiledPolicy, Engine, Prepared, Request};
use super::evaluate::{Outcome, with_rule, without_rule};
use super::policy::{ConditionKind, ConditionNode, Origin, PolicyUnderTest};

/// The reasons behind an outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Where the effect comes from when a parameter chooses it: ``the effect is parameter
    /// `effect`, "Audit" by default``.
    pub effect_source: Option<String>,
    /// The `if`, with the conditions that decided it.
    pub rule: Evaluated,
    /// For auditIfNotExists/deployIfNotExists: what each existence check found.
    pub existence: Vec<ExistenceCheck>,
    /// How many conditions the engine compiled to explain the outcome, counting every
    /// condition of every definition it was handed: about three per condition of the policy
    /// (its verdict, whether its field exists, the value there), whatever the nesting.
    pub conditions_compiled: usize,
}

/// A condition with the engine's verdict on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub text: String,
    pub origin: Origin,
    /// `Err` holds the engine's message when it could not evaluate the condition alone.
    pub result: Result<bool, String>,
    /// For a field or value condition: what it reads, and the value the engine saw there
    /// (`None`: the field does not exist on the resource).
    pub observed: Option<(String, Option<Value>)>,
    /// For a `count`: how many members matched its `where`, of how many.
    pub counted: Option<(usize, usize)>,
    /// The conditions inside that decided this one.
    pub children: Vec<Evaluated>,
}

/// One existence check of an auditIfNotExists/deployIfNotExists policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ExistenceCheck {
    /// What the policy looked for: `type` and, when given, `name`.
    pub wanted: String,
    /// The related resource found (its name), and the existence condition on it.
    pub found: Option<(String, Option<Evaluated>)>,
}

/// Explains `outcome` of `policy` on `request`.
pub fn explain(engine: &Engine, policy: &PolicyUnderTest, request: &Request, outcome: &Outcome) -> Explanation {
    explain_prepared(engine, policy, request, &engine.prepare(request), outcome)
}

/// [`explain`] with the request already prepared (as the evaluation that gave `outcome` had
/// it): its resources are not converted again.
pub fn explain_prepared(
    engine: &Engine,
    policy: &PolicyUnderTest,
    request: &Request,
    prepared: &Prepared,
    outcome: &Outcome,
) -> Explanation {
    let probes = Probes::new(engine, &policy.definition);
    // Whether the `if` matches is known from the evaluation: compiling the whole rule again
    // would cost the engine time that grows faster than the rule (its literal table).
    let rule = probes.on(prepared).explain_decided(&policy.rule, outcome.applicable);
    let existence = outcome
        .lookups
        .iter()
        .map(|lookup| {
            let found = lookup.found.as_ref().map(|related| {
                let condition = policy.existence.as_ref().map(|condition| {
                    let target = prepared.for_related(lookup, request).unwrap_or_else(|| {
                        let alone = Request { resource: Value::clone(related), related: Vec::new(), ..request.clone() };
                        engine.prepare(&alone)
                    });
                    probes.on(&target).explain(condition)
                });
                (resource_label(related), condition)
            });
            ExistenceCheck { wanted: wanted_label(&lookup.request), found }
        })
        .collect();
    let conditions_compiled = probes.conditions_compiled.get();
    Explanation { effect_source: effect_source(policy, request), rule, existence, conditions_compiled }
}

/// The parameter that chooses the effect, and its value in this evaluation.
fn effect_source(policy: &PolicyUnderTest, request: &Request) -> Option<String> {
    let effect = policy.definition.pointer("/properties/policyRule/then/effect")?.as_str()?;
    let name = effect.strip_prefix("[parameters('")?.strip_suffix("')]")?;
    if let Some(value) = request.parameters.get(name) {
        return Some(format!("the effect is parameter `{name}`, given as {value}"));
    }
    let default = policy
        .definition
        .pointer(&format!("/properties/parameters/{}/defaultValue", name.replace('~', "~0").replace('/', "~1")))?;
    Some(format!("the effect is parameter `{name}`, {default} by default"))
}

/// The definitions an explanation hands the engine, each compiled once.
struct Probes<'a> {
    engine: &'a Engine,
    /// The definition without its rule: parameters and mode, to which each probe adds its own
    /// rule (copying the whole rule for every probe would make explaining quadratic).
    frame: Value,
    /// Compiled probes by their rule's JSON; `Err` holds the engine's refusal.
    compiled: RefCell<HashMap<String, Result<Arc<CompiledPolicy>, String>>>,
    conditions_compiled: Cell<usize>,
}

impl<'a> Probes<'a> {
    fn new(engine: &'a Engine, definition: &Value) -> Probes<'a> {
        Probes {
            engine,
            frame: without_rule(definition),
            compiled: RefCell::default(),
            conditions_compiled: Cell::new(0),
        }
    }

    /// The probes evaluated on one resource.
    fn on<'p>(&'p self, prepared: &'p Prepared) -> Probe<'p> {
        Probe { probes: self, prepared }
    }

    /// The frame with `condition` as its `if` and `effect` as its effect, compiled.
    fn compile(&self, condition: &Value, effect: &str) -> Result<Arc<CompiledPolicy>, String> {
        let key = serde_json::json!([condition, effect]).to_string();
        if let Some(compiled) = self.compiled.borrow().get(&key) {
            return compiled.clone();
        }
        self.conditions_compiled.set(self.conditions_compiled.get() + conditions_in(condition));
        let definition = with_rule(&self.frame, condition, effect);
        let compiled = self.engine.compile(&definition).map(Arc::new).map_err(|e| e.message);
        self.compiled.borrow_mut().insert(key, compiled.clone());
        compiled
    }
}

/// How many conditions a condition holds, itself included: the JSON objects in it (a leaf is
/// one, a `count` adds its `where`).
fn conditions_in(condition: &Value) -> usize {
    let mut count = 0;
    let mut stack = vec![condition];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                count += 1;
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    count
}

/// The probes on one prepared resource.
struct Probe<'a> {
    probes: &'a Probes<'a>,
    prepared: &'a Prepared,
}

impl Probe<'_> {
    /// The condition tree with the verdicts; the top condition's is always the engine's.
    fn explain(&self, node: &ConditionNode) -> Evaluated {
        self.evaluate(node, Some(self.holds(&node.json)))
    }

    /// [`Probe::explain`] for a condition whose verdict the engine has already given.
    fn explain_decided(&self, node: &ConditionNode, holds: bool) -> Evaluated {
        self.evaluate(node, Some(Ok(holds)))
    }

    /// The condition with its verdict (`given`, else its members', else the engine's).
    fn evaluate(&self, node: &ConditionNode, given: Option<Result<bool, String>>) -> Evaluated {
        let children: Vec<Evaluated> = node.children.iter().map(|c| self.evaluate(c, None)).collect();
        let result = match (given, combined(node.kind, &children)) {
            (Some(result), _) => result,
            (None, Some(result)) => Ok(result),
            (None, None) => self.holds(&node.json),
        };
        let deciding = match (&result, node.kind) {
            // A false allOf is decided by its false members, a true anyOf by its true ones;
            // otherwise every member counts.
            (Ok(false), ConditionKind::AllOf) => keep(children, false),
            (Ok(true), ConditionKind::AnyOf) => keep(children, true),
            _ => children,
        };
        let leaf = node.kind == ConditionKind::Leaf;
        let observed = if leaf { self.observe(node) } else { None };
        let counted = if leaf { self.count(&node.json) } else { None };
        Evaluated {
            text: node.text.clone(),
            origin: node.origin.clone(),
            result,
            observed,
            counted,
            children: deciding,
        }
    }

    /// Whether the condition holds: the engine evaluates a definition with this `if`.
    fn holds(&self, condition: &Value) -> Result<bool, String> {
        let compiled = self.probes.compile(condition, "audit")?;
        Ok(compiled.evaluate(self.prepared).map_err(|e| e.message)?.effect.is_some())
    }
    /// The value a field or value condition reads, as the engine sees it: a definition whose
    /// effect is that expression returns it.
    fn observe(&self, node: &ConditionNode) -> Option<(String, Option<Value>)> {
        let condition = &node.json;
        let (subject, expression, field) = if let Some(field) = condition.get("field").and_then(Value::as_str) {
            if field.starts_with('[') {
                return None;
            }
            (short_field(field).to_string(), format!("[field('{}')]", field.replace('\'', "''")), Some(field))
        } else {
            let value = condition.get("value")?.as_str()?;
            let inner = value.strip_prefix('[')?.strip_suffix(']')?;
            if inner.starts_with('[') {
                return None;
            }
            (inner.to_string(), value.to_string(), None)
        };
        // A kind (`compute`) stands for a `type` condition: name the field it reads.
        let subject = if subject == "type" { subject } else { node.subject.clone().unwrap_or(subject) };
        // The engine reads a missing field as null in an expression; its `exists` tells them apart.
        if let Some(field) = field
            && self.holds(&serde_json::json!({"field": field, "exists": true})) == Ok(false)
        {
            return Some((subject, None));
        }
        Some((subject, self.value_of(&expression)))
    }
}

impl Probe<'_> {
    /// How many members a `count` condition counts, of how many: the engine gives the number of
    /// members (`length(…)`), then says for which `k` the count `equals` k.
    fn count(&self, condition: &Value) -> Option<(usize, usize)> {
        let count = condition.get("count")?;
        let members = if let Some(field) = count.get("field").and_then(Value::as_str) {
            format!("[length(field('{}'))]", field.replace('\'', "''"))
        } else {
            match count.get("value")? {
                Value::Array(items) => {
                    format!("[length(json('{}'))]", Value::Array(items.clone()).to_string().replace('\'', "''"))
                }
                Value::String(text) => format!("[length({})]", text.strip_prefix('[')?.strip_suffix(']')?),
                _ => return None,
            }
        };
        let total = usize::try_from(self.value_of(&members)?.as_u64()?).ok()?;
        // Each candidate is one compilation; long arrays are not worth the wait.
        if total > MAX_COUNTED {
            return None;
        }
        let matched =
            (0..=total).find(|k| self.holds(&serde_json::json!({"count": count, "equals": k})) == Ok(true))?;
        Some((matched, total))
    }

    /// The value of an expression (`[…]`) as the engine computes it on the resource.
    fn value_of(&self, expression: &str) -> Option<Value> {
        let always = serde_json::json!({"value": true, "equals": true});
        let compiled = self.probes.compile(&always, expression).ok()?;
        compiled.effect_value(self.prepared).ok()?
    }
}

/// The largest array whose matching members a failure report counts.
const MAX_COUNTED: usize = 32;

/// A block's verdict from its members' verdicts, as Azure combines them: an `allOf` is false
/// as soon as one member is, an `anyOf` true as soon as one member is, a `not` the opposite of
/// its member. `None` for a field, value or count condition, and for a block its members do
/// not settle (one the engine could not evaluate alone, or no member at all).
fn combined(kind: ConditionKind, children: &[Evaluated]) -> Option<bool> {
    let settled = |decisive: bool| {
        if children.is_empty() {
            None
        } else if children.iter().any(|c| c.result == Ok(decisive)) {
            Some(decisive)
        } else {
            children.iter().all(|c| c.result == Ok(!decisive)).then_some(!decisive)
        }
    };
    match (kind, children) {
        (ConditionKind::AllOf, _) => settled(false),
        (ConditionKind::AnyOf, _) => settled(true),
        (ConditionKind::Not, [member]) => member.result.clone().ok().map(|holds| !holds),
        _ => None,
    }
}

fn keep(children: Vec<Evaluated>, wanted: bool) -> Vec<Evaluated> {
    children.into_iter().filter(|c| c.result.as_ref().is_ok_and(|r| *r == wanted)).collect()
}

/// `Microsoft.MachineLearningServices/workspaces/computes/disableLocalAuth` → `disableLocalAuth`;
/// top-level fields stay as they are.
fn short_field(field: &str) -> &str {
    let path_start = field.find('[').unwrap_or(field.len());
    match field[..path_start].rfind('/') {
        Some(slash) => &field[slash + 1..],
        None => field,
    }
}

fn wanted_label(request: &Value) -> String {
    let get = |key: &str| request.get(key).and_then(Value::as_str);
    match (get("type"), get("name")) {
        (Some(ty), Some(name)) => format!("{ty} named `{name}`"),
        (Some(ty), None) => ty.to_string(),
        _ => request.to_string(),
    }
}

fn resource_label(resource: &Value) -> String {
    let name = super::resource::member(resource, "name").and_then(Value::as_str).unwrap_or("(no name)");
    format!("`{name}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_shown_by_their_short_name() {
        assert_eq!(
            short_field("Microsoft.MachineLearningServices/workspaces/computes/disableLocalAuth"),
            "disableLocalAuth"
        );
        assert_eq!(
            short_field("Microsoft.MachineLearningServices/workspaces/privateEndpointConnections[*].status"),
            "privateEndpointConnections[*].status"
        );
        assert_eq!(short_field("type"), "type");
        assert_eq!(short_field("tags['a/b']"), "tags['a/b']");
    }
}
