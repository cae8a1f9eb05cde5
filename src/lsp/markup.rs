//! Markdown for hover and completion documentation: one description per kind of thing, so a
//! field reads the same in a hover as in the completion list.

use super::docs::FunctionDoc;
use crate::ast::Parameter;
use crate::catalog::aliases::{AliasInfo, AliasOrigin};
use crate::catalog::fields::BuiltinField;
use crate::catalog::kinds::{Kind, kind_by_name};
use crate::diag::Code;

/// Enum values shown before "…".
const SHOWN_VALUES: usize = 12;

/// A field of the alias catalog: full name, type, values, modifiable, default path.
pub fn alias(alias: &AliasInfo) -> String {
    let mut lines = vec![format!("**{}** (alias)", alias.short_name()), String::new(), code(alias.name())];
    lines.push(String::new());
    lines.push(format!(
        "- type: `{}`{}",
        alias.value_type(),
        if alias.is_collection() { " (each array member)" } else { "" }
    ));
    let values: Vec<String> = alias.enum_values().take(SHOWN_VALUES).map(|v| format!("`{v}`")).collect();
    if !values.is_empty() {
        let more = if alias.enum_values().len() > SHOWN_VALUES { ", …" } else { "" };
        let open = if alias.enum_open() { " (others accepted)" } else { "" };
        lines.push(format!("- values: {}{more}{open}", values.join(", ")));
    }
    lines.push(format!("- modifiable: {}", if alias.modifiable() { "yes" } else { "no" }));
    lines.push(format!("- default path: `{}`", alias.default_path()));
    match alias.origin() {
        AliasOrigin::Published => {}
        AliasOrigin::PolicyCorpus => {
            lines.push("- known from Microsoft's built-in policies, not from an alias listing".into())
        }
        AliasOrigin::Imported => lines.push("- from an imported alias catalog".into()),
    }
    lines.join("\n")
}

/// A field every resource has.
pub fn builtin_field(field: &BuiltinField) -> String {
    let mut text = format!("**{}** (top-level field): `{}`\n\n{}", field.name, field.value_type, field.doc);
    if !field.enum_values.is_empty() {
        let values: Vec<String> = field.enum_values.iter().map(|v| format!("`{v}`")).collect();
        text.push_str(&format!("\n\nvalues: {}", values.join(", ")));
    }
    text
}

/// A field name the catalog does not know.
pub fn unknown_field(name: &str) -> String {
    format!("{}\n\nnot in the alias catalog", code(name))
}

pub fn kind(kind: Kind<'_>, aliases: usize) -> String {
    let data_plane = kind_by_name(kind.name).is_some_and(|k| k.data_plane);
    let plane = if data_plane {
        " (data plane)"
    } else if kind.declared {
        " (declared in gavel.toml)"
    } else {
        ""
    };
    format!(
        "**{}** (resource kind){plane}\n\n{}\n\n`{} {{ … }}` checks the type and makes the type's {aliases} aliases \
         available by their short names.",
        kind.name,
        code(kind.resource_type),
        kind.name
    )
}

/// A generic kind block's type: `resource "Microsoft.X/y" { … }`.
pub fn resource_type(resource_type: &str, aliases: usize) -> String {
    format!(
        "**resource** {} (generic kind block)\n\n`resource \"…\" {{ … }}` checks the type and makes the type's \
         {aliases} aliases available by their short names.",
        code(resource_type)
    )
}

/// A parameter, with its declaration as written.
pub fn parameter(parameter: &Parameter, declaration: &str) -> String {
    let mut text = format!("```gavel\n{}\n```", declaration.trim());
    if let Some(description) = &parameter.description {
        text.push_str(&format!("\n\n{}", description.value));
    }
    text
}

pub fn function(function: &FunctionDoc) -> String {
    format!("```gavel\n{}\n```\n\n{}", function.signature(), function.doc)
}

pub fn effect(name: &str, doc: &str) -> String {
    format!("**{name}** (effect)\n\n{doc}")
}

pub fn keyword(name: &str, doc: &str) -> String {
    format!("**{name}**\n\n{doc}")
}

/// The long explanation of a diagnostic code, as `gavel explain` prints it.
pub fn explanation(code: Code) -> String {
    format!(
        "**{}** `{}` ({})\n\n{}\n\n{}",
        code.id(),
        code.name(),
        code.class_label(),
        code.summary(),
        code.explanation()
    )
}

fn code(text: &str) -> String {
    format!("`{text}`")
}
