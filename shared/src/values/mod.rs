//! Value types with exact semantics: money in cents, ISO 8601 durations, exact decimals, dates.

mod date;
mod decimal;

pub use date::Date;
pub use decimal::Decimal;

use std::borrow::Cow;
use std::fmt;

use schemars::gen::SchemaGenerator;
use schemars::schema::{InstanceType, Schema, SchemaObject, StringValidation};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact amount of money in euro cents. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i64);

impl Money {
    pub const fn euros(e: i64) -> Money {
        Money(e * 100)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Parses "1000", "1000.5", "1000.50", "1.000,50", "1.000 €" (German or plain notation).
    pub fn parse(text: &str) -> Result<Money, String> {
        let t = text
            .trim()
            .trim_end_matches('€')
            .trim_end_matches("EUR")
            .trim();
        if t.is_empty() {
            return Err("leerer Betrag".into());
        }
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, t),
        };
        // German notation uses ',' as decimal separator and '.' for thousands.
        let normalized: String = if t.contains(',') {
            t.replace(['.', ' '], "").replace(',', ".")
        } else if t.matches('.').count() > 1
            || t.rsplit('.')
                .next()
                .is_some_and(|d| d.len() == 3 && t.contains('.'))
        {
            // "1.000" or "1.000.000": thousands separators only
            t.replace(['.', ' '], "")
        } else {
            t.replace(' ', "")
        };
        let (int_part, frac_part) = match normalized.split_once('.') {
            Some((i, f)) => (i, f),
            None => (normalized.as_str(), ""),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("„{text}“ ist kein Betrag"));
        }
        if frac_part.len() > 2 || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("„{text}“ hat mehr als zwei Nachkommastellen"));
        }
        let euros: i64 = int_part
            .parse()
            .map_err(|_| format!("„{text}“ ist zu groß"))?;
        let cents: i64 = match frac_part.len() {
            0 => 0,
            1 => frac_part.parse::<i64>().unwrap_or(0) * 10,
            _ => frac_part.parse::<i64>().unwrap_or(0),
        };
        let total = euros
            .checked_mul(100)
            .and_then(|v| v.checked_add(cents))
            .ok_or_else(|| format!("„{text}“ ist zu groß"))?;
        Ok(Money(if neg { -total } else { total }))
    }

    /// Canonical machine form: "25000.00".
    pub fn to_canonical(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// German display form: "25.000 €", "1.000,50 €".
    pub fn to_german(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let euros = group_thousands(abs / 100, '.');
        match abs % 100 {
            0 => format!("{sign}{euros} €"),
            c => format!("{sign}{euros},{c:02} €"),
        }
    }

    /// English display form: "€25,000", "€1,000.50".
    pub fn to_english(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let euros = group_thousands(abs / 100, ',');
        match abs % 100 {
            0 => format!("{sign}€{euros}"),
            c => format!("{sign}€{euros}.{c:02}"),
        }
    }
}

