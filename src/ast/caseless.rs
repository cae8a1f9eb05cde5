//! Names compared the way Azure compares them: ignoring ASCII case. As a hash key, so that
//! "given twice" checks over many names are one look-up each, without a lowercased copy per
//! name.

use std::hash::{Hash, Hasher};

/// A borrowed name that hashes and compares ignoring ASCII case.
#[derive(Debug, Clone, Copy)]
pub struct Caseless<'a>(pub &'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for byte in self.0.bytes() {
            state.write_u8(byte.to_ascii_lowercase());
        }
        // The terminator `str`'s own hash writes: "ab" + "c" and "a" + "bc" stay apart.
        state.write_u8(0xff);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn names_that_differ_in_ascii_case_only_are_one_key() {
        let mut seen = HashSet::new();
        assert!(seen.insert(Caseless("notIn")));
        assert!(!seen.insert(Caseless("NOTIN")));
        assert!(seen.insert(Caseless("notİn")));
        assert!(seen.contains(&Caseless("notin")));
    }
}
