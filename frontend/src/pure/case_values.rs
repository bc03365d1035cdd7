//! Case field values as people type them and as the case API wants them (issue 20): money in
//! German notation ("12.400,50 €") ↔ decimal text ("12400.50"), dates `TT.MM.JJJJ` ↔
//! `YYYY-MM-DD`, whole numbers, yes/no, a choice of values, text. Bad input gives a sentence
//! naming the field, in German or English. The widgets in `case_fields` build on this.

use fachwerk_shared::model::{Field, FieldType};
use fachwerk_shared::values::{Date, Money};
use serde_json::Value;

use crate::i18n::Lang;

fn say(lang: Lang, de: String, en: String) -> String {
    match lang {
        Lang::De => de,
        Lang::En => en,
    }
}

/// A money amount as typed: German "1.000,50 €" in German, "€1,000.50" in English (where ','
/// groups thousands); plain "1000.50" in both.
pub fn parse_money(text: &str, lang: Lang) -> Result<Money, String> {
    let normalized = match lang {
        Lang::En => text.replace([',', '€'], ""),
        Lang::De => text.replace('€', ""),
    };
    Money::parse(&normalized)
}

/// A money amount for display in `lang`.
pub fn show_money(m: Money, lang: Lang) -> String {
    match lang {
        Lang::De => m.to_german(),
        Lang::En => m.to_english(),
    }
}

/// A date as typed: `31.12.2026`, `1.2.2026` or `2026-12-31`.
pub fn parse_date(text: &str) -> Option<Date> {
    let t = text.trim();
    if let Some(d) = Date::parse(t) {
        return Some(d);
    }
    let mut it = t.split('.');
    let (d, m, y) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 {
        return None;
    }
    let num = |s: &str| -> Option<u16> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    Date::new(
        num(y)?,
        u8::try_from(num(m)?).ok()?,
        u8::try_from(num(d)?).ok()?,
    )
}

/// A date for display: `31.12.2026` in German, `2026-12-31` in English.
pub fn show_date(d: Date, lang: Lang) -> String {
    match lang {
        Lang::De => format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year()),
        Lang::En => d.to_string(),
    }
}

