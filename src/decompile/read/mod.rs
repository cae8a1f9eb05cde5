//! JSON → AST: the one reader behind `gavel decompile`, `gavel check x.json` and
//! `gavel build x.json`. It produces the same [`ast::Definition`] the compiler produces for
//! the equivalent gavel source, with spans pointing into the JSON text, and reports what it
//! cannot read as diagnostics that name the JSON path. Nothing is dropped: shapes gavel has
//! no syntax for are kept as raw JSON (and reported as such).

mod assignment;
mod effect;
mod header;
mod initiative;
mod rule;

use std::collections::HashSet;

use jsonc_parser::ast::{Object, ObjectProp, StringLit, Value};

use super::arm::{self, Positions};
use super::json::{self, get, get_str, prop_name, span_of};

use crate::ast::caseless::Caseless;
use crate::ast::numbers::exact_number;
use crate::ast::{Definition, Expr, Field, FieldName, Spanned};
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::{FileId, Span};

/// One JSON text and the file it came from.
#[derive(Debug, Clone, Copy)]
pub struct JsonSource<'a> {
    pub file: FileId,
    pub text: &'a str,
}

/// What the reader reads: a file, and for the az CLI shapes the files beside it.
#[derive(Debug, Clone, Copy)]
pub struct JsonInput<'a> {
    pub main: JsonSource<'a>,
    /// `x.params.json` beside an az CLI `x.rules.json` (or `x.definitions.json`).
    pub params: Option<JsonSource<'a>>,
    /// `x.groups.json` beside an az CLI `x.definitions.json`.
    pub groups: Option<JsonSource<'a>>,
    /// The name of definitions that carry none (az CLI files: the file stem).
    pub name_hint: Option<&'a str>,
}

