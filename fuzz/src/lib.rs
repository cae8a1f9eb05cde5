//! Fuzzing gavel's front ends on stable Rust. See `fuzz/README.md` for the design and how to
//! run it.
//!
//! - [`harness`]: one function per front end, `fn(&[u8]) -> u64`, usable as a libFuzzer
//!   target as it is;
//! - [`mutate`]: the mutations, [`seeds`]: the seed corpus;
//! - [`driver`]: the mutation loop of one harness in one process;
//! - [`supervise`]: harnesses in worker processes, crashes and hangs caught from outside.

pub mod driver;
pub mod harness;
pub mod mutate;
pub mod rng;
pub mod seeds;
pub mod supervise;

#[path = "../../tests/support/fragments.rs"]
mod fragments;
