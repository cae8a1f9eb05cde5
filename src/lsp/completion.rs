//! Completion: what fits where the cursor is ([`context`]): keywords and snippets for each
//! block, resource kinds, the short names of the enclosing kind (or after `compute.`), full
//! alias names, enum values after an operator on an enum field, parameters, effects, modes,
//! roles, member policies and functions with their arguments as snippets. Every item carries
//! its documentation.

use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionResponse, CompletionTextEdit, Documentation,
    InsertTextFormat, MarkupContent, MarkupKind, Position, Range, TextEdit,
};

use super::context::{self, Block, Context, FieldInfo, Slot};
use super::docs::FunctionDoc;
use super::document::Analysis;
use super::server::Settings;
use super::{docs, markup};
use crate::ast::{Definition, MemberTarget, PROVIDER_MODES, ParamType};
use crate::catalog::aliases::{AliasInfo, cmp_ignore_case, namespace_of};
use crate::catalog::fields::{BUILTIN_FIELDS, BuiltinField};
use crate::catalog::roles::{COMMON, ROLES};

/// At most this many full alias names per answer; the list is marked incomplete beyond it.
const ALIAS_LIMIT: usize = 200;

pub fn completion(
    analysis: &Analysis,
    position: Position,
    settings: Settings,
) -> Option<(CompletionResponse, Vec<Doc>)> {
    let offset = analysis.offset(position);
    let context = context::at(analysis, offset)?;
    let mut items =
        Items { analysis, context: &context, settings, list: Vec::new(), docs: Vec::new(), incomplete: false };
    items.fill();
    if items.list.is_empty() {
        return None;
    }
    let list = CompletionList { is_incomplete: items.incomplete, items: items.list };
    Some((CompletionResponse::List(list), items.docs))
}

