//! Accounts, passwords, sessions, API tokens and the permission model.

pub mod accounts;
pub mod pages;
pub mod password;
pub mod permission;
pub mod store;

use rand::RngCore;
use sha2::{Digest, Sha256};

pub use permission::{Account, Action, Principal, Role, Scope};

crate::db::typed_id!(
    /// An account that can log in.
    UserId
);

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
    hex(&buf)
}

/// A one-time key for a form (128 bits, as hex): unguessable, from the
/// thread's cryptographically secure generator (seeded by the operating
/// system), so that a page served to a crowd costs no system call per form.
pub fn form_key() -> String {
    let mut buf = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut buf);
    hex(&buf)
}

pub fn sha256_hex(input: &str) -> String {
    hex(&Sha256::digest(input.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]])
        .map(char::from)
        .collect()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// E-mail addresses are compared and stored trimmed and lower-cased.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A plausible e-mail address: something@something.something, no spaces.
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
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
    fn emails_are_checked_loosely_but_sanely() {
        assert!(is_plausible_email("olena@example.org"));
        assert!(is_plausible_email("тест@приклад.укр"));
        assert!(!is_plausible_email("olena@example"));
        assert!(!is_plausible_email("@example.org"));
        assert!(!is_plausible_email("ol ena@example.org"));
        assert!(!is_plausible_email("olena"));
        assert_eq!(normalise_email("  Olena@Example.ORG "), "olena@example.org");
    }
}
