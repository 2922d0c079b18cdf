//! The JSON Schema of the document model (`hanji schema`): what `hanji parse` prints and
//! `hanji render model.json` reads, derived from the model's types and their serde attributes
//! so it cannot drift from them.

/// The schema of [`crate::model::Document`], draft 2020-12.
pub fn document_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(crate::model::Document).to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "description".into(),
            "A Hanji document model: what `hanji parse` prints and `hanji render model.json` reads. Lines are 1-based lines of the Markdown the model was made from.".into(),
        );
    }
    schema
}
