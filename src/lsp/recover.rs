//! Definitions being edited. Lowering leaves out a policy whose `when` or `then` is missing or
//! does not lower, which is the state of the policy under the cursor most of the time. For the
//! editor such a policy is lowered again with a placeholder in place of the broken part, so
//! that its parameters, fields and names keep their hover, completion and rename. The
//! placeholders never reach diagnostics or output: the compilation has reported its errors
//! already, and a document with errors is not built.

use crate::ast::{self, Definition};
use crate::project::BufferCompilation;
use crate::syntax::span::Span;
use crate::syntax::tree::{self, BodyItem, Cond, EffectRef, EffectSpec, Item, Name};

/// Adds the definitions of the buffer that lowering left out, recovered where possible.
pub fn recover_definitions(compiled: &mut BufferCompilation, text: &str) {
    let file = compiled.file;
    let Some(unit) = compiled.compilation.units.iter_mut().find(|u| u.file == file) else { return };
    let lowered: Vec<Span> = unit.module.definitions.iter().map(|d| d.name().span).collect();
    let mut recovered = Vec::new();
    for item in &compiled.tree.items {
        let (Item::Policy(block) | Item::Initiative(block)) = item else { continue };
        if lowered.contains(&block.name.span) {
            continue;
        }
        let policy = matches!(item, Item::Policy(_));
        let attempts = if policy { policy_attempts(block) } else { vec![block.clone()] };
        for attempt in attempts {
            let item = if policy { Item::Policy(attempt) } else { Item::Initiative(attempt) };
            let single = tree::File { items: vec![item] };
            if let Some(definition) = ast::lower_file(file, text, &single, &unit.comments).module.definitions.pop() {
                recovered.push(definition);
                break;
            }
        }
    }
    if recovered.is_empty() {
        return;
    }
    unit.module.definitions.extend(recovered);
    unit.module.definitions.sort_by_key(|d: &Definition| d.header().span.start);
}

/// The block as written, then with a placeholder effect, then with a placeholder condition,
/// then with both.
fn policy_attempts(block: &tree::Block) -> Vec<tree::Block> {
    let then = |b: &tree::Block| replaced(b, |item| matches!(item, BodyItem::Then(_)), placeholder_then(b));
    let when = |b: &tree::Block| replaced(b, |item| matches!(item, BodyItem::When { .. }), placeholder_when(b));
    vec![block.clone(), then(block), when(block), when(&then(block))]
}

fn replaced(block: &tree::Block, is: impl Fn(&BodyItem) -> bool, placeholder: BodyItem) -> tree::Block {
    let mut block = block.clone();
    block.body.retain(|item| !is(item));
    block.body.push(placeholder);
    block
}

fn placeholder_then(block: &tree::Block) -> BodyItem {
    let span = block.keyword;
    BodyItem::Then(Box::new(EffectSpec {
        keyword: span,
        effect: EffectRef::Literal(Name { text: "audit".into(), span }),
        details_kind: None,
        details: None,
        span,
    }))
}

fn placeholder_when(block: &tree::Block) -> BodyItem {
    let span = block.keyword;
    BodyItem::When { keyword: span, condition: Cond::Block { all: true, items: Vec::new(), span } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::compile_buffer;
    use std::path::Path;

    #[test]
    fn policies_being_written_are_recovered_with_their_parameters() {
        let text = "policy done { when compute then deny }\n\
                    policy typing { param effect: effect = Audit in [Audit]\n when compute { computeType == \"AKS\" }\n then }\n\
                    policy broken { param p: string\n when nosuchkind\n then dney }";
        let mut compiled = compile_buffer(Path::new("t.gavel"), text, &|_| None);
        assert_eq!(compiled.compilation.units[0].module.definitions.len(), 1);
        recover_definitions(&mut compiled, text);
        let names: Vec<&str> =
            compiled.compilation.units[0].module.definitions.iter().map(|d| d.name().value.as_str()).collect();
        assert_eq!(names, ["done", "typing", "broken"]);
        let typing = &compiled.compilation.units[0].module.definitions[1];
        assert_eq!(typing.header().parameters.len(), 1);
    }
}
