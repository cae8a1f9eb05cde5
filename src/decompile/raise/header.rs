//! Policies and initiatives: header properties, parameters, groups and members.

use super::Raiser;
use super::expr::Position;
use crate::ast::lower::fields::Scope;
use crate::ast::{Expr, Group, Header, Initiative, Member, MemberTarget, Mode, ParamType, Parameter, Policy, Spanned};
use crate::fmt::{DOC_WIDTH, lexical};
use crate::syntax::span::Span;
use crate::syntax::tree::{self, BodyItem, Name, Property};

/// Indentation of items inside a definition, for wrapping their doc comments.
const ITEM_INDENT: usize = 4;

impl Raiser {
    pub(super) fn policy(&mut self, policy: &Policy, ident: &str) -> tree::Block {
        let header = &policy.header;
        let params: Vec<String> = header.parameters.iter().map(|p| p.name.value.clone()).collect();
        let scope = Scope::new(&params);
        let (start, name, display_name, mut body) = self.header(header, ident, Some(&policy.mode.value));
        self.blank();
        if matches!(policy.condition, crate::ast::Condition::Raw { .. }) {
            self.comment("// kept as JSON: gavel has no syntax for this condition");
        }
        let keyword = self.leaf();
        let condition = self.cond(&policy.condition, &scope);
        body.push(BodyItem::When { keyword, condition });
        let target = crate::ast::lower::primary_type(&policy.condition);
        if let Some(then) = self.then(&policy.effect, &header.parameters, &scope, target.as_deref()) {
            body.push(BodyItem::Then(Box::new(then)));
        }
        let span = self.close(start);
        tree::Block { keyword: self.keyword_span(start), name, display_name, body, span }
    }

    pub(super) fn initiative(&mut self, initiative: &Initiative, ident: &str) -> tree::Block {
        let header = &initiative.header;
        let params: Vec<String> = header.parameters.iter().map(|p| p.name.value.clone()).collect();
        let scope = Scope::new(&params);
        let (start, name, display_name, mut body) = self.header(header, ident, None);
        self.groups(&initiative.groups, &mut body);
        for member in &initiative.members {
            self.blank();
            body.push(self.member(member, &scope));
        }
        let span = self.close(start);
        tree::Block { keyword: self.keyword_span(start), name, display_name, body, span }
    }

    fn keyword_span(&self, start: u32) -> Span {
        Span::new(self.file, start as usize, start as usize + 1)
    }

    /// The doc comment, the keyword's position, name and display name, and the header items
    /// (properties, then parameters).
    fn header(
        &mut self,
        header: &Header,
        ident: &str,
        mode: Option<&Mode>,
    ) -> (u32, Name, Option<tree::Literal>, Vec<BodyItem>) {
        let doc = self.doc_comment(header.description.as_ref(), 0);
        let start = self.open();
        let name = self.name(ident);
        let display_name = header.display_name.as_ref().map(|d| self.string(&d.value, false));
        let mut body = Vec::new();
        if !header.name.value.is_empty() && header.name.value != ident {
            body.push(self.string_property("name", &header.name.value));
        }
        if let (Some(description), false) = (&header.description, doc) {
            body.push(self.string_property("description", &description.value));
        }
        if let Some(mode) = mode {
            body.push(BodyItem::Property(self.mode(mode)));
        }
        for (key, value) in [("version", &header.version), ("category", &header.category)] {
            if let Some(value) = value {
                body.push(self.string_property(key, &value.value));
            }
        }
        for (key, flag) in [("preview", header.preview), ("deprecated", header.deprecated)] {
            if flag.is_some() {
                body.push(BodyItem::Property(self.property(key, None)));
            }
        }
        if let Some(metadata) = self.entries_object(&header.metadata) {
            body.push(BodyItem::Property(self.property("metadata", Some(metadata))));
        }
        if let Some(extra) = self.extra(&header.extra, "properties") {
            body.push(BodyItem::Property(extra));
        }
        for parameter in &header.parameters {
            self.blank();
            body.push(BodyItem::Param(Box::new(self.parameter(parameter))));
        }
        (start, name, display_name, body)
    }

    /// `///` lines for a plain one-paragraph description; false when it has to be a property.
    fn doc_comment(&mut self, description: Option<&Spanned<String>>, indent: usize) -> bool {
        let Some(lines) = description.and_then(|d| lexical::doc_comment_lines(&d.value, DOC_WIDTH - indent)) else {
            return false;
        };
        for line in lines {
            self.comment(line);
        }
        true
    }

    fn string_property(&mut self, key: &str, value: &str) -> BodyItem {
        let start = self.open();
        let key = Name { text: key.to_string(), span: Span::new(self.file, start as usize, start as usize + 1) };
        let value = self.string_expr(value, false);
        BodyItem::Property(Property { key, value: Some(value), span: self.close(start) })
    }

