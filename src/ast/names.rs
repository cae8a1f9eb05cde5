//! Short names: what the first name of a field path stands for where it is written. This is
//! the one resolver of the language: lowering turns paths into alias names with it, the checker
//! explains with it what a name was read as, and the language server completes, hovers and
//! hints with it. Names resolve in the order the language reference gives:
//!
//! 1. count variables, innermost first (`c.status` in `any c in …[*] { … }`);
//! 2. the top-level fields every resource has (`name`, `type`, `tags`, …);
//! 3. inside an unnamed count, the member being counted;
//! 4. the resource type of the enclosing kind block (`compute { … }`, `resource "…" { … }`) or,
//!    in an `existenceCondition`, the details `type`;
//! 5. kind-qualified names (`compute.vmSize`), built-in or declared kinds.
//!
//! Full alias names (`Microsoft.X/y/z`) always stand for themselves.

use crate::catalog::fields::TOP_LEVEL_NAMES;
use crate::catalog::kinds::{Kind, Kinds};

/// A count variable in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Binding {
    /// A field count or quantifier over `alias` (ending in `[*]`). Unnamed bindings make
    /// short names relative to the array member.
    Element { name: Option<String>, alias: String },
    /// A value count: `current('name')`.
    Value { name: String },
}

/// What names mean where a path is written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameScope<'s> {
    pub kinds: &'s Kinds,
    /// The resource type short names are relative to, if any.
    pub resource_type: Option<&'s str>,
    /// Count variables, innermost last.
    pub bindings: &'s [Binding],
}

