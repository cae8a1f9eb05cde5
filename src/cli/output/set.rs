//! The output folder of `gavel build`, replaced as a whole.
//!
//! A build stages its outputs in a new folder beside the output folder
//! (`.<name>.gavel-new-XXXXXX`), then swaps the two with one atomic rename (`RENAME_EXCHANGE` on
//! Linux; elsewhere the old folder is renamed aside and the new one into its place). Whenever the
//! build stops — an error, a full disk, `kill -9` — the output folder holds either the complete
//! old set or the complete new one; what a stopped build leaves beside it is recognisable by its
//! name and removed by the next build into the same folder.
//!
//! The folder may hold files gavel did not write (a README, a `.git` folder): they are carried
//! into the new set as hard links, untouched. Which files gavel wrote is recorded in the folder
//! ([`MANIFEST`]), so that an output a later build no longer makes (a renamed policy) is removed
//! rather than left to be deployed. An output whose bytes do not change keeps its file (hard
//! linked into the new set: the same inode, mtime and mode), so `make`-style tools see only what
//! changed, and a build that changes nothing changes nothing on disk.
//!
//! Builds into one folder are serialised by a lock on the folder that holds it.

use std::collections::HashSet;
use std::fs::{File, Metadata};
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use super::WriteError;
use super::meta::{
    copy_folder_metadata, copy_metadata, follow_links, is_read_only, new_folder_permissions, temp_builder,
};
use crate::ast::Definition;
use crate::emit::EmitOptions;
use crate::emit::target::{OutputFile, Target, map_outputs};

/// The record, in the output folder, of the files gavel wrote there.
pub const MANIFEST: &str = ".gavel-outputs";

const MANIFEST_HEADER: &str =
    "# The files `gavel build` wrote to this folder; it replaces them, and only them, on the next build.\n";

/// What a build did to its output folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetSummary {
    /// Outputs created or changed.
    pub written: usize,
    /// Outputs whose bytes were the same, left as they were.
    pub unchanged: usize,
    /// Outputs of an earlier build that this one no longer makes.
    pub removed: usize,
}

/// Writes every output of `definitions` into `out_dir` as one set: all of them or, on any
/// error, none (the folder is left as it was).
pub fn write_output_set(
    out_dir: &Path,
    definitions: &[&Definition],
    target: Target,
    options: &EmitOptions,
    others: Vec<OutputFile>,
) -> Result<SetSummary, WriteError> {
    let folder = OutputFolder::open(out_dir)?;
    let staging = folder.staging()?;
    let mut staged = map_outputs(definitions, target, options, |file| folder.stage(&staging, file));
    staged.extend(others.into_iter().map(|file| folder.stage(&staging, file)));
    let staged: Vec<Staged> = staged.into_iter().collect::<Result<_, _>>()?;
    folder.commit(staging, staged)
}

/// The output folder, locked, with what an earlier build left in it.
struct OutputFolder {
    /// Where the folder is (links followed), whether or not it exists yet.
    path: PathBuf,
    parent: PathBuf,
    /// The start of the names of what builds into this folder leave beside it.
    prefix: String,
    /// The folder as it is, if it exists.
    existing: Option<Existing>,
    /// Held until the build is done.
    _lock: File,
}

struct Existing {
    metadata: Metadata,
    /// What the manifest lists; `None` when there is no manifest (a folder gavel never built into).
    manifest: Option<HashSet<String>>,
}

/// One output, staged or found unchanged.
struct Staged {
    path: String,
    unchanged: bool,
}

impl OutputFolder {
    fn open(out_dir: &Path) -> Result<OutputFolder, WriteError> {
        let (parent, name) = locate(out_dir)?;
        let path = parent.join(&name);
        refuse_working_folder(&path)?;
        let lock = lock(&parent)?;
        let prefix = format!(".{}.gavel-", name.to_string_lossy());
        let mut folder = OutputFolder { path, parent, prefix, existing: None, _lock: lock };
        folder.recover()?;
        folder.existing = folder.read_existing()?;
        Ok(folder)
    }

