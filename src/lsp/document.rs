//! The analysed-document model every feature reads.
//!
//! A [`Document`] is the text the editor holds, kept current by incremental changes. An
//! [`Analysis`] is an immutable snapshot of one version of it: text and line index, the
//! compilation (syntax tree, AST, diagnostics, alias catalog), the tokens, and the symbol
//! index. A new analysis replaces the previous one whole; handlers never see a half-updated
//! model, and an answer always refers to one version of the text.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tower_lsp_server::ls_types::{self as lsp, Location, Position, Range, TextDocumentContentChangeEvent, Uri};

use super::lines::{self, Encoding, LineIndex};
use super::symbols::{DefinitionRef, SymbolIndex};
use super::tokens::{self, Tok};
use super::{diagnostics, recover};
use crate::ast::Definition;
use crate::ast::names::NameScope;
use crate::catalog::aliases::Catalog;
use crate::catalog::kinds::Kinds;
use crate::project::{BufferCompilation, compile_buffer};
use crate::syntax::lexer::Comment;
use crate::syntax::span::{FileId, Span};

/// A version of a document's text, shared by everything that reads that version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(Arc<str>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text(text.into())
    }
}

/// The editor's text of one document.
///
/// The text and its line index are shared, not copied, with the snapshots and analyses made
/// of this version and with the compilation's source map: a big document is held once.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: Text,
    pub version: i32,
    pub lines: LineIndex,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let lines = LineIndex::new(&text);
        Document { text: Text(text.into()), version, lines }
    }

    /// Applies the changes of one `didChange`, in order: each range refers to the text as the
    /// previous change left it. Ranges outside the text are clamped rather than refused, so a
    /// confused client still gets a text it can replace whole.
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32, encoding: Encoding) {
        for change in changes {
            let text = match change.range {
                Some(range) => {
                    let start = self.lines.offset(&self.text, range.start, encoding);
                    let end = self.lines.offset(&self.text, range.end, encoding);
                    let (start, end) = (start.min(end), start.max(end));
                    let kept = |r: std::ops::Range<usize>| self.text.get(r).unwrap_or_default();
                    let mut text = String::with_capacity(self.text.len() - (end - start) + change.text.len());
                    text.push_str(kept(0..start));
                    text.push_str(&change.text);
                    text.push_str(kept(end..self.text.len()));
                    text
                }
                None => change.text,
            };
            self.lines = LineIndex::new(&text);
            self.text = Text(text.into());
        }
        self.version = version;
    }

    /// This version of the document, for an analysis (the text is shared, not copied).
    pub fn snapshot(&self, uri: &Uri, generation: u64, encoding: Encoding) -> Snapshot {
        Snapshot {
            uri: uri.clone(),
            text: self.text.clone(),
            lines: self.lines.clone(),
            version: self.version,
            generation,
            encoding,
        }
    }
}

/// What one analysis works on: a version of a document.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub uri: Uri,
    pub text: Text,
    /// The text's line index, as the document keeps it.
    pub lines: LineIndex,
    pub version: i32,
    /// Counts every change of the document, whatever versions the client sends.
    pub generation: u64,
    pub encoding: Encoding,
}

/// One analysed version of a document.
#[derive(Debug)]
pub struct Analysis {
    pub uri: Uri,
    pub version: i32,
    pub generation: u64,
    pub encoding: Encoding,
    pub text: Text,
    pub lines: LineIndex,
    pub compiled: BufferCompilation,
    /// The tokens and comments, made on first use: publishing diagnostics needs neither.
    lexed: OnceLock<(Vec<Tok>, Vec<Comment>)>,
    /// The symbol index, made on first use.
    symbols: OnceLock<SymbolIndex>,
    /// The diagnostics of this document, as published.
    pub diagnostics: Vec<lsp::Diagnostic>,
}

