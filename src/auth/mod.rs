//! Who may do what: accounts as the permission model sees them, passwords,
//! sessions, API tokens, the login throttle and the audit log. The pages
//! people use to sign in and manage accounts are in `accounts`, above the
//! web layer; this module is below it.

pub mod password;
pub mod permission;
pub mod store;

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub use crate::common::ids::UserId;
pub use permission::{Account, Action, Principal, Role, Scope};

/// How long a session lives without use, and at most.
pub const SESSION_IDLE_SECS: i64 = 12 * 60 * 60;
pub const SESSION_ABSOLUTE_SECS: i64 = 7 * 24 * 60 * 60;

/// Failed logins counted over this window…
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
/// …and how many an account, or one client address, may have in it.
pub const THROTTLE_PER_ACCOUNT: i64 = 5;
pub const THROTTLE_PER_IP: i64 = 20;

/// The prefix of API tokens, so that a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "sol_";

/// 128 bits or more from the operating system's generator, as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// A one-time key for a form, or a visitor's CSRF token (128 bits, as hex):
/// unguessable, from the thread's cryptographically secure generator
/// (seeded by the operating system), so that a page served to a crowd
/// costs no system call per form or visitor.
pub fn form_key() -> String {
    let mut buf = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// A secret's fingerprint as stored (sessions, tokens, setup links): the
/// SHA-256 of it, as hex.
pub fn sha256_hex(input: &str) -> String {
    hex::encode(Sha256::digest(input.as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_and_distinct() {
        let a = random_hex(16);
        assert_eq!(a.len(), 32);
        assert_ne!(a, random_hex(16));
    }

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }

    #[test]
    fn fingerprints_are_sha256_in_hex() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
