//! The scanner recognises exactly the attributes the `poollint` crate exports.

#[test]
fn scanner_and_attribute_crate_agree() {
    let lib =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/macros/src/lib.rs")).unwrap();
    let mut exported: Vec<String> = lib
        .split("#[proc_macro_attribute]")
        .skip(1)
        .filter_map(|rest| {
            let after = rest.split("pub fn ").nth(1)?;
            Some(after.split('(').next()?.trim().to_string())
        })
        .collect();
    exported.sort();
    let mut scanned: Vec<String> = poollint_core::frontend::attrs::VOCABULARY
        .iter()
        .map(|s| s.to_string())
        .collect();
    scanned.sort();
    assert_eq!(exported, scanned);
}
