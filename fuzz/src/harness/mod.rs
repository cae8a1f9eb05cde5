//! One harness per front end. Each is a plain function from bytes to a signature, so that the
//! same function serves the stable driver here and a libFuzzer target (`fuzz_target!(|data|
//! { harness(data); })`). A harness panics on a finding: gavel panicked, or a property that
//! should hold of every input did not. The signature it returns summarises what the input
//! reached (its diagnostic codes, how far it got), so the driver can keep the inputs that
//! reach something new.

pub mod catalog;
pub mod definition;
pub mod lsp;
pub mod policy_tests;
pub mod source;

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use gavel::diag::{Code, Diagnostic};

use crate::mutate::Mutator;
use crate::seeds::{Seed, SeedFolders};

/// A mutation of an input, given a second input to splice from.
pub type Mutation = fn(&mut Mutator, &[u8], &[u8]) -> Vec<u8>;

pub struct Harness {
    pub name: &'static str,
    pub summary: &'static str,
    /// Runs one input; panics on a finding.
    pub run: fn(&[u8]) -> u64,
    /// Tokens of the input language, for the mutator.
    pub dictionary: &'static [&'static str],
    /// The seed corpus, from the repository and the shared data.
    pub seeds: fn(&SeedFolders) -> Vec<Seed>,
    /// A mutation that keeps the input's structure (the LSP framing); `None` mutates bytes.
    pub mutate: Option<Mutation>,
}

pub const ALL: &[Harness] =
    &[source::HARNESS, definition::HARNESS, policy_tests::HARNESS, catalog::HARNESS, lsp::HARNESS];

pub fn find(name: &str) -> Option<&'static Harness> {
    ALL.iter().find(|h| h.name == name)
}

/// A signature of what a run reached: the set of diagnostic codes, and the stage it ended at.
pub fn signature<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>, stage: u64) -> u64 {
    let codes: BTreeSet<Code> = diagnostics.into_iter().map(|d| d.code).collect();
    let mut hasher = DefaultHasher::new();
    codes.hash(&mut hasher);
    stage.hash(&mut hasher);
    hasher.finish()
}
