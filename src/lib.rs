//! gavel: a language and compiler for Azure Policy definitions, with Azure Machine Learning
//! built in.
//!
//! The pipeline runs one way: [`syntax`] (tokens and syntax tree) → [`ast`] (lowered policy
//! model) → [`emit`] (Azure Policy JSON). Every phase reports [`diag::Diagnostic`]s.

pub mod ast;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod decompile;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod fmt;
pub mod lsp;
pub mod project;
pub mod syntax;
pub mod test_runner;
