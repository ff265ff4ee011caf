//! Errors of the collectors. They are part of the snapshot, so they live in `model`; collector
//! code names them here.

pub use crate::model::error::{ParseError, Reason, SourceError};
