//! Reading alias catalogs that users export from Azure, so gavel can check policies against
//! namespaces it does not carry, or against fresher data than its built-in catalog.
//!
//! Accepted shapes (JSON object keys are matched ignoring case, as PowerShell and the REST API
//! disagree on casing):
//! - `az provider show --namespace NS --expand "resourceTypes/aliases"`:
//!   `{namespace, resourceTypes: [{resourceType, aliases: [{name, defaultPath, paths: [{path,
//!   apiVersions, metadata}], defaultMetadata: {type, attributes}}]}]}`;
//! - `az provider list --expand …` (an array of those) and the REST envelope `{value: [...]}`;
//! - `Get-AzPolicyAlias … | ConvertTo-Json -Depth 10`: an array (or, for one result, a single
//!   object) of `{Namespace, ResourceType, Aliases: [{Name, DefaultPath, Paths,
//!   DefaultMetadata: {Type, Attributes}}]}`;
//! - gavel's own `stdlib/catalog/catalog.json`, which is the first shape plus `x-gavel-enum`,
//!   `x-gavel-enumOpen` and `x-gavel-origin` members on aliases.
//!
//! Files are UTF-8 (a byte-order mark is skipped) or UTF-16 in either byte order, which is what
//! Windows PowerShell writes with `>`; UTF-16 is recognised by its byte-order mark or, without
//! one, by the zero bytes of the ASCII text every JSON document starts with.
//!
//! `defaultMetadata.type` (`String`, `Boolean`, `Integer`, `Number`, `Array`, `Object`; `Any` or
//! `NotSpecified` = unknown) gives the value type; `attributes: Modifiable` there or in any
//! `paths[].metadata` marks the alias modifiable. PowerShell writes these enums as numbers
//! unless told otherwise; the REST API's member order is used to read them.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use super::aliases::{AliasInfo, AliasOrigin, Catalog, Str, ValueType, namespace_of};
use crate::diag::Code;

/// Why an export could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    message: String,
    path: Option<String>,
    code: Code,
    help: Option<String>,
}

impl ImportError {
    fn at(path: &str, message: impl Into<String>) -> ImportError {
        ImportError { message: message.into(), path: Some(path.to_string()), code: Code::CatalogError, help: None }
    }

    fn whole(code: Code, message: impl Into<String>, help: impl Into<String>) -> ImportError {
        ImportError { message: message.into(), path: None, code, help: Some(help.into()) }
    }

    /// The diagnostic code: [`Code::CatalogEncoding`], [`Code::CatalogWithoutAliases`], or
    /// [`Code::CatalogError`] for everything else.
    pub fn code(&self) -> Code {
        self.code
    }

