//! Writing outputs atomically: each file goes to a temporary file in the output folder and
//! is renamed into place, so a reader never sees half a file and a failed run leaves the
//! previous outputs as they were.

use std::io::Write;
use std::path::Path;

use crate::ast::Definition;
use crate::emit::EmitOptions;
use crate::emit::target::{Target, map_outputs};

/// Writes every output of `definitions` or none of the new contents: each file is staged in
/// a temporary file as soon as it is made, and the staged files are renamed into place once all
/// are written. Returns how many files were written.
pub fn write_outputs(
    out_dir: &Path,
    definitions: &[&Definition],
    target: Target,
    options: &EmitOptions,
) -> std::io::Result<usize> {
    std::fs::create_dir_all(out_dir)?;
    let staged = map_outputs(definitions, target, options, |file| {
        // Closed once written: a build may stage more files than a process may keep open.
        let temp = staged_file(out_dir, &file.text)?.into_temp_path();
        Ok((temp, out_dir.join(&file.path)))
    });
    // On an error the staged files are dropped, which removes them.
    let staged: Vec<(tempfile::TempPath, std::path::PathBuf)> = staged.into_iter().collect::<std::io::Result<_>>()?;
    let count = staged.len();
    for (temp, target) in staged {
        temp.persist(target).map_err(|e| e.error)?;
    }
    Ok(count)
}

/// Writes one text file atomically (a temporary file beside it, renamed into place).
pub fn write_text(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    staged_file(dir, text)?.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A temporary file in `dir` (where the target is, so that renaming it is atomic) holding `text`.
/// It is not flushed to disk: the rename protects against a failed or concurrent run, and a
/// file system that journals renames (ext4, APFS, NTFS) orders the data before it, as for the
/// outputs of cargo and rustc; a flush per file made large builds several times slower.
fn staged_file(dir: &Path, text: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new().prefix(".gavel-").suffix(".tmp").tempfile_in(dir)?;
    file.write_all(text.as_bytes())?;
    Ok(file)
}
