//! Lowering `assignment` and `exemption` blocks: each key read into its field, with a located
//! diagnostic (and did-you-mean) for an unknown key, a value of the wrong shape or a required
//! key left out.

use super::Lowerer;
use super::fields::Scope;
use crate::ast::assignment::{
    AssignedTarget, Assignment, AssignmentRef, Enforcement, Exemption, ExemptionCategory, Identity,
    NonComplianceMessage,
};
use crate::ast::{Expr, Spanned};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::syntax::tree::{self, KeyedBlock};

const ASSIGNMENT_KEYS: &[&str] = &[
    "name",
    "scope",
    "notScopes",
    "policy",
    "initiative",
    "definition",
    "parameters",
    "enforcement",
    "identity",
    "location",
    "message",
    "messages",
    "version",
    "display",
    "description",
    "metadata",
    "json",
];

const EXEMPTION_KEYS: &[&str] =
    &["name", "scope", "assignment", "category", "expires", "members", "display", "description", "metadata", "json"];

/// What a keyed block lowers to.
pub(crate) enum Keyed {
    Assignment(Assignment),
    Exemption(Exemption),
}

impl Lowerer<'_> {
    /// `assignment …` or `exemption …`.
    pub(crate) fn keyed(&mut self, block: &KeyedBlock) -> Option<Keyed> {
        match block.keyword.text.as_str() {
            "assignment" => Some(Keyed::Assignment(self.assignment(block))),
            "exemption" => Some(Keyed::Exemption(self.exemption(block))),
            // The grammar starts keyed blocks with these two keywords only.
            _ => None,
        }
    }

    fn assignment(&mut self, block: &KeyedBlock) -> Assignment {
        let mut assignment = Assignment::new(Spanned::new(block.name.text.clone(), block.name.span), block.span);
        assignment.display_name = self.display_of(block);
        assignment.description = self.doc_comment(block.span).map(|d| Spanned::new(d, block.span));
        for property in &block.body {
            let Some(value) = &property.value else { continue };
            match property.key.text.as_str() {
                "name" => {
                    assignment.resource_name = self.attribute_string(value).map(|s| Spanned::new(s, value.span()))
                }
                "scope" => assignment.scope = self.attribute_string(value).map(|s| Spanned::new(s, value.span())),
                "notScopes" => assignment.not_scopes = self.string_list(value, "notScopes"),
                "policy" => assignment.target = self.bare_name(value).map(AssignedTarget::Policy),
                "initiative" => assignment.target = self.bare_name(value).map(AssignedTarget::Initiative),
                "definition" => {
                    assignment.target =
                        self.attribute_string(value).map(|s| AssignedTarget::Id(Spanned::new(s, value.span())))
                }
                "parameters" => assignment.parameters = self.parameter_values(value),
                "enforcement" => {
                    assignment.enforcement = self.word(value, Enforcement::parse, Enforcement::NAMES, "enforcement")
                }
                "identity" => assignment.identity = self.identity(value),
                "location" => assignment.location = self.attribute_string(value).map(|s| Spanned::new(s, value.span())),
                "message" => {
                    if let Some(message) = self.attribute_string(value) {
                        assignment.messages.insert(
                            0,
                            NonComplianceMessage { reference_id: None, message: Spanned::new(message, value.span()) },
                        );
                    }
                }
                "messages" => assignment.messages.extend(self.member_messages(value)),
                "version" => {
                    assignment.definition_version = self.attribute_string(value).map(|s| Spanned::new(s, value.span()))
                }
                "display" => {
                    assignment.display_name = self.attribute_string(value).map(|s| Spanned::new(s, value.span()))
                }
                "description" => {
                    assignment.description = self.attribute_string(value).map(|s| Spanned::new(s, value.span()))
                }
                "metadata" => assignment.metadata = self.raw_entries(value),
                "json" => assignment.extra.extend(self.raw_entries(value)),
                _ => self.unknown_key(&property.key, ASSIGNMENT_KEYS),
            }
        }
        if assignment.scope.is_none() {
            self.missing_key(block, "scope", "scope \"/providers/Microsoft.Management/managementGroups/NAME\"");
        }
        if assignment.target.is_none() {
            self.missing_key(block, "policy, initiative or definition", "initiative NAME");
        }
        assignment
    }

    fn exemption(&mut self, block: &KeyedBlock) -> Exemption {
        let mut exemption = Exemption::new(Spanned::new(block.name.text.clone(), block.name.span), block.span);
        exemption.display_name = self.display_of(block);
        exemption.description = self.doc_comment(block.span).map(|d| Spanned::new(d, block.span));
        for property in &block.body {
            let Some(value) = &property.value else { continue };
            match property.key.text.as_str() {
                "name" => exemption.resource_name = self.attribute_string(value).map(|s| Spanned::new(s, value.span())),
                "scope" => exemption.scope = self.attribute_string(value).map(|s| Spanned::new(s, value.span())),
                "assignment" => {
                    exemption.assignment = match super::expr::bare_word(value) {
                        Some(name) => Some(AssignmentRef::Name(Spanned::new(name.text.clone(), name.span))),
                        None => self.attribute_string(value).map(|s| AssignmentRef::Id(Spanned::new(s, value.span()))),
                    }
                }
                "category" => {
                    exemption.category =
                        self.word(value, ExemptionCategory::parse, ExemptionCategory::NAMES, "category")
                }
                "expires" => exemption.expires = self.attribute_string(value).map(|s| Spanned::new(s, value.span())),
                "members" => exemption.members = self.string_list(value, "members"),
                "display" => {
                    exemption.display_name = self.attribute_string(value).map(|s| Spanned::new(s, value.span()))
                }
                "description" => {
                    exemption.description = self.attribute_string(value).map(|s| Spanned::new(s, value.span()))
                }
                "metadata" => exemption.metadata = self.raw_entries(value),
                "json" => exemption.extra.extend(self.raw_entries(value)),
                _ => self.unknown_key(&property.key, EXEMPTION_KEYS),
            }
        }
        let required = [
            (exemption.scope.is_none(), "scope", "scope \"/subscriptions/GUID/resourceGroups/NAME\""),
            (exemption.assignment.is_none(), "assignment", "assignment NAME"),
            (exemption.category.is_none(), "category", "category waiver"),
        ];
        for (_, key, example) in required.into_iter().filter(|(missing, ..)| *missing) {
            self.missing_key(block, key, example);
        }
        exemption
    }

    fn display_of(&mut self, block: &KeyedBlock) -> Option<Spanned<String>> {
        let literal = block.display_name.as_ref()?;
        self.plain_string(literal).map(|s| Spanned::new(s, literal.span))
    }

    fn bare_name(&mut self, value: &tree::Expr) -> Option<Spanned<String>> {
        match super::expr::bare_word(value) {
            Some(name) => Some(Spanned::new(name.text.clone(), name.span)),
            None => {
                self.error(
                    Code::InvalidLiteral,
                    value.span(),
                    "expected the gavel name of a policy or initiative",
                    "write the name without quotes, or `definition \"/providers/…\"` for a definition by id",
                );
                None
            }
        }
    }

    fn string_list(&mut self, value: &tree::Expr, key: &str) -> Vec<Spanned<String>> {
        let tree::Expr::Array(items, _) = value else {
            self.error(
                Code::InvalidLiteral,
                value.span(),
                format!("`{key}` takes a list"),
                format!("write `{key} [\"…\"]`"),
            );
            return Vec::new();
        };
        items.iter().filter_map(|item| self.attribute_string(item).map(|s| Spanned::new(s, item.span()))).collect()
    }

    fn parameter_values(&mut self, value: &tree::Expr) -> Vec<(Spanned<String>, Expr)> {
        let tree::Expr::Object(entries, _) = value else {
            self.error(
                Code::InvalidLiteral,
                value.span(),
                "`parameters` takes an object",
                "write `parameters { effect: \"Deny\" }`",
            );
            return Vec::new();
        };
        let scope = Scope::new(&[]);
        entries
            .iter()
            .filter_map(|(key, value)| self.value(value, &scope).map(|v| (Spanned::new(key.text.clone(), key.span), v)))
            .collect()
    }

    fn member_messages(&mut self, value: &tree::Expr) -> Vec<NonComplianceMessage> {
        let tree::Expr::Object(entries, _) = value else {
            self.error(
                Code::InvalidLiteral,
                value.span(),
                "`messages` takes an object of member reference ids and messages",
                "write `messages { \"Deny-Compute-PublicIp\": \"…\" }`",
            );
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(key, value)| {
                let message = self.attribute_string(value)?;
                Some(NonComplianceMessage {
                    reference_id: Some(Spanned::new(key.text.clone(), key.span)),
                    message: Spanned::new(message, value.span()),
                })
            })
            .collect()
    }

    /// A word of a closed set, read ignoring case.
    fn word<T>(
        &mut self,
        value: &tree::Expr,
        parse: fn(&str) -> Option<T>,
        names: &[&str],
        key: &str,
    ) -> Option<Spanned<T>> {
        let text = self.attribute_string(value)?;
        if let Some(parsed) = parse(&text) {
            return Some(Spanned::new(parsed, value.span()));
        }
        let diagnostic = Diagnostic::new(Code::InvalidLiteral, value.span(), format!("`{text}` is not a {key}"));
        self.report(diagnostic.with_suggestion(
            value.span(),
            did_you_mean(&text, names.iter().copied()),
            format!("write one of {}", names.join(", ")),
        ));
        None
    }

    fn identity(&mut self, value: &tree::Expr) -> Option<Spanned<Identity>> {
        let text = self.attribute_string(value)?;
        let identity = match text.to_ascii_lowercase().as_str() {
            "systemassigned" => Identity::SystemAssigned,
            _ if text.to_ascii_lowercase().contains("/providers/microsoft.managedidentity/userassignedidentities/") => {
                Identity::UserAssigned(text)
            }
            _ => {
                self.error(
                    Code::InvalidLiteral,
                    value.span(),
                    format!("`{text}` is not an identity"),
                    "write `identity systemAssigned`, or the id of a user-assigned identity (`/subscriptions/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME`)",
                );
                return None;
            }
        };
        Some(Spanned::new(identity, value.span()))
    }

    fn unknown_key(&mut self, key: &tree::Name, known: &[&str]) {
        let diagnostic = Diagnostic::new(Code::UnknownProperty, key.span, format!("unknown property `{}`", key.text));
        self.report(diagnostic.with_suggestion(
            key.span,
            did_you_mean(&key.text, known.iter().copied()),
            format!("known properties: {}", known.join(", ")),
        ));
    }

    fn missing_key(&mut self, block: &KeyedBlock, key: &str, example: &str) {
        self.error(
            Code::UnknownProperty,
            block.name.span,
            format!("`{}` {} has no `{key}`", block.name.text, block.keyword.text),
            format!("add `{example}`"),
        );
    }
}
