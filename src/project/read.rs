//! Reading an input, bounded: every file gavel reads (sources, JSON definitions, catalogs, test
//! files and resources, `@FILE` options) and standard input go through here, so that no input
//! can make a run grow without end or block it.
//!
//! - Only regular files are opened. A FIFO blocks whoever opens it until someone writes, and a
//!   device such as `/dev/zero` never ends: both are refused from their metadata, unopened.
//! - At most the limit plus one byte is read, so a file that grows while it is read (or standard
//!   input) is cut off there rather than read to the end.
//!
//! The limit of a read is the run's (`--max-file-size`, `--max-catalog-size`) when given, else
//! the `[limits]` of the project the file belongs to (its `gavel.toml`), else the default.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::SystemTime;

use serde::Deserialize;

use crate::diag::Code;

/// Sources, JSON definitions, test files and resources: the largest of Azure's built-in
/// definitions is about 600 KB and a 10,000-line gavel file well under 1 MB, so 16 MiB holds
/// every real file many times over while stopping a runaway input early.
pub const DEFAULT_FILE_LIMIT: u64 = 16 * MIB;

/// Alias exports: one of every provider's aliases runs to tens of MB, so catalogs get more room.
pub const DEFAULT_CATALOG_LIMIT: u64 = 256 * MIB;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// Which of the two limits a read is bounded by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Sources, JSON, test files and resources, `@FILE` options, standard input.
    File,
    /// Alias exports.
    Catalog,
}

impl Limit {
    fn default_bytes(self) -> u64 {
        match self {
            Limit::File => DEFAULT_FILE_LIMIT,
            Limit::Catalog => DEFAULT_CATALOG_LIMIT,
        }
    }

    /// The name of the setting, as the command-line flag and the `gavel.toml` key spell it.
    pub fn setting(self) -> &'static str {
        match self {
            Limit::File => "max-file-size",
            Limit::Catalog => "max-catalog-size",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Limit::File => "sources, JSON and test files",
            Limit::Catalog => "alias catalogs",
        }
    }
}

/// Limits in bytes; `None` where nothing was said.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    pub file: Option<u64>,
    pub catalog: Option<u64>,
}

impl Limits {
    fn get(self, limit: Limit) -> Option<u64> {
        match limit {
            Limit::File => self.file,
            Limit::Catalog => self.catalog,
        }
    }
}

/// The limits given for the whole run (command-line flags); they win over `gavel.toml`.
static RUN_LIMITS: OnceLock<Limits> = OnceLock::new();

/// Sets the run's limits, once, before anything is read; a second call changes nothing.
pub fn set_run_limits(limits: Limits) {
    let _ = RUN_LIMITS.set(limits);
}

/// Why an input was not read.
#[derive(Debug)]
pub enum ReadFailure {
    Io(std::io::Error),
    /// Not a regular file: what it is (`a FIFO`, `a device`, …).
    NotRegular(&'static str),
    TooLarge {
        limit: Limit,
        bytes: u64,
    },
}

impl ReadFailure {
    /// The diagnostic code of a refusal; `None` for an I/O error, which each caller words.
    pub fn code(&self) -> Option<Code> {
        match self {
            ReadFailure::Io(_) => None,
            ReadFailure::NotRegular(_) => Some(Code::NotARegularFile),
            ReadFailure::TooLarge { .. } => Some(Code::FileTooLarge),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            ReadFailure::Io(_) => "check that the file exists and is readable".into(),
            ReadFailure::NotRegular(_) => {
                "name a regular file; gavel does not read pipes or devices, which could block or never end".into()
            }
            ReadFailure::TooLarge { limit, .. } => format!(
                "raise the limit with `gavel --{0} SIZE …` or `[limits] {0} = \"64 MiB\"` in gavel.toml",
                limit.setting()
            ),
        }
    }
}

impl fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadFailure::Io(error) => write!(f, "{error}"),
            ReadFailure::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadFailure::TooLarge { limit, bytes } => {
                write!(f, "it is larger than {}, the limit for {}", show_size(*bytes), limit.what())
            }
        }
    }
}

