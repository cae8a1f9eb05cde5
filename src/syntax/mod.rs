//! Source text to syntax tree: tokens (logos), the parser (lalrpop), spans.

pub mod span;