impl<'a> JsonInput<'a> {
    pub fn new(file: FileId, text: &'a str) -> JsonInput<'a> {
        JsonInput { main: JsonSource { file, text }, params: None, groups: None, name_hint: None }
    }
}

/// Reads every definition in one JSON file: a raw definition, a `{"properties": …}` wrapper
/// (Azure/azure-policy, ALZ library), an ARM template or template resource deploying
/// definitions (with `[[` escapes undone), a list of those, or an az CLI rules file.
pub fn read_json_definitions(file: FileId, text: &str) -> (Vec<Definition>, Vec<Diagnostic>) {
    read_json_input(&JsonInput::new(file, text))
}

/// [`read_json_definitions`] with the files an az CLI pair puts beside the main file.
pub fn read_json_input(input: &JsonInput<'_>) -> (Vec<Definition>, Vec<Diagnostic>) {
    let (module, diagnostics) = read_json_module(input);
    (module.definitions, diagnostics)
}

/// Everything one JSON input holds: definitions, and assignments and exemptions.
pub fn read_json_module(input: &JsonInput<'_>) -> (crate::ast::Module, Vec<Diagnostic>) {
    let mut reader = Reader::new(input.main);
    let definitions = match reader.parse(input.main.text) {
        Some(root) => reader.root(&root, input),
        None => Vec::new(),
    };
    let module = crate::ast::Module {
        imports: Vec::new(),
        definitions,
        assignments: std::mem::take(&mut reader.assignments),
        exemptions: std::mem::take(&mut reader.exemptions),
    };
    (module, reader.diagnostics)
}

/// A step of the JSON path, kept without copying: a key's range in the text, a fixed key,
/// or a list index. Turned into text only for a diagnostic.
#[derive(Debug, Clone)]
enum Segment {
    Key(usize, usize),
    Static(&'static str),
    Index(usize),
}

pub(crate) struct Reader<'a> {
    file: FileId,
    /// Bytes before the parsed text (a byte-order mark).
    offset: usize,
    /// Inside an ARM template: `[[` is undone and `[…]` is a template expression.
    arm: bool,
    path: Vec<Segment>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The raw JSON text, to tell whether a string had escapes.
    text: &'a str,
    /// Assignments and exemptions met on the way (they are not definitions).
    assignments: Vec<crate::ast::Assignment>,
    exemptions: Vec<crate::ast::Exemption>,
}

impl<'a> Reader<'a> {
    fn new(source: JsonSource<'a>) -> Reader<'a> {
        Reader {
            file: source.file,
            offset: 0,
            arm: false,
            path: Vec::new(),
            diagnostics: Vec::new(),
            text: source.text,
            assignments: Vec::new(),
            exemptions: Vec::new(),
        }
    }

    /// Parses `text` (a byte-order mark is skipped), reporting what is wrong.
    fn parse<'t>(&mut self, text: &'t str) -> Option<Value<'t>> {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        self.offset = text.len() - body.len();
        match json::parse(self.file, body, self.offset) {
            Ok(value) => Some(value),
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    // ------------------------------------------------------------ envelopes

    fn root(&mut self, root: &Value<'_>, input: &JsonInput<'_>) -> Vec<Definition> {
        match root {
            Value::Array(array) if array.elements.iter().any(is_member) => {
                initiative::az_definitions(self, array, input).into_iter().collect()
            }
            Value::Array(array) => {
                let mut definitions = Vec::new();
                for (i, element) in array.elements.iter().enumerate() {
                    self.at_index(i, |r| definitions.extend(r.top_object(element, input)));
                }
                definitions
            }
            other => self.top_object(other, input),
        }
    }

    fn top_object(&mut self, value: &Value<'_>, input: &JsonInput<'_>) -> Vec<Definition> {
        let Value::Object(object) = value else {
            self.not_a_definition(value, "expected an object");
            return Vec::new();
        };
        if let Some(Value::Array(resources)) = get(object, "resources").map(|p| &p.value) {
            return self.template(resources);
        }
        if assignment::is_epac_assignment(object) {
            let span = Span::new(self.file, self.offset + object.range.start, self.offset + object.range.end);
            let assignments = assignment::epac_assignments(self, object, span);
            self.assignments.extend(assignments);
            return Vec::new();
        }
        // A policy-as-code exemptions file (EPAC): `{"exemptions": [{"name", "scope", …}, …]}`.
        if let Some(prop) = get(object, "exemptions").filter(|p| matches!(p.value, Value::Array(_))) {
            let Value::Array(list) = &prop.value else { return Vec::new() };
            self.at_prop(prop, |r| {
                for (i, element) in list.elements.iter().enumerate() {
                    r.at_index(i, |r| r.top_object(element, input));
                }
            });
            return Vec::new();
        }
        if get(object, "apiVersion").is_some() && definition_type(object).is_some() {
            self.arm = true;
            let definition = self.definition_envelope(object, input.name_hint);
            self.arm = false;
            return definition.into_iter().collect();
        }
        if get(object, "if").is_some() && get(object, "then").is_some() {
            return rule::az_rules(self, value, input).into_iter().collect();
        }
        self.definition_envelope(object, input.name_hint).into_iter().collect()
    }

    /// An ARM template: every `policyDefinitions`/`policySetDefinitions` resource.
    fn template(&mut self, resources: &jsonc_parser::ast::Array<'_>) -> Vec<Definition> {
        let mut definitions = Vec::new();
        self.at_key("resources", |r| {
            for (i, resource) in resources.elements.iter().enumerate() {
                r.at_index(i, |r| match resource {
                    Value::Object(object) if definition_type(object).is_some() => {
                        r.arm = true;
                        definitions.extend(r.definition_envelope(object, None));
                        r.arm = false;
                    }
                    other => {
                        let what = match other {
                            Value::Object(object) => get_str(object, "type").unwrap_or("resource").to_string(),
                            other => json::type_name(other).to_string(),
                        };
                        let span = r.span(other);
                        r.warn(
                            Code::NotADefinition,
                            span,
                            format!("{}: `{what}` is not a policy definition; skipped", r.path_text()),
                            "only Microsoft.Authorization/policyDefinitions and policySetDefinitions resources are read",
                        );
                    }
                });
            }
        });
        if definitions.is_empty() && self.diagnostics.iter().all(|d| !d.is_error()) {
            let span = Span::new(self.file, self.offset, self.offset);
            self.error(
                Code::NotADefinition,
                span,
                "the template deploys no policy definition or initiative",
                "gavel reads Microsoft.Authorization/policyDefinitions and policySetDefinitions resources",
            );
        }
        definitions
    }

    /// `{"name", "properties": {…}}`, or the properties themselves (`{"policyRule": …}`).
    fn definition_envelope(&mut self, object: &Object<'_>, name_hint: Option<&str>) -> Option<Definition> {
        let name = self.definition_name(object, name_hint);
        match get(object, "properties") {
            Some(prop) if !is_definition_body(object) => self.at_prop(prop, |r| match &prop.value {
                Value::Object(properties) => r.definition(properties, name, object),
                other => {
                    r.unexpected(other, "an object");
                    None
                }
            }),
            _ => self.definition(object, name, object),
        }
    }

    fn definition(&mut self, properties: &Object<'_>, name: Spanned<String>, whole: &Object<'_>) -> Option<Definition> {
        let span = Span::new(self.file, self.offset + whole.range.start, self.offset + whole.range.end);
        if get(properties, "policyRule").is_some() {
            return header::policy(self, properties, name, span).map(Definition::Policy);
        }
        if get(properties, "policyDefinitions").is_some() {
            return initiative::initiative(self, properties, name, span).map(Definition::Initiative);
        }
        if assignment::is_exemption(properties) {
            let exemption = assignment::exemption(self, properties, whole, name, span);
            self.exemptions.push(exemption);
            return None;
        }
        if assignment::is_assignment(properties) {
            let assignment = assignment::assignment(self, properties, whole, name, span);
            self.assignments.push(assignment);
            return None;
        }
        self.not_a_definition_object(properties);
        None
    }

    fn definition_name(&mut self, object: &Object<'_>, name_hint: Option<&str>) -> Spanned<String> {
        match get(object, "name").map(|p| &p.value) {
            Some(Value::StringLit(lit)) => {
                let span = self.lit_span(lit);
                Spanned::new(self.text_of(lit), span)
            }
            _ => Spanned::new(name_hint.unwrap_or("").to_string(), Span::new(self.file, self.offset, self.offset)),
        }
    }

    fn not_a_definition_object(&mut self, object: &Object<'_>) {
        let span = Span::new(self.file, self.offset + object.range.start, self.offset + object.range.end);
        let looks_like_params = !object.properties.is_empty()
            && object.properties.iter().all(|p| matches!(&p.value, Value::Object(o) if get(o, "type").is_some()));
        let help = if looks_like_params {
            "this looks like the parameters file of an az CLI pair: decompile the rules file beside it (`x.rules.json`)"
        } else {
            "a policy definition has `policyRule`, an initiative `policyDefinitions`"
        };
        self.error(
            Code::NotADefinition,
            span,
            format!("{}: neither a policy definition nor an initiative", self.path_text()),
            help,
        );
    }

    fn not_a_definition(&mut self, value: &Value<'_>, message: &str) {
        let span = self.span(value);
        let found = json::type_name(value);
        self.error(
            Code::NotADefinition,
            span,
            format!("{}: {message}, found {found}", self.path_text()),
            "a definition is a JSON object such as `{ \"properties\": { \"policyRule\": … } }`",
        );
    }

    // ------------------------------------------------------------ paths and reports

    /// Runs `f` one key deeper in the JSON path.
    pub(crate) fn at_prop<T>(&mut self, prop: &ObjectProp<'_>, f: impl FnOnce(&mut Self) -> T) -> T {
        let range = match &prop.name {
            jsonc_parser::ast::ObjectPropName::String(lit) => lit.range,
            jsonc_parser::ast::ObjectPropName::Word(word) => word.range,
        };
        self.path.push(Segment::Key(self.offset + range.start, self.offset + range.end));
        let result = f(self);
        self.path.pop();
        result
    }

    pub(crate) fn at_key<T>(&mut self, key: &'static str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(Segment::Static(key));
        let result = f(self);
        self.path.pop();
        result
    }

    pub(crate) fn at_index<T>(&mut self, index: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(Segment::Index(index));
        let result = f(self);
        self.path.pop();
        result
    }

    /// The current JSON path: `$.properties.policyRule.if.allOf[2]`.
    pub(crate) fn path_text(&self) -> String {
        let mut text = String::from("$");
        for segment in &self.path {
            let key = match segment {
                Segment::Key(start, end) => {
                    let raw = self.text.get(*start..*end).unwrap_or_default();
                    raw.strip_prefix('"').and_then(|k| k.strip_suffix('"')).unwrap_or(raw)
                }
                Segment::Static(key) => key,
                Segment::Index(i) => {
                    text.push_str(&format!("[{i}]"));
                    continue;
                }
            };
            if is_plain_key(key) {
                text.push('.');
                text.push_str(key);
            } else {
                text.push_str(&format!("[{key:?}]"));
            }
        }
        text
    }

    pub(crate) fn error(&mut self, code: Code, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(code, span, message).with_help(help));
    }

