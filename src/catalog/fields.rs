//! The fields every resource has (`name`, `type`, `location`, `tags`, …). Azure Policy accepts
//! them in `field` conditions without a resource-type prefix, so they are a small fixed table
//! here rather than per-type entries in the alias catalog.

use std::borrow::Cow;

use super::aliases::ValueType;

/// The names of the top-level fields as a path starts with them; they never take a
/// resource-type prefix.
pub const TOP_LEVEL_NAMES: &[&str] = &["type", "name", "fullName", "kind", "location", "id", "tags", "identity"];

/// One top-level field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinField {
    /// The spelling gavel emits.
    pub name: &'static str,
    /// Modify may write it (Azure documents `identity.type` for virtual machines and scale sets;
    /// built-ins write it).
    pub modifiable: bool,
    pub value_type: ValueType,
    /// Known values, if any (see `enum_open`).
    pub enum_values: &'static [&'static str],
    /// Values outside `enum_values` are accepted too.
    pub enum_open: bool,
    /// One line for hover and completion.
    pub doc: &'static str,
}

/// Every top-level field, as the Azure Policy docs list them (definition-structure-policy-rule,
/// "Fields").
pub const BUILTIN_FIELDS: &[BuiltinField] = &[
    field("name", ValueType::String, "The resource name."),
    field("fullName", ValueType::String, "The name with the names of its parents, e.g. `myWorkspace/myCompute`."),
    field("kind", ValueType::String, "The resource kind."),
    field(
        "type",
        ValueType::String,
        "The resource type, e.g. `Microsoft.MachineLearningServices/workspaces/computes`.",
    ),
    field(
        "location",
        ValueType::String,
        "The region, compared normalized (`East US 2` equals `eastus2`); `global` for \
         location-agnostic resources.",
    ),
    field("id", ValueType::String, "The resource id."),
    BuiltinField {
        name: "identity.type",
        modifiable: true,
        value_type: ValueType::String,
        // The policy docs write "SystemAssigned, UserAssigned"; the ARM common types (and the
        // ML API) write it without the space. Resource providers may add their own.
        enum_values: &[
            "None",
            "SystemAssigned",
            "SystemAssigned, UserAssigned",
            "SystemAssigned,UserAssigned",
            "UserAssigned",
        ],
        enum_open: true,
        doc: "The type of managed identity enabled on the resource.",
    },
    field(
        "identity.userAssignedIdentities",
        ValueType::Object,
        "The user-assigned managed identities of the resource: an object keyed by identity resource id.",
    ),
    field("tags", ValueType::Object, "All tags of the resource."),
];

const fn field(name: &'static str, value_type: ValueType, doc: &'static str) -> BuiltinField {
    BuiltinField { name, modifiable: false, value_type, enum_values: &[], enum_open: false, doc }
}

/// A `field` operand that names a top-level field rather than an alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopLevelField<'a> {
    /// One of [`BUILTIN_FIELDS`].
    Fixed(&'static BuiltinField),
    /// One tag's value: `tags['name']`, `tags['''it''s''']`, `tags[name]` or `tags.name`.
    /// `name` is the tag name with the quoting undone.
    Tag { name: Cow<'a, str> },
}

impl TopLevelField<'_> {
    /// The value's type: a tag value is a string.
    pub fn value_type(&self) -> ValueType {
        match self {
            TopLevelField::Fixed(field) => field.value_type,
            TopLevelField::Tag { .. } => ValueType::String,
        }
    }
}

/// Recognizes a top-level field, ignoring case as Azure does. `None` means the field must be an
/// alias (or is wrong).
pub fn top_level_field(field: &str) -> Option<TopLevelField<'_>> {
    if let Some(fixed) = BUILTIN_FIELDS.iter().find(|f| f.name.eq_ignore_ascii_case(field)) {
        return Some(TopLevelField::Fixed(fixed));
    }
    let rest = field.get(..4).filter(|head| head.eq_ignore_ascii_case("tags")).map(|_| &field[4..])?;
    let name: Cow<'_, str> = if let Some(dotted) = rest.strip_prefix('.') {
        // `tags.name`: everything after the first dot (a tag name may itself hold dots).
        Cow::Borrowed(dotted)
    } else {
        let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
        match inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
            // ARM string literal: a quote inside is doubled.
            Some(quoted) => {
                if quoted.contains("''") {
                    Cow::Owned(quoted.replace("''", "'"))
                } else {
                    Cow::Borrowed(quoted)
                }
            }
            None => Cow::Borrowed(inner),
        }
    };
    if name.is_empty() {
        return None;
    }
    Some(TopLevelField::Tag { name })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(field: &str) -> Option<String> {
        match top_level_field(field)? {
            TopLevelField::Tag { name } => Some(name.into_owned()),
            TopLevelField::Fixed(_) => None,
        }
    }

    #[test]
    fn fixed_fields_ignore_case() {
        let Some(TopLevelField::Fixed(f)) = top_level_field("Identity.Type") else {
            panic!("identity.type is a top-level field");
        };
        assert_eq!(f.name, "identity.type");
        assert_eq!(top_level_field("TYPE").map(|f| f.value_type()), Some(ValueType::String));
        assert_eq!(top_level_field("tags").map(|f| f.value_type()), Some(ValueType::Object));
        assert!(top_level_field("properties.x").is_none());
        assert_eq!(top_level_field("identity.userAssignedIdentities").map(|f| f.value_type()), Some(ValueType::Object));
        assert!(top_level_field("Microsoft.MachineLearningServices/workspaces/sku.name").is_none());
    }

    #[test]
    fn every_tag_spelling_gives_the_tag_name() {
        assert_eq!(tag("tags['aks-managed-poolName']").as_deref(), Some("aks-managed-poolName"));
        assert_eq!(tag("tags['''quoted''']").as_deref(), Some("'quoted'"));
        assert_eq!(tag("tags['it''s']").as_deref(), Some("it's"));
        assert_eq!(tag("tags[tag.with.dots]").as_deref(), Some("tag.with.dots"));
        assert_eq!(tag("Tags.costCenter").as_deref(), Some("costCenter"));
        assert_eq!(tag("tags[]"), None);
        assert_eq!(tag("tags['']"), None);
        assert_eq!(tag("tagsx"), None);
        assert_eq!(tag("tag"), None);
        assert_eq!(tag("tägs.x"), None);
    }
}
