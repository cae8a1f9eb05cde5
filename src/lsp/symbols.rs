//! The symbol index: every name a user can declare (parameters, policies, initiatives, groups)
//! with the span of its declaration and of each use, across the buffer and what it imports.
//! Go to definition, references, highlights and rename all read it.
//!
//! Spans are exact names: without the `$` of `$effect` and without the quotes of
//! `param "Initiative-Effect": …`, so that a rename replaces exactly the name.

use std::collections::HashMap;

use super::walk::{self, Node};
use crate::ast::{Definition, Expr, Initiative, MemberTarget, Spanned};
use crate::project::Compilation;
use crate::syntax::span::{FileId, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Parameter,
    Policy,
    Initiative,
    Group,
}

/// Where a definition is: `compilation.units[unit].module.definitions[index]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefinitionRef {
    pub unit: usize,
    pub index: usize,
}

#[derive(Debug, Clone)]
pub struct Symbol {
    pub kind: SymbolKind,
    pub name: String,
    pub declaration: Span,
    /// The definition that declares a parameter or group; the definition itself for policies
    /// and initiatives.
    pub owner: DefinitionRef,
    pub references: Vec<Span>,
}

impl Symbol {
    /// The declaration and every reference.
    pub fn occurrences(&self) -> impl Iterator<Item = Span> + '_ {
        std::iter::once(self.declaration).chain(self.references.iter().copied())
    }
}

#[derive(Debug, Clone, Default)]
pub struct SymbolIndex {
    pub symbols: Vec<Symbol>,
}

impl SymbolIndex {
    pub fn build(compilation: &Compilation) -> SymbolIndex {
        let mut builder = Builder { compilation, index: SymbolIndex::default(), definitions: HashMap::new() };
        builder.declare_definitions();
        // Every declaration first: a member of an initiative may name a parameter of a policy
        // in a file that comes later.
        let all = || {
            compilation.units.iter().enumerate().flat_map(|(unit, u)| {
                u.module.definitions.iter().enumerate().map(move |(index, d)| (DefinitionRef { unit, index }, d))
            })
        };
        for (at, definition) in all() {
            for parameter in &definition.header().parameters {
                builder.push(SymbolKind::Parameter, &parameter.name, at);
            }
        }
        for (at, definition) in all() {
            builder.definition(at, definition);
        }
        builder.index
    }

    /// The symbol with a declaration or reference at `offset` of `file` (an offset just after a
    /// name counts, as editors put the cursor there), and that occurrence.
    pub fn at(&self, file: FileId, offset: usize) -> Option<(&Symbol, Span)> {
        self.symbols.iter().find_map(|symbol| {
            let hit = symbol
                .occurrences()
                .find(|span| span.file == file && span.start as usize <= offset && offset <= span.end as usize)?;
            Some((symbol, hit))
        })
    }

    /// The parameter declared as `name` in a definition.
    pub fn parameter(&self, owner: DefinitionRef, name: &str) -> Option<&Symbol> {
        self.symbols
            .iter()
            .find(|s| s.kind == SymbolKind::Parameter && s.owner == owner && s.name.eq_ignore_ascii_case(name))
    }
}

struct Builder<'a> {
    compilation: &'a Compilation,
    index: SymbolIndex,
    /// Definition names (lower case) to their symbol: members refer to policies by name.
    definitions: HashMap<String, usize>,
}