    pub(crate) fn warn(&mut self, code: Code, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(code, span, message).with_help(help).with_severity(crate::diag::Severity::Warning));
    }

    /// A value of the wrong JSON type where `expected` was required.
    pub(crate) fn unexpected(&mut self, value: &Value<'_>, expected: &str) {
        let span = self.span(value);
        let message = format!("{}: expected {expected}, found {}", self.path_text(), json::type_name(value));
        self.error(Code::UnexpectedJsonValue, span, message, format!("write {expected} here"));
    }

    /// A construct kept as raw JSON.
    pub(crate) fn kept(&mut self, span: Span, what: &str) {
        let message = format!("{}: {what}; kept as raw JSON", self.path_text());
        self.warn(Code::KeptVerbatim, span, message, "gavel writes it as `json …`, exactly as it is");
    }

    // ------------------------------------------------------------ values

    pub(crate) fn span(&self, value: &Value<'_>) -> Span {
        span_of(self.file, self.offset, value)
    }

    pub(crate) fn lit_span(&self, lit: &StringLit<'_>) -> Span {
        Span::new(self.file, self.offset + lit.range.start, self.offset + lit.range.end)
    }

    pub(crate) fn prop_span(&self, prop: &ObjectProp<'_>) -> Span {
        Span::new(self.file, self.offset + prop.range.start, self.offset + prop.range.end)
    }

