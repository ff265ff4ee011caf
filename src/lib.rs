//! headroom: which limit is this machine hitting, or about to hit, and who is using it up?

pub mod app;
pub mod cli;
pub mod collect;
pub mod derive;
pub mod feed;
pub mod format;
pub mod headless;
pub mod history;
pub mod limits;
pub mod model;
pub mod recording;
pub mod scan;
pub mod term;
pub mod ui;
