//! Marks the PostgreSQL variants of the suite as ignored when `TEST_DATABASE_URL` is not set, so
//! that `cargo test` reports them as skipped rather than passed; setting the variable rebuilds
//! the suite with them.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    if std::env::var_os("TEST_DATABASE_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
