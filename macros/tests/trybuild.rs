//! Compile-fail tests (one per validation error, with reviewed `.stderr`
//! goldens) and a compile-and-run test that uses every attribute.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
    // The scanner fixture that uses every attribute must compile too.
    t.pass("../fixtures/pl001_unreleased_acquire/vocabulary_compiles.rs");
}
