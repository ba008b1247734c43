//! The kernel: what every area shares and no area owns. Typed ids, the one
//! set of input checks, the one clock (and its one rule for "today"),
//! paging, what an import reports, and the campaign's six actions. Pure: no
//! I/O, and nothing here imports an area, the database or the web layer.

pub mod actions;
pub mod clock;
pub mod ids;
pub mod import;
pub mod input;
pub mod paging;