    /// What to do about it, when there is something specific to say.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where, as a JSON pointer (`/resourceTypes/3/aliases/0/name`; `""` is the whole
    /// document). `None` when the text is not JSON at all (the message then gives line and
    /// column).
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path.as_deref() {
            Some("") => write!(f, "at the document root: {}", self.message),
            Some(path) => write!(f, "at {path}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// Reads an alias export (any of the shapes in the [module docs](self)) into a catalog.
/// A leading byte-order mark is ignored (PowerShell writes one).
pub fn import_json(text: &str) -> Result<Catalog, ImportError> {
    read_export(text).map(Export::into_catalog)
}

/// [`import_json`] on the bytes of a file: UTF-8 or UTF-16 (see [`decode`]).
pub fn import_bytes(bytes: &[u8]) -> Result<Catalog, ImportError> {
    import_json(&decode(bytes)?)
}

/// What an export holds, as read: every resource type and one entry per alias *and resource
/// type* that lists it (an alias listed under two types is two entries), in file order.
#[derive(Debug, Clone)]
pub struct Export {
    types: Vec<Str>,
    aliases: Vec<AliasInfo>,
    namespaces: BTreeMap<String, NamespaceCount>,
}

/// How much of one namespace an export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceCount {
    /// The namespace as the file spells it first (`Microsoft.Storage`).
    pub namespace: String,
    /// Distinct resource types (ignoring case).
    pub resource_types: usize,
    /// Alias entries.
    pub aliases: usize,
}

impl Export {
    /// The resource types, as listed (a type may repeat).
    pub fn types(&self) -> &[Str] {
        &self.types
    }

    /// The aliases, one entry per resource type that lists them.
    pub fn aliases(&self) -> &[AliasInfo] {
        &self.aliases
    }

    /// Per-namespace counts, sorted by namespace ignoring case.
    pub fn namespaces(&self) -> impl Iterator<Item = &NamespaceCount> {
        self.namespaces.values()
    }

    /// The export as a catalog.
    pub fn into_catalog(self) -> Catalog {
        Catalog::from_aliases(self.types, self.aliases)
    }

    /// Refuses an export that has resource types but no alias at all: what `az provider show`
    /// writes without `--expand "resourceTypes/aliases"`. `file` is the export's name as the
    /// user gave it, for the command in the help line.
    pub fn require_aliases(&self, file: &str) -> Result<(), ImportError> {
        if !self.aliases.is_empty() || self.types.is_empty() {
            return Ok(());
        }
        let command = |namespace: &str, file: &str| {
            format!("az provider show --namespace {namespace} --expand \"resourceTypes/aliases\" > {file}")
        };
        let namespaces: Vec<&str> = self.namespaces().map(|n| n.namespace.as_str()).collect();
        let help = match namespaces.as_slice() {
            [one] => format!("run `{}` and import that file", command(one, file)),
            many => format!(
                "run {} and import each file",
                many.iter()
                    .map(|ns| format!("`{}`", command(ns, &format!("{ns}.json"))))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(ImportError::whole(
            Code::CatalogWithoutAliases,
            format!(
                "the export lists {} resource types of {} but no aliases: it was made without `--expand \"resourceTypes/aliases\"`",
                self.types.len(),
                namespaces.join(", ")
            ),
            help,
        ))
    }
}

/// [`import_json`] without building the catalog.
pub fn read_export(text: &str) -> Result<Export, ImportError> {
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| ImportError {
        message: format!("not valid JSON: {e}"),
        path: None,
        code: Code::CatalogError,
        help: None,
    })?;
    let mut reader = Reader::default();
    reader.document(&value, "")?;
    Ok(Export { types: reader.types, aliases: reader.aliases, namespaces: reader.namespaces })
}

const ENCODING_HELP: &str = "write the export again as UTF-8: `az provider show --namespace NS --expand \"resourceTypes/aliases\" > FILE`, or in PowerShell `... | Out-File -Encoding utf8 FILE`";

/// The text of an export file: UTF-8 (a byte-order mark is dropped) or UTF-16 with a
/// byte-order mark, or without one when the text starts with an ASCII character (every JSON
/// document does), in either byte order.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    let encoding_error = |message: String| ImportError::whole(Code::CatalogEncoding, message, ENCODING_HELP);
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => {
            Err(encoding_error("the file is UTF-32 text, which gavel does not read".into()))
        }
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest, 3).map_err(encoding_error),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, 2, u16::from_le_bytes, "UTF-16LE").map_err(encoding_error),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, 2, u16::from_be_bytes, "UTF-16BE").map_err(encoding_error),
        [first, 0, ..] if *first != 0 => utf16(bytes, 0, u16::from_le_bytes, "UTF-16LE").map_err(encoding_error),
        [0, second, ..] if *second != 0 => utf16(bytes, 0, u16::from_be_bytes, "UTF-16BE").map_err(encoding_error),
        _ => utf8(bytes, 0).map_err(encoding_error),
    }
}

fn utf8(bytes: &[u8], offset: usize) -> Result<String, String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => Err(format!(
            "the file is not UTF-8 or UTF-16 text: the byte at offset {} is not part of a UTF-8 character",
            offset + e.valid_up_to()
        )),
    }
}

