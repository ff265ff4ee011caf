//! headroom: which limit is this machine hitting, or about to hit, and who is using it up?

pub mod collect;
pub mod headless;
pub mod model;
pub mod scan;
