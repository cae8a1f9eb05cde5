//! The metadata a replaced file or folder keeps, and the permissions of new ones.

use std::fs::{File, Metadata, Permissions};
use std::path::{Path, PathBuf};

/// How many links a path may go through before it counts as a loop (Linux's own limit).
const MAX_LINKS: usize = 40;

/// Whether `metadata` says nobody may write it. The mode is what counts, not whether this
/// process could write anyway (as root can): a read-only file says "do not change me".
pub fn is_read_only(metadata: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        metadata.permissions().mode() & 0o222 == 0
    }
    #[cfg(not(unix))]
    {
        metadata.permissions().readonly()
    }
}

/// Permissions to create a new file with: `rw-rw-rw-` less the umask, as any tool's outputs
/// (the kernel applies the umask at creation, so the process's umask is never changed or read).
/// `None` where permissions are not modes: a new file gets what its folder gives it.
pub fn new_file_permissions() -> Option<Permissions> {
    permissions_from_mode(0o666)
}

/// Permissions to create a new folder with: `rwxrwxrwx` less the umask.
pub fn new_folder_permissions() -> Option<Permissions> {
    permissions_from_mode(0o777)
}

fn permissions_from_mode(mode: u32) -> Option<Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        None
    }
}

/// A `tempfile` builder for a file or folder that replaces or joins what is in `dir`: with the
/// usual permissions and a hidden, recognisable name.
pub fn temp_builder(prefix: &str, permissions: Option<Permissions>) -> tempfile::Builder<'_, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    if let Some(permissions) = permissions {
        builder.permissions(permissions);
    }
    builder
}

/// Gives `file` the mode and owner of what it replaces. The owner is kept where this process
/// may set it (root, or a group the user belongs to); elsewhere the replacement belongs to
/// whoever runs gavel, as with any editor's save.
pub fn copy_metadata(file: &File, old: &Metadata) -> std::io::Result<()> {
    file.set_permissions(old.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let new = file.metadata()?;
        if (new.uid(), new.gid()) != (old.uid(), old.gid()) {
            let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()))
                .or_else(|_| std::os::unix::fs::fchown(file, None, Some(old.gid())));
        }
    }
    Ok(())
}

/// [`copy_metadata`] for a folder, by path.
pub fn copy_folder_metadata(folder: &Path, old: &Metadata) -> std::io::Result<()> {
    std::fs::set_permissions(folder, old.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let new = std::fs::metadata(folder)?;
        if (new.uid(), new.gid()) != (old.uid(), old.gid()) {
            let _ = std::os::unix::fs::chown(folder, Some(old.uid()), Some(old.gid()))
                .or_else(|_| std::os::unix::fs::chown(folder, None, Some(old.gid())));
        }
    }
    Ok(())
}

/// The file a path finally names, following symbolic links (also a link to a file that does
/// not exist yet, which writing then creates). Writing there keeps the links.
pub fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                let base = current.parent().unwrap_or(Path::new(""));
                current = base.join(target);
            }
            Ok(_) => return Ok(current),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(current),
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other(format!("more than {MAX_LINKS} symbolic links, or a loop of them")))
}

/// How many names the file has (hard links); 1 where that cannot be known.
pub fn link_count(metadata: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        metadata.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        1
    }
}