fn utf16(bytes: &[u8], offset: usize, unit: fn([u8; 2]) -> u16, name: &str) -> Result<String, String> {
    let (pairs, rest) = bytes.as_chunks::<2>();
    if !rest.is_empty() {
        return Err(format!(
            "the file looks like {name} text but has an odd number of bytes ({})",
            offset + bytes.len()
        ));
    }
    let mut text = String::with_capacity(bytes.len() / 2);
    for (i, c) in char::decode_utf16(pairs.iter().map(|pair| unit(*pair))).enumerate() {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                return Err(format!(
                    "the file is {name} text with a broken surrogate pair at offset {}",
                    offset + 2 * i
                ));
            }
        }
    }
    Ok(text)
}

#[derive(Default)]
struct Reader {
    types: Vec<Str>,
    aliases: Vec<AliasInfo>,
    /// Lower-cased namespace → counts; the types of each, lower-cased, to count them once.
    namespaces: BTreeMap<String, NamespaceCount>,
    seen_types: std::collections::BTreeSet<String>,
}

const SHAPE_HELP: &str = "expected an `az provider show --expand \"resourceTypes/aliases\"` object \
    (with `namespace` and `resourceTypes`), a `Get-AzPolicyAlias` entry (with `Namespace`, \
    `ResourceType` and `Aliases`), or an array of these";