    fn mode(&mut self, mode: &Mode) -> Property {
        let start = self.open();
        let key = Name { text: "mode".into(), span: Span::new(self.file, start as usize, start as usize + 1) };
        let value = match mode {
            Mode::All => self.word("all"),
            Mode::Indexed => self.word("indexed"),
            Mode::Provider(name) if crate::ast::PROVIDER_MODES.contains(&name.as_str()) => self.dotted(name),
            Mode::Provider(name) => self.string_expr(name, false),
        };
        Property { key, value: Some(value), span: self.close(start) }
    }

    /// `Microsoft.MachineLearningServices.v2.Data` as a dotted path.
    fn dotted(&mut self, text: &str) -> tree::Expr {
        let start = self.open();
        let mut words = text.split('.');
        let head = self.name(words.next().unwrap_or_default());
        let segments = words.map(|w| tree::Segment::Member(self.name(w))).collect();
        tree::Expr::Path(tree::Path { head: tree::PathHead::Name(head), segments, span: self.close(start) })
    }

    /// `{ key: value, … }` of raw entries (metadata), or nothing when there are none.
    pub(super) fn entries_object(&mut self, entries: &[(Spanned<String>, Expr)]) -> Option<tree::Expr> {
        if entries.is_empty() {
            return None;
        }
        let map: serde_json::Map<String, serde_json::Value> =
            entries.iter().map(|(k, v)| (k.value.clone(), crate::emit::expr::value(v))).collect();
        Some(self.json(&serde_json::Value::Object(map)))
    }

    /// `json { … }` for keys gavel has no syntax for, with a comment saying so.
    pub(super) fn extra(&mut self, extra: &[(Spanned<String>, Expr)], what: &str) -> Option<Property> {
        if extra.is_empty() {
            return None;
        }
        // Members repeat: one comment per member would be noise.
        if !what.is_empty() {
            self.comment(format!("// kept as JSON: {what} gavel has no syntax for"));
        }
        let start = self.open();
        let key = Name { text: "json".into(), span: Span::new(self.file, start as usize, start as usize + 1) };
        let map = extra.iter().map(|(k, v)| (k.value.clone(), crate::emit::expr::value(v))).collect();
        let value = self.raw_json(serde_json::Value::Object(map));
        Some(Property { key, value: Some(value), span: self.close(start) })
    }

    fn parameter(&mut self, param: &Parameter) -> tree::Param {
        let doc = self.doc_comment(param.description.as_ref(), ITEM_INDENT);
        let start = self.open();
        let keyword = Span::new(self.file, start as usize, start as usize + 1);
        let name = self.name(&lexical::escape(&param.name.value, false));
        // A display name that would push the declaration past the line goes in the block.
        let head = format!("param {}: {}", param.name.value, type_name(param.ty.value));
        let inline = param.display_name.as_ref().filter(|d| head.len() + d.value.len() + 3 <= DOC_WIDTH - ITEM_INDENT);
        let display_name = inline.map(|d| self.string(&d.value, false));
        let ty = self.name(type_name(param.ty.value));
        let effect = param.ty.value == ParamType::Effect;
        let default = param.default.as_ref().map(|d| self.param_value(d, effect));
        let allowed = param.allowed.as_ref().map(|a| self.param_value(a, effect));
        let mut attributes = Vec::new();
        if let (Some(display), None) = (&param.display_name, inline) {
            attributes.push(self.attribute_string("display", &display.value));
        }
        if let (Some(description), false) = (&param.description, doc) {
            attributes.push(self.attribute_string("description", &description.value));
        }
        if let Some(strong_type) = &param.strong_type {
            attributes.push(self.attribute_string("strongType", &strong_type.value));
        }
        for (key, flag) in [("assignPermissions", &param.assign_permissions), ("deprecated", &param.deprecated)] {
            if let Some(flag) = flag {
                let value = self.json(&serde_json::Value::Bool(flag.value));
                attributes.push(self.property(key, Some(value)));
            }
        }
        if let Some(schema) = &param.schema {
            let value = self.json(&crate::emit::expr::value(schema));
            attributes.push(self.property("schema", Some(value)));
        }
        if let Some(metadata) = self.entries_object(&param.metadata) {
            attributes.push(self.property("metadata", Some(metadata)));
        }
        attributes.extend(self.extra(&param.extra, "parameter keys"));
        let span = self.close(start);
        tree::Param { keyword, name, display_name, ty, default, allowed, attributes, span }
    }

    pub(super) fn attribute_string(&mut self, key: &str, value: &str) -> Property {
        let value = self.string_expr(value, false);
        self.property(key, Some(value))
    }