/// What `metadata` describes when it is not a regular file.
pub fn special_kind(metadata: &std::fs::Metadata) -> Option<&'static str> {
    let file_type = metadata.file_type();
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    Some("a special file")
}

/// Reads the file at `path`, bounded by `limit`.
pub fn read_file(path: &Path, limit: Limit) -> Result<Vec<u8>, ReadFailure> {
    let bytes = limit_for(path, limit);
    // The type is known before opening: opening a FIFO would wait for a writer.
    let metadata = std::fs::metadata(path).map_err(ReadFailure::Io)?;
    if let Some(kind) = special_kind(&metadata) {
        return Err(ReadFailure::NotRegular(kind));
    }
    if metadata.len() > bytes {
        return Err(ReadFailure::TooLarge { limit, bytes });
    }
    let file = std::fs::File::open(path).map_err(ReadFailure::Io)?;
    // Checked again on what was opened: the path may have been replaced in between.
    if let Some(kind) = file.metadata().ok().as_ref().and_then(special_kind) {
        return Err(ReadFailure::NotRegular(kind));
    }
    read_at_most(file, limit, bytes)
}

/// [`read_file`] as text; an encoding problem is an I/O error of kind `InvalidData`.
pub fn read_file_to_string(path: &Path, limit: Limit) -> Result<String, ReadFailure> {
    let bytes = read_file(path, limit)?;
    String::from_utf8(bytes).map_err(|e| ReadFailure::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// Reads standard input to its end, bounded by `limit` (as for the working directory's project).
pub fn read_stdin(limit: Limit) -> Result<Vec<u8>, ReadFailure> {
    let bytes = limit_for(Path::new("."), limit);
    read_at_most(std::io::stdin().lock(), limit, bytes)
}

fn read_at_most(reader: impl Read, limit: Limit, bytes: u64) -> Result<Vec<u8>, ReadFailure> {
    let mut buffer = Vec::new();
    reader.take(bytes.saturating_add(1)).read_to_end(&mut buffer).map_err(ReadFailure::Io)?;
    if buffer.len() as u64 > bytes {
        return Err(ReadFailure::TooLarge { limit, bytes });
    }
    Ok(buffer)
}

/// The limit for reading `path`: the run's, else its project's, else the default.
pub fn limit_for(path: &Path, limit: Limit) -> u64 {
    let run = RUN_LIMITS.get().and_then(|limits| limits.get(limit));
    run.or_else(|| project_limits(path).get(limit)).unwrap_or_else(|| limit.default_bytes())
}

/// The `[limits]` of the project `path` belongs to (nothing when it has no `gavel.toml`, or
/// the table cannot be read: the project's check reports that).
fn project_limits(path: &Path) -> Limits {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let Some(file) = absolute.ancestors().map(|dir| dir.join(super::config::FILE_NAME)).find(|f| f.is_file()) else {
        return Limits::default();
    };
    cached_project_limits(&file)
}

/// A project's limits, read once per version of its `gavel.toml` (the language server asks on
/// every edit).
fn cached_project_limits(file: &Path) -> Limits {
    type Stamp = (u64, Option<SystemTime>);
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, (Stamp, Limits)>>> = OnceLock::new();
    let Ok(metadata) = std::fs::metadata(file) else { return Limits::default() };
    let stamp = (metadata.len(), metadata.modified().ok());
    let mut cache = CACHE.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((seen, limits)) = cache.get(file)
        && *seen == stamp
    {
        return *limits;
    }
    // gavel.toml itself is read with the default limit: the setting cannot raise its own bound.
    let limits = std::fs::metadata(file)
        .ok()
        .filter(|m| m.len() <= DEFAULT_FILE_LIMIT && special_kind(m).is_none())
        .and_then(|_| std::fs::read_to_string(file).ok())
        .and_then(|text| toml::from_str::<LimitsOnly>(&text).ok())
        .map(|raw| raw.limits.resolve().0)
        .unwrap_or_default();
    cache.insert(file.to_path_buf(), (stamp, limits));
    limits
}

/// `gavel.toml` read for its `[limits]` table alone.
#[derive(Deserialize)]
struct LimitsOnly {
    #[serde(default)]
    limits: RawLimits,
}

/// The `[limits]` table of `gavel.toml`, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLimits {
    pub max_file_size: Option<toml::Spanned<SizeSetting>>,
    pub max_catalog_size: Option<toml::Spanned<SizeSetting>>,
}

/// A size as `gavel.toml` may write it: `"64 MiB"` or a number of bytes.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SizeSetting {
    Bytes(u64),
    Text(String),
}