/// What the form shows for a stored value (money and dates in the reader's notation; an
/// unreadable value as its JSON text, so nothing is hidden).
pub fn display(field: &Field, value: &Value, lang: Lang) -> String {
    match (field.field_type, value) {
        (_, Value::Null) => String::new(),
        (FieldType::Money, Value::String(s)) => Money::parse(s)
            .map(|m| show_money(m, lang))
            .unwrap_or_else(|_| s.clone()),
        (FieldType::Money, Value::Number(n)) => n
            .as_i64()
            .and_then(|e| e.checked_mul(100))
            .map(|c| show_money(Money(c), lang))
            .unwrap_or_else(|| n.to_string()),
        (FieldType::Date, Value::String(s)) => Date::parse(s)
            .map(|d| show_date(d, lang))
            .unwrap_or_else(|| s.clone()),
        (FieldType::Bool, Value::Bool(b)) => b.to_string(),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The form's text of a field → the value the case API takes (`None`: left empty). Errors
/// name the field by its caption.
pub fn parse(field: &Field, text: &str, lang: Lang) -> Result<Option<Value>, String> {
    let name = field.caption();
    let t = text.trim();
    if field.field_type == FieldType::Bool {
        // A checkbox: always yes or no.
        return Ok(Some(Value::Bool(t == "true")));
    }
    if t.is_empty() {
        if field.required {
            return Err(say(
                lang,
                format!("„{name}“ ist ein Pflichtfeld."),
                format!("“{name}” is required."),
            ));
        }
        return Ok(None);
    }
    match field.field_type {
        FieldType::Money => match parse_money(t, lang) {
            Ok(m) if m.cents() < 0 => Err(say(
                lang,
                format!("„{name}“: der Betrag darf nicht negativ sein."),
                format!("“{name}”: the amount must not be negative."),
            )),
            Ok(m) => Ok(Some(Value::String(m.to_canonical()))),
            Err(e) => Err(say(
                lang,
                format!("„{name}“: {e}. Beispiel: 12.400,50 €"),
                format!("“{name}”: “{t}” is not an amount. Example: 12,400.50"),
            )),
        },
        FieldType::Date => parse_date(t)
            .map(|d| Some(Value::String(d.to_string())))
            .ok_or_else(|| {
                say(
                    lang,
                    format!("„{name}“: „{t}“ ist kein Datum. Beispiel: 31.12.2026"),
                    format!("“{name}”: “{t}” is not a date. Example: 2026-12-31"),
                )
            }),
        FieldType::Int => t
            .replace('.', "")
            .parse::<i64>()
            .ok()
            .filter(|_| !t.contains('.') || lang == Lang::De)
            .map(|n| Some(Value::from(n)))
            .ok_or_else(|| {
                say(
                    lang,
                    format!("„{name}“: „{t}“ ist keine ganze Zahl."),
                    format!("“{name}”: “{t}” is not a whole number."),
                )
            }),
        FieldType::Bool => Ok(Some(Value::Bool(t == "true"))),
        FieldType::Enum => {
            if field.values.iter().any(|v| v == t) {
                Ok(Some(Value::String(t.to_string())))
            } else {
                Err(say(
                    lang,
                    format!(
                        "„{name}“: „{t}“ ist keiner der Werte {}.",
                        field.values.join(", ")
                    ),
                    format!(
                        "“{name}”: “{t}” is none of the values {}.",
                        field.values.join(", ")
                    ),
                ))
            }
        }
        FieldType::Text => Ok(Some(Value::String(t.to_string()))),
    }
}

/// The hint under a field: what to enter, with an example.
pub fn help(field: &Field, lang: Lang) -> String {
    let (de, en) = match field.field_type {
        FieldType::Money => (
            "Betrag in Euro, z. B. 12.400,50 €".to_string(),
            "Amount in euros, e.g. 12,400.50".to_string(),
        ),
        FieldType::Date => (
            "Datum als TT.MM.JJJJ, z. B. 31.12.2026".to_string(),
            "Date as YYYY-MM-DD, e.g. 2026-12-31".to_string(),
        ),
        FieldType::Int => ("Ganze Zahl".to_string(), "Whole number".to_string()),
        FieldType::Bool => ("Ja oder nein".to_string(), "Yes or no".to_string()),
        FieldType::Enum => (
            format!("Einer der Werte: {}", field.values.join(", ")),
            format!("One of: {}", field.values.join(", ")),
        ),
        FieldType::Text => ("Text".to_string(), "Text".to_string()),
    };
    let required = match (field.required, lang) {
        (true, Lang::De) => " · Pflichtfeld",
        (true, Lang::En) => " · required",
        (false, _) => "",
    };
    format!("{}{required}", say(lang, de, en))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(t: FieldType, required: bool) -> Field {
        Field {
            name: "betrag".into(),
            label: "Betrag netto".into(),
            field_type: t,
            values: vec!["Bau".into(), "IT".into()],
            required,
        }
    }

    #[test]
    fn money_is_typed_german_and_sent_as_decimal_text() {
        let f = field(FieldType::Money, true);
        assert_eq!(
            parse(&f, "12.400,50 €", Lang::De),
            Ok(Some(json!("12400.50")))
        );
        assert_eq!(parse(&f, "900", Lang::De), Ok(Some(json!("900.00"))));
        assert_eq!(
            parse(&f, "€12,400.50", Lang::En),
            Ok(Some(json!("12400.50")))
        );
        assert_eq!(display(&f, &json!("12400.50"), Lang::De), "12.400,50 €");
        assert_eq!(display(&f, &json!(900), Lang::De), "900 €");
        assert_eq!(display(&f, &json!("12400.50"), Lang::En), "€12,400.50");
        let e = parse(&f, "zwölf", Lang::De).err().unwrap_or_default();
        assert!(e.starts_with("„Betrag netto“"), "{e}");
        assert!(parse(&f, "-5", Lang::De)
            .err()
            .unwrap_or_default()
            .contains("nicht negativ"));
    }

    #[test]
    fn required_fields_name_themselves_when_empty() {
        let f = field(FieldType::Text, true);
        assert_eq!(
            parse(&f, "  ", Lang::De),
            Err("„Betrag netto“ ist ein Pflichtfeld.".into())
        );
        assert_eq!(
            parse(&f, "", Lang::En),
            Err("“Betrag netto” is required.".into())
        );
        assert_eq!(
            parse(&field(FieldType::Text, false), "", Lang::De),
            Ok(None)
        );
        assert!(help(&f, Lang::De).ends_with("Pflichtfeld"));
    }

    #[test]
    fn dates_are_german_or_iso() {
        let f = field(FieldType::Date, false);
        assert_eq!(
            parse(&f, "31.12.2026", Lang::De),
            Ok(Some(json!("2026-12-31")))
        );
        assert_eq!(
            parse(&f, "1.2.2026", Lang::De),
            Ok(Some(json!("2026-02-01")))
        );
        assert_eq!(
            parse(&f, "2026-02-01", Lang::En),
            Ok(Some(json!("2026-02-01")))
        );
        assert!(parse(&f, "31.02.2026", Lang::De).is_err());
        assert!(parse(&f, "1.2.26", Lang::De).is_err());
        assert_eq!(display(&f, &json!("2026-02-01"), Lang::De), "01.02.2026");
    }

    #[test]
    fn numbers_choices_and_yes_no() {
        assert_eq!(
            parse(&field(FieldType::Int, true), "1.200", Lang::De),
            Ok(Some(json!(1200)))
        );
        assert!(parse(&field(FieldType::Int, true), "1.5x", Lang::De).is_err());
        let e = field(FieldType::Enum, true);
        assert_eq!(parse(&e, "IT", Lang::De), Ok(Some(json!("IT"))));
        assert!(parse(&e, "Kita", Lang::De)
            .err()
            .unwrap_or_default()
            .contains("Bau, IT"));
        let b = field(FieldType::Bool, false);
        assert_eq!(parse(&b, "true", Lang::De), Ok(Some(json!(true))));
        assert_eq!(parse(&b, "", Lang::De), Ok(Some(json!(false))));
    }
}