impl Builder<'_> {
    fn declare_definitions(&mut self) {
        for (unit, u) in self.compilation.units.iter().enumerate() {
            for (index, definition) in u.module.definitions.iter().enumerate() {
                let kind = match definition {
                    Definition::Policy(_) => SymbolKind::Policy,
                    Definition::Initiative(_) => SymbolKind::Initiative,
                };
                let name = definition.name();
                let id = self.push(kind, name, DefinitionRef { unit, index });
                self.definitions.entry(name.value.to_ascii_lowercase()).or_insert(id);
            }
        }
    }

    fn push(&mut self, kind: SymbolKind, name: &Spanned<String>, owner: DefinitionRef) -> usize {
        let declaration = self.exact(name.span, &name.value);
        self.index.symbols.push(Symbol { kind, name: name.value.clone(), declaration, owner, references: Vec::new() });
        self.index.symbols.len() - 1
    }

    /// The span of just the name: without a leading `$` or surrounding quotes.
    fn exact(&self, span: Span, name: &str) -> Span {
        let text = self.compilation.sources.get(span.file).and_then(|f| f.text.get(span.range())).unwrap_or_default();
        let (start, end) = match text.as_bytes().first() {
            Some(b'$') => (span.start + 1, span.end),
            Some(b'"') if text.len() >= 2 => (span.start + 1, span.end - 1),
            _ => (span.start, span.end),
        };
        // Whatever the text, the result stays inside the span and no longer than the name.
        let end = end.min(start.saturating_add(u32::try_from(name.len()).unwrap_or(u32::MAX)).max(start));
        Span { file: span.file, start, end }
    }

    fn refer(&mut self, symbol: usize, span: Span, name: &str) {
        let span = self.exact(span, name);
        if let Some(symbol) = self.index.symbols.get_mut(symbol) {
            symbol.references.push(span);
        }
    }

    /// The uses of a definition's parameters, and an initiative's groups and members.
    fn definition(&mut self, owner: DefinitionRef, definition: &Definition) {
        let mut parameters: HashMap<String, usize> = HashMap::new();
        for (id, symbol) in self.index.symbols.iter().enumerate() {
            if symbol.kind == SymbolKind::Parameter && symbol.owner == owner {
                parameters.entry(symbol.name.to_ascii_lowercase()).or_insert(id);
            }
        }
        let mut uses: Vec<(usize, Span, String)> = Vec::new();
        walk::definition(definition, &mut |node| {
            let name = match node {
                Node::Expr(Expr::Param(name)) | Node::EffectParam(name) => name,
                _ => return,
            };
            if let Some(&id) = parameters.get(&name.value.to_ascii_lowercase()) {
                uses.push((id, name.span, name.value.clone()));
            }
        });
        for (id, span, name) in uses {
            self.refer(id, span, &name);
        }
        if let Definition::Initiative(initiative) = definition {
            self.members(owner, initiative);
        }
    }

    fn members(&mut self, owner: DefinitionRef, initiative: &Initiative) {
        let mut groups: HashMap<String, usize> = HashMap::new();
        for group in &initiative.groups {
            let id = self.push(SymbolKind::Group, &group.name, owner);
            groups.entry(group.name.value.to_ascii_lowercase()).or_insert(id);
        }
        for member in &initiative.members {
            for group in &member.groups {
                if let Some(&id) = groups.get(&group.value.to_ascii_lowercase()) {
                    self.refer(id, group.span, &group.value);
                }
            }
            let MemberTarget::Policy(target) = &member.target else { continue };
            let Some(&policy) = self.definitions.get(&target.value.to_ascii_lowercase()) else { continue };
            self.refer(policy, target.span, &target.value);
            // `parameters { effect: … }` names parameters of the member policy.
            let Some(policy_ref) = self.index.symbols.get(policy).map(|s| s.owner) else { continue };
            for (key, _) in &member.parameters {
                let parameter = self.index.parameter(policy_ref, &key.value).map(|s| s.declaration);
                if let Some(declaration) = parameter
                    && let Some(id) = self.index.symbols.iter().position(|s| s.declaration == declaration)
                {
                    self.refer(id, key.span, &key.value);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::compile_source;

    fn texts(compilation: &Compilation, spans: impl Iterator<Item = Span>) -> Vec<String> {
        let text = compilation.sources.get(FileId(0)).map(|f| &*f.text).unwrap_or_default();
        spans.map(|s| text.get(s.range()).unwrap_or_default().to_string()).collect()
    }

    #[test]
    fn parameters_policies_and_groups_with_every_use() {
        let source = r#"
policy p {
    param effect: effect = Audit in [Audit, Disabled]
    param "Registry-Name": string
    when modelDeployment { model.assetId like "azureml://registries/$Registry-Name/*" }
    then $effect
}
initiative set {
    param effect: string = "Audit"
    group net "Network"
    policy p { parameters { effect: $effect, "Registry-Name": "r" } groups [net] }
}
"#;
        let compilation = compile_source("t.gavel", source);
        let index = SymbolIndex::build(&compilation);
        let find = |kind, name: &str| index.symbols.iter().find(|s| s.kind == kind && s.name == name);
        let policy = find(SymbolKind::Policy, "p").map(|s| texts(&compilation, s.occurrences()));
        assert_eq!(policy, Some(vec!["p".to_string(), "p".to_string()]));
        let effect = index.symbols.iter().find(|s| s.kind == SymbolKind::Parameter && s.owner.index == 0);
        let effect = effect.map(|s| texts(&compilation, s.occurrences()));
        assert_eq!(effect, Some(vec!["effect".to_string(), "effect".to_string(), "effect".to_string()]));
        let registry = find(SymbolKind::Parameter, "Registry-Name").map(|s| s.occurrences().count());
        assert_eq!(registry, Some(2), "declaration and the member key; `$Registry` in the string is another name");
        let group = find(SymbolKind::Group, "net").map(|s| texts(&compilation, s.occurrences()));
        assert_eq!(group, Some(vec!["net".to_string(), "net".to_string()]));
        let offset = source.find("$effect").unwrap_or_default() + 3;
        assert_eq!(index.at(FileId(0), offset).map(|(s, _)| s.kind), Some(SymbolKind::Parameter));
    }
}