impl Reader {
    fn document(&mut self, value: &Value, path: &str) -> Result<(), ImportError> {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.document(item, &format!("{path}/{i}"))?;
                }
                Ok(())
            }
            Value::Object(map) => {
                if let Some((key, types)) = member(map, "resourceTypes") {
                    let namespace = required_str(map, "namespace", path)?;
                    let types_path = format!("{path}/{key}");
                    let types = types
                        .as_array()
                        .ok_or_else(|| ImportError::at(&types_path, "`resourceTypes` must be an array"))?;
                    for (i, ty) in types.iter().enumerate() {
                        self.provider_type(namespace, ty, &format!("{types_path}/{i}"))?;
                    }
                    Ok(())
                } else if let Some((key, items @ Value::Array(_))) = member(map, "value") {
                    self.document(items, &format!("{path}/{key}"))
                } else if member(map, "resourceType").is_some() {
                    let namespace = required_str(map, "namespace", path)?;
                    self.provider_type(namespace, value, path)
                } else {
                    Err(ImportError::at(path, SHAPE_HELP))
                }
            }
            _ => Err(ImportError::at(path, SHAPE_HELP)),
        }
    }

    /// One resource type: `{resourceType, aliases}` in either casing.
    fn provider_type(&mut self, namespace: &str, value: &Value, path: &str) -> Result<(), ImportError> {
        let map = object(value, path, "a resource type")?;
        let short_type = required_str(map, "resourceType", path)?;
        // Some tools already write the full type; do not double the namespace.
        let resource_type = match short_type.get(..namespace.len() + 1) {
            Some(head) if head.eq_ignore_ascii_case(&format!("{namespace}/")) => short_type.to_string(),
            _ => format!("{namespace}/{short_type}"),
        };
        self.types.push(Str::Owned(resource_type.clone()));
        let count = self.namespaces.entry(namespace.to_ascii_lowercase()).or_insert_with(|| NamespaceCount {
            namespace: namespace.to_string(),
            resource_types: 0,
            aliases: 0,
        });
        if self.seen_types.insert(resource_type.to_ascii_lowercase()) {
            count.resource_types += 1;
        }
        let before = self.aliases.len();
        let result = self.aliases_of(map, &resource_type, path);
        let added = self.aliases.len() - before;
        if let Some(count) = self.namespaces.get_mut(&namespace.to_ascii_lowercase()) {
            count.aliases += added;
        }
        result
    }

    fn aliases_of(&mut self, map: &Map<String, Value>, resource_type: &str, path: &str) -> Result<(), ImportError> {
        let Some((key, aliases)) = member(map, "aliases") else {
            // `az provider show` without `--expand` lists types only: still useful for `type`.
            return Ok(());
        };
        let aliases_path = format!("{path}/{key}");
        match aliases {
            Value::Null => Ok(()),
            Value::Array(items) => {
                for (i, alias) in items.iter().enumerate() {
                    self.alias(resource_type, alias, &format!("{aliases_path}/{i}"))?;
                }
                Ok(())
            }
            // PowerShell may unwrap a one-element array.
            Value::Object(_) => self.alias(resource_type, aliases, &aliases_path),
            _ => Err(shape_error(&aliases_path, aliases, "`aliases` must be an array")),
        }
    }

    fn alias(&mut self, resource_type: &str, value: &Value, path: &str) -> Result<(), ImportError> {
        let map = object(value, path, "an alias")?;
        let name = required_str(map, "name", path)?;
        // Lookups go by the namespace of the alias's name: an alias listed under a type of
        // another namespace could never be found.
        if !namespace_of(name).eq_ignore_ascii_case(namespace_of(resource_type)) {
            return Err(ImportError::at(
                path,
                format!("the alias `{name}` is not of the namespace of `{resource_type}`, which lists it"),
            ));
        }
        let default_path = optional_str(map, "defaultPath", path)?.unwrap_or_default();

        let mut value_type = ValueType::Unknown;
        let mut modifiable = false;
        if let Some((key, meta)) = member(map, "defaultMetadata") {
            let (t, m) = metadata(meta, &format!("{path}/{key}"))?;
            value_type = t;
            modifiable = m;
        }
        // Per-path metadata: modifiability can be set per api-version; a type the default
        // metadata leaves open is taken when every path that states one agrees.
        if let Some((key, paths)) = member(map, "paths") {
            let paths_path = format!("{path}/{key}");
            let mut path_types = Vec::new();
            match paths {
                Value::Null => {}
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let item_path = format!("{paths_path}/{i}");
                        let item = object(item, &item_path, "an alias path")?;
                        if let Some((key, meta)) = member(item, "metadata") {
                            let (t, m) = metadata(meta, &format!("{item_path}/{key}"))?;
                            modifiable |= m;
                            if t != ValueType::Unknown {
                                path_types.push(t);
                            }
                        }
                    }
                }
                _ => return Err(shape_error(&paths_path, paths, "`paths` must be an array")),
            }
            if let Some(&first) = path_types.first()
                && value_type == ValueType::Unknown
                && path_types.iter().all(|&t| t == first)
            {
                value_type = first;
            }
        }

        let mut alias =
            AliasInfo::owned(name.to_string(), default_path.to_string(), resource_type.to_string(), value_type);
        alias.set_modifiable(modifiable);
        if let Some((key, values)) = member(map, "x-gavel-enum") {
            let values_path = format!("{path}/{key}");
            let values = string_array(values, &values_path)?;
            let open = match member(map, "x-gavel-enumOpen") {
                None | Some((_, Value::Null)) => false,
                Some((_, Value::Bool(open))) => *open,
                Some((key, _)) => {
                    return Err(ImportError::at(&format!("{path}/{key}"), "must be true or false"));
                }
            };
            alias.set_enum(values, open);
        }
        if optional_str(map, "x-gavel-origin", path)?.is_some_and(|o| o.eq_ignore_ascii_case("policy-corpus")) {
            alias.set_origin(AliasOrigin::PolicyCorpus);
        }
        self.aliases.push(alias);
        Ok(())
    }
}

