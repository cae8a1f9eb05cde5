//! The seed corpus of each harness: the repository's own inputs (`stdlib/`, `examples/`) and,
//! when it is there, the shared data beside the repository (`../shared/data`: Azure's
//! built-ins, other built-ins, custom definitions, a sample of the azure-policy repository,
//! alias exports). Seeds are read where they are, never copied into the repository; the
//! harnesses' own extra seeds live in `fuzz/corpus/<harness>/`.

use std::path::{Path, PathBuf};

use gavel::decompile::{JsonInput, decompile};
use gavel::syntax::span::FileId;

/// One input to start from, and where it came from.
#[derive(Debug, Clone)]
pub struct Seed {
    pub origin: String,
    pub bytes: Vec<u8>,
}

/// Where seeds are found.
#[derive(Debug, Clone)]
pub struct SeedFolders {
    pub repo: PathBuf,
    /// `../shared/data`, when present.
    pub shared: Option<PathBuf>,
}

/// Of the azure-policy repository's 5,000-odd definitions, every this-many-th is a seed: a
/// sample of every category, and a corpus small enough to cycle through quickly.
pub const AZURE_POLICY_SAMPLE: usize = 50;

impl SeedFolders {
    pub fn new(repo: PathBuf, shared: Option<PathBuf>) -> SeedFolders {
        let shared = shared.filter(|dir| dir.is_dir());
        SeedFolders { repo, shared }
    }

    fn shared_files(&self, folder: &str, wanted: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
        self.shared.as_ref().map(|shared| files_under(&shared.join(folder), wanted)).unwrap_or_default()
    }
}

/// The files under `dir` that `wanted` accepts, sorted, symbolic links not followed.
pub fn files_under(dir: &Path, wanted: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        let path = entry.path();
        if kind.is_dir() {
            found.extend(files_under(&path, wanted));
        } else if kind.is_file() && wanted(&path) {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn read(paths: impl IntoIterator<Item = PathBuf>) -> Vec<Seed> {
    paths
        .into_iter()
        .filter_map(|path| Some(Seed { bytes: std::fs::read(&path).ok()?, origin: path.display().to_string() }))
        .collect()
}

fn ends_with(suffix: &'static str) -> impl Fn(&Path) -> bool {
    move |path: &Path| path.to_string_lossy().ends_with(suffix)
}

fn repo_gavel_files(folders: &SeedFolders) -> Vec<PathBuf> {
    let mut files = files_under(&folders.repo.join("stdlib"), &ends_with(".gavel"));
    files.extend(files_under(&folders.repo.join("examples"), &ends_with(".gavel")));
    files
}

/// The shared JSON definitions: every built-in and custom one, a sample of azure-policy.
fn shared_definitions(folders: &SeedFolders) -> Vec<PathBuf> {
    let json = ends_with(".json");
    let mut files = Vec::new();
    for folder in ["builtin", "builtin-other", "custom"] {
        files.extend(folders.shared_files(folder, &json));
    }
    files.extend(folders.shared_files("azure-policy", &json).into_iter().step_by(AZURE_POLICY_SAMPLE));
    files
}

/// gavel sources: the library, the examples, and the shared definitions decompiled.
pub fn gavel_sources(folders: &SeedFolders) -> Vec<Seed> {
    let mut seeds = read(repo_gavel_files(folders));
    for seed in read(shared_definitions(folders)) {
        let Ok(text) = String::from_utf8(seed.bytes) else { continue };
        if let Some(source) = decompile(&JsonInput::new(FileId(0), &text), Some("seed")).source {
            seeds.push(Seed { origin: format!("{} (decompiled)", seed.origin), bytes: source.into_bytes() });
        }
    }
    seeds
}

/// JSON definitions, initiatives and templates: the library's test resources (JSON that is not
/// a definition) and the shared definitions.
pub fn json_definitions(folders: &SeedFolders) -> Vec<Seed> {
    let mut files = files_under(&folders.repo.join("stdlib/testdata"), &ends_with(".json"));
    files.extend(shared_definitions(folders));
    read(files)
}

/// The library's test files. The harness runs every input under one name, so a file that
/// tests its sibling policy (`x.test.yaml` next to `x.gavel`, naming none) names it.
pub fn test_files(folders: &SeedFolders) -> Vec<Seed> {
    let mut seeds = read(files_under(&folders.repo.join("stdlib"), &ends_with(".test.yaml")));
    for seed in &mut seeds {
        let names_one = seed.bytes.split(|&b| b == b'\n').any(|line| line.starts_with(b"policy:"));
        let stem = Path::new(&seed.origin).file_name().and_then(|n| n.to_str()?.strip_suffix(".test.yaml"));
        if let (false, Some(stem)) = (names_one, stem) {
            seed.bytes.splice(0..0, format!("policy: {stem}\n").into_bytes());
        }
    }
    seeds
}

/// Alias exports, each also in the UTF-16 forms PowerShell writes (with a byte-order mark in
/// either order, and little-endian without one).
pub fn catalog_exports(folders: &SeedFolders) -> Vec<Seed> {
    let mut files = files_under(&folders.repo.join("stdlib/testdata/aliases"), &ends_with(".json"));
    files.extend(folders.shared_files("aliases", &ends_with(".json")));
    let mut seeds = Vec::new();
    for seed in read(files) {
        if let Ok(text) = std::str::from_utf8(&seed.bytes) {
            for (form, bytes) in utf16_forms(text) {
                seeds.push(Seed { origin: format!("{} ({form})", seed.origin), bytes });
            }
        }
        seeds.push(seed);
    }
    seeds
}

/// `text` in UTF-16: little-endian and big-endian with a byte-order mark, little-endian without.
pub fn utf16_forms(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let little: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
    let big: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
    vec![
        ("UTF-16LE with BOM", [&[0xff, 0xfe][..], &little].concat()),
        ("UTF-16BE with BOM", [&[0xfe, 0xff][..], &big].concat()),
        ("UTF-16LE", little),
    ]
}

/// Editor sessions over the library's sources and the examples.
pub fn lsp_sessions(folders: &SeedFolders) -> Vec<Seed> {
    read(repo_gavel_files(folders))
        .into_iter()
        .filter_map(|seed| {
            let text = String::from_utf8(seed.bytes).ok()?;
            Some(Seed { origin: format!("{} (session)", seed.origin), bytes: crate::harness::lsp::session(&text) })
        })
        .collect()
}
