//! Fixtures shared by the unit tests of the expression modules.

use super::*;
use crate::model::{Field, FieldType};
use crate::values::Money;

pub(super) fn p(s: &str) -> Expr {
    parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

pub(super) fn field(name: &str, t: FieldType) -> Field {
    Field {
        name: name.into(),
        label: String::new(),
        field_type: t,
        values: Vec::new(),
        required: false,
    }
}

pub(super) fn fields() -> Vec<Field> {
    let mut art = field("art", FieldType::Enum);
    art.values = vec!["neu".into(), "verlaengerung".into()];
    vec![
        field("betrag", FieldType::Money),
        field("dauerTage", FieldType::Int),
        field("fahrbahnBetroffen", FieldType::Bool),
        field("beginn", FieldType::Date),
        field("name", FieldType::Text),
        field("reiseEnde", FieldType::Date),
        field("antragsDatum", FieldType::Date),
        art,
    ]
}

pub(super) fn env(name: &str) -> Option<Value> {
    match name {
        "betrag" => Some(Value::money(Money(123_456))),
        "dauerTage" => Some(Value::int(31)),
        "fahrbahnBetroffen" => Some(Value::Bool(false)),
        "beginn" => Date::new(2026, 3, 1).map(Value::Date),
        "name" => Some(Value::Text("Muster".into())),
        "reiseEnde" => Date::new(2026, 1, 31).map(Value::Date),
        "antragsDatum" => Date::new(2026, 7, 31).map(Value::Date),
        "leer" => Some(Value::Null),
        _ => None,
    }
}

/// The day `today()` means in unit tests.
pub(super) fn today() -> Date {
    Date::new(2026, 8, 31).expect("a valid date")
}

pub(super) fn ev(s: &str) -> Result<Value, EvalError> {
    eval(&p(s), &EvalContext::on(today(), &env))
}
