//! Passwords: the policy a new password must meet, and Argon2id hashing.
//!
//! The policy is NIST SP 800-63B's: 8 to 128 characters, no composition
//! rules, not only spaces, and nothing that is one of the twenty thousand
//! most common passwords once case and a trailing run of digits and
//! symbols are set aside (`Password1!` is `password`).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::common::input::FieldErrors;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// Memory in KiB, iterations, lanes: OWASP's recommended minimum for Argon2id.
const M_COST: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

const COMMON: &str = include_str!("common-passwords.txt");

fn hasher() -> Argon2<'static> {
    let params = Params::new(M_COST, T_COST, P_COST, None).expect("constant parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a new password against the policy, reporting on `field`.
pub fn check_policy(password: &str, email: &str, field: &str, errors: &mut FieldErrors) {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        errors.add_with(field, "err-password-short", MIN_CHARS);
    } else if chars > MAX_CHARS {
        errors.add_with(field, "err-password-long", MAX_CHARS);
    } else if password.trim().is_empty() {
        errors.add(field, "err-password-blank");
    } else if is_common(password) || normalise(password) == normalise(email) {
        errors.add(field, "err-password-common");
    }
}

/// A password as people vary a common one: lower case, without the digits
/// and symbols added at its end (`Dragon2024!` is `dragon`).
fn normalise(password: &str) -> String {
    password
        .trim()
        .to_lowercase()
        .trim_end_matches(|c: char| {
            c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace()
        })
        .to_owned()
}

/// The list, normalised, built on first use.
fn common() -> &'static std::collections::HashSet<String> {
    static SET: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        COMMON
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(normalise)
            .collect()
    })
}

fn is_common(password: &str) -> bool {
    common().contains(&normalise(password))
}

/// Hashes a password for storage as a PHC string. Slow on purpose: call it
/// off the async runtime (`spawn_blocking`).
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing with valid parameters cannot fail")
        .to_string()
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Right, and the stored hash uses older parameters: store a new one.
    YesRehash,
}

/// Checks a password against a stored hash, in the time a real check takes
/// even when the hash is unreadable.
pub fn verify(stored: &str, password: &str) -> Verified {
    let Ok(parsed) = PasswordHash::new(stored) else {
        burn_time(password);
        return Verified::No;
    };
    if hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Verified::No;
    }
    let current = parsed.algorithm.as_str() == "argon2id"
        && Params::try_from(&parsed)
            .map(|p| p.m_cost() >= M_COST && p.t_cost() >= T_COST && p.p_cost() >= P_COST)
            .unwrap_or(false);
    if current {
        Verified::Yes
    } else {
        Verified::YesRehash
    }
}

/// Spends the time of one verification, for an account that does not exist,
/// so that a login's timing does not tell whether the e-mail is known.
pub fn burn_time(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("not a real password, only a timing equaliser"));
    if let Ok(parsed) = PasswordHash::new(dummy) {
        let _ = hasher().verify_password(password.as_bytes(), &parsed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery staple");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(verify(&h, "correct horse battery staple"), Verified::Yes);
        assert_eq!(verify(&h, "Correct horse battery staple"), Verified::No);
        assert_eq!(verify("not a hash", "x"), Verified::No);
    }

    #[test]
    fn weaker_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut OsRng);
        let h = weak
            .hash_password(b"a long passphrase", &salt)
            .unwrap()
            .to_string();
        assert_eq!(verify(&h, "a long passphrase"), Verified::YesRehash);
    }

    #[test]
    fn policy_is_length_and_commonness_only() {
        let check = |p: &str| {
            let mut e = FieldErrors::new();
            check_policy(p, "me@example.org", "password", &mut e);
            e.get("password").map(|e| e.key)
        };
        assert_eq!(check("short"), Some("err-password-short"));
        assert_eq!(check(&"x".repeat(129)), Some("err-password-long"));
        assert_eq!(check("Password1"), Some("err-password-common"));
        assert_eq!(check("me@example.org"), Some("err-password-common"));
        assert_eq!(check("alllowercaseletters"), None);
        assert_eq!(check("пароль для профспілки"), None);
        assert_eq!(check(&"x".repeat(128)), None);
        assert_eq!(check("          "), Some("err-password-blank"));
        assert_eq!(check("\t\n   \u{a0}   "), Some("err-password-blank"));
    }

    #[test]
    fn common_passwords_are_refused_however_they_are_dressed() {
        let raw = COMMON
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert!(raw >= 10_000, "only {raw} passwords in the list");
        let check = |p: &str| {
            let mut e = FieldErrors::new();
            check_policy(p, "me@example.org", "password", &mut e);
            e.get("password").map(|e| e.key)
        };
        for weak in [
            "Dragon2024!",
            "QWERTYUIOP",
            "qwertyuiop123",
            "Sunshine!!",
            "iloveyou99",
            "12345678",
            "Football#1",
            "trustno1!!!",
            "Me@example.org1",
        ] {
            assert_eq!(check(weak), Some("err-password-common"), "{weak}");
        }
        for fine in [
            "correct horse battery staple",
            "Tr0ub4dor&3-solidarity",
            "rescue workers of Donetsk 2026",
        ] {
            assert_eq!(check(fine), None, "{fine}");
        }
    }
}
