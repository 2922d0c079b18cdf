//! `hanji schema` prints the JSON Schema of the document model: every model `hanji parse`
//! prints (each sample, each guide example) is valid under it, and broken models — a value of
//! the wrong type, an unknown block kind, a missing field — are not, as `hanji render` refuses
//! them too.

mod common;

use std::path::PathBuf;

use common::{hanji, root, temp_dir};
use serde_json::Value;

fn schema() -> Value {
    let out = hanji(&["schema"], &root());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

/// The schema compiled by an independent validator (draft 2020-12).
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Validator {
        let schema = schema();
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.add_resource("hanji-document.json", schema).expect("the schema loads");
        let index = compiler.compile("hanji-document.json", &mut schemas).expect("the schema compiles");
        Validator { schemas, index }
    }

    fn check(&self, model: &Value) -> Result<(), String> {
        self.schemas.validate(model, self.index).map_err(|e| format!("{e}"))
    }
}

fn markdown_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in ["samples", "docs/examples"] {
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn parse(path: &std::path::Path) -> Value {
    let out = hanji(&["parse", path.to_str().unwrap()], &root());
    assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_sample_model_is_valid() {
    let validator = Validator::new();
    let sources = markdown_sources();
    assert!(sources.len() >= 17, "{} sources", sources.len());
    let mut kinds = std::collections::BTreeSet::new();
    for path in &sources {
        let model = parse(path);
        if let Err(e) = validator.check(&model) {
            panic!("{}: the model is not valid under the schema:\n{e}", path.display());
        }
        collect_kinds(&model, &mut kinds);
    }
    // No sample shows an image (they render without files beside them) or a line break: one
    // more source does.
    let dir = temp_dir("schema-image");
    std::fs::write(dir.join("image.md"), "## A\n\n![logo](logo.png)\n\none<br>two\n").unwrap();
    let model = parse(&dir.join("image.md"));
    validator.check(&model).unwrap();
    collect_kinds(&model, &mut kinds);
    std::fs::remove_dir_all(&dir).ok();
    // Between them they use every block and inline kind the schema knows, so each of its
    // branches was tried on a real model.
    let schema = schema();
    for definition in ["Block", "Inline"] {
        for branch in schema["$defs"][definition]["oneOf"].as_array().unwrap() {
            let kind = branch["properties"]["type"]["const"].as_str().unwrap();
            assert!(kinds.contains(kind), "no sample has a `{kind}` ({definition})");
        }
    }
}

fn collect_kinds(value: &Value, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(kind)) = map.get("type") {
                out.insert(kind.clone());
            }
            map.values().for_each(|v| collect_kinds(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_kinds(v, out)),
        _ => {}
    }
}

/// The first block of the first section, to break.
fn first_block(model: &mut Value) -> &mut Value {
    &mut model["sections"][0]["blocks"][0]
}

#[test]
fn broken_models_are_invalid_and_render_refuses_them() {
    let validator = Validator::new();
    let good = parse(&root().join("samples/habits.md"));
    validator.check(&good).unwrap();
    type Breakage = fn(&mut Value);
    let breakages: [(&str, Breakage); 8] = [
        ("title a number", |m| m["meta"]["title"] = 5.into()),
        ("unknown block kind", |m| first_block(m)["type"] = "video".into()),
        ("line a string", |m| first_block(m)["line"] = "three".into()),
        ("negative line", |m| first_block(m)["line"] = (-3).into()),
        ("no sections", |m| drop(m.as_object_mut().unwrap().remove("sections"))),
        ("unknown inline kind", |m| m["sections"][0]["title"][0]["type"] = "blink".into()),
        ("alert kind", |m| {
            let quote = m["sections"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .flat_map(|s| s["blocks"].as_array_mut().unwrap().iter_mut())
                .find(|b| b.get("alert").is_some())
                .expect("habits.md has an alert");
            quote["alert"] = "shout".into();
        }),
        ("heading level too large", |m| m["sections"][0]["level"] = 300.into()),
    ];
    let dir = temp_dir("broken-models");
    for (name, breakage) in breakages {
        let mut model = good.clone();
        breakage(&mut model);
        assert!(validator.check(&model).is_err(), "{name}: the schema accepts it");
        let file = dir.join("model.json");
        std::fs::write(&file, serde_json::to_string_pretty(&model).unwrap()).unwrap();
        let out = hanji(&["render", "model.json", "-o", "out.pdf"], &dir);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!dir.join("out.pdf").exists(), "{name}: rendered");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The schema follows the serde attributes: optional fields are optional, skipped fields are
/// absent, and block kinds are tagged by `type` in snake_case.
#[test]
fn the_schema_follows_the_serde_attributes() {
    let schema = schema();
    let meta = &schema["$defs"]["Meta"];
    let required: Vec<&str> = meta["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(required, ["title", "lang", "page", "style"]);
    assert!(meta["properties"].get("auto_layout").is_none(), "a #[serde(skip)] field is in the schema");
    let kinds: Vec<&str> = schema["$defs"]["Block"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["properties"]["type"]["const"].as_str())
        .collect();
    assert!(kinds.contains(&"page_break") && kinds.contains(&"mermaid"), "{kinds:?}");
    // Printed the same every time.
    assert_eq!(hanji(&["schema"], &root()).stdout, hanji(&["schema"], &root()).stdout);
}