impl Analysis {
    /// Compiles the snapshot; `read` gives the text of imported files the editor holds.
    pub fn new(snapshot: Snapshot, read: &dyn Fn(&Path) -> Option<String>) -> Analysis {
        let path = file_path(&snapshot.uri);
        let mut compiled = compile_buffer(&path, snapshot.text.0.clone(), read);
        recover::recover_definitions(&mut compiled, &snapshot.text);
        let mut analysis = Analysis {
            uri: snapshot.uri,
            version: snapshot.version,
            generation: snapshot.generation,
            encoding: snapshot.encoding,
            lines: snapshot.lines,
            text: snapshot.text,
            compiled,
            lexed: OnceLock::new(),
            symbols: OnceLock::new(),
            diagnostics: Vec::new(),
        };
        analysis.diagnostics = diagnostics::of(&analysis);
        analysis
    }

    /// The stand-in for an analysis that failed (a compiler bug): the text without results, and
    /// one diagnostic saying so, so that the editor keeps working and the user knows why.
    pub fn failed(snapshot: Snapshot) -> Analysis {
        let diagnostic = lsp::Diagnostic {
            range: Range::default(),
            severity: Some(lsp::DiagnosticSeverity::ERROR),
            source: Some("gavel".into()),
            message: "gavel could not analyse this version of the file (an internal error); \
                      please report it with the file's text"
                .into(),
            ..lsp::Diagnostic::default()
        };
        Analysis {
            uri: snapshot.uri,
            version: snapshot.version,
            generation: snapshot.generation,
            encoding: snapshot.encoding,
            text: snapshot.text,
            lines: snapshot.lines,
            compiled: BufferCompilation::default(),
            lexed: OnceLock::from((Vec::new(), Vec::new())),
            symbols: OnceLock::from(SymbolIndex::default()),
            diagnostics: vec![diagnostic],
        }
    }

    pub fn tokens(&self) -> &[Tok] {
        &self.lexed().0
    }

    pub fn comments(&self) -> &[Comment] {
        &self.lexed().1
    }

    fn lexed(&self) -> &(Vec<Tok>, Vec<Comment>) {
        self.lexed.get_or_init(|| tokens::lex(&self.text))
    }

    pub fn symbols(&self) -> &SymbolIndex {
        self.symbols.get_or_init(|| SymbolIndex::build(&self.compiled.compilation))
    }

    /// The buffer's file in the compilation.
    pub fn file(&self) -> FileId {
        self.compiled.file
    }

    /// The alias catalog the checks used.
    pub fn catalog(&self) -> &Catalog {
        self.compiled.compilation.catalog()
    }

    /// The kinds of the document's project: built-in and declared in its `gavel.toml`.
    pub fn kinds(&self) -> &Kinds {
        &self.compiled.kinds
    }

    /// What names mean at the cursor, as the compiler reads them: the one resolver's scope.
    pub(crate) fn names_at<'a>(&'a self, resource_type: Option<&'a str>) -> NameScope<'a> {
        NameScope { kinds: self.kinds(), resource_type, bindings: &[] }
    }

    pub fn offset(&self, position: Position) -> usize {
        self.lines.offset(&self.text, position, self.encoding)
    }

    pub fn position(&self, offset: usize) -> Position {
        self.lines.position(&self.text, offset, self.encoding)
    }

    /// The range of a span of this buffer.
    pub fn range(&self, span: Span) -> Range {
        self.lines.range(&self.text, span.start as usize, span.end as usize, self.encoding)
    }

