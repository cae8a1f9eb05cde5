//! Test files (`*.test.yaml`) run as `gavel test` runs them: read, resources and related
//! resources loaded, every case evaluated by the engine against the library's policies, and
//! the report written in both forms.
//!
//! The input is the test file of a copy of the library (`stdlib/policies` and
//! `stdlib/testdata`, in a temporary folder), so that the seeds' policy names and resource
//! paths mean what they mean in the repository. Property: a file that cannot be read says why.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use gavel::project::compile_paths;
use gavel::test_runner::report;
use gavel::test_runner::run::Session;

use super::source::check_rendering;
use super::{Harness, signature};
use crate::fragments;
use crate::seeds;

pub const HARNESS: Harness = Harness {
    name: "policy-tests",
    summary: "`*.test.yaml` files run against the library's policies (spec, resources, engine, report)",
    run,
    dictionary: fragments::YAML,
    seeds: seeds::test_files,
    mutate: None,
};

/// A session is remade after this many inputs: each run adds its file to the session's
/// sources, which would otherwise grow for as long as the fuzzer runs.
const RUNS_PER_SESSION: usize = 200;

struct Library {
    _folder: tempfile::TempDir,
    policies: PathBuf,
    session: Option<Session>,
    runs: usize,
}

thread_local! {
    static LIBRARY: RefCell<Library> = RefCell::new(Library::copy());
}

impl Library {
    fn copy() -> Library {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let folder = tempfile::tempdir().expect("a temporary folder");
        for part in ["policies", "testdata"] {
            copy_tree(&root.join("stdlib").join(part), &folder.path().join(part), &|path| {
                path.extension().is_some_and(|e| e == "gavel" || e == "json")
            });
        }
        let policies = folder.path().join("policies");
        Library { _folder: folder, policies, session: None, runs: 0 }
    }

    fn session(&mut self) -> &mut Session {
        if self.runs.is_multiple_of(RUNS_PER_SESSION) {
            self.session = None;
        }
        self.runs += 1;
        let policies = &self.policies;
        self.session.get_or_insert_with(|| {
            let compilation = compile_paths(std::slice::from_ref(policies)).expect("the library's policies are read");
            assert!(!compilation.has_errors(), "the library's policies compile");
            let catalogs = compilation.catalog.iter().cloned().collect();
            Session::new(compilation, catalogs, None)
        })
    }
}

pub fn run(data: &[u8]) -> u64 {
    LIBRARY.with_borrow_mut(|library| {
        let path = library.policies.join("fuzz.test.yaml");
        std::fs::write(&path, data).expect("the input is written");
        let session = library.session();
        session.diagnostics = Default::default();
        let file = session.run_file(&path);
        assert!(!file.unreadable || !session.diagnostics.is_empty(), "a test file that cannot be read says why");
        let diagnostics: Vec<_> = session.diagnostics.iter().cloned().collect();
        let sources = &session.compilation.sources;
        check_rendering(&diagnostics, sources);
        let files = std::slice::from_ref(&file);
        let _ = report::human(files, sources, None);
        let rendered = gavel::diag::render::render_json(&diagnostics, sources);
        let _ = gavel::emit::to_pretty_text(&report::json(files, sources, &rendered));
        // Which ways the cases ended (passed, failed, skipped, error), one bit each.
        let statuses = file.cases.iter().fold(0, |bits, case| bits | 1 << (case.status as u64));
        signature(&diagnostics, statuses << 1 | u64::from(file.unreadable))
    })
}

/// Copies the files under `from` that `wanted` accepts, keeping the folders.
fn copy_tree(from: &Path, to: &Path, wanted: &dyn Fn(&Path) -> bool) {
    std::fs::create_dir_all(to).expect("a folder in the copy");
    for entry in std::fs::read_dir(from).expect("the library is readable").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target, wanted);
        } else if wanted(&path) {
            std::fs::copy(&path, &target).expect("a file of the library is copied");
        }
    }
}
