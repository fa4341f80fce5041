//! Files read as files: only regular files are opened, and no more than a given size is read.
//!
//! A path in a repository or on a command line may name a FIFO (reading it waits forever), a
//! device (`/dev/zero` never ends), a socket, or a symbolic link to any of them. Such a path is
//! refused from its metadata before it is opened; the file that is opened is checked again on its
//! open descriptor (opened non-blocking, so that a FIFO swapped in meanwhile cannot hold the
//! reader), and the size limit is enforced while reading, not trusted from the metadata.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum FileError {
    /// Not a regular file: what it is instead ("a FIFO", "a character device", …).
    NotRegular { kind: &'static str },
    /// Larger than the limit, in bytes.
    TooLarge { limit: u64 },
    /// Not UTF-8 text.
    NotText,
    /// The operating system's error.
    Io(std::io::Error),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotRegular { kind } => {
                write!(f, "{kind}, not a regular file: not opened")
            }
            FileError::TooLarge { limit } => write!(f, "larger than the {} limit", size(*limit)),
            FileError::NotText => f.write_str("not UTF-8 text"),
            FileError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl std::error::Error for FileError {}

impl From<std::io::Error> for FileError {
    fn from(e: std::io::Error) -> Self {
        FileError::Io(e)
    }
}

/// A size in the unit that reads best (`16 MiB`, `512 KiB`, `100 bytes`).
pub fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

fn kind(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
    }
    Some("a special file")
}

/// Opens `path` for reading only if it is a regular file (after following symbolic links).
pub fn open_regular(path: &Path) -> Result<(File, Metadata), FileError> {
    let before = std::fs::metadata(path)?;
    if let Some(kind) = kind(&before) {
        return Err(FileError::NotRegular { kind });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if let Some(kind) = kind(&meta) {
        return Err(FileError::NotRegular { kind });
    }
    Ok((file, meta))
}

/// Reads what is left of `reader`, refusing more than `limit` bytes in all (`already` counted).
pub fn read_bounded(
    reader: &mut impl Read,
    buf: &mut Vec<u8>,
    limit: u64,
) -> Result<(), FileError> {
    let already = u64::try_from(buf.len()).unwrap_or(u64::MAX);
    let room = limit.saturating_sub(already).saturating_add(1);
    reader.take(room).read_to_end(buf)?;
    if u64::try_from(buf.len()).unwrap_or(u64::MAX) > limit {
        return Err(FileError::TooLarge { limit });
    }
    Ok(())
}

/// Reads the regular file at `path`, at most `limit` bytes.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let (mut file, meta) = open_regular(path)?;
    let mut buf = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    read_bounded(&mut file, &mut buf, limit)?;
    Ok(buf)
}

/// Reads the regular file at `path` as UTF-8 text, at most `limit` bytes.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, FileError> {
    String::from_utf8(read_regular_file(path, limit)?).map_err(|_| FileError::NotText)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("nuage-limits-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn regular_files_are_read_within_their_limit() {
        let d = dir("regular");
        let p = d.join("a.toml");
        std::fs::write(&p, "x = 1\n").unwrap();
        assert_eq!(read_regular_file(&p, 6).unwrap(), b"x = 1\n");
        let e = read_regular_file(&p, 5).unwrap_err();
        assert!(matches!(e, FileError::TooLarge { limit: 5 }), "{e}");
        assert_eq!(e.to_string(), "larger than the 5 bytes limit");
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_links_to_them_are_never_read() {
        let d = dir("special");
        let zero = d.join("zero.yaml");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let e = read_regular_file(&zero, 1024).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a character device, not a regular file: not opened"
        );

        let fifo = d.join("main.tf");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let e = read_regular_file(&fifo, 1024).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::NotRegular {
                    kind: "a FIFO (named pipe)"
                }
            ),
            "{e}"
        );

        let e = read_regular_file(&d, 1024).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::NotRegular {
                    kind: "a directory"
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(16 * 1024 * 1024), "16 MiB");
        assert_eq!(size(512 * 1024), "512 KiB");
        assert_eq!(size(100), "100 bytes");
    }
}