    pub(crate) fn key(&self, prop: &ObjectProp<'_>) -> Spanned<String> {
        let range = match &prop.name {
            jsonc_parser::ast::ObjectPropName::String(lit) => lit.range,
            jsonc_parser::ast::ObjectPropName::Word(word) => word.range,
        };
        Spanned::new(
            prop_name(prop).to_string(),
            Span::new(self.file, self.offset + range.start, self.offset + range.end),
        )
    }

    /// A string as the policy sees it: inside an ARM template `[[` is undone.
    pub(crate) fn text_of(&mut self, lit: &StringLit<'_>) -> String {
        self.unescape_arm(&lit.value, self.lit_span(lit)).0
    }

    /// Undoes ARM's `[[` escape; returns the text and how many leading bytes were dropped
    /// (`None` for a template expression, which is kept as it is).
    fn unescape_arm(&mut self, value: &str, span: Span) -> (String, Option<usize>) {
        if !self.arm || !value.starts_with('[') || !value.ends_with(']') {
            return (value.to_string(), Some(0));
        }
        if let Some(rest) = value.strip_prefix("[[") {
            return (format!("[{rest}"), Some(1));
        }
        let message = format!("{}: `{value}` is evaluated when the template is deployed", self.path_text());
        self.warn(
            Code::TemplateExpression,
            span,
            message,
            "gavel keeps it verbatim; write the value it has when deployed, or escape a policy expression as `[[…]`",
        );
        (value.to_string(), None)
    }

