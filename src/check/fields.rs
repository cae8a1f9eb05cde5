//! Fields against the alias catalog: unknown aliases (with "did you mean"), names spelt with
//! other casing than the catalog's, and fields of another resource type than the one the
//! condition is about.
//!
//! Fixes replace the text the author wrote. A gavel field is often shorter than the alias it
//! stands for (`computeType` inside `compute { … }`, `compute.vmSize`, `c.status` for a count
//! variable), so a replacement is spelt the same way: see [`rewrite`].

use super::{Checker, Scope};
use crate::ast::names::{Head, NameScope};
use crate::ast::{Field, FieldName};
use crate::catalog::aliases::{AliasInfo, AliasOrigin, Catalog, ResourceTypeInfo, ValueType};
use crate::catalog::fields::{BUILTIN_FIELDS, BuiltinField, TopLevelField, top_level_field};
use crate::catalog::kinds;
use crate::diag::{Code, Diagnostic, Severity, did_you_mean};

/// What the catalog says about a field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Known<'c> {
    Alias(&'c AliasInfo),
    Builtin(&'static BuiltinField),
    /// One tag's value: `tags['env']`.
    Tag,
}

impl<'c> Known<'c> {
    pub fn value_type(self) -> ValueType {
        match self {
            Known::Alias(alias) => alias.value_type(),
            Known::Builtin(field) => field.value_type,
            Known::Tag => ValueType::String,
        }
    }

    pub fn enum_values(self) -> Vec<&'c str> {
        match self {
            Known::Alias(alias) => alias.enum_values().collect(),
            Known::Builtin(field) => field.enum_values.to_vec(),
            Known::Tag => Vec::new(),
        }
    }

    pub fn enum_open(self) -> bool {
        match self {
            Known::Alias(alias) => alias.enum_open(),
            Known::Builtin(field) => field.enum_open,
            Known::Tag => true,
        }
    }

    /// The catalog's spelling.
    pub fn name(self) -> &'c str {
        match self {
            Known::Alias(alias) => alias.name(),
            Known::Builtin(field) => field.name,
            Known::Tag => "tags",
        }
    }

    /// Tags are the one thing every resource lets Modify write.
    pub fn is_tag(self) -> bool {
        matches!(self, Known::Tag) || matches!(self, Known::Builtin(f) if f.name == "tags")
    }

    /// The field `type`, whose values are resource types.
    pub fn is_resource_type(self) -> bool {
        matches!(self, Known::Builtin(f) if f.name == "type")
    }
}

/// A resolved field with the name to show for it: what the author wrote.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub known: Known<'a>,
    pub shown: &'a str,
}

impl<'a> Target<'a> {
    pub fn new(known: Known<'a>, field: &'a Field) -> Target<'a> {
        let shown = match (&field.written, &field.name) {
            (Some(written), _) => written.as_str(),
            (None, FieldName::Static(name)) => name.as_str(),
            (None, FieldName::Dynamic(_)) => known.name(),
        };
        Target { known, shown }
    }

    pub fn name(&self) -> &'a str {
        self.shown
    }

    pub fn value_type(&self) -> ValueType {
        self.known.value_type()
    }

    pub fn enum_values(&self) -> Vec<&'a str> {
        self.known.enum_values()
    }

    pub fn enum_open(&self) -> bool {
        self.known.enum_open()
    }

    pub fn is_resource_type(&self) -> bool {
        self.known.is_resource_type()
    }
}

