//! What gavel knows about Azure: resource kinds, well-known roles and the alias catalog.

pub mod aliases;
pub mod builtins;
pub mod fields;
pub mod import;
pub mod kinds;
pub mod roles;
