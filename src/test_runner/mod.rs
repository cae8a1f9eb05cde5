//! `gavel test` and `gavel eval`: policies evaluated against example resources by Microsoft's
//! Azure Policy engine (`regorus`, feature `azure_policy`). gavel evaluates no condition itself:
//! it reads test files, prepares what the engine reads, and reports what the engine decided.
//!
//! - [`spec`]: test files (`*.test.yaml`) into cases, with located diagnostics;
//! - [`policy`]: the policy under test (a gavel policy or a JSON definition) and its conditions
//!   with where they were written;
//! - [`engine`]: the bridge to the engine: alias catalog, compilation, existence checks;
//! - [`resource`]: what Azure does to a resource before evaluation (key spelling, `fullName`,
//!   the `resourceGroup()`/`subscription()` context);
//! - [`evaluate`]: one outcome, and what the engine does not model about it;
//! - [`explain`]: the conditions that decided an outcome, each evaluated by the engine;
//! - [`run`]: a test run across files, and [`initiative`] its initiative cases (each member
//!   evaluated with what the initiative gives it); [`report`]: its human and JSON output;
//! - [`source`]: located values and JSON files read into the source map.

pub mod engine;
pub mod evaluate;
pub mod explain;
pub mod initiative;
pub mod policy;
pub mod report;
pub mod resource;
pub mod run;
pub mod source;
pub mod spec;