impl<'a> Checker<'a> {
    /// A field used as the operand of a condition (or a count source, or an operation target):
    /// resolved, and checked against the resource types the scope pins.
    pub(crate) fn condition_field(&mut self, field: &'a Field, scope: &Scope<'a>) -> Option<Known<'a>> {
        let known = self.resolve_field(field)?;
        let catalog: &'a Catalog = self.cx.catalog;
        if let (Known::Alias(alias), Some(types)) = (known, &scope.types)
            && !catalog
                .lookup_all(alias.name())
                .any(|a| types.iter().any(|t| t.eq_ignore_ascii_case(a.resource_type())))
        {
            self.other_kind(field, alias, types);
        }
        Some(known)
    }

    /// A field read inside an expression (`field('…')`, `length(x)`). Not checked against the
    /// scope's types: in an existence condition `field()` reads the resource the rule is about.
    pub(crate) fn value_field(&mut self, field: &'a Field) -> Option<Known<'a>> {
        self.resolve_field(field)
    }

    /// What the field is, reporting unknown names and odd casing. `None` when the field is
    /// computed, unknown or of a namespace the catalog does not cover.
    pub(crate) fn resolve_field(&mut self, field: &'a Field) -> Option<Known<'a>> {
        let FieldName::Static(name) = &field.name else {
            return None;
        };
        if let Some(top) = top_level_field(name) {
            return Some(self.top_level(field, name, top));
        }
        if name.contains('/') {
            let catalog: &'a Catalog = self.cx.catalog;
            if let Some(alias) = catalog.lookup(name) {
                // Only the property part's spelling matters: Azure's own listing spells the
                // namespace of some providers in lower case (`microsoft.insights/…`) and
                // Microsoft's policies capitalise it.
                let property = name.get(name.len().saturating_sub(alias.short_name().len())..);
                if property != Some(alias.short_name()) {
                    self.casing(field, name, alias.name());
                }
                return Some(Known::Alias(alias));
            }
            self.unknown_alias(field, name);
            return None;
        }
        let mut diagnostic = Diagnostic::new(Code::UnknownAlias, field.span, format!("`{name}` is not a field"));
        let candidates = BUILTIN_FIELDS.iter().map(|f| f.name);
        diagnostic = match did_you_mean(name, candidates) {
            Some(s) => diagnostic.with_help(format!("did you mean `{s}`?")).with_fix(
                format!("replace with `{s}`"),
                field.span,
                self.cx.name_replacement(field.span, s),
            ),
            None => diagnostic.with_help(
                "a field is a top-level field (`name`, `type`, `location`, `tags['x']`, …) or an alias \
                 `Microsoft.<Provider>/<type>/<property>`; `gavel aliases QUERY` searches the catalog",
            ),
        };
        self.report(diagnostic);
        None
    }

    fn top_level(&mut self, field: &Field, name: &str, top: TopLevelField<'_>) -> Known<'a> {
        match top {
            TopLevelField::Fixed(fixed) => {
                if fixed.name != name {
                    self.casing(field, name, fixed.name);
                }
                Known::Builtin(fixed)
            }
            TopLevelField::Tag { .. } => Known::Tag,
        }
    }

    fn casing(&mut self, field: &Field, name: &str, canonical: &str) {
        let shown = field.written.as_deref().unwrap_or(name);
        let diagnostic = match rewrite(field, name, canonical) {
            Some(text) => {
                Diagnostic::new(Code::AliasCasing, field.span, format!("`{shown}` is spelt `{text}` in the catalog"))
                    .with_help(
                        "Azure ignores the case of field names; the catalog's spelling keeps definitions consistent",
                    )
                    .with_fix(format!("write `{text}`"), field.span, self.cx.name_replacement(field.span, &text))
            }
            None => Diagnostic::new(
                Code::AliasCasing,
                field.span,
                format!("`{shown}` is spelt `{canonical}` in the catalog"),
            )
            .with_help(format!("write `{canonical}`")),
        };
        self.report(diagnostic);
    }

    fn unknown_alias(&mut self, field: &Field, name: &str) {
        let catalog: &'a Catalog = self.cx.catalog;
        let namespace = name.split('/').next().unwrap_or(name);
        if !catalog.covers_namespace(namespace) {
            self.unchecked_namespace(field, namespace);
            return;
        }
        let shown = field.written.as_deref().unwrap_or(name);
        let split = split_type(catalog, name);
        if let Some((ty, short)) = split.filter(|(ty, _)| partially_known(catalog, ty)) {
            self.not_in_partial_type(field, name, ty, short);
            return;
        }
        if self.kind_qualified_in_block(field, name) {
            return;
        }
        match split {
            Some((ty, short)) if !short.contains('/') => {
                if let Some(owners) = owners_of(catalog, short, ty) {
                    self.short_name_elsewhere(field, name, ty, short, &owners);
                    return;
                }
                let message = match &field.written {
                    Some(written) => format!("`{written}` is not a field of {}", describe_type(ty.name())),
                    None => format!("unknown alias `{name}`"),
                };
                let suggestion = catalog.suggest_short(ty.name(), short).map(AliasInfo::name);
                self.report_unknown(field, name, message, suggestion, short);
            }
            _ => {
                let suggestion = suggest_by_type(catalog, name, namespace);
                let tail = name.rsplit('/').next().unwrap_or(name);
                self.report_unknown(field, name, format!("unknown alias `{shown}`"), suggestion.as_deref(), tail);
            }
        }
    }

    /// An alias gavel cannot rule out: its type's aliases are known only from published policies
    /// (the data-plane types) or not at all. A warning, with the nearest known alias.
    fn not_in_partial_type(&mut self, field: &Field, name: &str, ty: &ResourceTypeInfo, short: &str) {
        let shown = field.written.as_deref().unwrap_or(name);
        let known = ty.alias_count();
        let message = format!(
            "`{shown}` is not among the {known} aliases gavel knows for {}, which come from published policies only",
            describe_type(ty.name())
        );
        let suggestion = self.cx.catalog.suggest_short(ty.name(), short).map(AliasInfo::name);
        self.report_unknown(field, name, message, suggestion, short);
        if let Some(last) = self.diagnostics.last_mut() {
            last.severity = Severity::Warning;
        }
    }

    /// `compute.x` inside a `workspace { … }` block reads as the workspace's `compute.x`: kind
    /// blocks make names relative to their kind, before kind-qualified names.
    fn kind_qualified_in_block(&mut self, field: &Field, name: &str) -> bool {
        let Some((head, rest)) = field.written.as_deref().and_then(|w| w.split_once('.')) else {
            return false;
        };
        // What the name would mean outside the block: the one resolver says.
        let Head::Kind(kind) = NameScope::top(self.cx.kinds).head(head) else {
            return false;
        };
        let Some(alias) = self.cx.catalog.lookup_short(kind.resource_type, rest) else {
            return false;
        };
        let block = split_type(self.cx.catalog, name).map(|(ty, _)| describe_type(ty.name())).unwrap_or_default();
        self.report(
            Diagnostic::new(
                Code::FieldOfOtherKind,
                field.span,
                format!("`{head}.{rest}` is read as a field of the enclosing {block} block, not of `{head}`"),
            )
            .with_help(format!(
                "inside a kind block names are relative to its kind; a condition on a {head} belongs outside the block, \
                 or write the full alias `{}`",
                alias.name()
            )),
        );
        true
    }

    fn report_unknown(&mut self, field: &Field, name: &str, message: String, suggestion: Option<&str>, query: &str) {
        let mut diagnostic = Diagnostic::new(Code::UnknownAlias, field.span, message);
        let replacement = suggestion.and_then(|s| rewrite(field, name, s).map(|text| (s, text)));
        diagnostic = match replacement {
            Some((_, text)) => diagnostic.with_help(format!("did you mean `{text}`?")).with_fix(
                format!("replace with `{text}`"),
                field.span,
                self.cx.name_replacement(field.span, &text),
            ),
            None => match suggestion {
                Some(full) => diagnostic.with_help(format!("did you mean `{full}`?")),
                None => diagnostic.with_help(format!(
                    "`gavel aliases {query}` searches the catalog; for an alias newer than gavel's catalog, \
                     import a fresh export with `gavel catalog import`"
                )),
            },
        };
        self.report(diagnostic);
    }

    /// A short name that the type does not have but other types do (`hbiWorkspace` inside
    /// `compute { … }`).
    fn short_name_elsewhere(
        &mut self,
        field: &Field,
        name: &str,
        ty: &ResourceTypeInfo,
        short: &str,
        owners: &[&'a AliasInfo],
    ) {
        let shown = field.written.as_deref().unwrap_or(name);
        let owner_names: Vec<String> = owners.iter().take(3).map(|a| describe_type(a.resource_type())).collect();
        let mut diagnostic = Diagnostic::new(
            Code::FieldOfOtherKind,
            field.span,
            format!("`{shown}` is not a field of {}", describe_type(ty.name())),
        );
        let first = owners.first().map(|a| a.resource_type()).unwrap_or_default();
        diagnostic = match self.cx.kinds.by_type(first) {
            Some(kind) if field.written.is_some() => diagnostic.with_help(format!(
                "{} has it: write it inside `{kind} {{ … }}`, or as `{kind}.{short}` outside any kind block",
                owner_names.join(", "),
                kind = kind.name
            )),
            None if field.written.is_some() => diagnostic.with_help(format!(
                "{} has it: write it inside `resource \"{first}\" {{ … }}`, or as the full alias `{first}/{short}`",
                owner_names.join(", "),
            )),
            _ => diagnostic.with_help(format!("{} has it: `{}/{short}`", owner_names.join(", "), first)),
        };
        self.report(diagnostic);
    }

    /// A field of a type other than the ones the enclosing block pins.
    fn other_kind(&mut self, field: &Field, alias: &AliasInfo, types: &[&str]) {
        let shown = field.written.as_deref().unwrap_or(alias.name());
        let pinned: Vec<String> = types.iter().map(|t| describe_type(t)).collect();
        let diagnostic = Diagnostic::new(
            Code::FieldOfOtherKind,
            field.span,
            format!("`{shown}` is a field of {}, but this condition is about {}", describe_type(alias.resource_type()), pinned.join(" or ")),
        )
        .with_help("it never has a value on the resources this condition sees; use a field of the pinned type, or move the condition into a block of its own kind");
        self.report(diagnostic);
    }

    /// One hint per namespace the catalog does not cover.
    fn unchecked_namespace(&mut self, field: &Field, namespace: &str) {
        let key = namespace.to_ascii_lowercase();
        if self.unchecked.contains(&key) {
            return;
        }
        self.unchecked.push(key);
        self.report(
            Diagnostic::new(
                Code::UncheckedNamespace,
                field.span,
                format!("aliases of `{namespace}` are not checked: the catalog does not cover it"),
            )
            .with_severity(Severity::Hint)
            .with_help(format!(
                "export them with `az provider show --namespace {namespace} --expand \"resourceTypes/aliases\"` \
                 and add the file with `gavel catalog import`"
            )),
        );
    }
}

/// The resource type an alias name starts with (the longest known one) and the rest.
pub(crate) fn split_type<'c, 'n>(catalog: &'c Catalog, name: &'n str) -> Option<(&'c ResourceTypeInfo, &'n str)> {
    name.rmatch_indices('/').find_map(|(at, _)| {
        let ty = catalog.resource_type(name.get(..at)?)?;
        Some((ty, name.get(at + 1..)?))
    })
}

/// A type whose aliases gavel knows only partly: none are listed, or all come from policies.
fn partially_known(catalog: &Catalog, ty: &ResourceTypeInfo) -> bool {
    catalog.aliases_of_type(ty.name()).all(|a| a.origin() == AliasOrigin::PolicyCorpus)
}

/// For a name whose resource type is wrong: the closest type of the namespace, then the closest
/// short name in it. (Cheaper and better than comparing the whole name with every alias.)
fn suggest_by_type(catalog: &Catalog, name: &str, namespace: &str) -> Option<String> {
    let (type_part, short) = name.rsplit_once('/')?;
    let types = catalog.resource_types_of(namespace).map(|t| t.name());
    let ty = did_you_mean(type_part, types)?;
    let alias = catalog.lookup_short(ty, short).or_else(|| catalog.suggest_short(ty, short))?;
    Some(alias.name().to_string())
}

/// The aliases of other types with exactly this short name, if any.
fn owners_of<'c>(catalog: &'c Catalog, short: &str, except: &ResourceTypeInfo) -> Option<Vec<&'c AliasInfo>> {
    let owners: Vec<&AliasInfo> = catalog
        .resource_types_of(except.namespace())
        .filter(|t| !t.name().eq_ignore_ascii_case(except.name()))
        .filter_map(|t| catalog.lookup_short(t.name(), short))
        .collect();
    (!owners.is_empty()).then_some(owners)
}

/// `compute (Microsoft.MachineLearningServices/workspaces/computes)`, or the type alone.
pub(crate) fn describe_type(resource_type: &str) -> String {
    match kinds::kind_by_type(resource_type) {
        Some(kind) => format!("`{}` ({})", kind.name, kind.resource_type),
        None => format!("`{resource_type}`"),
    }
}

/// The text to write for alias `new` where the author wrote `field`, which resolved to
/// `resolved`: the written text with the part that names the alias replaced, so that a short
/// name stays a short name (`computeTyp` → `computeType`, `compute.vmSiz` → `compute.vmSize`,
/// `c.statu` → `c.status`). `None` when `new` cannot be written the same way (it lies under
/// another type or array than the written prefix stands for).
pub(crate) fn rewrite(field: &Field, resolved: &str, new: &str) -> Option<String> {
    let Some(written) = field.written.as_deref() else {
        return Some(new.to_string());
    };
    // The written text ends with the tail of the alias it resolved to, starting at a path
    // boundary: find the longest such tail.
    let starts = std::iter::once(0).chain(written.match_indices('.').map(|(at, _)| at + 1));
    for start in starts {
        let tail = written.get(start..)?;
        if tail.is_empty() || !resolved.ends_with(tail) {
            continue;
        }
        let prefix = resolved.get(..resolved.len() - tail.len())?;
        let new_head = new.get(..prefix.len())?;
        if !new_head.eq_ignore_ascii_case(prefix) {
            return None;
        }
        return Some(format!("{}{}", written.get(..start)?, new.get(prefix.len()..)?));
    }
    None
}