    /// A default or allowed values: JSON, with effect names bare in effect parameters.
    fn param_value(&mut self, value: &Expr, effect: bool) -> tree::Expr {
        let json = crate::emit::expr::value(value);
        match (&json, effect) {
            (serde_json::Value::String(s), true) if lexical::is_ident(s) => self.word(s),
            (serde_json::Value::Array(items), true) => {
                let start = self.open();
                let items = items
                    .iter()
                    .map(|item| match item.as_str() {
                        Some(s) if lexical::is_ident(s) => self.word(s),
                        _ => self.json(item),
                    })
                    .collect();
                tree::Expr::Array(items, self.close(start))
            }
            _ => self.json(&json),
        }
    }

    fn groups(&mut self, groups: &[Group], body: &mut Vec<BodyItem>) {
        if groups.iter().any(|g| !lexical::is_any_name(&g.name.value)) {
            let json = serde_json::Value::Array(groups.iter().map(group_json).collect());
            self.blank();
            self.comment("// kept as JSON: group names gavel cannot write as names");
            let start = self.open();
            let key = Name { text: "json".into(), span: Span::new(self.file, start as usize, start as usize + 1) };
            let mut map = serde_json::Map::new();
            map.insert("policyDefinitionGroups".into(), json);
            let value = self.raw_json(serde_json::Value::Object(map));
            body.push(BodyItem::Property(Property { key, value: Some(value), span: self.close(start) }));
            return;
        }
        for group in groups {
            self.blank();
            let start = self.open();
            let name = self.name(&group.name.value);
            let display_name = group.display_name.as_ref().map(|d| self.string(&d.value, false));
            let mut properties = Vec::new();
            for (key, value) in [
                ("category", &group.category),
                ("description", &group.description),
                ("additionalMetadataId", &group.additional_metadata_id),
            ] {
                if let Some(value) = value {
                    properties.push(self.attribute_string(key, &value.value));
                }
            }
            properties.extend(self.extra(&group.extra, "group keys"));
            body.push(BodyItem::Group { name, display_name, body: properties, span: self.close(start) });
        }
    }

    fn member(&mut self, member: &Member, scope: &Scope<'_>) -> BodyItem {
        let start = self.open();
        let (target, default_reference) = match &member.target {
            MemberTarget::Id(id) => {
                let default = id.value.rsplit('/').next().unwrap_or_default().to_string();
                (tree::MemberTarget::Id(self.string(&id.value, false)), default)
            }
            MemberTarget::Policy(name) => (tree::MemberTarget::Name(self.name(&name.value)), name.value.clone()),
        };
        let mut body = Vec::new();
        if let Some(reference) = member.reference_id.as_ref().filter(|r| r.value != default_reference) {
            body.push(self.attribute_string("reference", &reference.value));
        }
        if let Some(version) = &member.definition_version {
            body.push(self.attribute_string("version", &version.value));
        }
        if !member.parameters.is_empty() {
            let value = self.member_parameters(&member.parameters, scope);
            body.push(self.property("parameters", Some(value)));
        }
        if !member.groups.is_empty() {
            let group_start = self.open();
            let names =
                member
                    .groups
                    .iter()
                    .map(|g| {
                        if lexical::is_ident(&g.value) {
                            self.word(&g.value)
                        } else {
                            self.string_expr(&g.value, false)
                        }
                    })
                    .collect();
            let value = tree::Expr::Array(names, self.close(group_start));
            body.push(self.property("groups", Some(value)));
        }
        body.extend(self.extra(&member.extra, ""));
        BodyItem::Member { target, body, span: self.close(start) }
    }

    pub(super) fn member_parameters(
        &mut self,
        parameters: &[(Spanned<String>, Expr)],
        scope: &Scope<'_>,
    ) -> tree::Expr {
        let start = self.open();
        let mut entries = Vec::with_capacity(parameters.len());
        for (key, value) in parameters {
            let key = self.key(&key.value);
            entries.push((key, self.value_expr(value, scope, Position::Expr)));
        }
        tree::Expr::Object(entries, self.close(start))
    }
}

fn type_name(ty: ParamType) -> &'static str {
    match ty {
        ParamType::String => "string",
        ParamType::Array => "array",
        ParamType::Object => "object",
        ParamType::Boolean => "boolean",
        ParamType::Integer => "integer",
        ParamType::Float => "float",
        ParamType::DateTime => "dateTime",
        ParamType::Effect => "effect",
    }
}

/// A group as the emitter writes it.
fn group_json(group: &Group) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert("name".into(), group.name.value.clone().into());
    for (key, value) in [
        ("category", &group.category),
        ("displayName", &group.display_name),
        ("description", &group.description),
        ("additionalMetadataId", &group.additional_metadata_id),
    ] {
        if let Some(value) = value {
            out.insert(key.into(), value.value.clone().into());
        }
    }
    for (key, value) in &group.extra {
        out.insert(key.value.clone(), crate::emit::expr::value(value));
    }
    serde_json::Value::Object(out)
}
