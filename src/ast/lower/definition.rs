//! Policies and initiatives: properties, parameters, rule, members and groups.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::Lowerer;
use super::fields::Scope;
use crate::ast::{
    Condition, Expr, Group, Header, Initiative, Member, MemberTarget, Mode, PROVIDER_MODES, ParamType, Parameter,
    Policy, Spanned,
};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::syntax::span::Span;
use crate::syntax::tree::{self, BodyItem, Property};

const HEADER_KEYS: &[&str] =
    &["name", "display", "description", "version", "category", "preview", "deprecated", "metadata", "json"];

/// The error for a `metadata` that is not an object: message and help.
const METADATA_SHAPE: (&str, &str) = ("`metadata` takes an object", "write `metadata { key: \"value\" }`");

impl Lowerer<'_> {
    pub(crate) fn policy(&mut self, block: &tree::Block) -> Option<Policy> {
        let mut header = self.header(block);
        let param_names: Vec<String> = header.parameters.iter().map(|p| p.name.value.clone()).collect();
        let scope = Scope::new(&param_names);
        let mut mode: Option<Spanned<Mode>> = None;
        let mut condition: Option<(Condition, Option<String>)> = None;
        let mut effect = None;
        let mut then_spans: Vec<Span> = Vec::new();
        let mut when_spans: Vec<Span> = Vec::new();
        for item in &block.body {
            match item {
                BodyItem::Property(property) if property.key.text == "mode" => {
                    if let Some(first) = &mode {
                        self.duplicate(&property.key, first.span);
                    } else {
                        mode = self.mode(property);
                    }
                }
                BodyItem::When { keyword, condition: cond } => {
                    when_spans.push(*keyword);
                    if when_spans.len() > 1 {
                        self.duplicate_clause("when", *keyword, when_spans[0]);
                        continue;
                    }
                    if let Some(lowered) = self.condition(cond, &scope) {
                        let target = primary_type(&lowered);
                        condition = Some((lowered, target));
                    }
                }
                BodyItem::Then(spec) => {
                    then_spans.push(spec.keyword);
                    if then_spans.len() > 1 {
                        self.duplicate_clause("then", spec.keyword, then_spans[0]);
                        continue;
                    }
                    // The rule's `when` may come after `then`; operations need its kind.
                    let target =
                        condition.as_ref().and_then(|(_, t)| t.clone()).or_else(|| self.target_type_of(block, &scope));
                    effect = self.effect(spec, &header.parameters, &scope, target.as_deref());
                }
                BodyItem::Group { span, .. } | BodyItem::Member { span, .. } => {
                    self.error(
                        Code::UnknownProperty,
                        *span,
                        "groups and member policies belong to initiatives",
                        "move this into an `initiative { … }`",
                    );
                }
                BodyItem::Property(_) | BodyItem::Param(_) | BodyItem::Error(_) => {}
            }
        }
        if when_spans.is_empty() || then_spans.is_empty() {
            let missing = if when_spans.is_empty() { "when" } else { "then" };
            self.report(
                Diagnostic::new(
                    Code::MissingRule,
                    block.name.span,
                    format!("policy `{}` has no `{missing}`", block.name.text),
                )
                .with_help(format!("add `{missing} …` to the policy body")),
            );
            return None;
        }
        let (condition, _) = condition?;
        let effect = effect?;
        let mode = mode.unwrap_or_else(|| Spanned::new(Mode::All, block.name.span));
        header.span = block.span;
        Some(Policy { header, mode, condition, effect })
    }

    /// The `when` of a block lowered quietly, to learn the kind it guards on.
    fn target_type_of(&mut self, block: &tree::Block, scope: &Scope<'_>) -> Option<String> {
        let cond = block.body.iter().find_map(|item| match item {
            BodyItem::When { condition, .. } => Some(condition),
            _ => None,
        })?;
        let reported = self.diagnostics.len();
        let lowered = self.condition(cond, scope);
        self.diagnostics.truncate(reported);
        primary_type(&lowered?)
    }

    pub(crate) fn initiative(&mut self, block: &tree::Block) -> Option<Initiative> {
        let mut header = self.header(block);
        header.span = block.span;
        let param_names: Vec<String> = header.parameters.iter().map(|p| p.name.value.clone()).collect();
        let scope = Scope::new(&param_names);
        let mut groups = Vec::new();
        let mut members = Vec::new();
        for item in &block.body {
            match item {
                BodyItem::Group { name, display_name, body, span } => {
                    groups.extend(self.group(name, display_name.as_ref(), body, *span));
                }
                BodyItem::Member { target, body, span } => {
                    members.extend(self.member(target, body, *span, &scope));
                }
                BodyItem::When { keyword, .. } => {
                    self.error(
                        Code::UnknownProperty,
                        *keyword,
                        "an initiative has no rule of its own",
                        "put the rule in a policy and add it with `policy name`",
                    );
                }
                BodyItem::Then(spec) => {
                    self.error(
                        Code::UnknownProperty,
                        spec.keyword,
                        "an initiative has no effect of its own",
                        "set member effects through parameters",
                    );
                }
                BodyItem::Property(property) if property.key.text == "mode" => {
                    self.error(
                        Code::UnknownProperty,
                        property.key.span,
                        "an initiative has no mode",
                        "remove it; each member policy has its own mode",
                    );
                }
                _ => {}
            }
        }
        Some(Initiative { header, groups, members, definition_scope: None })
    }

    /// Properties and parameters shared by policies and initiatives.
    fn header(&mut self, block: &tree::Block) -> Header {
        let mut header = Header {
            name: Spanned::new(block.name.text.clone(), block.name.span),
            span: block.span,
            ..Header::default()
        };
        if let Some(display) = &block.display_name {
            header.display_name = self.plain_string(display).map(|s| Spanned::new(s, display.span));
        }
        if let Some(doc) = self.doc_comment(block.keyword) {
            header.description = Some(Spanned::new(doc, block.keyword));
        }
        // Where each property and parameter was first given: one look-up per item.
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut declared: HashMap<String, Span> = HashMap::new();
        for item in &block.body {
            match item {
                BodyItem::Property(property) if property.key.text != "mode" => {
                    if let Some(first) = seen.get(property.key.text.as_str()) {
                        self.duplicate(&property.key, *first);
                        continue;
                    }
                    seen.insert(&property.key.text, property.key.span);
                    self.header_property(&mut header, property);
                }
                BodyItem::Param(param) => {
                    if let Some(param) = self.parameter(param) {
                        match declared.entry(param.name.value.to_ascii_lowercase()) {
                            Entry::Occupied(first) => {
                                self.report(
                                    Diagnostic::new(
                                        Code::DuplicateParameter,
                                        param.name.span,
                                        format!("parameter `{}` is declared twice", param.name.value),
                                    )
                                    .with_label(*first.get(), "first declared here")
                                    .with_help("parameter names are case-insensitive; rename one of them"),
                                );
                                continue;
                            }
                            Entry::Vacant(slot) => {
                                slot.insert(param.name.span);
                            }
                        }
                        header.parameters.push(param);
                    }
                }
                _ => {}
            }
        }
        // Parameters are large and most definitions have one or two: no spare capacity.
        header.parameters.shrink_to_fit();
        header
    }

    fn header_property(&mut self, header: &mut Header, property: &Property) {
        let span = property.key.span;
        match property.key.text.as_str() {
            "preview" => header.preview = Some(span),
            "deprecated" => header.deprecated = Some(span),
            "json" => {
                if let Some(value) = &property.value {
                    header.extra.extend(self.raw_entries(value));
                }
            }
            "metadata" => {
                let Some(value) = &property.value else { return };
                let json = self.literal_json(value, false);
                if let Some(entries) = self.object_entries(value, json, METADATA_SHAPE) {
                    header.metadata = entries;
                }
            }
            key => {
                let Some(text) = self.property_string(property) else {
                    return;
                };
                let text = Some(Spanned::new(text, property.span));
                match key {
                    "name" => header.definition_name = text,
                    "display" => {
                        if header.display_name.is_some() {
                            self.duplicate(&property.key, header.display_name.as_ref().map_or(span, |d| d.span));
                        }
                        header.display_name = text;
                    }
                    "description" => header.description = text,
                    "version" => header.version = text,
                    "category" => header.category = text,
                    _ => self.unknown_property(&property.key, HEADER_KEYS),
                }
            }
        }
    }

    /// A property whose value must be a plain string.
    fn property_string(&mut self, property: &Property) -> Option<String> {
        match property.value.as_ref()? {
            tree::Expr::Literal(literal @ tree::Literal { kind: tree::LiteralKind::String(_), .. }) => {
                self.plain_string(literal)
            }
            other => {
                self.error(
                    Code::InvalidLiteral,
                    other.span(),
                    format!("`{}` takes a string", property.key.text),
                    "write the value in double quotes",
                );
                None
            }
        }
    }

    fn mode(&mut self, property: &Property) -> Option<Spanned<Mode>> {
        let value = property.value.as_ref()?;
        let (text, span) = match value {
            // From the path's words, not its source text: whitespace and comments may sit
            // between them.
            tree::Expr::Path(path) => (dotted_text(path), path.span),
            tree::Expr::Literal(literal) => (self.plain_string(literal)?, literal.span),
            other => (String::new(), other.span()),
        };
        let mode = if text.eq_ignore_ascii_case("all") {
            Mode::All
        } else if text.eq_ignore_ascii_case("indexed") {
            Mode::Indexed
        } else if let Some(known) = PROVIDER_MODES.iter().find(|m| m.eq_ignore_ascii_case(&text)) {
            Mode::Provider((*known).to_string())
        } else if matches!(value, tree::Expr::Literal(_)) && !text.is_empty() {
            // Written as a string: passed through, for modes newer than gavel.
            Mode::Provider(text)
        } else {
            let candidates = ["all", "indexed"].into_iter().chain(PROVIDER_MODES.iter().copied());
            let mut diagnostic = Diagnostic::new(Code::UnknownMode, span, format!("`{text}` is not a policy mode"));
            diagnostic = diagnostic.with_suggestion(
                span,
                did_you_mean(&text, candidates),
                "use `all`, `indexed` or a resource-provider mode such as `Microsoft.MachineLearningServices.v2.Data`",
            );
            self.report(diagnostic);
            return None;
        };
        Some(Spanned::new(mode, span))
    }

    fn parameter(&mut self, param: &tree::Param) -> Option<Parameter> {
        let ty = match ParamType::parse(&param.ty.text) {
            Some(ty) => ty,
            None => {
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownParameterType,
                    param.ty.span,
                    format!("`{}` is not a parameter type", param.ty.text),
                );
                diagnostic = diagnostic.with_suggestion(
                    param.ty.span,
                    did_you_mean(&param.ty.text, ParamType::NAMES.iter().copied()),
                    "types: string, array, object, boolean, integer, float, dateTime, effect",
                );
                self.report(diagnostic);
                return None;
            }
        };
        let bare_words = ty == ParamType::Effect;
        let name = self.quoted_name(&param.name)?;
        let mut lowered =
            Parameter::new(Spanned::new(name, param.name.span), Spanned::new(ty, param.ty.span), param.span);
        lowered.description = self.doc_comment(param.keyword).map(|d| Spanned::new(d, param.keyword));
        if let Some(display) = &param.display_name {
            lowered.display_name = self.plain_string(display).map(|s| Spanned::new(s, display.span));
        }
        if let Some(default) = &param.default {
            lowered.default = self.param_value(default, bare_words);
        }
        if let Some(allowed) = &param.allowed {
            if !matches!(allowed, tree::Expr::Array(..)) {
                self.error(
                    Code::InvalidLiteral,
                    allowed.span(),
                    "allowed values are a list",
                    "write `in [\"a\", \"b\"]`",
                );
            }
            lowered.allowed = self.param_value(allowed, bare_words);
        }
        for attribute in &param.attributes {
            self.parameter_attribute(&mut lowered, attribute);
        }
        Some(lowered)
    }

    fn param_value(&mut self, expr: &tree::Expr, bare_words: bool) -> Option<Expr> {
        if !bare_words && let Some(word) = super::expr::bare_word(expr) {
            self.report(
                Diagnostic::new(Code::InvalidLiteral, word.span, format!("`{}` is a bare word", word.text))
                    .with_help("bare words are allowed only for `effect` parameters; quote the string")
                    .with_fix("quote it", word.span, format!("\"{}\"", word.text)),
            );
            return None;
        }
        let json = self.literal_json(expr, bare_words)?;
        Some(Expr::Raw(json, expr.span()))
    }

    fn parameter_attribute(&mut self, param: &mut Parameter, attribute: &Property) {
        const KEYS: &[&str] =
            &["display", "description", "strongType", "assignPermissions", "deprecated", "schema", "metadata", "json"];
        let Some(value) = &attribute.value else {
            return;
        };
        let span = attribute.span;
        match attribute.key.text.as_str() {
            "display" | "displayName" => {
                param.display_name = self.attribute_string(value).map(|s| Spanned::new(s, span))
            }
            "description" => param.description = self.attribute_string(value).map(|s| Spanned::new(s, span)),
            "strongType" => param.strong_type = self.attribute_string(value).map(|s| Spanned::new(s, span)),
            "assignPermissions" => param.assign_permissions = self.attribute_bool(value).map(|b| Spanned::new(b, span)),
            "deprecated" => param.deprecated = self.attribute_bool(value).map(|b| Spanned::new(b, span)),
            "schema" => param.schema = self.json(value).map(|json| Expr::Raw(json, value.span())),
            "json" => param.extra.extend(self.raw_entries(value)),
            "metadata" => {
                let json = self.json(value);
                if let Some(entries) = self.object_entries(value, json, METADATA_SHAPE) {
                    param.metadata = entries;
                }
            }
            _ => self.unknown_property(&attribute.key, KEYS),
        }
    }

    /// A string, or a bare word taken as one.
    pub(crate) fn attribute_string(&mut self, value: &tree::Expr) -> Option<String> {
        if let Some(word) = super::expr::bare_word(value) {
            return Some(word.text.clone());
        }
        match self.json(value)? {
            serde_json::Value::String(s) => Some(s),
            _ => {
                self.error(Code::InvalidLiteral, value.span(), "expected a string", "write the value in double quotes");
                None
            }
        }
    }

    fn attribute_bool(&mut self, value: &tree::Expr) -> Option<bool> {
        match self.json(value)? {
            serde_json::Value::Bool(b) => Some(b),
            _ => {
                self.error(Code::InvalidLiteral, value.span(), "expected `true` or `false`", "write `true` or `false`");
                None
            }
        }
    }

    fn group(
        &mut self,
        name: &tree::Name,
        display: Option<&tree::Literal>,
        body: &[Property],
        span: Span,
    ) -> Option<Group> {
        let mut group = Group {
            name: Spanned::new(name.text.clone(), name.span),
            display_name: display.and_then(|d| self.plain_string(d).map(|s| Spanned::new(s, d.span))),
            category: None,
            description: None,
            additional_metadata_id: None,
            extra: Vec::new(),
            span,
        };
        for property in body {
            let Some(value) = &property.value else {
                continue;
            };
            if property.key.text == "json" {
                group.extra.extend(self.raw_entries(value));
                continue;
            }
            let text = self.attribute_string(value).map(|s| Spanned::new(s, property.span));
            match property.key.text.as_str() {
                "display" | "displayName" => group.display_name = text,
                "category" => group.category = text,
                "description" => group.description = text,
                "additionalMetadataId" => group.additional_metadata_id = text,
                _ => self.unknown_property(
                    &property.key,
                    &["display", "category", "description", "additionalMetadataId", "json"],
                ),
            }
        }
        Some(group)
    }

    fn member(
        &mut self,
        target: &tree::MemberTarget,
        body: &[Property],
        span: Span,
        scope: &Scope<'_>,
    ) -> Option<Member> {
        let target = match target {
            tree::MemberTarget::Name(name) => MemberTarget::Policy(Spanned::new(name.text.clone(), name.span)),
            tree::MemberTarget::Id(literal) => {
                MemberTarget::Id(Spanned::new(self.plain_string(literal)?, literal.span))
            }
        };
        let mut member = Member {
            target,
            reference_id: None,
            parameters: Vec::new(),
            groups: Vec::new(),
            definition_version: None,
            extra: Vec::new(),
            span,
        };
        for property in body {
            let Some(value) = &property.value else {
                continue;
            };
            match property.key.text.as_str() {
                "reference" | "referenceId" => {
                    member.reference_id = self.attribute_string(value).map(|s| Spanned::new(s, property.span))
                }
                "version" | "definitionVersion" => {
                    member.definition_version = self.attribute_string(value).map(|s| Spanned::new(s, property.span))
                }
                "parameters" => match value {
                    tree::Expr::Object(entries, _) => {
                        for (key, value) in entries {
                            if let Some(value) = self.value(value, scope) {
                                member.parameters.push((Spanned::new(key.text.clone(), key.span), value));
                            }
                        }
                    }
                    other => self.error(
                        Code::InvalidLiteral,
                        other.span(),
                        "`parameters` takes an object",
                        "write `parameters { effect: $effect }`",
                    ),
                },
                "groups" => match value {
                    tree::Expr::Array(items, _) => {
                        for item in items {
                            if let Some(name) = self.attribute_string(item) {
                                member.groups.push(Spanned::new(name, item.span()));
                            }
                        }
                    }
                    other => self.error(
                        Code::InvalidLiteral,
                        other.span(),
                        "`groups` takes a list",
                        "write `groups [network, identity]`",
                    ),
                },
                "json" => member.extra.extend(self.raw_entries(value)),
                _ => self.unknown_property(&property.key, &["reference", "parameters", "groups", "version", "json"]),
            }
        }
        Some(member)
    }

    /// `json { "key": value, … }`: entries kept verbatim, for keys gavel has no syntax for.
    pub(crate) fn raw_entries(&mut self, value: &tree::Expr) -> Vec<(Spanned<String>, Expr)> {
        let json = self.json(value);
        self.object_entries(value, json, ("`json` takes an object here", "write `json { \"key\": value }`"))
            .unwrap_or_default()
    }

    /// The entries of `value` read as the JSON object `json`, each kept verbatim; when it is
    /// another kind of value, the error `(message, help)` and `None`.
    fn object_entries(
        &mut self,
        value: &tree::Expr,
        json: Option<serde_json::Value>,
        (message, help): (&str, &str),
    ) -> Option<Vec<(Spanned<String>, Expr)>> {
        match json? {
            serde_json::Value::Object(map) => Some(
                map.into_iter().map(|(k, v)| (Spanned::new(k, value.span()), Expr::Raw(v, value.span()))).collect(),
            ),
            _ => {
                self.error(Code::InvalidLiteral, value.span(), message, help);
                None
            }
        }
    }

    fn duplicate(&mut self, key: &tree::Name, first: Span) {
        self.report(
            Diagnostic::new(Code::DuplicateProperty, key.span, format!("`{}` is given twice", key.text))
                .with_label(first, "first given here")
                .with_help("remove one of them"),
        );
    }

    fn duplicate_clause(&mut self, keyword: &str, span: Span, first: Span) {
        self.report(
            Diagnostic::new(Code::DuplicateProperty, span, format!("a policy has one `{keyword}`"))
                .with_label(first, "first given here")
                .with_help(if keyword == "when" {
                    "combine the two conditions with `all { … }` or `any { … }`"
                } else {
                    "keep one of them"
                }),
        );
    }

    fn unknown_property(&mut self, key: &tree::Name, known: &[&str]) {
        let mut diagnostic =
            Diagnostic::new(Code::UnknownProperty, key.span, format!("unknown property `{}`", key.text));
        diagnostic = diagnostic.with_suggestion(
            key.span,
            did_you_mean(&key.text, known.iter().copied()),
            format!("known properties: {}", known.join(", ")),
        );
        self.report(diagnostic);
    }
}