/// `{type, attributes}` → (value type, modifiable). Strings or the REST enums' numeric values.
fn metadata(value: &Value, path: &str) -> Result<(ValueType, bool), ImportError> {
    let map = match value {
        Value::Null => return Ok((ValueType::Unknown, false)),
        Value::Object(map) => map,
        _ => return Err(shape_error(path, value, "metadata must be an object")),
    };
    let value_type = match member(map, "type") {
        None | Some((_, Value::Null)) => ValueType::Unknown,
        Some((_, Value::String(name))) => ValueType::from_azure_name(name),
        // AliasPathTokenType: NotSpecified, Any, String, Object, Array, Integer, Number, Boolean.
        Some((_, Value::Number(n))) => match n.as_u64() {
            Some(2) => ValueType::String,
            Some(3) => ValueType::Object,
            Some(4) => ValueType::Array,
            Some(5) => ValueType::Integer,
            Some(6) => ValueType::Number,
            Some(7) => ValueType::Boolean,
            _ => ValueType::Unknown,
        },
        Some((key, _)) => {
            return Err(ImportError::at(&format!("{path}/{key}"), "`type` must be a string"));
        }
    };
    let modifiable = match member(map, "attributes") {
        None | Some((_, Value::Null)) => false,
        // Attributes is a flags enum: "Modifiable" or a comma-separated list holding it.
        Some((_, Value::String(s))) => s.split(',').any(|a| a.trim().eq_ignore_ascii_case("Modifiable")),
        // AliasPathAttributes: None = 0, Modifiable = 1.
        Some((_, Value::Number(n))) => n.as_u64().is_some_and(|n| n & 1 == 1),
        Some((key, _)) => {
            return Err(ImportError::at(&format!("{path}/{key}"), "`attributes` must be a string"));
        }
    };
    Ok((value_type, modifiable))
}

/// The member named `key`, ignoring case, with its spelling in the document (for error paths).
fn member<'a>(map: &'a Map<String, Value>, key: &str) -> Option<(&'a str, &'a Value)> {
    map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(k, v)| (k.as_str(), v))
}

fn object<'a>(value: &'a Value, path: &str, what: &str) -> Result<&'a Map<String, Value>, ImportError> {
    value.as_object().ok_or_else(|| shape_error(path, value, format!("expected {what} (a JSON object)")))
}

fn required_str<'a>(map: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a str, ImportError> {
    match member(map, key) {
        Some((_, Value::String(s))) if !s.trim().is_empty() => Ok(s.trim()),
        Some((k, _)) => Err(ImportError::at(&format!("{path}/{k}"), format!("`{key}` must be a non-empty string"))),
        None => Err(ImportError::at(path, format!("missing `{key}`"))),
    }
}

fn optional_str<'a>(map: &'a Map<String, Value>, key: &str, path: &str) -> Result<Option<&'a str>, ImportError> {
    match member(map, key) {
        None | Some((_, Value::Null)) => Ok(None),
        Some((_, Value::String(s))) => Ok(Some(s)),
        Some((k, _)) => Err(ImportError::at(&format!("{path}/{k}"), format!("`{key}` must be a string"))),
    }
}

fn string_array(value: &Value, path: &str) -> Result<Vec<String>, ImportError> {
    let items = value.as_array().ok_or_else(|| ImportError::at(path, "must be an array of strings"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str().map(str::to_string).ok_or_else(|| ImportError::at(&format!("{path}/{i}"), "must be a string"))
        })
        .collect()
}

