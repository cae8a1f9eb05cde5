//! `gavel test` and `gavel eval`: policies evaluated against example resources by Microsoft's
//! Azure Policy engine.

pub mod engine;
pub mod evaluate;
pub mod explain;
pub mod policy;
pub mod report;
pub mod resource;
pub mod run;
pub mod source;
pub mod spec;
