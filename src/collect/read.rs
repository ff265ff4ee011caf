//! Reading a kernel file as text, bounded: the one way every collector opens a file.

use std::fs;
use std::path::Path;

use super::{ParseError, SourceError};

mod kept;

/// The most a source file may hold. /proc/net/tcp of a host with 400,000 sockets is about
/// 60 MB; a file larger than this is not one the kernel wrote.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads a whole text file; binary junk becomes replacement characters, never an error.
///
/// Reads are bounded, because a captured tree may hold anything where a kernel file belongs:
/// only regular files are read (the kernel's own /proc and /sys files are regular files), the
/// open does not wait (a FIFO with no writer would block it forever), and at most
/// [`MAX_FILE_BYTES`] are taken (a symlink to a huge file). The error names the file.
///
/// Not `fs::read`: it stats the file to size its buffer, and /proc and /sys files all claim a
/// size of 0 or 4096; the type check needs the stat, not the size. The live system's own files
/// are kept open and read again from their start ([`kept`]).
pub fn read_text(path: &Path) -> Result<String, SourceError> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(4096);
    let keepable = kept::keepable(path);
    if !(keepable && kept::read_again(path, &mut bytes, MAX_FILE_BYTES).is_some()) {
        let file = open_regular(path)?;
        // Through `take`, which reads to the end without asking the file for its size.
        (&file)
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| SourceError::io(path, &e))?;
        if keepable {
            kept::keep(path, file);
        }
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(SourceError::Io {
            path: path.display().to_string(),
            message: format!("larger than {} MiB", MAX_FILE_BYTES >> 20),
        });
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Opens a file to read without waiting, if it is a regular file.
fn open_regular(path: &Path) -> Result<fs::File, SourceError> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(|e| SourceError::io(path, &e))?;
    let kind = file
        .metadata()
        .map_err(|e| SourceError::io(path, &e))?
        .file_type();
    if !kind.is_file() {
        return Err(SourceError::Io {
            path: path.display().to_string(),
            message: format!("not a regular file (a {})", file_kind(kind)),
        });
    }
    Ok(file)
}

/// What a file that is not a regular one is, for the message.
fn file_kind(kind: fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "FIFO"
    } else if kind.is_char_device() {
        "character device"
    } else if kind.is_block_device() {
        "block device"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

/// Reads a file and runs a pure parser over it, attaching the path to any failure.
pub fn read_parsed<T>(
    path: &Path,
    parse: impl FnOnce(&str) -> Result<T, ParseError>,
) -> Result<T, SourceError> {
    let text = read_text(path)?;
    parse(&text).map_err(|e| SourceError::parse(path, e))
}

/// Runs a pure parser over a file already read (one file two sources share), attaching the
/// path to any failure.
pub fn parse_text<T>(
    path: &Path,
    text: &Result<String, SourceError>,
    parse: impl FnOnce(&str) -> Result<T, ParseError>,
) -> Result<T, SourceError> {
    let text = text.as_ref().map_err(Clone::clone)?;
    parse(text).map_err(|e| SourceError::parse(path, e))
}
