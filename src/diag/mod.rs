//! The one diagnostic model every phase reports in, and its renderers.
//!
//! A [`Diagnostic`] carries a stable [`Code`] from the registry in [`codes`], a primary span,
//! secondary labels, a help line and suggested fixes. The CLI, the language server and the
//! JSON/SARIF outputs all render the same values.

pub mod codes;
pub mod render;

pub use codes::Code;

use crate::syntax::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Hint,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary location with a short message ("first declared here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One text replacement of a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A suggested change that resolves the diagnostic ("replace with `computeType`").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { span, message: message.into() });
        self
    }

    /// Adds a fix that replaces `span` with `replacement`.
    pub fn with_fix(mut self, message: impl Into<String>, span: Span, replacement: impl Into<String>) -> Diagnostic {
        self.fixes.push(Fix { message: message.into(), edits: vec![Edit { span, replacement: replacement.into() }] });
        self
    }

    /// The usual "did you mean" ending: with a suggestion, a help line naming it and a fix
    /// that writes it at `span`; without one, the `otherwise` help line.
    pub fn with_suggestion(self, span: Span, suggestion: Option<&str>, otherwise: impl Into<String>) -> Diagnostic {
        match suggestion {
            Some(s) => self.with_help(format!("did you mean `{s}`?")).with_fix(format!("replace with `{s}`"), span, s),
            None => self.with_help(otherwise),
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Diagnostics collected by a phase, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by file and position so output is stable whatever order phases ran in.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| (a.span, a.code.id()).cmp(&(b.span, b.code.id())));
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Finds the candidate closest to `name` for a "did you mean" (case-insensitive edit
/// distance, at most a third of the name's length). One matcher serves every suggestion.
///
/// Candidate lists can be long (every alias of a resource type), so the matcher allocates
/// nothing per candidate and stops measuring one as soon as it cannot beat the best so far.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    let length = lower.len();
    let limit = (length / 3).max(1);
    let mut rows = Rows::default();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        // The distance is at least the difference in length: skip what cannot be close.
        if candidate.chars().count().abs_diff(length) > limit {
            continue;
        }
        let bound = best.map_or(limit, |(distance, _)| distance);
        let Some(distance) = rows.distance_within(&lower, candidate, bound) else { continue };
        // The closest wins; between equally close ones, the first in sort order.
        let better = best.is_none_or(|(d, b)| distance < d || (distance == d && candidate < b));
        if better {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The buffers of [`Rows::distance_within`], reused from one candidate to the next.
#[derive(Default)]
struct Rows {
    candidate: Vec<char>,
    previous: Vec<usize>,
    current: Vec<usize>,
}

impl Rows {
    /// The case-insensitive edit distance between `a` (lower case) and `b`, when it is at most
    /// `bound`.
    fn distance_within(&mut self, a: &[char], b: &str, bound: usize) -> Option<usize> {
        self.candidate.clear();
        self.candidate.extend(b.chars().map(|c| c.to_ascii_lowercase()));
        let n = self.candidate.len();
        self.previous.clear();
        self.previous.extend(0..=n);
        self.current.clear();
        self.current.resize(n + 1, 0);
        for (i, &ca) in a.iter().enumerate() {
            self.current[0] = i + 1;
            let mut smallest = i + 1;
            for (j, &cb) in self.candidate.iter().enumerate() {
                let substitution = self.previous[j] + usize::from(ca != cb);
                let cell = substitution.min(self.previous[j + 1] + 1).min(self.current[j] + 1);
                self.current[j + 1] = cell;
                smallest = smallest.min(cell);
            }
            // Every later row is at least as far: nothing within the bound is left.
            if smallest > bound {
                return None;
            }
            std::mem::swap(&mut self.previous, &mut self.current);
        }
        let distance = self.previous[n];
        (distance <= bound).then_some(distance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_candidate() {
        let names = ["computeType", "vmSize", "enableNodePublicIp"];
        assert_eq!(did_you_mean("computType", names), Some("computeType"));
        assert_eq!(did_you_mean("ENABLENODEPUBLICIP", names), Some("enableNodePublicIp"));
        assert_eq!(did_you_mean("zzz", names), None);
    }

    /// The plain edit distance, to hold the bounded one against.
    fn reference(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) =
            (a.to_ascii_lowercase().chars().collect(), b.to_ascii_lowercase().chars().collect());
        let mut previous: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut current = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                current[j + 1] = (previous[j] + usize::from(ca != cb)).min(previous[j + 1] + 1).min(current[j] + 1);
            }
            previous = current;
        }
        previous[b.len()]
    }

    #[test]
    fn bounded_distance_is_the_distance_within_its_bound() {
        let words = ["", "a", "kitten", "sitting", "Sitting", "computeType", "computType", "vmSize", "flaw", "lawn"];
        let mut rows = Rows::default();
        for a in words {
            let lower: Vec<char> = a.to_ascii_lowercase().chars().collect();
            for b in words {
                let exact = reference(a, b);
                for bound in 0..8 {
                    let expected = (exact <= bound).then_some(exact);
                    assert_eq!(rows.distance_within(&lower, b, bound), expected, "{a:?} → {b:?} within {bound}");
                }
            }
        }
    }

    #[test]
    fn equally_close_candidates_resolve_in_sort_order() {
        assert_eq!(did_you_mean("cat", ["cut", "bat", "cab"]), Some("bat"));
        assert_eq!(did_you_mean("cat", ["cab", "cut"]), Some("cab"));
        assert_eq!(did_you_mean("cat", ["cats", "ca"]), Some("ca"));
    }
}