/// What the first name of a path stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Head<'s> {
    /// A value-count variable: the path is a value (`current('name')`), not a field.
    ValueBinding(&'s str),
    /// A named count variable over this `[*]` alias; the rest of the path is below the member.
    Element(&'s str),
    /// A top-level field; the path is the field's own name.
    TopLevel,
    /// A short name relative to the member of an unnamed count over this `[*]` alias.
    Member(&'s str),
    /// A short name relative to this resource type: `<type>/<path>`.
    Relative(&'s str),
    /// A kind: the next member of the path is a short name of its type.
    Kind(Kind<'s>),
    /// Nothing here.
    Unknown,
}

impl<'s> NameScope<'s> {
    /// Outside any block: built-in kinds, no count variables.
    pub fn top(kinds: &'s Kinds) -> NameScope<'s> {
        NameScope { kinds, resource_type: None, bindings: &[] }
    }

    /// What `head`, the first name of a path, stands for.
    pub fn head(&self, head: &str) -> Head<'s> {
        let named = self.bindings.iter().rev().find(|b| match b {
            Binding::Element { name: Some(name), .. } | Binding::Value { name } => name == head,
            Binding::Element { name: None, .. } => false,
        });
        match named {
            Some(Binding::Value { name }) => return Head::ValueBinding(name),
            Some(Binding::Element { alias, .. }) => return Head::Element(alias),
            None => {}
        }
        if TOP_LEVEL_NAMES.contains(&head) {
            return Head::TopLevel;
        }
        let unnamed = self.bindings.iter().rev().find_map(|b| match b {
            Binding::Element { name: None, alias } => Some(alias.as_str()),
            _ => None,
        });
        if let Some(alias) = unnamed {
            return Head::Member(alias);
        }
        if let Some(resource_type) = self.resource_type {
            return Head::Relative(resource_type);
        }
        match self.kinds.by_name(head) {
            Some(kind) => Head::Kind(kind),
            None => Head::Unknown,
        }
    }

    /// The field a path written as plain text stands for (`computeType`, `compute.vmSize`,
    /// `c.status`, `tags.env`, a full alias): its full name. `None` when the path names no
    /// field here (a value-count variable, a kind alone, an unknown name).
    pub fn field_name(&self, path: &str) -> Option<String> {
        let path = path.trim();
        if path.contains('/') {
            return Some(path.to_string());
        }
        let end = path.find(['.', '[']).unwrap_or(path.len());
        let (head, rest) = (path.get(..end)?, path.get(end..)?);
        if head.is_empty() {
            return None;
        }
        match self.head(head) {
            Head::ValueBinding(_) | Head::Unknown => None,
            Head::Element(alias) => Some(format!("{alias}{rest}")),
            Head::TopLevel if head == "tags" => Some(format!("tags{}", tag_keys(rest))),
            Head::TopLevel => Some(path.to_string()),
            Head::Member(alias) => Some(format!("{alias}.{path}")),
            Head::Relative(resource_type) => Some(format!("{resource_type}/{path}")),
            Head::Kind(kind) => {
                let short = rest.strip_prefix('.').filter(|s| !s.is_empty() && !s.starts_with(['.', '[']))?;
                Some(format!("{}/{short}", kind.resource_type))
            }
        }
    }

    /// The resource type whose short names a path starting with `head` takes, together with
    /// whether `head` itself is one of them (a relative name) or names the kind (`compute.`).
    pub fn short_names_of(&self, head: &str) -> Option<(&'s str, bool)> {
        match self.head(head) {
            Head::Relative(resource_type) => Some((resource_type, true)),
            Head::Kind(kind) => Some((kind.resource_type, false)),
            _ => None,
        }
    }
}

/// `.env.x` after `tags` → `['env']['x']`, as lowering writes tag names.
fn tag_keys(rest: &str) -> String {
    if !rest.starts_with('.') {
        return rest.to_string();
    }
    rest.split('.').filter(|s| !s.is_empty()).map(|key| format!("['{}']", key.replace('\'', "''"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPUTES: &str = "Microsoft.MachineLearningServices/workspaces/computes";

    #[test]
    fn names_resolve_in_the_documented_order() {
        let kinds = Kinds::builtin();
        let top = NameScope::top(kinds);
        assert_eq!(top.field_name("compute.vmSize").as_deref(), Some(&*format!("{COMPUTES}/vmSize")));
        assert_eq!(top.field_name("computeType"), None);
        assert_eq!(top.field_name("compute"), None);
        assert_eq!(top.field_name("location").as_deref(), Some("location"));
        assert_eq!(top.field_name("tags.env").as_deref(), Some("tags['env']"));
        assert_eq!(top.field_name("Microsoft.X/y/z").as_deref(), Some("Microsoft.X/y/z"));

        // Inside `compute { … }` a name is relative to the block, before kind-qualified names.
        let block = NameScope { resource_type: Some(COMPUTES), ..top };
        assert_eq!(block.field_name("computeType").as_deref(), Some(&*format!("{COMPUTES}/computeType")));
        assert_eq!(block.field_name("compute.x").as_deref(), Some(&*format!("{COMPUTES}/compute.x")));
        assert_eq!(block.field_name("name").as_deref(), Some("name"));

        // Count variables come first, then top-level fields, then the unnamed member.
        let bindings = [
            Binding::Element { name: None, alias: "A/b/items[*]".into() },
            Binding::Element { name: Some("name".into()), alias: "A/b/rules[*]".into() },
            Binding::Value { name: "v".into() },
        ];
        let counted = NameScope { bindings: &bindings, ..block };
        assert_eq!(counted.field_name("name.x").as_deref(), Some("A/b/rules[*].x"));
        assert_eq!(counted.field_name("v"), None);
        assert_eq!(counted.head("v"), Head::ValueBinding("v"));
        assert_eq!(counted.field_name("type").as_deref(), Some("type"));
        assert_eq!(counted.field_name("status").as_deref(), Some("A/b/items[*].status"));
    }

    #[test]
    fn declared_kinds_qualify_names() {
        let kinds = Kinds::with_declared(vec![("sqlServer".into(), "Microsoft.Sql/servers".into())]);
        let top = NameScope::top(&kinds);
        assert_eq!(
            top.field_name("sqlServer.minimalTlsVersion").as_deref(),
            Some("Microsoft.Sql/servers/minimalTlsVersion")
        );
        assert_eq!(top.short_names_of("sqlServer"), Some(("Microsoft.Sql/servers", false)));
        assert_eq!(top.short_names_of("keyVault"), Some(("Microsoft.KeyVault/vaults", false)));
        assert_eq!(NameScope::top(Kinds::builtin()).short_names_of("sqlServer"), None);
    }
}