    /// Removes what builds stopped midway left beside the folder; puts the old set back where a
    /// build stopped between moving it aside and moving the new one in.
    fn recover(&self) -> Result<(), WriteError> {
        let entries = std::fs::read_dir(&self.parent).map_err(|e| WriteError::io(&self.parent, "read", e))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(kind) = name.strip_prefix(&self.prefix) else { continue };
            let leftover = entry.path();
            if kind.starts_with("old-") && !self.path.exists() {
                std::fs::rename(&leftover, &self.path).map_err(|e| WriteError::io(&self.path, "restore", e))?;
            } else if kind.starts_with("old-") || kind.starts_with("new-") {
                std::fs::remove_dir_all(&leftover).map_err(|e| WriteError::io(&leftover, "remove", e))?;
            }
        }
        Ok(())
    }

    fn read_existing(&self) -> Result<Option<Existing>, WriteError> {
        let metadata = match std::fs::metadata(&self.path) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(WriteError::io(&self.path, "read", error)),
        };
        if !metadata.is_dir() {
            let error = std::io::Error::other("it is not a folder");
            return Err(WriteError::io(&self.path, "build into", error));
        }
        if is_read_only(&metadata) {
            return Err(WriteError::read_only(&self.path));
        }
        let manifest = match std::fs::read_to_string(self.path.join(MANIFEST)) {
            Ok(text) => Some(text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(String::from).collect()),
            Err(error) if error.kind() == ErrorKind::NotFound => None,
            Err(error) => return Err(WriteError::io(&self.path.join(MANIFEST), "read", error)),
        };
        Ok(Some(Existing { metadata, manifest }))
    }

    fn staging(&self) -> Result<tempfile::TempDir, WriteError> {
        temp_builder(&format!("{}new-", self.prefix), new_folder_permissions())
            .tempdir_in(&self.parent)
            .map_err(|e| WriteError::io(&self.parent, "create a folder in", e))
    }

    /// Writes `file` into the staging folder, unless the output folder holds it already.
    fn stage(&self, staging: &tempfile::TempDir, file: OutputFile) -> Result<Staged, WriteError> {
        let relative = checked_relative(&file.path, &self.path)?;
        let old = self.path.join(relative);
        let old_metadata = match std::fs::symlink_metadata(&old) {
            Ok(metadata) => Some(metadata),
            Err(error) if error.kind() == ErrorKind::NotFound => None,
            Err(error) => return Err(WriteError::io(&old, "read", error)),
        };
        if let Some(metadata) = &old_metadata {
            if metadata.is_dir() {
                let message = format!("a folder is where the output {} goes", old.display());
                return Err(WriteError::not_own_folder(&old, message, "move the folder away, then build again"));
            }
            if metadata.is_file() && is_read_only(metadata) {
                return Err(WriteError::read_only(&old));
            }
            if metadata.is_file() && same_bytes(&old, metadata, file.text.as_bytes()) {
                return Ok(Staged { path: file.path, unchanged: true });
            }
        }
        let new = staging.path().join(relative);
        write_new(&new, file.text.as_bytes(), old_metadata.as_ref().filter(|m| m.is_file()))?;
        Ok(Staged { path: file.path, unchanged: false })
    }

    fn commit(self, staging: tempfile::TempDir, staged: Vec<Staged>) -> Result<SetSummary, WriteError> {
        let produced: HashSet<&str> = staged.iter().map(|s| s.path.as_str()).collect();
        let written = staged.iter().filter(|s| !s.unchanged).count();
        let summary = SetSummary { written, unchanged: staged.len() - written, removed: self.stale(&produced) };
        if let Some(existing) = &self.existing
            && written == 0
            && summary.removed == 0
            && existing.manifest.as_ref().is_some_and(|listed| listed.len() == produced.len())
            && !holds_leftovers(&self.path)
        {
            // Nothing changes: not even the folder is touched.
            return Ok(summary);
        }
        let new = staging.path();
        if let Some(existing) = &self.existing {
            for output in staged.iter().filter(|s| s.unchanged) {
                carry(&self.path.join(&output.path), &new.join(&output.path))?;
            }
            self.carry_others(&self.path, new, "", &produced, existing.manifest.as_ref())?;
            copy_folder_metadata(new, &existing.metadata).map_err(|e| WriteError::io(new, "set the mode of", e))?;
        }
        write_manifest(new, &staged)?;
        self.swap(staging)?;
        Ok(summary)
    }

    /// How many outputs of the last build this one does not make.
    fn stale(&self, produced: &HashSet<&str>) -> usize {
        let listed = self.existing.as_ref().and_then(|e| e.manifest.as_ref());
        listed.map_or(0, |listed| listed.iter().filter(|p| !produced.contains(p.as_str())).count())
    }

    /// Links into `new` what the old folder holds that is not gavel's: neither made by this build
    /// nor listed as made by the last one (stale outputs are what is left behind).
    fn carry_others(
        &self,
        old: &Path,
        new: &Path,
        relative: &str,
        produced: &HashSet<&str>,
        manifest: Option<&HashSet<String>>,
    ) -> Result<(), WriteError> {
        let entries = std::fs::read_dir(old).map_err(|e| WriteError::io(old, "read", e))?;
        for entry in entries {
            let entry = entry.map_err(|e| WriteError::io(old, "read", e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if relative.is_empty() { name.clone() } else { format!("{relative}/{name}") };
            if is_own_leftover(relative, &name) || produced.contains(path.as_str()) {
                continue;
            }
            let file_type = entry.file_type().map_err(|e| WriteError::io(&entry.path(), "read", e))?;
            if file_type.is_dir() {
                let target = new.join(&name);
                if !target.is_dir() {
                    std::fs::create_dir(&target).map_err(|e| WriteError::io(&target, "create", e))?;
                }
                if let Ok(metadata) = entry.metadata() {
                    copy_folder_metadata(&target, &metadata)
                        .map_err(|e| WriteError::io(&target, "set the mode of", e))?;
                }
                self.carry_others(&entry.path(), &target, &path, produced, manifest)?;
            } else if !manifest.is_some_and(|listed| listed.contains(&path)) {
                carry(&entry.path(), &new.join(&name))?;
            }
        }
        Ok(())
    }

    /// Puts the staged folder in the place of the output folder, in one step where the system can.
    fn swap(&self, staging: tempfile::TempDir) -> Result<(), WriteError> {
        let new = staging.path();
        if self.existing.is_none() {
            std::fs::rename(new, &self.path).map_err(|e| WriteError::io(&self.path, "create", e))?;
            // Renamed away: the temporary folder's cleanup finds nothing to remove.
            let _ = staging.keep();
            return Ok(());
        }
        if exchange(new, &self.path).is_ok() {
            // The staging name now holds the old set, which dropping the folder removes.
            drop(staging);
            return Ok(());
        }
        self.swap_by_moving_aside(staging)
    }

    /// Two renames where the system cannot exchange folders: a reader may find no folder for
    /// a moment, never a mix; a build stopped in between is put right by the next one.
    fn swap_by_moving_aside(&self, staging: tempfile::TempDir) -> Result<(), WriteError> {
        let aside = temp_builder(&format!("{}old-", self.prefix), None)
            .tempdir_in(&self.parent)
            .map_err(|e| WriteError::io(&self.parent, "create a folder in", e))?;
        // Renaming a folder over an empty one replaces it.
        std::fs::rename(&self.path, aside.path()).map_err(|e| WriteError::io(&self.path, "move", e))?;
        if let Err(error) = std::fs::rename(staging.path(), &self.path) {
            let _ = std::fs::rename(aside.path(), &self.path);
            let _ = aside.keep();
            return Err(WriteError::io(&self.path, "replace", error));
        }
        let _ = staging.keep();
        Ok(())
    }
}

/// The real folder that holds the output folder (created if needed), and its name.
fn locate(out_dir: &Path) -> Result<(PathBuf, std::ffi::OsString), WriteError> {
    let path = follow_links(out_dir).map_err(|e| WriteError::io(out_dir, "follow the links of", e))?;
    let path = if path.exists() { path.canonicalize().map_err(|e| WriteError::io(&path, "resolve", e))? } else { path };
    let Some(name) = path.file_name().map(|n| n.to_os_string()) else {
        let message = format!("{} cannot be an output folder", out_dir.display());
        return Err(WriteError::not_own_folder(out_dir, message, "name a folder of its own, e.g. `--out-dir out`"));
    };
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| WriteError::io(&parent, "create", e))?;
    let parent = parent.canonicalize().map_err(|e| WriteError::io(&parent, "resolve", e))?;
    Ok((parent, name))
}

