//! Regression tests of this group; see `main.rs`.
