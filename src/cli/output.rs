//! Writing outputs atomically: each file goes to a temporary file in the output folder and
//! is renamed into place, so a reader never sees half a file and a failed run leaves the
//! previous outputs as they were.

use std::io::Write;
use std::path::Path;

use crate::emit::target::OutputFile;

/// Serialises a JSON value the one way gavel writes files: pretty, two-space indent, a
/// trailing newline.
pub fn to_pretty_json(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes every file or none of the new contents: all temporary files are written first,
/// then renamed one by one.
pub fn write_all(out_dir: &Path, files: &[OutputFile]) -> std::io::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    let mut staged = Vec::with_capacity(files.len());
    for file in files {
        let target = out_dir.join(&file.path);
        let mut temp = tempfile_in(out_dir)?;
        temp.1.write_all(to_pretty_json(&file.json).as_bytes())?;
        temp.1.sync_all()?;
        staged.push((temp.0, target));
    }
    for (temp, target) in &staged {
        if let Err(error) = std::fs::rename(temp, target) {
            for (temp, _) in &staged {
                let _ = std::fs::remove_file(temp);
            }
            return Err(error);
        }
    }
    Ok(())
}

/// Writes one text file atomically (a temporary file beside it, renamed into place).
pub fn write_text(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let (temp, mut file) = tempfile_in(dir)?;
    let written =
        file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

fn tempfile_in(dir: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    for attempt in 0..100u32 {
        let path = dir.join(format!(".gavel-{}-{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other("could not create a temporary file"))
}