    /// A value in a position the compiler interprets (conditions, details, member parameters):
    /// `"[…]"` strings become expressions.
    pub(crate) fn expr(&mut self, value: &Value<'_>) -> Expr {
        let span = self.span(value);
        match value {
            Value::StringLit(lit) => self.string_expr(lit),
            Value::NumberLit(number) => match self.number(span, number.value) {
                Some(n) => Expr::Number(n, span),
                None => Expr::Null(span),
            },
            Value::BooleanLit(b) => Expr::Bool(b.value, span),
            Value::NullKeyword(_) => Expr::Null(span),
            Value::Array(array) => {
                let mut items = Vec::with_capacity(array.elements.len());
                for (i, element) in array.elements.iter().enumerate() {
                    items.push(self.at_index(i, |r| r.expr(element)));
                }
                Expr::Array(items, span)
            }
            Value::Object(object) => {
                let mut entries = Vec::with_capacity(object.properties.len());
                for prop in self.unique(object) {
                    let key = self.key(prop);
                    entries.push((key, self.at_prop(prop, |r| r.expr(&prop.value))));
                }
                Expr::Object(entries, span)
            }
        }
    }

    /// A JSON number, kept exactly; one that would change value on the way (`1e-400` read as
    /// 0, an integer beyond 64 bits rounded) is an error at its place.
    fn number(&mut self, span: Span, text: &str) -> Option<serde_json::Number> {
        match exact_number(text) {
            Ok(number) => Some(number),
            Err(problem) => {
                let message = format!("{}: {}", self.path_text(), problem.describe(text));
                self.error(Code::InexactJsonNumber, span, message, problem.help());
                None
            }
        }
    }

    /// A JSON string in an interpreted position: a literal, an escaped literal (`[[…]`), or an
    /// ARM expression (`[…]`), parsed; what does not parse is kept verbatim.
    pub(crate) fn string_expr(&mut self, lit: &StringLit<'_>) -> Expr {
        let span = self.lit_span(lit);
        let (text, dropped) = self.unescape_arm(&lit.value, span);
        let Some(dropped) = dropped else {
            return Expr::Raw(serde_json::Value::String(text), span);
        };
        if !text.starts_with('[') || !text.ends_with(']') || text.len() < 2 {
            return Expr::String(text, span);
        }
        if let Some(literal) = text.strip_prefix("[[") {
            return Expr::String(format!("[{literal}"), span);
        }
        let inner = text.get(1..text.len() - 1).unwrap_or_default();
        let positions = self.positions(lit, dropped + 1);
        match arm::parse(inner, positions) {
            // A bare literal in brackets (`"['x']"`) is not what the compiler would produce.
            Some(Expr::String(..) | Expr::Number(..) | Expr::Bool(..) | Expr::Null(_)) => {
                Expr::Raw(serde_json::Value::String(text), span)
            }
            Some(expr) => expr,
            None => {
                let message = format!("{}: `{text}` is not an expression gavel reads", self.path_text());
                self.warn(
                    Code::UnparsedExpression,
                    span,
                    message,
                    "it is kept verbatim; check its brackets and quotes",
                );
                Expr::Raw(serde_json::Value::String(text), span)
            }
        }
    }

    /// Where expression text starts in the file: exact when the JSON string had no escapes.
    fn positions(&self, lit: &StringLit<'_>, skipped: usize) -> Positions {
        let start = self.offset + lit.range.start + 1;
        let raw = self.text.get(start..self.offset + lit.range.end.saturating_sub(1));
        if raw == Some(lit.value.as_ref()) {
            Positions::Exact { file: self.file, start: start + skipped }
        } else {
            Positions::Whole(self.lit_span(lit))
        }
    }

    /// A field name: an alias (`"Microsoft.X/y/z"`) or an expression that computes one.
    pub(crate) fn field(&mut self, lit: &StringLit<'_>) -> Field {
        let span = self.lit_span(lit);
        let name = match self.string_expr(lit) {
            Expr::String(text, _) => FieldName::Static(text),
            Expr::Field(field) => field.name,
            other => FieldName::Dynamic(Box::new(other)),
        };
        Field { name, written: None, span }
    }

