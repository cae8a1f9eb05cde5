//! Hardening: every input bounded, every size linear, nothing lost or changed on disk. One
//! regression test per finding of the reliability run, grouped by what they protect.

/// Walking inputs and reading them: loops, identities, special files, size limits.
mod inputs;
/// Inputs that used to take super-linear time or memory.
mod scale;
/// Text that must come back as it went in: escapes, numbers, control characters.
mod text;
/// Writing outputs: metadata kept, all-or-nothing output sets, secure temporaries.
mod writes;