/// The output folder is replaced as a whole: it cannot be the folder a build runs in, or one
/// that holds it.
fn refuse_working_folder(path: &Path) -> Result<(), WriteError> {
    let Ok(cwd) = std::env::current_dir().and_then(|cwd| cwd.canonicalize()) else { return Ok(()) };
    if cwd.starts_with(path) {
        let message =
            format!("{} holds the working folder; gavel replaces its output folder as a whole", path.display());
        return Err(WriteError::not_own_folder(path, message, "build into a folder of its own, e.g. `--out-dir out`"));
    }
    Ok(())
}

/// Waits for any other build into a folder beside this one.
fn lock(parent: &Path) -> Result<File, WriteError> {
    let lock = File::open(parent).map_err(|e| WriteError::io(parent, "open", e))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!("waiting for another gavel build into {} to finish", parent.display());
            lock.lock().map_err(|e| WriteError::io(parent, "lock", e))?;
        }
        // A file system without locks: builds are not serialised, each still swaps atomically.
        Err(std::fs::TryLockError::Error(_)) => {}
    }
    Ok(lock)
}

/// `path` as a relative path inside the output folder; an emitter bug otherwise.
fn checked_relative<'a>(path: &'a str, folder: &Path) -> Result<&'a Path, WriteError> {
    let relative = Path::new(path);
    let inside = relative.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside || path == MANIFEST || path.is_empty() {
        let error = std::io::Error::other(format!("`{path}` is not a file name inside the output folder"));
        return Err(WriteError::io(folder, "write into", error));
    }
    Ok(relative)
}

