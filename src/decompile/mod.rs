//! The decompiler: Azure Policy JSON → gavel source. [`read`] turns JSON into the AST (the same
//! AST the compiler produces, also used by `gavel check x.json`); [`raise`] turns the AST into
//! an idiomatic syntax tree, which the one printer in [`crate::fmt`] writes out.

pub mod arm;
pub mod json;
pub mod read;

pub use read::{JsonInput, JsonSource, read_json_definitions, read_json_input};
