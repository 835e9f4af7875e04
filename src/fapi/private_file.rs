//! The token file's guards against other local users: it is opened without following a
//! symlink, refused (never chmod-ed) when it or its directory belongs to someone else or is
//! writable by others, replaced through an exclusive temp file, and changed under a lock that
//! holds across processes.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Why a token file or its directory is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Untrusted(pub String);

/// Checks the directory the token file lives in: ours, and writable by nobody else (another
/// user who can write there can plant a token or a symlink). `tighten`: the app's own config
/// directory is also made 0700 when it is ours but readable by others.
pub(crate) fn check_dir(dir: &Path, tighten: bool) -> io::Result<Result<(), Untrusted>> {
    let meta = fs::metadata(dir)?;
    if !meta.is_dir() {
        return Ok(Err(Untrusted(format!(
            "{} is not a directory",
            dir.display()
        ))));
    }
    if let Err(why) = owned_and_not_writable(&meta, "its directory") {
        return Ok(Err(why));
    }
    if tighten {
        restrict(dir, &meta, 0o700)?;
    }
    Ok(Ok(()))
}

/// Opens `path` for reading if it exists, without following a symlink at it and without
/// blocking on a FIFO, and checks the file is ours and writable by nobody else. A file that is
/// ours but readable by others is made 0600 through the open handle (never through the path).
pub(crate) fn open_trusted(path: &Path) -> io::Result<Option<Result<File, Untrusted>>> {
    let mut options = OpenOptions::new();
    options.read(true);
    no_follow(&mut options);
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if is_symlink_refusal(&e) => {
            return Ok(Some(Err(Untrusted(
                "it is a symbolic link, which is never followed".to_owned(),
            ))));
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Some(Err(Untrusted("it is not a regular file".to_owned()))));
    }
    if let Err(why) = owned_and_not_writable(&meta, "it") {
        return Ok(Some(Err(why)));
    }
    restrict_open(&file, &meta, 0o600)?;
    Ok(Some(Ok(file)))
}

/// Reads an opened file whole (the caller zeroizes the text).
pub(crate) fn read_text(mut file: File) -> io::Result<String> {
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    Ok(text)
}

/// Writes `bytes` to a new temp file in `dir` (created exclusively, mode 0600 from the start,
/// never through a link), then renames it over `target`: the token is never readable by
/// others and a reader never sees half a file.
pub(crate) fn replace(dir: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tokens".to_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    private_mode(&mut options, 0o600);
    no_follow(&mut options);
    let outcome = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, target)
    })();
    if outcome.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    outcome
}

/// Creates `dir` (and its parents) with mode 0700.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// An exclusive advisory lock on `<target>.lock`, held until the returned file is dropped.
/// Every process changing the token file takes it, so two sign-ins sharing a config
/// directory each re-read the file under it and neither loses the other's token.
pub(crate) fn lock_beside(target: &Path) -> io::Result<Result<File, Untrusted>> {
    let mut name = target.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    private_mode(&mut options, 0o600);
    no_follow(&mut options);
    let file = match options.open(&path) {
        Ok(file) => file,
        Err(e) if is_symlink_refusal(&e) => {
            return Ok(Err(Untrusted(format!(
                "its lock file {} is a symbolic link",
                path.display()
            ))));
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if let Err(why) = owned_and_not_writable(&meta, "its lock file") {
        return Ok(Err(why));
    }
    file.lock()?;
    Ok(Ok(file))
}

#[cfg(unix)]
fn no_follow(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
}

#[cfg(not(unix))]
fn no_follow(_options: &mut OpenOptions) {}

#[cfg(unix)]
fn private_mode(options: &mut OpenOptions, mode: u32) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(mode);
}

#[cfg(not(unix))]
fn private_mode(_options: &mut OpenOptions, _mode: u32) {}

/// `O_NOFOLLOW` on a symlink fails with `ELOOP` (Linux, macOS) or `EMLINK` (FreeBSD).
#[cfg(unix)]
fn is_symlink_refusal(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ELOOP) | Some(libc::EMLINK))
}

#[cfg(not(unix))]
fn is_symlink_refusal(_e: &io::Error) -> bool {
    false
}

/// Owned by the effective user (root included: a file another user planted in root's config
/// directory is theirs, not root's) and not writable by group or others.
#[cfg(unix)]
fn owned_and_not_writable(meta: &fs::Metadata, what: &str) -> Result<(), Untrusted> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(Untrusted(format!(
            "{what} belongs to another user (uid {}, you are uid {me}), who could have planted \
             a token there",
            meta.uid()
        )));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(Untrusted(format!(
            "{what} is writable by others (mode {mode:04o}), who could have planted a token there"
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn owned_and_not_writable(_meta: &fs::Metadata, _what: &str) -> Result<(), Untrusted> {
    Ok(())
}

#[cfg(unix)]
fn restrict(path: &Path, meta: &fs::Metadata, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if meta.permissions().mode() & 0o777 & !mode != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _meta: &fs::Metadata, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn restrict_open(file: &File, meta: &fs::Metadata, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if meta.permissions().mode() & 0o777 & !mode != 0 {
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict_open(_file: &File, _meta: &fs::Metadata, _mode: u32) -> io::Result<()> {
    Ok(())
}