/// The resource type a rule guards on: the `type == …` test at the top of the rule or of its
/// top-level `allOf`.
pub(crate) fn primary_type(condition: &Condition) -> Option<String> {
    use crate::ast::{FieldName, OperatorKind};
    match condition {
        Condition::Field { field, op, value: Expr::String(ty, _), .. }
            if op.kind == OperatorKind::Equals && matches!(&field.name, FieldName::Static(n) if n == "type") =>
        {
            Some(ty.clone())
        }
        Condition::AllOf { items, .. } => items.iter().find_map(primary_type),
        _ => None,
    }
}

/// `Microsoft.MachineLearningServices.v2.Data`: a dotted path's words joined with dots.
fn dotted_text(path: &tree::Path) -> String {
    let mut text = match &path.head {
        tree::PathHead::Name(name) | tree::PathHead::Alias(name) => name.text.clone(),
    };
    for segment in &path.segments {
        if let tree::Segment::Member(name) = segment {
            text.push('.');
            text.push_str(&name.text);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use crate::ast::{Definition, Mode};
    use crate::project::compile_source;

    /// Regression: the mode was read from the source text, so whitespace or a comment inside
    /// the dotted name made it unknown.
    #[test]
    fn a_dotted_mode_may_have_whitespace_and_comments_inside() {
        let source =
            "policy p { mode Microsoft . /* c */ MachineLearningServices\n.v2.Data  when modelDeployment then deny }";
        let compilation = compile_source("mode.gavel", source);
        assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
        let mode = match compilation.emitted_definitions().first() {
            Some(Definition::Policy(policy)) => policy.mode.value.clone(),
            _ => Mode::All,
        };
        assert_eq!(mode, Mode::Provider("Microsoft.MachineLearningServices.v2.Data".into()));
    }
}
