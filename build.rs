//! Decides, when the tests are compiled, which engines their database tests
//! run on, so that a copy that cannot run is reported as *ignored* with the
//! reason, never as passed. libtest can only ignore a test at compile time,
//! hence a build script: it sets `test_postgres` when
//! `SOLIDARNIST_TEST_POSTGRES_URL` is set, and `skip_sqlite` /
//! `skip_postgres` when `SOLIDARNIST_TEST_DATABASE` limits a run to the
//! other engine.

fn main() {
    println!("cargo:rerun-if-env-changed=SOLIDARNIST_TEST_POSTGRES_URL");
    println!("cargo:rerun-if-env-changed=SOLIDARNIST_TEST_DATABASE");
    println!("cargo:rustc-check-cfg=cfg(test_postgres)");
    println!("cargo:rustc-check-cfg=cfg(skip_sqlite)");
    println!("cargo:rustc-check-cfg=cfg(skip_postgres)");
    if std::env::var_os("SOLIDARNIST_TEST_POSTGRES_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=test_postgres");
    }
    match std::env::var("SOLIDARNIST_TEST_DATABASE").as_deref() {
        Ok("sqlite") => println!("cargo:rustc-cfg=skip_postgres"),
        Ok("postgres") => println!("cargo:rustc-cfg=skip_sqlite"),
        _ => {}
    }
}
