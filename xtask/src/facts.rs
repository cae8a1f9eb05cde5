//! What the type sources say about one alias path, accumulated over every source, API version
//! and discriminated variant, then settled into one value type.

use std::collections::BTreeSet;

/// A JSON value kind as a source states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    String,
    Boolean,
    Integer,
    Number,
    Array,
    Object,
}

/// Everything the sources said about one path. Kept as a union (not a single type) so the
/// order in which sources are read cannot change the result.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// At least one source resolved the whole path.
    pub found: bool,
    pub kinds: BTreeSet<Kind>,
    /// A source typed the value as "any JSON" (Bicep `AnyType`, a swagger schema with no type).
    pub any: bool,
    /// String literals (enum members), first casing seen wins, compared case-insensitively as
    /// Azure compares strings.
    pub literals: Vec<String>,
    /// A plain string type was seen too: the enum is open (`modelAsString`).
    pub open: bool,
    /// Whether the property at the end of the path is read-only: `None` when no source declares
    /// that property, otherwise `true` only if every source that declares it flags it ReadOnly.
    pub read_only: Option<bool>,
}

impl Facts {
    pub fn kind(&mut self, kind: Kind) {
        self.found = true;
        self.kinds.insert(kind);
    }

    pub fn plain_string(&mut self) {
        self.kind(Kind::String);
        self.open = true;
    }

    pub fn literal(&mut self, value: &str) {
        self.kind(Kind::String);
        if !self.literals.iter().any(|l| l.eq_ignore_ascii_case(value)) {
            self.literals.push(value.to_string());
        }
    }

    pub fn any(&mut self) {
        self.found = true;
        self.any = true;
    }

    /// One source's say on whether the property at the end of the path is read-only.
    pub fn read_only(&mut self, read_only: bool) {
        self.read_only = Some(self.read_only.unwrap_or(true) && read_only);
    }

    pub fn merge(&mut self, other: &Facts) {
        if let Some(read_only) = other.read_only {
            self.read_only(read_only);
        }
        self.found |= other.found;
        self.kinds.extend(other.kinds.iter().copied());
        self.any |= other.any;
        self.open |= other.open;
        for literal in &other.literals {
            if !self.literals.iter().any(|l| l.eq_ignore_ascii_case(literal)) {
                self.literals.push(literal.clone());
            }
        }
    }

    /// The single value type the catalog records, or `None` for `unknown`.
    ///
    /// - integer + number is number: the Bicep type files map swagger `number` to their only
    ///   numeric type (`IntegerType`), so a mix means "a number".
    /// - a value one source calls "any" and another types concretely takes the concrete type:
    ///   "any" there means the source did not describe the value (older previews used free-form
    ///   objects), not that the service accepts anything.
    /// - any other mix (say string in one variant, object in another) is `unknown`: the checker
    ///   must not reject a value that is valid for some variant.
    pub fn settle(&self) -> Settled {
        let mut kinds = self.kinds.clone();
        if kinds.contains(&Kind::Number) {
            kinds.remove(&Kind::Integer);
        }
        let kind = match kinds.len() {
            1 => kinds.first().copied(),
            _ => None,
        };
        let (enum_values, enum_open) = if kind == Some(Kind::String) && !self.literals.is_empty() {
            let mut values = self.literals.clone();
            values.sort_by(|a, b| cmp_ci(a, b).then_with(|| a.cmp(b)));
            (values, self.open)
        } else {
            (Vec::new(), false)
        };
        Settled { kind, enum_values, enum_open, conflict: kinds.len() > 1, read_only: self.read_only == Some(true) }
    }
}

/// The outcome of [`Facts::settle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub kind: Option<Kind>,
    pub enum_values: Vec<String>,
    pub enum_open: bool,
    /// Sources disagreed on the kind (reported, recorded as unknown).
    pub conflict: bool,
    /// Every source that declares the property flags it ReadOnly.
    pub read_only: bool,
}

/// The one ordering both the generator and gavel's runtime use for names: ASCII case folded,
/// byte-wise. The runtime binary-searches tables sorted with it, so the two must agree exactly.
pub fn cmp_ci(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// One step of an alias default path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// `.name`
    Prop(String),
    /// `[*]`: every element of an array.
    Elem,
}

/// Splits `properties.a[*].b` into `Prop(properties) Prop(a) Elem Prop(b)`.
pub fn parse_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let mut name = part;
        let mut elems = 0;
        while let Some(rest) = name.strip_suffix("[*]") {
            name = rest;
            elems += 1;
        }
        if !name.is_empty() {
            segs.push(Seg::Prop(name.to_string()));
        }
        segs.extend(std::iter::repeat_n(Seg::Elem, elems));
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_properties_and_elements() {
        assert_eq!(
            parse_path("properties.a[*].b[*][*]"),
            vec![
                Seg::Prop("properties".into()),
                Seg::Prop("a".into()),
                Seg::Elem,
                Seg::Prop("b".into()),
                Seg::Elem,
                Seg::Elem
            ]
        );
    }

    #[test]
    fn settling_prefers_number_and_concrete_types() {
        let mut f = Facts::default();
        f.kind(Kind::Integer);
        f.kind(Kind::Number);
        f.any();
        assert_eq!(f.settle().kind, Some(Kind::Number));
        f.kind(Kind::Object);
        assert_eq!(f.settle().kind, None);
    }

    #[test]
    fn enums_are_open_when_a_plain_string_was_seen() {
        let mut f = Facts::default();
        f.literal("Enabled");
        f.literal("enabled");
        f.literal("Disabled");
        let s = f.settle();
        assert_eq!(s.enum_values, vec!["Disabled", "Enabled"]);
        assert!(!s.enum_open);
        f.plain_string();
        assert!(f.settle().enum_open);
    }

    #[test]
    fn read_only_needs_every_declaring_source() {
        let mut a = Facts::default();
        assert!(!a.settle().read_only);
        a.read_only(true);
        assert!(a.settle().read_only);
        let mut b = Facts::default();
        b.read_only(false);
        a.merge(&b);
        assert!(!a.settle().read_only);
        // A source that does not declare the property has no say.
        let mut c = Facts::default();
        c.read_only(true);
        c.merge(&Facts::default());
        assert!(c.settle().read_only);
    }
}
