//! Twinning: British branches linked with Ukrainian counterparts, the link's
//! life and its activity log, and the needs Ukrainian branches post.

pub mod model;

pub use model::{NeedId, TwinningId};
