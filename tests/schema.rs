//! The JSON Schemas an editor uses to complete and check the issue and the
//! layout files: the shipped ones are what `maquette schema` prints, every
//! shipped issue and layout validates against them (checked with the
//! `jsonschema` crate, an independent validator), and a misspelt field or a
//! value out of its list does not.

#[allow(dead_code)] // each test crate uses its own part of the shared helpers
mod common;

use common::{manifest_dir, maquette, run};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// What `maquette schema KIND` prints.
fn printed_schema(kind: &str) -> String {
    let out = run(&mut maquette(["schema", kind]));
    assert!(
        out.status.success(),
        "maquette schema {kind}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// A JSON file, parsed.
fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The JSON files of a folder of the crate.
fn json_files(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The validation errors of an instance against a schema, as text.
fn errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema is a valid JSON Schema");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_shipped_schemas_are_what_maquette_prints() {
    for kind in ["issue", "layout"] {
        let shipped = manifest_dir().join(format!("schemas/{kind}.schema.json"));
        let text = std::fs::read_to_string(&shipped).expect("schemas/ ships both schemas");
        assert!(
            text == printed_schema(kind),
            "{} is out of step with the types: run `maquette schema {kind} > {}`",
            shipped.display(),
            shipped.display()
        );
    }
}

#[test]
fn every_shipped_issue_and_layout_follows_its_schema() {
    let issue_schema: Value = serde_json::from_str(&printed_schema("issue")).unwrap();
    let layout_schema: Value = serde_json::from_str(&printed_schema("layout")).unwrap();
    let mut issues = json_files("examples");
    issues.extend(json_files("tests/fixtures"));
    issues.push(manifest_dir().join("tests/fixtures/tables/issue.json"));
    issues.push(manifest_dir().join("tests/fixtures/legacy/lettre-pma-01-v1.json"));
    let mut layouts = json_files("layouts");
    layouts.push(manifest_dir().join("tests/fixtures/tables/layout.json"));
    layouts.push(manifest_dir().join("tests/fixtures/legacy/lettre-pma-v1-layout.json"));
    assert!(
        issues.len() >= 12 && layouts.len() >= 4,
        "{issues:?} {layouts:?}"
    );
    for (files, schema) in [(&issues, &issue_schema), (&layouts, &layout_schema)] {
        for file in files {
            let found = errors(schema, &read_json(file));
            assert!(found.is_empty(), "{}: {found:#?}", file.display());
        }
    }
    // The examples name their schema, so an editor finds it.
    for example in json_files("examples") {
        let schema = read_json(&example)["$schema"].clone();
        assert_eq!(
            schema,
            json!("../schemas/issue.schema.json"),
            "{}",
            example.display()
        );
    }
}

#[test]
fn the_schemas_refuse_a_misspelt_field_and_a_value_not_in_its_list() {
    let issue_schema: Value = serde_json::from_str(&printed_schema("issue")).unwrap();
    let layout_schema: Value = serde_json::from_str(&printed_schema("layout")).unwrap();
    let mut issue = read_json(&manifest_dir().join("examples/lettre-pma-01.json"));
    issue["meta"]["nombre"] = json!(2);
    assert!(
        !errors(&issue_schema, &issue).is_empty(),
        "a misspelt field passed"
    );
    let mut layout = read_json(&manifest_dir().join("layouts/lettre-pma.json"));
    layout["paragraph_styles"]["body"]["align"] = json!("justified");
    let found = errors(&layout_schema, &layout);
    assert!(!found.is_empty(), "`justified` passed as an alignment");
    // The schema lists what `align` takes, for the editor to offer.
    let text = printed_schema("layout");
    for value in ["\"left\"", "\"justify\"", "\"center\"", "\"right\""] {
        assert!(
            text.contains(value),
            "the layout schema does not list {value}"
        );
    }
}