    /// JSON kept as it is (metadata, defaults, deployments); inside an ARM template with its
    /// `[[` escapes undone.
    pub(crate) fn raw(&mut self, value: &Value<'_>) -> serde_json::Value {
        use serde_json::Value as V;
        match value {
            Value::StringLit(lit) => V::String(self.text_of(lit)),
            Value::NumberLit(number) => {
                let span = self.span(value);
                self.number(span, number.value).map_or(V::Null, V::Number)
            }
            Value::BooleanLit(b) => V::Bool(b.value),
            Value::NullKeyword(_) => V::Null,
            Value::Array(array) => V::Array(array.elements.iter().map(|e| self.raw(e)).collect()),
            Value::Object(object) => {
                // Duplicate keys: the last one wins, as serde_json reads them.
                let mut map = serde_json::Map::new();
                for prop in &object.properties {
                    let value = self.raw(&prop.value);
                    map.insert(prop_name(prop).to_string(), value);
                }
                V::Object(map)
            }
        }
    }

    pub(crate) fn raw_expr(&mut self, value: &Value<'_>) -> Expr {
        let span = self.span(value);
        Expr::Raw(self.raw(value), span)
    }

    /// The properties of an object, first of each name (ignoring case, as Azure reads keys);
    /// later duplicates are reported.
    pub(crate) fn unique<'b, 'j>(&mut self, object: &'b Object<'j>) -> Vec<&'b ObjectProp<'j>> {
        self.first_of_each(object, true)
    }

    /// [`Reader::unique`] for an object that has been reported already.
    pub(crate) fn first_of_each<'b, 'j>(&mut self, object: &'b Object<'j>, report: bool) -> Vec<&'b ObjectProp<'j>> {
        let mut seen: Vec<&'b ObjectProp<'j>> = Vec::with_capacity(object.properties.len());
        let mut names = HashSet::with_capacity(object.properties.len());
        for prop in &object.properties {
            if !names.insert(Caseless(prop_name(prop))) {
                if !report {
                    continue;
                }
                let span = self.prop_span(prop);
                let message = format!("{}: `{}` is given twice", self.path_text(), prop_name(prop));
                self.warn(Code::DuplicateJsonKey, span, message, "remove the duplicate; the first one is read");
                continue;
            }
            seen.push(prop);
        }
        seen
    }

    /// `(key, value)` extras for keys kept verbatim.
    pub(crate) fn extra(&mut self, prop: &ObjectProp<'_>) -> (Spanned<String>, Expr) {
        let key = self.key(prop);
        let value = self.at_prop(prop, |r| r.raw_expr(&prop.value));
        (key, value)
    }

    pub(crate) fn string_value(&mut self, value: &Value<'_>) -> Option<Spanned<String>> {
        match value {
            Value::StringLit(lit) => {
                let span = self.lit_span(lit);
                Some(Spanned::new(self.text_of(lit), span))
            }
            _ => None,
        }
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// `Microsoft.Authorization/policyDefinitions` or `policySetDefinitions` (any case).
fn definition_type<'b>(object: &'b Object<'_>) -> Option<&'b str> {
    let ty = get_str(object, "type")?;
    let lower = ty.to_ascii_lowercase();
    (lower == "microsoft.authorization/policydefinitions" || lower == "microsoft.authorization/policysetdefinitions")
        .then_some(ty)
}

/// Whether an object is itself a definition's properties (az CLI `show` output puts them at
/// the top, next to `name` and `type`).
fn is_definition_body(object: &Object<'_>) -> bool {
    get(object, "policyRule").is_some() || get(object, "policyDefinitions").is_some()
}

/// A member of an az CLI initiative definitions file.
fn is_member(value: &Value<'_>) -> bool {
    matches!(value, Value::Object(object) if get(object, "policyDefinitionId").is_some())
}

/// The AST needs spans even where the JSON has no node (defaults).
pub(crate) fn empty_span(reader: &Reader) -> Span {
    Span::new(reader.file, reader.offset, reader.offset)
}
