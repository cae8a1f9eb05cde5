//! Assignments and exemptions into syntax: `assignment name { … }` and `exemption name { … }`
//! with one property per key, in the order `gavel fmt` keeps.

use super::Raiser;
use crate::ast::Spanned;
use crate::ast::assignment::{AssignedTarget, Assignment, AssignmentRef, Exemption, Identity};
use crate::ast::lower::fields::Scope;
use crate::syntax::tree::{self, KeyedBlock, Property};

impl Raiser {
    pub(super) fn assignment(&mut self, assignment: &Assignment) -> KeyedBlock {
        let start = self.open();
        let keyword = self.name("assignment");
        let (name, mut body) = self.keyed_head(&assignment.name, assignment.resource_name.as_ref());
        let display_name = assignment.display_name.as_ref().map(|d| self.string(&d.value, false));
        self.strings_into(&mut body, &[("description", &assignment.description), ("scope", &assignment.scope)]);
        if !assignment.not_scopes.is_empty() {
            let list = self.string_list(&assignment.not_scopes);
            body.push(self.property("notScopes", Some(list)));
        }
        match &assignment.target {
            Some(AssignedTarget::Policy(name)) => {
                let word = self.word(&name.value);
                body.push(self.property("policy", Some(word)));
            }
            Some(AssignedTarget::Initiative(name)) => {
                let word = self.word(&name.value);
                body.push(self.property("initiative", Some(word)));
            }
            Some(AssignedTarget::Id(id)) => body.push(self.attribute_string("definition", &id.value)),
            None => {}
        }
        self.strings_into(&mut body, &[("version", &assignment.definition_version)]);
        if !assignment.parameters.is_empty() {
            let value = self.member_parameters(&assignment.parameters, &Scope::new(&[]));
            body.push(self.property("parameters", Some(value)));
        }
        if let Some(enforcement) = &assignment.enforcement {
            let word = self.word(if enforcement.value == crate::ast::assignment::Enforcement::Default {
                "default"
            } else {
                "doNotEnforce"
            });
            body.push(self.property("enforcement", Some(word)));
        }
        match assignment.identity.as_ref().map(|i| &i.value) {
            Some(Identity::SystemAssigned) => {
                let word = self.word("systemAssigned");
                body.push(self.property("identity", Some(word)));
            }
            Some(Identity::UserAssigned(id)) => body.push(self.attribute_string("identity", id)),
            None => {}
        }
        self.strings_into(&mut body, &[("location", &assignment.location)]);
        let (default, per_member): (Vec<_>, Vec<_>) =
            assignment.messages.iter().partition(|m| m.reference_id.is_none());
        for message in default {
            body.push(self.attribute_string("message", &message.message.value));
        }
        if !per_member.is_empty() {
            let object_start = self.open();
            let entries = per_member
                .iter()
                .filter_map(|m| {
                    let reference = m.reference_id.as_ref()?;
                    let key = self.key(&reference.value);
                    Some((key, self.string_expr(&m.message.value, false)))
                })
                .collect();
            let value = tree::Expr::Object(entries, self.close(object_start));
            body.push(self.property("messages", Some(value)));
        }
        self.tail(&mut body, &assignment.metadata, &assignment.extra, "assignment keys");
        KeyedBlock { keyword, name, display_name, body, span: self.close(start) }
    }

    pub(super) fn exemption(&mut self, exemption: &Exemption) -> KeyedBlock {
        let start = self.open();
        let keyword = self.name("exemption");
        let (name, mut body) = self.keyed_head(&exemption.name, exemption.resource_name.as_ref());
        let display_name = exemption.display_name.as_ref().map(|d| self.string(&d.value, false));
        self.strings_into(&mut body, &[("description", &exemption.description), ("scope", &exemption.scope)]);
        match &exemption.assignment {
            Some(AssignmentRef::Name(name)) => {
                let word = self.word(&name.value);
                body.push(self.property("assignment", Some(word)));
            }
            Some(AssignmentRef::Id(id)) => body.push(self.attribute_string("assignment", &id.value)),
            None => {}
        }
        if let Some(category) = &exemption.category {
            let word = self.word(&category.value.json_name().to_ascii_lowercase());
            body.push(self.property("category", Some(word)));
        }
        self.strings_into(&mut body, &[("expires", &exemption.expires)]);
        if !exemption.members.is_empty() {
            let list = self.string_list(&exemption.members);
            body.push(self.property("members", Some(list)));
        }
        self.tail(&mut body, &exemption.metadata, &exemption.extra, "exemption keys");
        KeyedBlock { keyword, name, display_name, body, span: self.close(start) }
    }

    /// The block's gavel name, and `name "…"` when Azure's name is not one.
    fn keyed_head(
        &mut self,
        name: &Spanned<String>,
        resource_name: Option<&Spanned<String>>,
    ) -> (tree::Name, Vec<Property>) {
        let azure = resource_name.map_or(name.value.as_str(), |n| n.value.as_str());
        let ident = gavel_name(azure);
        let name = self.name(&ident);
        let body = if ident == azure { Vec::new() } else { vec![self.attribute_string("name", azure)] };
        (name, body)
    }

    fn strings_into(&mut self, body: &mut Vec<Property>, entries: &[(&str, &Option<Spanned<String>>)]) {
        for (key, value) in entries {
            if let Some(value) = value {
                body.push(self.attribute_string(key, &value.value));
            }
        }
    }

    fn string_list(&mut self, values: &[Spanned<String>]) -> tree::Expr {
        let start = self.open();
        let items = values.iter().map(|v| self.string_expr(&v.value, false)).collect();
        tree::Expr::Array(items, self.close(start))
    }

    fn tail(
        &mut self,
        body: &mut Vec<Property>,
        metadata: &[(Spanned<String>, crate::ast::Expr)],
        extra: &[(Spanned<String>, crate::ast::Expr)],
        what: &str,
    ) {
        if let Some(value) = self.entries_object(metadata) {
            body.push(self.property("metadata", Some(value)));
        }
        body.extend(self.extra(extra, what));
    }
}

/// A gavel name for an Azure name: itself when it is one, else with each other character
/// made `_` (Azure's own name is then kept with `name "…"`).
fn gavel_name(azure: &str) -> String {
    if crate::fmt::lexical::is_ident(azure) {
        return azure.to_string();
    }
    let mut name: String = azure.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        name.insert(0, '_');
    }
    if !crate::fmt::lexical::is_ident(&name) {
        name.push('_');
    }
    name
}
