//! Writing report files atomically: a temporary file in the target folder, flushed and synced,
//! then renamed over the target, so a reader never sees a half-written report.

use std::io::Write;
use std::path::Path;

/// Writes `render`'s output to `path` atomically.
pub fn atomic(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut buf = std::io::BufWriter::new(tmp.as_file_mut());
        render(&mut buf)?;
        buf.flush()?;
    }
    // Reports are for others to read: the usual file mode, not tempfile's private 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
