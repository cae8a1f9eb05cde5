//! The pieces emitted JSON is serialised from. Objects are lists of entries that borrow from
//! the AST; conditions and expressions serialise themselves straight from the AST, so
//! writing a definition builds no JSON value tree and copies no strings.

use std::collections::HashMap;

use crate::ast::{Condition, Expr, Operation, Spanned};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A JSON object being emitted. A key written twice keeps the place where it was first
/// written and takes the value written last, as inserting into a JSON map does: `json { … }`
/// entries may so replace a derived key without moving it.
#[derive(Default)]
pub(super) struct Object<'a> {
    entries: Vec<(&'a str, Node<'a>)>,
}

/// A value in an emitted object or array.
pub(super) enum Node<'a> {
    Bool(bool),
    Str(&'a str),
    String(String),
    Expr(&'a Expr),
    Condition(&'a Condition),
    Object(Object<'a>),
    Array(Vec<Node<'a>>),
    /// A modify operation, or an append item when the flag is set.
    Operation(&'a Operation, bool),
}

impl<'a> Object<'a> {
    pub fn new() -> Object<'a> {
        Object { entries: Vec::with_capacity(8) }
    }

    pub fn push(&mut self, key: &'a str, node: Node<'a>) {
        self.entries.push((key, node));
    }

    pub fn push_str(&mut self, key: &'a str, value: &'a str) {
        self.push(key, Node::Str(value));
    }

    /// Entries written in the source (an object literal, `metadata { … }`, `json { … }`); pushed
    /// after the derived ones, they win.
    pub fn push_entries(&mut self, entries: &'a [(Spanned<String>, Expr)]) {
        for (key, value) in entries {
            self.push(&key.value, Node::Expr(value));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// For each key, the index of the entry whose value is written (the last one), at the
    /// place of its first entry; `None` for later entries of the same key.
    fn winners(&self) -> Vec<Option<usize>> {
        let n = self.entries.len();
        let mut winners: Vec<Option<usize>> = (0..n).map(Some).collect();
        if n <= 16 {
            for i in 0..n {
                if winners[i].is_none() {
                    continue;
                }
                for j in i + 1..n {
                    if self.entries[j].0 == self.entries[i].0 {
                        winners[i] = Some(j);
                        winners[j] = None;
                    }
                }
            }
        } else {
            let mut first: HashMap<&str, usize> = HashMap::with_capacity(n);
            for j in 0..n {
                match first.get(self.entries[j].0) {
                    Some(&i) => {
                        winners[i] = Some(j);
                        winners[j] = None;
                    }
                    None => {
                        first.insert(self.entries[j].0, j);
                    }
                }
            }
        }
        winners
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let winners = self.winners();
        let mut map = serializer.serialize_map(Some(winners.iter().flatten().count()))?;
        for (i, winner) in winners.into_iter().enumerate() {
            if let Some(j) = winner {
                map.serialize_entry(self.entries[i].0, &self.entries[j].1)?;
            }
        }
        map.end()
    }
}

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Str(s) => serializer.serialize_str(s),
            Node::String(s) => serializer.serialize_str(s),
            Node::Expr(expr) => super::expr::ExprJson(expr).serialize(serializer),
            Node::Condition(condition) => super::ConditionJson(condition).serialize(serializer),
            Node::Object(object) => object.serialize(serializer),
            Node::Array(items) => serializer.collect_seq(items),
            Node::Operation(op, append) => super::OperationJson(op, *append).serialize(serializer),
        }
    }
}
