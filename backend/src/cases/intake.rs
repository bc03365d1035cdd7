//! What the intake needs besides the engine: the JSON Schema of a workflow's case body, the
//! Aktenzeichen pattern, and the server's clock (which tests may set).

use fachwerk_shared::model::FieldType;
use fachwerk_shared::simulate::calendar;
use fachwerk_shared::values::Date;
use fachwerk_shared::Workflow;
use serde_json::{json, Map, Value};

/// The JSON Schema (draft 2020-12) of `POST /api/cases` bodies for workflow `w`: its key and
/// its declared case fields, typed as the intake checks them.
pub fn case_body_schema(w: &Workflow) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in &w.fields {
        let mut schema = match f.field_type {
            FieldType::Money => json!({
                "description": "Euro als Dezimaltext (\"12400.00\") oder ganze Euro / euros as decimal text or integer",
                "oneOf": [
                    { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,2})?$" },
                    { "type": "integer" }
                ]
            }),
            FieldType::Date => json!({ "type": "string", "format": "date" }),
            FieldType::Int => json!({ "type": "integer" }),
            FieldType::Bool => json!({ "type": "boolean" }),
            FieldType::Enum => json!({ "type": "string", "enum": f.values }),
            FieldType::Text => json!({ "type": "string" }),
        };
        if !f.label.is_empty() {
            schema["title"] = Value::String(f.label.clone());
        }
        if f.required {
            required.push(Value::String(f.name.clone()));
        }
        properties.insert(f.name.clone(), schema);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Vorgang „{}“", w.name),
        "type": "object",
        "required": ["workflow", "fields"],
        "additionalProperties": false,
        "properties": {
            "workflow": { "const": w.key },
            "fields": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false
            }
        }
    })
}

/// The Aktenzeichen pattern (`--aktenzeichen`): `{key}` the workflow key, `{year}` the year of
/// the start, `{seq}` the running number, `{seq:N}` padded to N digits. The running number
/// counts per distinct rest of the pattern (per workflow and year for the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AktenzeichenPattern(String);

/// The default: `beschaffung/2026/000001`, as the Probelauf numbers its case.
pub const DEFAULT_AKTENZEICHEN: &str = "{key}/{year}/{seq:6}";

impl AktenzeichenPattern {
    /// Checks the pattern: it must contain `{seq}` or `{seq:N}` (N from 1 to 12) and no other
    /// placeholders than `{key}` and `{year}`.
    pub fn parse(text: &str) -> Result<AktenzeichenPattern, String> {
        let mut seq = 0;
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                return Err(format!("„{text}“: „{{“ ohne „}}“"));
            };
            let name = &rest[open + 1..open + close];
            match name {
                "key" | "year" => {}
                "seq" => seq += 1,
                _ => match name.strip_prefix("seq:").map(str::parse::<usize>) {
                    Some(Ok(1..=12)) => seq += 1,
                    _ => {
                        return Err(format!(
                            "„{text}“: unbekannter Platzhalter „{{{name}}}“ (möglich: {{key}}, {{year}}, {{seq}}, {{seq:N}})"
                        ))
                    }
                },
            }
            rest = &rest[open + close + 1..];
        }
        if seq != 1 {
            return Err(format!(
                "„{text}“: das Muster braucht genau einen Platzhalter {{seq}} oder {{seq:N}}"
            ));
        }
        Ok(AktenzeichenPattern(text.to_string()))
    }

    /// The counter scope: the pattern with key and year filled in.
    pub fn scope(&self, key: &str, year: u16) -> String {
        self.fill(key, year, None)
    }

    pub fn render(&self, key: &str, year: u16, seq: i64) -> String {
        self.fill(key, year, Some(seq))
    }

    fn fill(&self, key: &str, year: u16, seq: Option<i64>) -> String {
        let mut out = String::new();
        let mut rest = self.0.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let name = &rest[open + 1..close.min(rest.len())];
            match (name, seq) {
                ("key", _) => out.push_str(key),
                ("year", _) => out.push_str(&year.to_string()),
                (_, None) => out.push('#'),
                (name, Some(n)) => {
                    let width = name
                        .strip_prefix("seq:")
                        .and_then(|w| w.parse().ok())
                        .unwrap_or(0);
                    out.push_str(&format!("{n:0width$}"));
                }
            }
            rest = rest.get(close + 1..).unwrap_or("");
        }
        out.push_str(rest);
        out
    }
}

impl Default for AktenzeichenPattern {
    fn default() -> Self {
        AktenzeichenPattern(DEFAULT_AKTENZEICHEN.to_string())
    }
}

/// Today's date for the engine: the configured test date (`--today`), else the system's
/// (UTC).
pub fn today(fixed: Option<Date>) -> Date {
    fixed.unwrap_or_else(|| {
        let days = crate::fsutil::unix_now().div_euclid(86_400);
        let epoch = Date::new(1970, 1, 1).unwrap_or_else(|| calendar::from_day_number(0));
        calendar::add_days(epoch, days)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn aktenzeichen_patterns() {
        let p = AktenzeichenPattern::default();
        assert_eq!(p.render("beschaffung", 2026, 7), "beschaffung/2026/000007");
        assert_eq!(p.scope("beschaffung", 2026), "beschaffung/2026/#");
        let p = AktenzeichenPattern::parse("FB1-{seq}/{year}").unwrap();
        assert_eq!(p.render("x", 2027, 12), "FB1-12/2027");
        assert_eq!(p.scope("x", 2027), "FB1-#/2027");
        assert!(AktenzeichenPattern::parse("{key}/{year}").is_err());
        assert!(AktenzeichenPattern::parse("{key}/{seq}/{seq}").is_err());
        assert!(AktenzeichenPattern::parse("{kex}/{seq}").is_err());
        assert!(AktenzeichenPattern::parse("{seq:99}").is_err());
        assert!(AktenzeichenPattern::parse("{seq").is_err());
    }

    #[test]
    fn the_clock_can_be_fixed() {
        let d = Date::parse("2026-12-24").unwrap();
        assert_eq!(today(Some(d)), d);
        assert!(today(None).year() >= 2026);
    }
}
