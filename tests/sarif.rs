//! `--format sarif` validated against the official SARIF 2.1.0 JSON schema
//! (shipped in the npm package `@microsoft/jest-sarif`, fetched on first run
//! into `target/`) and deserialized with `serde-sarif`.

use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEMA_FILE: &str = "sarif-2.1.0-rtm.5.json";

/// The schema, fetched from the npm registry once and kept under `target/`.
fn schema_path() -> PathBuf {
    if let Ok(p) = std::env::var("POOLLINT_SARIF_SCHEMA") {
        return PathBuf::from(p);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sarif-schema");
    let schema = dir.join("package/lib/schemas").join(SCHEMA_FILE);
    if schema.is_file() {
        return schema;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let pack = Command::new("npm")
        .args(["pack", "@microsoft/jest-sarif@1.0.0-beta.0", "--pack-destination"])
        .arg(&dir)
        .output()
        .expect("npm is needed to fetch the SARIF schema (set POOLLINT_SARIF_SCHEMA to a local copy instead)");
    assert!(
        pack.status.success(),
        "npm pack failed: {}",
        String::from_utf8_lossy(&pack.stderr)
    );
    let tgz = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .expect("npm pack produced no tarball");
    let untar = Command::new("tar")
        .arg("xzf")
        .arg(&tgz)
        .arg("-C")
        .arg(&dir)
        .status()
        .unwrap();
    assert!(untar.success(), "cannot unpack {}", tgz.display());
    assert!(schema.is_file(), "{} is not in the package", SCHEMA_FILE);
    schema
}

fn sarif_of(dir: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_poollint"))
        .args(["--format", "sarif"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn leaky_crate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/my lib.rs"),
        r#"pub struct Pool;
impl Pool {
    #[poollint::acquire]
    pub fn get(&self) -> Vec<u8> { Vec::new() }
    #[poollint::release]
    pub fn put(&self, b: Vec<u8>) {}
}
fn f(pool: &Pool) -> Result<(), E> {
    let é = pool.get();
    check()?;
    pool.put(é);
    Ok(())
}
#[poollint::pooled(reset = "reset")]
pub struct Msg { a: u8, b: u8, body: Vec<u8> }
impl Msg { fn reset(&mut self) { self.a = 0; self.body = Vec::new(); } }
"#,
    )
    .unwrap();
    dir
}

#[test]
fn sarif_matches_the_official_schema() {
    let dir = leaky_crate();
    let sarif = sarif_of(dir.path());
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap();
    // The published schema's `language` patterns are not valid regexes (a stray
    // `]`), which a strict validator rejects while compiling the schema. poollint
    // never emits `language`; give those patterns their intended, valid form.
    for definition in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][definition]["properties"]["language"]["pattern"];
        assert_eq!(language, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
        *language = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    }
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not match the schema:\n{}",
        errors.join("\n")
    );
    // The validator does reject broken SARIF.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_deserializes_and_carries_what_code_scanning_reads() {
    let dir = leaky_crate();
    let sarif = sarif_of(dir.path());
    let typed: serde_sarif::sarif::Sarif =
        serde_json::from_value(sarif.clone()).expect("serde-sarif reads it");
    assert_eq!(typed.runs.len(), 1);
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "poollint");
    assert!(driver["semanticVersion"].is_string() && driver["informationUri"].is_string());
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), poollint_core::rules::ALL.len());
    for rule in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(rule.get(key).is_some(), "rule without {key}: {rule}");
        }
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## Why is this bad")
        );
        assert!(rule["properties"]["precision"].is_string());
    }
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    // PL006's rewrite is a SARIF fix: replace the assignment in place.
    let capacity = results.iter().find(|r| r["ruleId"] == "PL006").unwrap();
    let change = &capacity["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "src/my%20lib.rs");
    let replacement = &change["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "self.body.clear()");
    assert_eq!(replacement["deletedRegion"]["startLine"], 16);
    assert_eq!(replacement["deletedRegion"]["startColumn"], 46);
    assert_eq!(replacement["deletedRegion"]["endColumn"], 68);
    let leak = results.iter().find(|r| r["ruleId"] == "PL001").unwrap();
    assert_eq!(
        rules[leak["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "PL001"
    );
    assert_eq!(leak["level"], "warning");
    let loc = &leak["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "src/my%20lib.rs");
    assert_eq!(loc["region"]["startLine"], 9);
    assert_eq!(loc["region"]["startColumn"], 13);
    let related = leak["relatedLocations"].as_array().unwrap();
    assert_eq!(related[0]["physicalLocation"]["region"]["startLine"], 10);
    assert!(leak.get("partialFingerprints").is_none() && leak.get("fingerprints").is_none());
}
