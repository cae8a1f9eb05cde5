//! Initiatives (policy set definitions): members and groups.

use jsonc_parser::ast::{Array, Object, ObjectProp, Value};

use super::{JsonInput, Reader, empty_span, header};
use crate::ast::{Definition, Group, Header, Initiative, Member, MemberTarget, Spanned};
use crate::decompile::json::prop_name;
use crate::syntax::span::Span;

pub(super) fn initiative(
    r: &mut Reader,
    properties: &Object<'_>,
    name: Spanned<String>,
    span: Span,
) -> Option<Initiative> {
    let handled = ["policyDefinitions", "policyDefinitionGroups"];
    let mut header = header::header(r, properties, name, span, &handled);
    let mut members = Vec::new();
    let mut groups = Vec::new();
    for prop in r.first_of_each(properties, false) {
        let key = prop_name(prop);
        match (key.to_ascii_lowercase().as_str(), &prop.value) {
            ("policydefinitions", Value::Array(array)) => members = r.at_prop(prop, |r| self::members(r, array)),
            ("policydefinitiongroups", Value::Array(array)) if !array.elements.is_empty() => {
                match r.at_prop(prop, |r| self::groups(r, array)) {
                    Some(read) => groups = read,
                    None => header.extra.push(r.extra(prop)),
                }
            }
            ("policydefinitions" | "policydefinitiongroups", _) => header.extra.push(r.extra(prop)),
            _ => {}
        }
    }
    Some(Initiative { header, groups, members, definition_scope: None })
}

/// An az CLI initiative: `x.definitions.json` (the members), with `x.params.json` and
/// `x.groups.json` beside it.
pub(super) fn az_definitions(r: &mut Reader, array: &Array<'_>, input: &JsonInput<'_>) -> Option<Definition> {
    let span = Span::new(r.file, r.offset + array.range.start, r.offset + array.range.end);
    let name = Spanned::new(input.name_hint.unwrap_or("").to_string(), empty_span(r));
    let mut header = Header { name, span, ..Header::default() };
    if let Some(params) = input.params {
        let mut params_reader = Reader::new(params);
        if let Some(Value::Object(object)) = params_reader.parse(params.text) {
            header.parameters = header::az_parameters(&mut params_reader, &object);
        }
        r.diagnostics.append(&mut params_reader.diagnostics);
    }
    let mut groups = Vec::new();
    if let Some(source) = input.groups {
        let mut groups_reader = Reader::new(source);
        if let Some(Value::Array(array)) = groups_reader.parse(source.text) {
            groups = self::groups(&mut groups_reader, &array).unwrap_or_default();
        }
        r.diagnostics.append(&mut groups_reader.diagnostics);
    }
    let members = members(r, array);
    Some(Definition::Initiative(Initiative { header, groups, members, definition_scope: None }))
}

fn members(r: &mut Reader, array: &Array<'_>) -> Vec<Member> {
    let mut members = Vec::with_capacity(array.elements.len());
    for (i, element) in array.elements.iter().enumerate() {
        if let Some(member) = r.at_index(i, |r| member(r, element)) {
            members.push(member);
        }
    }
    members
}

fn member(r: &mut Reader, value: &Value<'_>) -> Option<Member> {
    let Value::Object(object) = value else {
        r.unexpected(value, "a member object with `policyDefinitionId`");
        return None;
    };
    let span = r.span(value);
    let mut member = Member {
        target: MemberTarget::Id(Spanned::new(String::new(), span)),
        reference_id: None,
        parameters: Vec::new(),
        groups: Vec::new(),
        definition_version: None,
        extra: Vec::new(),
        span,
    };
    let mut has_id = false;
    for prop in r.unique(object) {
        let key = prop_name(prop);
        let read = r.at_prop(prop, |r| member_property(r, &mut member, prop));
        has_id |= read && key.eq_ignore_ascii_case("policyDefinitionId");
        if !read {
            member.extra.push(r.extra(prop));
        }
    }
    if !has_id {
        r.unexpected(value, "a member with a `policyDefinitionId` string");
        return None;
    }
    Some(member)
}

/// Reads one member key; false when it is kept verbatim instead.
fn member_property(r: &mut Reader, member: &mut Member, prop: &ObjectProp<'_>) -> bool {
    let string = |r: &mut Reader| r.string_value(&prop.value);
    match prop_name(prop).to_ascii_lowercase().as_str() {
        "policydefinitionid" => string(r).map(|id| member.target = MemberTarget::Id(id)).is_some(),
        "policydefinitionreferenceid" => string(r).map(|id| member.reference_id = Some(id)).is_some(),
        "definitionversion" => string(r).map(|v| member.definition_version = Some(v)).is_some(),
        "groupnames" => match &prop.value {
            Value::Array(array) if !array.elements.is_empty() => {
                let names: Option<Vec<_>> = array.elements.iter().map(|e| r.string_value(e)).collect();
                names.map(|names| member.groups = names).is_some()
            }
            _ => false,
        },
        "parameters" => match &prop.value {
            Value::Object(object) => member_parameters(r, object).map(|p| member.parameters = p).is_some(),
            _ => false,
        },
        _ => false,
    }
}

/// `{"effect": {"value": …}}`; `None` unless every entry has exactly a `value`.
fn member_parameters(r: &mut Reader, object: &Object<'_>) -> Option<Vec<(Spanned<String>, crate::ast::Expr)>> {
    let mut parameters = Vec::with_capacity(object.properties.len());
    for prop in r.unique(object) {
        let Value::Object(wrapper) = &prop.value else { return None };
        let [value] = wrapper.properties.as_slice() else { return None };
        if prop_name(value) != "value" {
            return None;
        }
        let expr = r.at_prop(prop, |r| r.at_key("value", |r| r.expr(&value.value)));
        parameters.push((r.key(prop), expr));
    }
    Some(parameters)
}

/// `policyDefinitionGroups`; `None` (kept verbatim) unless every group has a string name.
fn groups(r: &mut Reader, array: &Array<'_>) -> Option<Vec<Group>> {
    let mut groups = Vec::with_capacity(array.elements.len());
    for (i, element) in array.elements.iter().enumerate() {
        groups.push(r.at_index(i, |r| group(r, element))?);
    }
    Some(groups)
}

fn group(r: &mut Reader, value: &Value<'_>) -> Option<Group> {
    let Value::Object(object) = value else { return None };
    let span = r.span(value);
    let mut group = Group {
        name: Spanned::new(String::new(), span),
        display_name: None,
        category: None,
        description: None,
        additional_metadata_id: None,
        extra: Vec::new(),
        span,
    };
    let mut named = false;
    for prop in r.unique(object) {
        let text = r.string_value(&prop.value);
        let slot = match prop_name(prop) {
            "name" => {
                named = text.is_some();
                &mut group.name
            }
            "displayName" => group.display_name.get_or_insert_default(),
            "category" => group.category.get_or_insert_default(),
            "description" => group.description.get_or_insert_default(),
            "additionalMetadataId" => group.additional_metadata_id.get_or_insert_default(),
            _ => {
                group.extra.push(r.extra(prop));
                continue;
            }
        };
        match text {
            Some(text) => *slot = text,
            None => return None,
        }
    }
    named.then_some(group)
}