/// Documentation of an item. Lists run to hundreds of fields, so when the client can ask for
/// documentation later (`completionItem/resolve`) it is rendered only for the item shown.
#[derive(Debug, Clone)]
pub enum Doc {
    None,
    Markdown(String),
    Alias(String),
    Builtin(&'static BuiltinField),
    /// A kind, by name.
    Kind(String),
    Function(&'static FunctionDoc),
    Keyword(&'static str),
}

impl Doc {
    pub fn render(&self, analysis: &Analysis) -> Option<Documentation> {
        let text = match self {
            Doc::None => return None,
            Doc::Markdown(text) => text.clone(),
            Doc::Alias(name) => markup::alias(analysis.catalog().lookup(name)?),
            Doc::Builtin(field) => markup::builtin_field(field),
            Doc::Kind(name) => {
                let kind = analysis.kinds().by_name(name)?;
                markup::kind(kind, analysis.catalog().aliases_of_type(kind.resource_type).len())
            }
            Doc::Function(function) => markup::function(function),
            Doc::Keyword(word) => markup::keyword(word, docs::keyword(word)?),
        };
        Some(markdown(text))
    }
}

/// Sort groups: what the context asks for most comes first.
#[derive(Clone, Copy)]
enum Rank {
    First = 0,
    Second = 1,
    Third = 2,
    Last = 3,
}

struct Items<'a> {
    analysis: &'a Analysis,
    context: &'a Context,
    settings: Settings,
    list: Vec<CompletionItem>,
    /// Documentation left for `completionItem/resolve`, by item index.
    docs: Vec<Doc>,
    incomplete: bool,
}

impl<'a> Items<'a> {
    fn fill(&mut self) {
        match self.context.slot.clone() {
            Slot::Statement => self.statement(),
            Slot::Condition => self.condition(),
            Slot::Member(head) => self.members(&head),
            Slot::Alias => self.full_aliases(),
            Slot::Parameter => self.parameters(Rank::First),
            Slot::Value { lhs } => self.values(lhs.as_deref()),
            Slot::Argument => self.expression(true),
            Slot::Effect => {
                self.effects(false);
                self.parameters(Rank::Second);
            }
            Slot::Mode => self.modes(),
            Slot::ParamType => self.words(ParamType::NAMES, CompletionItemKind::TYPE_PARAMETER, "parameter type"),
            Slot::ParamValue(ty) if ty == "effect" => self.effects(true),
            Slot::ParamValue(_) => {}
            Slot::Roles => self.roles(),
            Slot::MemberPolicy => self.member_policies(),
            Slot::MemberGroups => self.member_groups(),
            Slot::StringValue { lhs, string } => self.string_values(&lhs, string),
            Slot::Nothing => {}
        }
    }

    // ------------------------------------------------------------ ranges and items

    fn word_range(&self) -> Range {
        self.range(self.context.word_start)
    }

    fn range(&self, start: usize) -> Range {
        Range { start: self.analysis.position(start), end: self.analysis.position(self.context.offset) }
    }

    fn push(&mut self, label: &str, kind: CompletionItemKind, detail: Option<String>, doc: Doc, rank: Rank) {
        let range = self.word_range();
        self.push_edit(label, label, range, kind, detail, doc, rank);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_edit(
        &mut self,
        label: &str,
        new_text: &str,
        range: Range,
        kind: CompletionItemKind,
        detail: Option<String>,
        doc: Doc,
        rank: Rank,
    ) {
        let item = CompletionItem { kind: Some(kind), detail, ..CompletionItem::default() };
        self.add(item, label, new_text, range, doc, rank);
    }

    /// Adds an item. Items that replace the word before the cursor leave the range to the
    /// client (it is the word it would replace anyway); that keeps lists of hundreds of fields
    /// small. Others carry their edit.
    fn add(&mut self, mut item: CompletionItem, label: &str, new_text: &str, range: Range, doc: Doc, rank: Rank) {
        item.label = label.to_string();
        item.sort_text = Some((rank as u8).to_string());
        if range == self.word_range() {
            item.insert_text = (new_text != label).then(|| new_text.to_string());
        } else {
            item.text_edit = Some(CompletionTextEdit::Edit(TextEdit { range, new_text: new_text.to_string() }));
        }
        if self.settings.resolve_documentation {
            if !matches!(doc, Doc::None) {
                item.data = Some(serde_json::Value::from(self.docs.len()));
                self.docs.push(doc);
            }
        } else {
            item.documentation = doc.render(self.analysis);
        }
        self.list.push(item);
    }

    /// A snippet (tab stops), or its plain text when the client takes no snippets.
    fn push_snippet(&mut self, label: &str, snippet: &str, kind: CompletionItemKind, doc: Doc, rank: Rank) {
        let (new_text, format) = if self.settings.snippets {
            (snippet.to_string(), InsertTextFormat::SNIPPET)
        } else {
            (plain(snippet), InsertTextFormat::PLAIN_TEXT)
        };
        let item = CompletionItem { kind: Some(kind), insert_text_format: Some(format), ..CompletionItem::default() };
        self.add(item, label, &new_text, self.word_range(), doc, rank);
    }

    fn words(&mut self, words: &[&str], kind: CompletionItemKind, detail: &str) {
        for word in words {
            self.push(word, kind, Some(detail.to_string()), Doc::None, Rank::First);
        }
    }

    fn keyword(&mut self, keyword: &'static str, rank: Rank) {
        self.push(keyword, CompletionItemKind::KEYWORD, None, Doc::Keyword(keyword), rank);
    }

    // ------------------------------------------------------------ statements of each block

    fn statement(&mut self) {
        match self.context.block.clone() {
            Block::TopLevel => self.top_level(),
            Block::Policy => self.policy_body(),
            Block::Initiative => self.initiative_body(),
            Block::ParamAttributes => self.properties(docs::PARAMETER_ATTRIBUTES),
            Block::Group => self.properties(docs::GROUP_PROPERTIES),
            Block::Member => self.properties(docs::MEMBER_PROPERTIES),
            Block::Details(effect) => self.properties(docs::detail_keys(effect.as_deref().unwrap_or_default())),
            Block::Condition => self.condition(),
            Block::Object { key } if key.as_deref() == Some("parameters") => self.member_parameters(),
            Block::Object { .. } => {}
        }
    }

    fn top_level(&mut self) {
        let policy = "policy ${1:name} \"${2:Display name}\" {\n\tmode all\n\twhen ${3:compute} {\n\t\t$0\n\t}\n\tthen ${4:deny}\n}";
        let initiative = "initiative ${1:name} \"${2:Display name}\" {\n\tpolicy ${3:member}\n}";
        let import = "import \"${1:file}.gavel\"";
        let assignment = "assignment ${1:name} \"${2:Display name}\" {\n\tscope \"/providers/Microsoft.Management/managementGroups/${3:group}\"\n\tinitiative ${4:name}\n}";
        let exemption = "exemption ${1:name} \"${2:Display name}\" {\n\tscope \"${3:scope}\"\n\tassignment ${4:name}\n\tcategory ${5:waiver}\n}";
        for (label, snippet) in [
            ("policy", policy),
            ("initiative", initiative),
            ("assignment", assignment),
            ("exemption", exemption),
            ("import", import),
        ] {
            self.push_snippet(label, snippet, CompletionItemKind::SNIPPET, Doc::Keyword(label), Rank::First);
        }
    }

    fn policy_body(&mut self) {
        self.declarations();
        let when = "when ${1:compute} {\n\t$0\n}";
        self.push_snippet("when", when, CompletionItemKind::KEYWORD, Doc::Keyword("when"), Rank::First);
        self.push_snippet(
            "then",
            "then ${1:\\$effect}",
            CompletionItemKind::KEYWORD,
            Doc::Keyword("then"),
            Rank::First,
        );
        for property in docs::POLICY_PROPERTIES {
            self.keyword(property, Rank::Second);
        }
    }

    fn initiative_body(&mut self) {
        self.declarations();
        let member = "policy ${1:name} {\n\tparameters { $0 }\n}";
        self.push_snippet("policy", member, CompletionItemKind::SNIPPET, Doc::Keyword("policy"), Rank::First);
        let group = "group ${1:name} \"${2:Display name}\"";
        self.push_snippet("group", group, CompletionItemKind::SNIPPET, Doc::Keyword("group"), Rank::First);
        for property in docs::POLICY_PROPERTIES.iter().filter(|p| **p != "mode") {
            self.keyword(property, Rank::Second);
        }
    }

    fn declarations(&mut self) {
        let types = ParamType::NAMES.join(",");
        let param = format!("param ${{1:name}} \"${{2:Display name}}\": ${{3|{types}|}}");
        self.push_snippet("param", &param, CompletionItemKind::SNIPPET, Doc::Keyword("param"), Rank::First);
        let effect = "param effect \"Effect\": effect = ${1:Audit} in [${1:Audit}, ${2:Deny}, Disabled]";
        self.push_snippet("param effect", effect, CompletionItemKind::SNIPPET, Doc::Keyword("param"), Rank::First);
    }

    fn properties(&mut self, properties: &[(&str, &str)]) {
        for (name, doc) in properties {
            self.push(name, CompletionItemKind::PROPERTY, None, Doc::Markdown(markup::keyword(name, doc)), Rank::First);
        }
    }

    /// `parameters { … }` of an initiative member: the member policy's parameters.
    fn member_parameters(&mut self) {
        let Some(policy) = self.member_policy() else { return };
        for parameter in &policy.header().parameters {
            let detail = Some(format!("parameter of {}", policy.name().value));
            let label = format!("{}: ", parameter.name.value);
            self.push_edit(
                &parameter.name.value,
                &label,
                self.word_range(),
                CompletionItemKind::FIELD,
                detail,
                parameter.description.as_ref().map_or(Doc::None, |d| Doc::Markdown(d.value.clone())),
                Rank::First,
            );
        }
    }

    fn member_policy(&self) -> Option<&'a Definition> {
        let analysis: &'a Analysis = self.analysis;
        let offset = self.context.offset;
        let (_, Definition::Initiative(initiative)) = analysis.definition_at(offset)? else { return None };
        let member =
            initiative.members.iter().find(|m| m.span.start as usize <= offset && offset <= m.span.end as usize)?;
        let MemberTarget::Policy(name) = &member.target else { return None };
        let units = &analysis.compiled.compilation.units;
        units
            .iter()
            .flat_map(|u| u.module.definitions.iter())
            .find(|d| matches!(d, Definition::Policy(_)) && d.name().value.eq_ignore_ascii_case(&name.value))
    }

    // ------------------------------------------------------------ conditions and values

    fn condition(&mut self) {
        let resource_type = self.context.resource_type.clone();
        if let Some(resource_type) = &resource_type {
            let aliases: Vec<&AliasInfo> = self.analysis.catalog().aliases_of_type(resource_type).collect();
            for alias in aliases {
                self.alias(alias, alias.short_name(), self.word_range(), Rank::First);
            }
        }
        self.builtin_fields(Rank::Second);
        self.kinds(if resource_type.is_some() { Rank::Third } else { Rank::First });
        self.condition_snippets();
        self.parameters(Rank::Last);
        self.functions(Rank::Last);
    }

    fn condition_snippets(&mut self) {
        let snippets = [
            ("all", "all {\n\t$0\n}"),
            ("any", "any {\n\t$0\n}"),
            ("not", "not "),
            ("count", "count(${1:x} in ${2:path}[*] where ${3:condition}) ${4:>=} ${5:1}"),
            ("any in", "any ${1:x} in ${2:path}[*] {\n\t$0\n}"),
            ("all in", "all ${1:x} in ${2:path}[*] {\n\t$0\n}"),
        ];
        for (label, snippet) in snippets {
            let word = label.split(' ').next().unwrap_or(label);
            self.push_snippet(label, snippet, CompletionItemKind::KEYWORD, Doc::Keyword(word), Rank::Third);
        }
    }

    fn alias(&mut self, alias: &AliasInfo, label: &str, range: Range, rank: Rank) {
        let detail = Some(alias.value_type().to_string());
        self.push_edit(
            label,
            label,
            range,
            CompletionItemKind::FIELD,
            detail,
            Doc::Alias(alias.name().to_string()),
            rank,
        );
    }

    fn builtin_fields(&mut self, rank: Rank) {
        for field in BUILTIN_FIELDS {
            let detail = Some(field.value_type.to_string());
            self.push(field.name, CompletionItemKind::FIELD, detail, Doc::Builtin(field), rank);
        }
    }

    fn kinds(&mut self, rank: Rank) {
        let kinds: Vec<(String, String)> =
            self.analysis.kinds().iter().map(|k| (k.name.to_string(), k.resource_type.to_string())).collect();
        for (name, resource_type) in kinds {
            self.push(&name, CompletionItemKind::CLASS, Some(resource_type), Doc::Kind(name.clone()), rank);
        }
        let generic = "resource \"${1:Microsoft.Storage/storageAccounts}\" {\n\t$0\n}";
        self.push_snippet("resource", generic, CompletionItemKind::SNIPPET, Doc::Keyword("resource"), rank);
    }

    /// After `path.`: the short names below the path, relative to it, as the resolver reads
    /// the path's first name here (inside `compute { … }`, `compute.` is a field of the block).
    fn members(&mut self, head: &str) {
        let first = head.split_once('.').map_or(head, |(first, _)| first);
        let names = self.analysis.names_at(self.context.resource_type.as_deref());
        let (resource_type, prefix) = match names.short_names_of(first) {
            Some((resource_type, true)) => (Some(resource_type.to_string()), head),
            Some((resource_type, false)) => {
                (Some(resource_type.to_string()), head.split_once('.').map_or("", |(_, rest)| rest))
            }
            None => (None, head),
        };
        if head.eq_ignore_ascii_case("identity") {
            let range = self.word_range();
            if let Some(field) = BUILTIN_FIELDS.iter().find(|f| f.name == "identity.type") {
                let doc = Doc::Builtin(field);
                self.push_edit("type", "type", range, CompletionItemKind::FIELD, None, doc, Rank::First);
            }
            return;
        }
        let Some(resource_type) = resource_type else { return };
        // The typed text after the head's dot is what the items replace.
        let start = self.context.path_start + head.len() + 1;
        let range = self.range(start.min(self.context.offset));
        let prefix = if prefix.is_empty() { String::new() } else { format!("{prefix}.") };
        let aliases: Vec<&AliasInfo> = self.analysis.catalog().aliases_of_type(&resource_type).collect();
        for alias in aliases {
            let short = alias.short_name();
            let Some(rest) = strip_prefix_ignore_case(short, &prefix) else { continue };
            if !rest.is_empty() {
                self.alias(alias, rest, range, Rank::First);
            }
        }
    }

    /// Full alias names starting with what is typed.
    fn full_aliases(&mut self) {
        let typed = self.context.path(self.analysis).to_string();
        let range = self.range(self.context.path_start);
        let catalog = self.analysis.catalog();
        let starts_typed = |a: &&AliasInfo| strip_prefix_ignore_case(a.name(), &typed).is_some();
        // Once a namespace is typed, only its aliases are candidates: the others are never decoded.
        let mut matches: Vec<&AliasInfo> = match typed.split_once('/') {
            Some((namespace, _)) => catalog
                .resource_types_of(namespace)
                .flat_map(|t| catalog.aliases_of_type(t.name()))
                .filter(starts_typed)
                .collect(),
            None => catalog.iter().filter(starts_typed).collect(),
        };
        matches.sort_by(|a, b| cmp_ignore_case(a.name(), b.name()));
        self.incomplete = matches.len() > ALIAS_LIMIT;
        for alias in matches.into_iter().take(ALIAS_LIMIT) {
            self.alias(alias, alias.name(), range, Rank::First);
        }
    }

    /// Values compared with a field: its enum values, resource types for `type`, booleans.
    fn values(&mut self, lhs: Option<&str>) {
        let field =
            lhs.and_then(|lhs| context::resolve_field(self.analysis, self.context.resource_type.as_deref(), lhs));
        let range = self.word_range();
        for value in field_values(self.analysis, field, "") {
            let quoted = serde_json::to_string(&value).unwrap_or_default();
            self.push_edit(&quoted, &quoted, range, CompletionItemKind::ENUM_MEMBER, None, Doc::None, Rank::First);
        }
        self.expression(false);
    }

    /// Inside the string of a compared value: the values, replacing the string's content.
    fn string_values(&mut self, lhs: &str, string: (usize, usize)) {
        let field = context::resolve_field(self.analysis, self.context.resource_type.as_deref(), lhs);
        let closed = self.analysis.text.get(string.0..string.1).is_some_and(|s| s.len() > 1 && s.ends_with('"'));
        let end = if closed { string.1 - 1 } else { string.1 };
        let range = Range { start: self.analysis.position(string.0 + 1), end: self.analysis.position(end) };
        let typed = self.analysis.text.get(string.0 + 1..self.context.offset.max(string.0 + 1)).unwrap_or_default();
        for value in field_values(self.analysis, field, typed) {
            self.push_edit(&value, &value, range, CompletionItemKind::ENUM_MEMBER, None, Doc::None, Rank::First);
        }
    }

    /// An argument or any other expression: parameters, functions, literals, and (as
    /// arguments) the fields in scope.
    fn expression(&mut self, fields: bool) {
        self.parameters(Rank::Second);
        self.functions(Rank::Third);
        if let Some(resource_type) = self.context.resource_type.clone().filter(|_| fields) {
            let aliases: Vec<&AliasInfo> = self.analysis.catalog().aliases_of_type(&resource_type).collect();
            for alias in aliases {
                self.alias(alias, alias.short_name(), self.word_range(), Rank::Last);
            }
        }
        for literal in ["true", "false", "null"] {
            self.push(literal, CompletionItemKind::CONSTANT, None, Doc::None, Rank::Last);
        }
    }

    fn functions(&mut self, rank: Rank) {
        for function in docs::FUNCTIONS {
            let arguments: Vec<String> = function
                .params
                .iter()
                .filter(|p| **p != "…")
                .enumerate()
                .map(|(i, p)| format!("${{{}:{p}}}", i + 1))
                .collect();
            let snippet = format!("{}({})", function.name, arguments.join(", "));
            self.push_snippet(function.name, &snippet, CompletionItemKind::FUNCTION, Doc::Function(function), rank);
            if let Some(item) = self.list.last_mut() {
                item.detail = Some(function.signature());
            }
        }
    }

    /// The parameters of the definition at the cursor, as `$name`.
    fn parameters(&mut self, rank: Rank) {
        let Some((owner, definition)) = self.analysis.definition_at(self.context.offset) else { return };
        let start = if self.context.dollar { self.context.word_start - 1 } else { self.context.word_start };
        let range = self.range(start);
        for parameter in &definition.header().parameters {
            let label = format!("${}", parameter.name.value);
            let detail = Some(parameter.ty.value.json_name().to_string());
            let symbol = self.analysis.symbols().parameter(owner, &parameter.name.value);
            let declaration = symbol
                .and_then(|_| self.analysis.compiled.compilation.sources.get(parameter.span.file))
                .and_then(|f| f.text.get(parameter.span.range()))
                .and_then(|t| t.lines().next())
                .unwrap_or_default();
            let doc = Doc::Markdown(markup::parameter(parameter, declaration));
            self.push_edit(&label, &label, range, CompletionItemKind::VARIABLE, detail, doc, rank);
        }
    }

    fn effects(&mut self, capitalized: bool) {
        for (name, doc) in docs::EFFECTS {
            let label = if capitalized { capitalize(name) } else { name.to_string() };
            let doc = Doc::Markdown(markup::effect(name, doc));
            self.push(&label, CompletionItemKind::ENUM_MEMBER, Some("effect".into()), doc, Rank::First);
        }
    }

    fn modes(&mut self) {
        for mode in ["all", "indexed"] {
            self.push(
                mode,
                CompletionItemKind::ENUM_MEMBER,
                Some("Resource Manager mode".into()),
                Doc::None,
                Rank::First,
            );
        }
        for mode in PROVIDER_MODES {
            self.push(
                mode,
                CompletionItemKind::ENUM_MEMBER,
                Some("resource-provider mode".into()),
                Doc::None,
                Rank::Second,
            );
        }
    }

    fn roles(&mut self) {
        // All 644 built-in roles; the ones remediation needs most often first.
        for role in ROLES {
            let doc = Doc::Markdown(format!("**{}**\n\n`{}`", role.display_name, role.guid));
            let rank = if COMMON.contains(&role.name) { Rank::First } else { Rank::Second };
            self.push(role.name, CompletionItemKind::ENUM_MEMBER, Some(role.display_name.into()), doc, rank);
        }
    }

    fn member_policies(&mut self) {
        let units = &self.analysis.compiled.compilation.units;
        let policies: Vec<(String, Option<String>)> = units
            .iter()
            .flat_map(|u| u.module.definitions.iter())
            .filter(|d| matches!(d, Definition::Policy(_)))
            .map(|d| (d.name().value.clone(), d.header().display_name.as_ref().map(|n| n.value.clone())))
            .collect();
        for (name, display) in policies {
            self.push(&name, CompletionItemKind::MODULE, display, Doc::None, Rank::First);
        }
    }

    fn member_groups(&mut self) {
        let Some((_, Definition::Initiative(initiative))) = self.analysis.definition_at(self.context.offset) else {
            return;
        };
        let groups: Vec<(String, Option<String>)> = initiative
            .groups
            .iter()
            .map(|g| (g.name.value.clone(), g.display_name.as_ref().map(|n| n.value.clone())))
            .collect();
        for (name, display) in groups {
            self.push(&name, CompletionItemKind::ENUM_MEMBER, display, Doc::None, Rank::First);
        }
    }
}

/// The values a field takes: its enum, the resource types for `type` (of the namespace already
/// typed, if any: all of Azure's would be thousands), booleans.
fn field_values(analysis: &Analysis, field: Option<FieldInfo<'_>>, typed: &str) -> Vec<String> {
    match field {
        Some(FieldInfo::Alias(alias)) if alias.enum_values().len() > 0 => {
            alias.enum_values().map(String::from).collect()
        }
        Some(FieldInfo::Builtin(field)) if field.name == "type" => {
            let catalog = analysis.catalog();
            let namespace = typed.split_once('/').map(|(namespace, _)| namespace);
            let mut types: Vec<String> = match namespace {
                Some(namespace) => catalog.resource_types_of(namespace).map(|t| t.name().to_string()).collect(),
                None => catalog.resource_types().map(|t| t.name().to_string()).collect(),
            };
            let kind_types = analysis.kinds().iter().map(|k| k.resource_type.to_string());
            types.extend(kind_types.filter(|t| namespace.is_none_or(|ns| namespace_of(t).eq_ignore_ascii_case(ns))));
            types.sort_by(|a, b| cmp_ignore_case(a, b));
            types.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
            types
        }
        Some(FieldInfo::Builtin(field)) => field.enum_values.iter().map(|v| v.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..).unwrap_or_default())
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value })
}

/// A snippet as plain text: placeholders keep their default text, tab stops go.
fn plain(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                let mut inner = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    inner.push(c);
                }
                let text = inner.split_once(':').map(|(_, t)| t.replace('\\', ""));
                let choice = inner.split_once('|').and_then(|(_, c)| c.split([',', '|']).next().map(str::to_string));
                out.push_str(&text.or(choice).unwrap_or_default());
            }
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_read_as_plain_text() {
        assert_eq!(plain("length(${1:value})"), "length(value)");
        assert_eq!(plain("when ${1:compute} {\n\t$0\n}"), "when compute {\n\t\n}");
        assert_eq!(plain("then ${1:\\$effect}"), "then $effect");
        assert_eq!(plain(": ${3|string,array|}"), ": string");
    }
}
