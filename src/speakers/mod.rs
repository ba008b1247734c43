//! Speakers: branches request a speaker, coordinators match one, nobody is
//! double-booked, and every clock is right.

pub mod actions;
pub mod clock;
pub mod mail;
pub mod reminders;
pub mod store;
pub mod model;

pub use model::{RequestId, SpeakerId};