impl RawLimits {
    /// The limits, and for each value that is not a size its span and the reason.
    pub fn resolve(&self) -> (Limits, Vec<(std::ops::Range<usize>, String)>) {
        let mut problems = Vec::new();
        let mut one = |setting: &Option<toml::Spanned<SizeSetting>>| {
            let setting = setting.as_ref()?;
            let parsed = match setting.get_ref() {
                SizeSetting::Bytes(bytes) => Ok(*bytes),
                SizeSetting::Text(text) => parse_size(text),
            };
            parsed.map_err(|reason| problems.push((setting.span(), reason))).ok()
        };
        let limits = Limits { file: one(&self.max_file_size), catalog: one(&self.max_catalog_size) };
        (limits, problems)
    }
}

/// A size: a number of bytes, optionally with a unit (`16MiB`, `64 MiB`, `1 GB`, `512k`).
/// Units of 1024 (`KiB`, `MiB`, `GiB`, and `K`, `M`, `G`) and of 1000 (`kB`, `MB`, `GB`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number: u64 = digits.parse().map_err(|_| format!("`{text}` is not a size such as \"64 MiB\""))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => KIB,
        "m" | "mib" => MIB,
        "g" | "gib" => GIB,
        "kb" => 1000,
        "mb" => 1000 * 1000,
        "gb" => 1000 * 1000 * 1000,
        other => return Err(format!("`{other}` is not a unit of size; write B, KiB, MiB or GiB")),
    };
    let size = number.checked_mul(factor).ok_or_else(|| format!("`{text}` is too large"))?;
    if size == 0 {
        return Err("a limit of 0 bytes would refuse every file".into());
    }
    Ok(size)
}

/// A size in the largest unit that shows it exactly (`16 MiB`, `1500 bytes`).
pub fn show_size(bytes: u64) -> String {
    for (factor, unit) in [(GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")] {
        if bytes >= factor && bytes.is_multiple_of(factor) {
            return format!("{} {unit}", bytes / factor);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_or_without_units() {
        assert_eq!(parse_size("1048576"), Ok(MIB));
        assert_eq!(parse_size("64 MiB"), Ok(64 * MIB));
        assert_eq!(parse_size("16mib"), Ok(16 * MIB));
        assert_eq!(parse_size("2G"), Ok(2 * GIB));
        assert_eq!(parse_size("5 MB"), Ok(5_000_000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("3 parsecs").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("99999999999999 GiB").is_err());
    }

    #[test]
    fn sizes_show_in_their_largest_exact_unit() {
        assert_eq!(show_size(16 * MIB), "16 MiB");
        assert_eq!(show_size(1536), "1536 bytes");
        assert_eq!(show_size(3 * KIB), "3 KiB");
    }

    #[test]
    fn a_file_past_the_limit_is_refused_without_reading_it_whole() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; 2048]).expect("writable");
        std::fs::write(dir.path().join("gavel.toml"), "[limits]\nmax-file-size = \"1 KiB\"\n").expect("writable");
        assert!(matches!(read_file(&path, Limit::File), Err(ReadFailure::TooLarge { bytes: 1024, .. })));
        assert_eq!(read_file(&path, Limit::Catalog).map(|b| b.len()).ok(), Some(2048));
        let cut = read_at_most(&[0u8; 10][..], Limit::File, 4);
        assert!(matches!(cut, Err(ReadFailure::TooLarge { bytes: 4, .. })));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_unopened() {
        let refused = read_file(Path::new("/dev/zero"), Limit::File);
        assert!(matches!(refused, Err(ReadFailure::NotRegular("a device"))), "{refused:?}");
    }
}