fn group_thousands(mut n: u64, sep: char) -> String {
    let mut groups = Vec::new();
    loop {
        if n < 1000 {
            groups.push(n.to_string());
            break;
        }
        groups.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join(&sep.to_string())
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_german())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_canonical())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal amount in euros as a string such as \"1000.00\", or whole euros as an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                let plain = v.trim();
                let ok = !plain.is_empty()
                    && plain.trim_start_matches('-').split_once('.').map_or(
                        plain
                            .trim_start_matches('-')
                            .bytes()
                            .all(|b| b.is_ascii_digit()),
                        |(i, f)| {
                            !i.is_empty()
                                && i.bytes().all(|b| b.is_ascii_digit())
                                && f.len() <= 2
                                && f.bytes().all(|b| b.is_ascii_digit())
                        },
                    );
                if !ok {
                    return Err(E::custom(format!(
                        "invalid amount {v:?}: expected euros with at most two decimals, e.g. \"1000.00\""
                    )));
                }
                Money::parse(plain).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
                v.checked_mul(100)
                    .map(Money)
                    .ok_or_else(|| E::custom("amount too large"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(|v| v.checked_mul(100))
                    .map(Money)
                    .ok_or_else(|| E::custom("amount too large"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Money, E> {
                Err(E::custom(format!(
                    "amount {v} given as a JSON number with decimals; write it as a string, e.g. \"{v:.2}\", to keep it exact"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Money {
    fn schema_name() -> String {
        "Money".into()
    }
    fn schema_id() -> Cow<'static, str> {
        Cow::Borrowed("fachwerk::Money")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            string: Some(Box::new(StringValidation {
                pattern: Some(r"^-?[0-9]+(\.[0-9]{1,2})?$".into()),
                ..Default::default()
            })),
            metadata: Some(Box::new(schemars::schema::Metadata {
                description: Some(
                    "Exact amount in euros, at most two decimals, e.g. \"25000.00\"".into(),
                ),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

/// An ISO 8601 duration as the user wrote it ("P14D", "PT48H"). Kept as text so that a
/// malformed value survives a round trip and is reported by validation, not lost.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Duration(pub String);

/// A parsed ISO 8601 duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DurationParts {
    pub years: u32,
    pub months: u32,
    pub weeks: u32,
    pub days: u32,
    pub hours: u32,
    pub minutes: u32,
    pub seconds: u32,
}

impl DurationParts {
    pub fn is_zero(&self) -> bool {
        *self == DurationParts::default()
    }

    /// Approximate length in seconds (month = 30 days, year = 365 days), for ordering checks.
    pub fn approx_seconds(&self) -> u64 {
        let d = u64::from(self.years) * 365
            + u64::from(self.months) * 30
            + u64::from(self.weeks) * 7
            + u64::from(self.days);
        d * 86_400
            + u64::from(self.hours) * 3600
            + u64::from(self.minutes) * 60
            + u64::from(self.seconds)
    }
}

impl Duration {
    pub fn new(text: impl Into<String>) -> Duration {
        Duration(text.into())
    }

    pub fn days(n: u32) -> Duration {
        Duration(format!("P{n}D"))
    }

    pub fn parse(&self) -> Result<DurationParts, String> {
        parse_iso_duration(&self.0)
    }

    /// German reading: "14 Tage", "48 Stunden", "1 Monat 2 Tage".
    pub fn to_german(&self) -> String {
        match self.parse() {
            Ok(p) => describe(&p, true),
            Err(_) => self.0.clone(),
        }
    }

    pub fn to_english(&self) -> String {
        match self.parse() {
            Ok(p) => describe(&p, false),
            Err(_) => self.0.clone(),
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_german())
    }
}

fn describe(p: &DurationParts, german: bool) -> String {
    let units: [(u32, &str, &str, &str, &str); 7] = [
        (p.years, "Jahr", "Jahre", "year", "years"),
        (p.months, "Monat", "Monate", "month", "months"),
        (p.weeks, "Woche", "Wochen", "week", "weeks"),
        (p.days, "Tag", "Tage", "day", "days"),
        (p.hours, "Stunde", "Stunden", "hour", "hours"),
        (p.minutes, "Minute", "Minuten", "minute", "minutes"),
        (p.seconds, "Sekunde", "Sekunden", "second", "seconds"),
    ];
    let parts: Vec<String> = units
        .iter()
        .filter(|u| u.0 > 0)
        .map(|&(n, de1, den, en1, enn)| {
            let unit = match (german, n == 1) {
                (true, true) => de1,
                (true, false) => den,
                (false, true) => en1,
                (false, false) => enn,
            };
            format!("{n} {unit}")
        })
        .collect();
    if parts.is_empty() {
        if german {
            "0 Tage".into()
        } else {
            "0 days".into()
        }
    } else {
        parts.join(" ")
    }
}

/// Parses the ISO 8601 duration subset used in administration: PnYnMnWnDTnHnMnS, integers only.
pub fn parse_iso_duration(text: &str) -> Result<DurationParts, String> {
    let t = text.trim();
    let rest = t.strip_prefix('P').ok_or_else(|| {
        format!("„{text}“ ist keine ISO-8601-Dauer (muss mit P beginnen, z. B. P14D)")
    })?;
    if rest.is_empty() {
        return Err(format!("„{text}“ enthält keine Angabe (z. B. P14D)"));
    }
    let mut parts = DurationParts::default();
    let mut in_time = false;
    let mut num = String::new();
    let mut seen_any = false;
    for c in rest.chars() {
        match c {
            'T' if !in_time && num.is_empty() => in_time = true,
            '0'..='9' => num.push(c),
            _ => {
                if num.is_empty() {
                    return Err(format!("„{text}“: Zahl vor „{c}“ fehlt"));
                }
                let n: u32 = num.parse().map_err(|_| format!("„{text}“: Zahl zu groß"))?;
                num.clear();
                let slot = match (in_time, c) {
                    (false, 'Y') => &mut parts.years,
                    (false, 'M') => &mut parts.months,
                    (false, 'W') => &mut parts.weeks,
                    (false, 'D') => &mut parts.days,
                    (true, 'H') => &mut parts.hours,
                    (true, 'M') => &mut parts.minutes,
                    (true, 'S') => &mut parts.seconds,
                    _ => return Err(format!("„{text}“: unerwartetes Zeichen „{c}“")),
                };
                *slot = n;
                seen_any = true;
            }
        }
    }
    if !num.is_empty() || !seen_any {
        return Err(format!(
            "„{text}“ ist unvollständig (Einheit fehlt, z. B. P14D)"
        ));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_german_and_plain_notation() {
        assert_eq!(Money::parse("1000"), Ok(Money(100_000)));
        assert_eq!(Money::parse("1.000"), Ok(Money(100_000)));
        assert_eq!(Money::parse("1.000,50 €"), Ok(Money(100_050)));
        assert_eq!(Money::parse("25000.5"), Ok(Money(2_500_050)));
        assert!(Money::parse("12,345").is_err());
        assert!(Money::parse("abc").is_err());
        assert!(Money::parse("").is_err());
    }

    #[test]
    fn money_formats() {
        assert_eq!(Money(2_500_000).to_german(), "25.000 €");
        assert_eq!(Money(100_050).to_german(), "1.000,50 €");
        assert_eq!(Money(100_050).to_english(), "€1,000.50");
        assert_eq!(Money(2_500_000).to_canonical(), "25000.00");
    }

    #[test]
    fn money_json_rejects_floats_and_garbage() {
        assert_eq!(
            serde_json::from_str::<Money>("\"12.30\"").ok(),
            Some(Money(1230))
        );
        assert_eq!(serde_json::from_str::<Money>("12").ok(), Some(Money(1200)));
        assert!(serde_json::from_str::<Money>("12.3").is_err());
        assert!(serde_json::from_str::<Money>("\"1.000,00\"").is_err());
    }

    #[test]
    fn durations_parse_and_read_in_german() {
        assert_eq!(Duration::new("P14D").to_german(), "14 Tage");
        assert_eq!(Duration::new("PT48H").to_german(), "48 Stunden");
        assert_eq!(Duration::new("P1M2D").to_english(), "1 month 2 days");
        assert!(Duration::new("14D").parse().is_err());
        assert!(Duration::new("P").parse().is_err());
        assert!(Duration::new("PT").parse().is_err());
        assert!(Duration::new("P1H").parse().is_err());
        assert!(Duration::new("P0D").parse().unwrap_or_default().is_zero());
    }
}
