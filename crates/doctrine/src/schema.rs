//! The dossier's JSON Schema, for editors and validators.

use nuage_catalog::Catalog;

use crate::dossier::Dossier;

/// The JSON Schema of the dossier (v1), with the catalog's offer ids as the only allowed
/// values of `offer`.
pub fn dossier_schema(catalog: &Catalog) -> serde_json::Value {
    let mut schema = schemars::schema_for!(Dossier).to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://nuage.numerique.gouv.fr/schemas/dossier-v1.json".into(),
        );
    }
    let ids: Vec<serde_json::Value> = catalog
        .offers()
        .iter()
        .map(|o| o.id.clone().into())
        .collect();
    if let Some(offer_id) = schema
        .pointer_mut("/$defs/OfferId")
        .and_then(|v| v.as_object_mut())
    {
        offer_id.insert("enum".into(), ids.into());
    }
    schema
}