fn same_bytes(path: &Path, metadata: &Metadata, bytes: &[u8]) -> bool {
    metadata.len() == bytes.len() as u64 && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// A new file of the staged set: the usual permissions, or the mode and owner of the output it
/// replaces.
fn write_new(path: &Path, bytes: &[u8], replaces: Option<&Metadata>) -> Result<(), WriteError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| WriteError::io(dir, "create", e))?;
    }
    // `File::create_new` makes the file `rw-rw-rw-` less the umask, and never opens one that
    // is there already (nor a link planted in its place).
    let mut file = File::create_new(path).map_err(|e| WriteError::io(path, "create", e))?;
    std::io::Write::write_all(&mut file, bytes).map_err(|e| WriteError::io(path, "write", e))?;
    if let Some(old) = replaces {
        copy_metadata(&file, old).map_err(|e| WriteError::io(path, "set the mode of", e))?;
    }
    Ok(())
}

/// Puts the file at `from` into the new set as it is: a hard link (the same file, mtime and
/// all), or a copy where the file system has no hard links.
fn carry(from: &Path, to: &Path) -> Result<(), WriteError> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| WriteError::io(dir, "create", e))?;
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    let metadata = std::fs::symlink_metadata(from).map_err(|e| WriteError::io(from, "read", e))?;
    if metadata.file_type().is_symlink() {
        let target = std::fs::read_link(from).map_err(|e| WriteError::io(from, "read", e))?;
        return symlink(&target, to).map_err(|e| WriteError::io(to, "create", e));
    }
    std::fs::copy(from, to).map(drop).map_err(|e| WriteError::io(to, "copy", e))
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::fs::copy(target, link).map(drop)
}

/// What gavel itself leaves in an output folder and does not carry: the manifest (written anew)
/// and the temporary files of versions that staged outputs inside the folder.
fn is_own_leftover(relative: &str, name: &str) -> bool {
    (relative.is_empty() && name == MANIFEST) || (name.starts_with(".gavel-") && name.ends_with(".tmp"))
}

/// Whether the folder holds temporaries that earlier versions of gavel staged inside it (and a
/// killed build of theirs left): a build that would otherwise change nothing removes them.
fn holds_leftovers(folder: &Path) -> bool {
    std::fs::read_dir(folder).into_iter().flatten().flatten().any(|entry| {
        let name = entry.file_name();
        name != MANIFEST && is_own_leftover("", &name.to_string_lossy())
    })
}

fn write_manifest(folder: &Path, staged: &[Staged]) -> Result<(), WriteError> {
    let mut paths: Vec<&str> = staged.iter().map(|s| s.path.as_str()).collect();
    paths.sort_unstable();
    let mut text = String::from(MANIFEST_HEADER);
    for path in paths {
        text.push_str(path);
        text.push('\n');
    }
    let path = folder.join(MANIFEST);
    std::fs::write(&path, text).map_err(|e| WriteError::io(&path, "write", e))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(ErrorKind::Unsupported))
}
