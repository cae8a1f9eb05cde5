//! Replacing one file, keeping what it was: its mode and owner, the symbolic links that lead to
//! it, its other hard links; refusing a read-only file.

use std::fs::Metadata;
use std::io::Write;
use std::path::Path;

use super::WriteError;
use super::meta::{copy_metadata, follow_links, is_read_only, link_count, new_file_permissions, temp_builder};

/// What [`write_file`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file was created or replaced.
    Changed,
    /// The file held these bytes already and was left untouched (its mtime too).
    Unchanged,
}

/// Writes `bytes` to `path`, creating its folder if needed.
///
/// - A symbolic link is followed: the file it names is replaced and the link stays a link.
/// - An existing file keeps its mode and, where this process may set it, its owner and group.
/// - A file with several hard links is rewritten in place, because replacing it would cut it off
///   from its other names; the new bytes are ready in memory, so the window in which a crash
///   could leave it short is one `write`.
/// - Otherwise the bytes go to a temporary file beside it, renamed over it: a reader sees the old
///   file or the new one, never a part.
/// - A read-only file is refused, and a file that holds `bytes` already is not rewritten.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<Written, WriteError> {
    let target = follow_links(path).map_err(|e| WriteError::io(path, "follow the links of", e))?;
    match std::fs::metadata(&target) {
        Ok(metadata) => replace(&target, &metadata, bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => create(&target, bytes),
        Err(error) => Err(WriteError::io(&target, "read the metadata of", error)),
    }
}

fn replace(target: &Path, metadata: &Metadata, bytes: &[u8]) -> Result<Written, WriteError> {
    if !metadata.is_file() {
        let error = std::io::Error::other("it is not a regular file");
        return Err(WriteError::io(target, "replace", error));
    }
    if is_read_only(metadata) {
        return Err(WriteError::read_only(target));
    }
    if metadata.len() == bytes.len() as u64 && std::fs::read(target).is_ok_and(|old| old == bytes) {
        return Ok(Written::Unchanged);
    }
    if link_count(metadata) > 1 {
        return rewrite_in_place(target, bytes);
    }
    let mut staged = stage(target, bytes)?;
    copy_metadata(staged.as_file_mut(), metadata).map_err(|e| WriteError::io(target, "keep the mode of", e))?;
    staged.persist(target).map_err(|e| WriteError::io(target, "replace", e.error))?;
    Ok(Written::Changed)
}

fn create(target: &Path, bytes: &[u8]) -> Result<Written, WriteError> {
    if let Some(dir) = parent(target) {
        std::fs::create_dir_all(dir).map_err(|e| WriteError::io(dir, "create", e))?;
    }
    let staged = stage(target, bytes)?;
    staged.persist(target).map_err(|e| WriteError::io(target, "create", e.error))?;
    Ok(Written::Changed)
}

fn rewrite_in_place(target: &Path, bytes: &[u8]) -> Result<Written, WriteError> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(target)
        .map_err(|e| WriteError::io(target, "open", e))?;
    file.write_all(bytes).map_err(|e| WriteError::io(target, "write", e))?;
    Ok(Written::Changed)
}

/// A temporary file beside `target` (so that renaming it over `target` is atomic) holding `bytes`.
/// It is not flushed to disk: the rename protects against a failed or concurrent run, and a
/// file system that journals renames (ext4, APFS, NTFS) orders the data before it, as for the
/// outputs of cargo and rustc; a flush per file made large builds several times slower.
fn stage(target: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, WriteError> {
    let dir = parent(target).unwrap_or(Path::new("."));
    let mut staged = temp_builder(".gavel-", new_file_permissions())
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| WriteError::io(dir, "create a temporary file in", e))?;
    staged.write_all(bytes).map_err(|e| WriteError::io(staged.path(), "write", e))?;
    Ok(staged)
}

fn parent(path: &Path) -> Option<&Path> {
    path.parent().filter(|dir| !dir.as_os_str().is_empty())
}