    /// The text of a span of this buffer.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or_default()
    }

    /// Where a span of any file of the compilation is, for the client.
    pub fn location(&self, span: Span) -> Option<Location> {
        if span.file == self.file() {
            return Some(Location { uri: self.uri.clone(), range: self.range(span) });
        }
        let source = self.compiled.compilation.sources.get(span.file)?;
        // The file's own index, built once per compilation rather than once per location.
        let range =
            lines::range(source.line_index(), &source.text, span.start as usize, span.end as usize, self.encoding);
        Some(Location { uri: Uri::from_file_path(&source.path)?, range })
    }

    /// The definitions of this buffer, with their references.
    pub fn definitions(&self) -> impl Iterator<Item = (DefinitionRef, &Definition)> {
        let file = self.file();
        self.compiled.compilation.units.iter().enumerate().filter(move |(_, u)| u.file == file).flat_map(|(unit, u)| {
            u.module.definitions.iter().enumerate().map(move |(index, d)| (DefinitionRef { unit, index }, d))
        })
    }

    /// The definition of this buffer that contains `offset`.
    pub fn definition_at(&self, offset: usize) -> Option<(DefinitionRef, &Definition)> {
        self.definitions().find(|(_, d)| {
            let span = d.header().span;
            span.start as usize <= offset && offset <= span.end as usize
        })
    }

    /// A definition by reference.
    pub fn definition(&self, at: DefinitionRef) -> Option<&Definition> {
        self.compiled.compilation.units.get(at.unit)?.module.definitions.get(at.index)
    }

    /// The index of the token that contains `offset`, or ends exactly at it.
    pub fn token_at(&self, offset: usize) -> Option<usize> {
        let i = tokens::index_after(self.tokens(), offset.saturating_sub(1));
        let token = self.tokens().get(i)?;
        (token.start <= offset && offset <= token.end).then_some(i)
    }

    pub fn token_text(&self, token: &Tok) -> &str {
        token.text(&self.text)
    }
}

/// The file path a document URI names; other schemes (`untitled:`) get a path that is not
/// on disk, so that imports from them are reported rather than guessed.
pub fn file_path(uri: &Uri) -> PathBuf {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    match uri.to_file_path() {
        Some(path) if is_file => path.into_owned(),
        _ => PathBuf::from(uri.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn change(range: Option<(u32, u32, u32, u32)>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|(l1, c1, l2, c2)| Range {
                start: Position { line: l1, character: c1 },
                end: Position { line: l2, character: c2 },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut document = Document::new("policy p {\r\n  when 🚀 compute\r\n}".into(), 1);
        let changes = vec![
            change(Some((1, 7, 1, 10)), ""),        // delete "🚀 " (2 UTF-16 units + space)
            change(Some((1, 15, 1, 15)), " { x }"), // append after "compute"
            change(Some((9, 0, 9, 0)), "\n// end"), // past the end: appended
            change(Some((0, 8, 0, 7)), "q"),        // reversed range
        ];
        document.apply(changes, 2, Encoding::Utf16);
        assert_eq!(document.text.as_str(), "policy q {\r\n  when compute { x }\r\n}\n// end");
        assert_eq!(document.version, 2);
        assert_eq!(document.lines.line_count(), 4);
        document.apply(vec![change(None, "x")], 3, Encoding::Utf16);
        assert_eq!(document.text.as_str(), "x");
    }

    #[test]
    fn analysis_positions_and_paths() {
        let uri = Uri::from_str("untitled:Untitled-1").expect("a URI");
        let snapshot = Snapshot {
            uri,
            text: "policy p { when compute then dney }".into(),
            lines: LineIndex::new("policy p { when compute then dney }"),
            version: 1,
            generation: 1,
            encoding: Encoding::Utf16,
        };
        let analysis = Analysis::new(snapshot, &|_| None);
        assert_eq!(analysis.diagnostics.len(), 1, "{:?}", analysis.diagnostics);
        assert!(analysis.definition_at(3).is_some());
        assert!(analysis.token_at(8).is_some());
        assert_eq!(file_path(&analysis.uri), PathBuf::from("untitled:Untitled-1"));
        let file = Uri::from_str("file:///tmp/a%20b.gavel").expect("a URI");
        assert_eq!(file_path(&file), PathBuf::from("/tmp/a b.gavel"));
    }
}
