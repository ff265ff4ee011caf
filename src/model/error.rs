//! Why a reading is missing: a parser says which line and item failed, a reader adds the path.
//! Plain data in the snapshot, so recordings and reports carry it like any reading.

use std::fmt;
use std::io;
use std::path::Path;

/// What a pure parser reports when its input is not what the kernel writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("line {line}: {item}: {reason}")]
pub struct ParseError {
    /// 1-based line number in the input (0 when the input as a whole is wrong).
    pub line: usize,
    /// The field or line that could not be read.
    pub item: String,
    pub reason: String,
}

impl ParseError {
    pub fn new(line: usize, item: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            line,
            item: item.into(),
            reason: reason.into(),
        }
    }
}

/// Why a source could not be read: the file, and what went wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum SourceError {
    #[error("{path}: not present")]
    Missing { path: String },
    #[error("{path}: permission denied (root sees it)")]
    Denied { path: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{path}: {err}")]
    Parse { path: String, err: ParseError },
    #[error("{path}: no answer after {ms} ms (hung filesystem?)")]
    TimedOut { path: String, ms: u64 },
}

impl SourceError {
    pub fn io(path: &Path, err: &io::Error) -> Self {
        let path = path.display().to_string();
        match err.kind() {
            io::ErrorKind::NotFound => Self::Missing { path },
            io::ErrorKind::PermissionDenied => Self::Denied { path },
            _ => Self::Io {
                path,
                message: err.to_string(),
            },
        }
    }

    pub fn parse(path: &Path, err: ParseError) -> Self {
        Self::Parse {
            path: path.display().to_string(),
            err,
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Self::Missing { .. })
    }

    pub fn path(&self) -> &str {
        match self {
            Self::Missing { path }
            | Self::Denied { path }
            | Self::Io { path, .. }
            | Self::Parse { path, .. }
            | Self::TimedOut { path, .. } => path,
        }
    }
}

/// Shown in a pane where a value could not be had.
pub struct Reason<'a>(pub &'a SourceError);

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            SourceError::Missing { path } => write!(f, "not available here ({path} is absent)"),
            other => write!(f, "{other}"),
        }
    }
}
