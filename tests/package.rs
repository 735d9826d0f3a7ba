//! Both crates are ready for crates.io: full metadata, a README and the two
//! license files in each package (`cargo package --list` shows what would be
//! uploaded; CI of a release runs `cargo package --workspace`, which also
//! builds each package from its archive).

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn manifest(dir: &str) -> toml::Table {
    let text = std::fs::read_to_string(Path::new(ROOT).join(dir).join("Cargo.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

#[test]
fn both_crates_carry_crates_io_metadata() {
    for (dir, name) in [(".", "cargo-poollint"), ("macros", "poollint")] {
        let manifest = manifest(dir);
        let package = manifest["package"].as_table().unwrap();
        assert_eq!(package["name"].as_str(), Some(name));
        for key in ["description", "license", "documentation", "readme"] {
            assert!(
                package.get(key).and_then(|v| v.as_str()).is_some(),
                "{name}: no {key}"
            );
        }
        assert_eq!(package["license"].as_str(), Some("MIT OR Apache-2.0"));
        assert!(
            package["documentation"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/{name}")),
            "{name}"
        );
        let keywords = package["keywords"].as_array().unwrap();
        assert!(
            (1..=5).contains(&keywords.len()),
            "{name}: crates.io takes 5 keywords"
        );
        for k in keywords {
            let k = k.as_str().unwrap();
            assert!(
                k.len() <= 20
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{k}"
            );
        }
        assert!(
            !package["categories"].as_array().unwrap().is_empty(),
            "{name}"
        );
        let readme = Path::new(ROOT)
            .join(dir)
            .join(package["readme"].as_str().unwrap());
        assert!(readme.is_file(), "{}", readme.display());
    }
}

#[test]
fn each_package_ships_readme_and_both_licenses() {
    for name in ["cargo-poollint", "poollint"] {
        let out = Command::new(env!("CARGO"))
            .args([
                "package",
                "--list",
                "--allow-dirty",
                "--offline",
                "-p",
                name,
            ])
            .current_dir(ROOT)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let files = String::from_utf8_lossy(&out.stdout);
        for file in ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "Cargo.toml"] {
            assert!(
                files.lines().any(|l| l == file),
                "{name} lacks {file}:\n{files}"
            );
        }
        // Development-only files stay out.
        assert!(
            !files
                .lines()
                .any(|l| l.starts_with("fuzz/") || l.starts_with(".ci/")),
            "{files}"
        );
    }
    let mit = std::fs::read_to_string(Path::new(ROOT).join("LICENSE-MIT")).unwrap();
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = std::fs::read_to_string(Path::new(ROOT).join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
}
