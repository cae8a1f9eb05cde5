//! The open documents and their analyses, and the scheduling of analyses.
//!
//! Each change updates the document's text at once (so that changes apply in the order they
//! came) and asks for an analysis. At most one analysis per document runs at a time, on the
//! blocking pool (whose threads have a large stack); changes that arrive meanwhile mark the
//! document pending, and the next analysis takes the latest text, so a burst of keystrokes
//! costs one or two analyses, not one each. Diagnostics are published only for an analysis
//! of the current text.
//!
//! Requests wait for the analysis of the text they were sent against ([`Documents::analysis`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::document::{Analysis, Document, Snapshot, file_path};
use super::lines::Encoding;

/// How long a request waits for its analysis before giving up.
const ANALYSIS_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Default)]
pub struct Documents {
    entries: Mutex<HashMap<Uri, Entry>>,
    /// The last generation given to a text: generations grow across all documents, so an
    /// analysis of a document closed since is never taken for one of the document reopened.
    last_generation: AtomicU64,
}

struct Entry {
    document: Document,
    path: PathBuf,
    /// The generation of the current text.
    generation: u64,
    /// The generation of the text it was opened with: analyses older than that are of a
    /// document closed since.
    opened: u64,
    analysed: watch::Sender<Option<Arc<Analysis>>>,
    /// An analysis is running.
    running: bool,
    /// The document (or a file it imports) changed while it ran.
    pending: bool,
    /// The files the last analysis imported.
    imports: Vec<PathBuf>,
}

/// What to do after an analysis.
enum Next {
    Analyse(Snapshot),
    Publish,
    Stop,
}

impl Documents {
    fn entries(&self) -> MutexGuard<'_, HashMap<Uri, Entry>> {
        // A panic elsewhere must not take the documents with it.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens (or reopens) a document; true when an analysis must be started.
    pub fn open(&self, uri: &Uri, text: String, version: i32) -> bool {
        let mut entries = self.entries();
        let generation = self.next_generation();
        // Opened again without a close: the analysis running (if any) goes on, for the new text.
        let (analysed, opened, running) = match entries.remove(uri) {
            Some(entry) => (entry.analysed, entry.opened, entry.running),
            None => (watch::channel(None).0, generation, false),
        };
        let mut entry = Entry {
            document: Document::new(text, version),
            path: file_path(uri),
            generation,
            opened,
            analysed,
            running,
            pending: false,
            imports: Vec::new(),
        };
        let start = Self::request(&mut entry);
        entries.insert(uri.clone(), entry);
        start
    }

    fn next_generation(&self) -> u64 {
        self.last_generation.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Applies a change; true when an analysis must be started. Unknown documents are ignored.
    pub fn change(
        &self,
        uri: &Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) -> bool {
        let mut entries = self.entries();
        let Some(entry) = entries.get_mut(uri) else { return false };
        entry.document.apply(changes, version, encoding);
        entry.generation = self.next_generation();
        Self::request(entry)
    }

    /// Asks for a new analysis of a document whose text did not change (an import did); true
    /// when it must be started.
    pub fn invalidate(&self, uri: &Uri) -> bool {
        self.entries().get_mut(uri).is_some_and(Self::request)
    }

    fn request(entry: &mut Entry) -> bool {
        if entry.running {
            entry.pending = true;
            false
        } else {
            entry.running = true;
            true
        }
    }

    pub fn close(&self, uri: &Uri) {
        self.entries().remove(uri);
    }

    /// The open documents that import `path`.
    pub fn dependents(&self, path: &Path) -> Vec<Uri> {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.entries().iter().filter(|(_, e)| e.imports.contains(&path)).map(|(uri, _)| uri.clone()).collect()
    }

    /// The text the editor holds for a file, if it is open.
    pub fn text_of(&self, path: &Path) -> Option<String> {
        let entries = self.entries();
        let entry = entries.values().find(|e| e.path == path).or_else(|| {
            let canonical = path.canonicalize().ok()?;
            entries.values().find(|e| e.path.canonicalize().is_ok_and(|p| p == canonical))
        })?;
        Some(entry.document.text.to_string())
    }

    /// The paths of the open documents.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.entries().values().map(|e| e.path.clone()).filter(|p| p.is_absolute()).collect()
    }

    pub fn path_of(&self, uri: &Uri) -> Option<PathBuf> {
        self.entries().get(uri).map(|e| e.path.clone())
    }

    fn snapshot(&self, uri: &Uri, encoding: Encoding) -> Option<Snapshot> {
        let mut entries = self.entries();
        let entry = entries.get_mut(uri)?;
        entry.pending = false;
        Some(entry.document.snapshot(uri, entry.generation, encoding))
    }

    /// Stores a finished analysis and says what comes next.
    fn finish(&self, analysis: &Arc<Analysis>) -> Next {
        let mut entries = self.entries();
        let Some(entry) = entries.get_mut(&analysis.uri) else { return Next::Stop };
        if analysis.generation < entry.opened {
            // The document was closed and opened again: its new analysis is the new one's.
            return Next::Stop;
        }
        entry.imports = imported_paths(analysis);
        // The watched value only moves forward: a waiter that wakes late sees only the last
        // value sent, and must not miss the analysis it waits for behind an older one.
        entry.analysed.send_if_modified(|current| {
            let newer = current.as_ref().is_none_or(|c| c.generation <= analysis.generation);
            if newer {
                *current = Some(analysis.clone());
            }
            newer
        });
        if entry.pending {
            entry.pending = false;
            Next::Analyse(entry.document.snapshot(&analysis.uri, entry.generation, analysis.encoding))
        } else {
            entry.running = false;
            Next::Publish
        }
    }