/// A string where an object or array belongs is what `ConvertTo-Json` writes past its depth
/// limit (default 2): say so, since the fix is on the user's side.
fn shape_error(path: &str, found: &Value, message: impl Into<String>) -> ImportError {
    let mut message = message.into();
    if found.is_string() {
        message.push_str("; found a string, as `ConvertTo-Json` writes past its depth limit: add `-Depth 10`");
    }
    ImportError::at(path, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::aliases::ResourceTypeInfo;

    fn import(text: &str) -> Catalog {
        import_json(text).unwrap_or_else(|e| panic!("imports: {e}"))
    }

    fn error(text: &str) -> ImportError {
        match import_json(text) {
            Ok(_) => panic!("{text} should not import"),
            Err(e) => e,
        }
    }

    #[test]
    fn reads_az_provider_show_output() {
        let catalog = import(include_str!("../../tests/fixtures/catalog/az-provider-show.json"));
        assert_eq!(catalog.len(), 4);
        assert_eq!(catalog.resource_types().count(), 3);
        let pna = catalog.lookup("Microsoft.MachineLearningServices/workspaces/publicNetworkAccess").expect("imported");
        assert_eq!(pna.value_type(), ValueType::String);
        // Modifiable per path even though the default metadata says None.
        assert!(pna.modifiable());
        assert_eq!(pna.short_name(), "publicNetworkAccess");
        assert_eq!(pna.origin(), AliasOrigin::Imported);
        // Type from the paths when the default metadata is null.
        let hbi = catalog.lookup("Microsoft.MachineLearningServices/workspaces/hbiWorkspace");
        assert_eq!(hbi.map(AliasInfo::value_type), Some(ValueType::Boolean));
        let nodes = catalog
            .lookup_short("Microsoft.MachineLearningServices/workspaces/computes", "scaleSettings.maxNodeCount")
            .expect("imported");
        assert_eq!(nodes.value_type(), ValueType::Integer);
        assert!(nodes.modifiable());
        assert_eq!(nodes.default_path(), "properties.properties.scaleSettings.maxNodeCount");
    }

    #[test]
    fn reads_get_azpolicyalias_output() {
        let catalog = import(include_str!("../../tests/fixtures/catalog/get-azpolicyalias.json"));
        assert_eq!(catalog.len(), 3);
        let blob = catalog.lookup("microsoft.storage/storageaccounts/allowblobpublicaccess").expect("imported");
        assert_eq!(blob.value_type(), ValueType::Boolean);
        assert!(blob.modifiable());
        assert_eq!(blob.resource_type(), "Microsoft.Storage/storageAccounts");
        let ip = catalog
            .lookup_short("Microsoft.Storage/storageAccounts", "networkAcls.ipRules[*].value")
            .expect("imported");
        assert!(ip.is_collection() && !ip.is_array());
        assert!(!ip.modifiable());
        // Enums written as numbers (PowerShell without -EnumsAsStrings).
        let days = catalog
            .lookup("Microsoft.Storage/storageAccounts/blobServices/deleteRetentionPolicy.days")
            .expect("imported");
        assert_eq!(days.value_type(), ValueType::Integer);
        assert!(days.modifiable());
    }

    #[test]
    fn reads_single_objects_and_rest_envelopes() {
        let one = r#"{"Namespace": "N.S", "ResourceType": "things",
                      "Aliases": {"Name": "N.S/things/a", "DefaultPath": "properties.a"}}"#;
        assert_eq!(import(one).lookup("n.s/things/A").map(AliasInfo::short_name), Some("a"));
        let rest = r#"{"value": [{"namespace": "N.S", "resourceTypes": [{"resourceType": "N.S/things",
                       "aliases": [{"name": "N.S/things/b"}]}]}]}"#;
        let catalog = import(rest);
        assert_eq!(catalog.resource_type("n.s/things").map(ResourceTypeInfo::name), Some("N.S/things"));
        assert_eq!(catalog.lookup("N.S/things/b").map(AliasInfo::value_type), Some(ValueType::Unknown));
        assert!(import("[]").is_empty());
        assert!(import("\u{feff}[]").is_empty());
    }

    #[test]
    fn errors_say_what_and_where() {
        let e = error("{nope");
        assert_eq!(e.path(), None);
        assert!(e.message().starts_with("not valid JSON"), "{e}");

        let e = error("42");
        assert_eq!(e.path(), Some(""));
        assert!(e.to_string().contains("az provider show"), "{e}");

        let e = error(
            r#"{"namespace": "N", "resourceTypes": [{"resourceType": "t", "aliases": [{"name": "N/t/a"}, {"defaultPath": "x"}]}]}"#,
        );
        assert_eq!(e.path(), Some("/resourceTypes/0/aliases/1"));
        assert_eq!(e.message(), "missing `name`");

        let e = error(r#"{"namespace": "N", "resourceTypes": [{"resourceType": 3}]}"#);
        assert_eq!(e.path(), Some("/resourceTypes/0/resourceType"));

        let e = error(r#"{"resourceTypes": []}"#);
        assert_eq!(e.message(), "missing `namespace`");

        // ConvertTo-Json past its default depth writes objects as type-name strings.
        let e = error(r#"[{"Namespace": "N", "ResourceType": "t", "Aliases": ["Microsoft.Azure.PsAlias"]}]"#);
        assert_eq!(e.path(), Some("/0/Aliases/0"));
        assert!(e.message().contains("-Depth"), "{e}");

        let e =
            error(r#"[{"Namespace": "N", "ResourceType": "t", "Aliases": [{"Name": "N/t/a", "x-gavel-enum": "A"}]}]"#);
        assert_eq!(e.path(), Some("/0/Aliases/0/x-gavel-enum"));
    }

    const UTF16_EXPORT: &[u8] = include_bytes!("../../tests/fixtures/catalog/utf16le-export.json");

    #[test]
    fn reads_utf16_in_both_byte_orders_and_utf8_with_a_mark() {
        let text = decode(UTF16_EXPORT).expect("UTF-16LE with a byte-order mark");
        assert!(text.starts_with('{') && text.contains("Microsoft.KeyVault/vaults/enableRbacAuthorization"));
        let catalog = import_bytes(UTF16_EXPORT).expect("imports");
        assert_eq!(catalog.len(), 3);
        assert!(catalog.lookup("Microsoft.KeyVault/vaults/publicNetworkAccess").is_some_and(AliasInfo::modifiable));

        let utf16 = |text: &str, big: bool, mark: bool| -> Vec<u8> {
            let mut bytes = Vec::new();
            for unit in std::iter::once(0xFEFF).filter(|_| mark).chain(text.encode_utf16()) {
                bytes.extend(if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
            }
            bytes
        };
        let json =
            r#"{"namespace": "N.S", "resourceTypes": [{"resourceType": "t", "aliases": [{"name": "N.S/t/é"}]}]}"#;
        for (big, mark) in [(false, true), (true, true), (false, false), (true, false)] {
            assert_eq!(decode(&utf16(json, big, mark)).as_deref(), Ok(json), "big-endian {big}, mark {mark}");
        }
        let mut marked = vec![0xEF, 0xBB, 0xBF];
        marked.extend_from_slice(json.as_bytes());
        assert_eq!(decode(&marked).as_deref(), Ok(json));
        assert_eq!(import_bytes(&marked).map(|c| c.len()), Ok(1));
    }

    #[test]
    fn other_encodings_are_refused_with_a_hint() {
        let latin1 = b"{\"namespace\": \"caf\xe9\"}";
        let e = decode(latin1).expect_err("not UTF-8");
        assert_eq!(e.code(), Code::CatalogEncoding);
        assert!(e.message().contains("offset 18"), "{e}");
        assert!(e.help().is_some_and(|h| h.contains("Out-File -Encoding utf8")), "{e:?}");

        let e = decode(&[0xFF, 0xFE, b'{', 0, b'}']).expect_err("odd length");
        assert!(e.message().contains("odd number of bytes"), "{e}");
        let e = decode(&[0xFF, 0xFE, 0x00, 0xD8, b'x', 0]).expect_err("lone surrogate");
        assert!(e.message().contains("surrogate") && e.message().contains("offset 2"), "{e}");
        let e = decode(&[0xFF, 0xFE, 0, 0, b'{', 0, 0, 0]).expect_err("UTF-32");
        assert!(e.message().contains("UTF-32"), "{e}");
        assert_eq!(decode(b"").as_deref(), Ok(""));
    }

    #[test]
    fn an_export_without_aliases_is_refused_with_the_command_to_run() {
        let export =
            read_export(include_str!("../../tests/fixtures/catalog/no-aliases.json")).expect("reads as types only");
        assert_eq!(export.types().len(), 3);
        let e = export.require_aliases("exports/storage.json").expect_err("no aliases");
        assert_eq!(e.code(), Code::CatalogWithoutAliases);
        assert_eq!(
            e.help(),
            Some(
                "run `az provider show --namespace Microsoft.Storage --expand \"resourceTypes/aliases\" > exports/storage.json` and import that file"
            )
        );
        assert!(e.message().contains("3 resource types of Microsoft.Storage"), "{e}");

        let two = r#"[{"namespace": "A.B", "resourceTypes": [{"resourceType": "x"}]},
                      {"namespace": "C.D", "resourceTypes": [{"resourceType": "y", "aliases": null}]}]"#;
        let e = read_export(two).and_then(|x| x.require_aliases("all.json")).expect_err("no aliases");
        let help = e.help().unwrap_or_default();
        assert!(help.contains("--namespace A.B --expand \"resourceTypes/aliases\" > A.B.json"), "{help}");
        assert!(help.contains("--namespace C.D --expand \"resourceTypes/aliases\" > C.D.json"), "{help}");

        let full = read_export(include_str!("../../tests/fixtures/catalog/az-provider-show.json")).expect("reads");
        assert_eq!(full.require_aliases("f.json"), Ok(()));
        assert_eq!(read_export("[]").and_then(|x| x.require_aliases("f.json")), Ok(()));
    }

    #[test]
    fn exports_count_per_namespace_and_keep_an_alias_per_type() {
        let export =
            read_export(include_str!("../../tests/fixtures/catalog/two-namespaces.json")).expect("two namespaces");
        let counts: Vec<(&str, usize, usize)> =
            export.namespaces().map(|n| (n.namespace.as_str(), n.resource_types, n.aliases)).collect();
        assert_eq!(counts, [("Microsoft.KeyVault", 1, 1), ("Microsoft.Storage", 2, 3)]);

        // The same alias under two resource types (and a type listed twice) stays two entries.
        let shared = r#"{"namespace": "N.S", "resourceTypes": [
            {"resourceType": "a", "aliases": [{"name": "N.S/shared/x", "defaultPath": "properties.x"}]},
            {"resourceType": "b", "aliases": [{"name": "N.S/shared/x", "defaultPath": "properties.x"}]},
            {"resourceType": "A", "aliases": []}]}"#;
        let export = read_export(shared).expect("reads");
        let entries: Vec<(&str, &str)> = export.aliases().iter().map(|a| (a.name(), a.resource_type())).collect();
        assert_eq!(entries, [("N.S/shared/x", "N.S/a"), ("N.S/shared/x", "N.S/b")]);
        let counts: Vec<(usize, usize)> = export.namespaces().map(|n| (n.resource_types, n.aliases)).collect();
        assert_eq!(counts, [(2, 2)]);
    }

    proptest::proptest! {
        /// Any bytes decode or fail with a diagnostic, never a panic.
        #[test]
        fn decoding_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            let _ = import_bytes(&bytes);
        }

        /// Arbitrary JSON built from the keys the reader looks at never panics it.
        #[test]
        fn never_panics_on_odd_json(value in json_value()) {
            let text = value.to_string();
            let _ = import_json(&text);
        }

        #[test]
        fn never_panics_on_arbitrary_text(text in ".{0,64}") {
            let _ = import_json(&text);
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop::sample::select(vec![
            "namespace",
            "Namespace",
            "resourceTypes",
            "resourceType",
            "ResourceType",
            "aliases",
            "Aliases",
            "name",
            "Name",
            "defaultPath",
            "paths",
            "metadata",
            "defaultMetadata",
            "type",
            "Type",
            "attributes",
            "value",
            "x-gavel-enum",
            "x-gavel-enumOpen",
            "x-gavel-origin",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            prop::sample::select(vec!["", "N", "N/t", "N/t/a", "String", "Modifiable", "x/y"]).prop_map(Value::from),
        ];
        leaf.prop_recursive(5, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..5)
                    .prop_map(|pairs| { Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()) }),
            ]
        })
    }
}
