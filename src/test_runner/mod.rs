//! `gavel test` and `gavel eval`: policies evaluated against example resources by Microsoft's
//! Azure Policy engine.

pub mod engine;
pub mod resource;
pub mod source;
pub mod spec;
pub mod policy;
pub mod evaluate;
pub mod explain;
pub mod run;
pub mod report;