    /// The analysis of the document as it is now: waits for the running analysis when the text
    /// changed since the last one. `Ok(None)` for a document that is not open.
    pub async fn analysis(&self, uri: &Uri) -> Result<Option<Arc<Analysis>>> {
        let (generation, mut analysed) = {
            let entries = self.entries();
            let Some(entry) = entries.get(uri) else { return Ok(None) };
            (entry.generation, entry.analysed.subscribe())
        };
        let ready = |a: &Option<Arc<Analysis>>| a.as_ref().is_some_and(|a| a.generation >= generation);
        let waited = tokio::time::timeout(ANALYSIS_TIMEOUT, analysed.wait_for(ready)).await;
        let analysis = match waited {
            Ok(Ok(analysis)) => analysis.clone(),
            // The document was closed meanwhile.
            Ok(Err(_)) => return Ok(None),
            Err(_) => return Err(Error::internal_error()),
        };
        match analysis {
            // The request was about text that has changed since: answering it would point at
            // the wrong places. The client asks again.
            Some(analysis) if analysis.generation > generation => Err(Error::content_modified()),
            other => Ok(other),
        }
    }
}

fn imported_paths(analysis: &Analysis) -> Vec<PathBuf> {
    let file = analysis.file();
    analysis
        .compiled
        .compilation
        .sources
        .iter()
        .filter(|(id, _)| *id != file)
        .map(|(_, source)| source.path.canonicalize().unwrap_or_else(|_| source.path.clone()))
        .collect()
}

/// Starts the analysis loop of a document (call when [`Documents::open`], `change` or
/// `invalidate` say so).
pub fn spawn_analysis(documents: Arc<Documents>, client: Client, uri: Uri, encoding: Encoding) {
    tokio::spawn(async move {
        let mut next = documents.snapshot(&uri, encoding);
        while let Some(snapshot) = next.take() {
            let analysis = Arc::new(analyse(documents.clone(), snapshot).await);
            match documents.finish(&analysis) {
                Next::Analyse(snapshot) => next = Some(snapshot),
                Next::Publish => publish(&client, &analysis).await,
                Next::Stop => {}
            }
        }
    });
}

/// Runs one analysis on the blocking pool. A panic there (a compiler bug) becomes an analysis
/// that says so, so the document stays usable.
async fn analyse(documents: Arc<Documents>, snapshot: Snapshot) -> Analysis {
    let fallback = snapshot.clone();
    let job = tokio::task::spawn_blocking(move || {
        let read = |path: &Path| documents.text_of(path);
        Analysis::new(snapshot, &read)
    });
    job.await.unwrap_or_else(|_| Analysis::failed(fallback))
}

async fn publish(client: &Client, analysis: &Analysis) {
    client.publish_diagnostics(analysis.uri.clone(), analysis.diagnostics.clone(), Some(analysis.version)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri() -> Uri {
        "untitled:a.gavel".parse().expect("a URI")
    }

    /// Runs the analysis the documents would start, without the compiler: a stand-in of the
    /// snapshot's generation is enough for the scheduling.
    fn analysed(documents: &Documents) -> Arc<Analysis> {
        let snapshot = documents.snapshot(&uri(), Encoding::Utf16).expect("the document is open");
        Arc::new(Analysis::failed(snapshot))
    }

    fn generation_seen(documents: &Documents) -> Option<u64> {
        let entries = documents.entries();
        let entry = entries.get(&uri())?;
        entry.analysed.borrow().as_ref().map(|a| a.generation)
    }

    #[test]
    fn opening_a_document_again_while_it_is_analysed_queues_one_analysis() {
        let documents = Documents::default();
        assert!(documents.open(&uri(), "a".into(), 1), "the first open starts an analysis");
        let first = analysed(&documents);
        // Reopened twice while the first analysis runs: no second analysis alongside it.
        assert!(!documents.open(&uri(), "b".into(), 1));
        assert!(!documents.open(&uri(), "c".into(), 1));
        let Next::Analyse(next) = documents.finish(&first) else { panic!("the new text is analysed next") };
        assert_eq!(next.text.to_string(), "c");
        let last = Arc::new(Analysis::failed(next));
        assert!(matches!(documents.finish(&last), Next::Publish));
        assert_eq!(generation_seen(&documents), Some(last.generation));
    }

    #[test]
    fn an_older_analysis_never_replaces_a_newer_one() {
        let documents = Documents::default();
        documents.open(&uri(), "a".into(), 1);
        let older = analysed(&documents);
        documents.change(&uri(), Vec::new(), 2, Encoding::Utf16);
        let newer = analysed(&documents);
        documents.finish(&newer);
        documents.finish(&older);
        assert_eq!(generation_seen(&documents), Some(newer.generation));
    }

    #[test]
    fn an_analysis_of_a_document_closed_since_is_dropped() {
        let documents = Documents::default();
        documents.open(&uri(), "old".into(), 1);
        let of_closed = analysed(&documents);
        documents.close(&uri());
        assert!(documents.open(&uri(), "new".into(), 1), "the reopened document is analysed");
        assert!(matches!(documents.finish(&of_closed), Next::Stop));
        assert_eq!(generation_seen(&documents), None);
    }
}
