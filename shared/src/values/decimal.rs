//! Exact decimal numbers for expressions: never `f64`.

use std::fmt;

use super::Money;

/// An exact decimal number with [`Decimal::FRACTION_DIGITS`] fraction digits (an `i128` count
/// of millionths). Multiplication and division round half away from zero (kaufmännisch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(i128);

const SCALE: i128 = 1_000_000;

impl Decimal {
    pub const FRACTION_DIGITS: usize = 6;
    pub const ZERO: Decimal = Decimal(0);

    /// From the raw count of millionths.
    pub const fn from_units(units: i128) -> Decimal {
        Decimal(units)
    }

    /// The raw count of millionths.
    pub const fn units(self) -> i128 {
        self.0
    }

    pub fn from_int(v: i64) -> Decimal {
        Decimal(i128::from(v) * SCALE)
    }

    /// A money amount as a number of euros (`Money(150)` → `1.5`).
    pub fn from_money(m: Money) -> Decimal {
        Decimal(i128::from(m.cents()) * (SCALE / 100))
    }

    /// The amount in whole cents, if the number has at most two decimals and fits.
    pub fn to_money(self) -> Option<Money> {
        let per_cent = SCALE / 100;
        if self.0 % per_cent != 0 {
            return None;
        }
        i64::try_from(self.0 / per_cent).ok().map(Money)
    }

    /// Parses `12`, `-12`, `12.5`, `.5` (plain notation, at most six decimals).
    pub fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int_part, frac_part) = match t.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (t, None),
        };
        if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
            return None;
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let frac = frac_part.unwrap_or("");
        if (frac_part.is_some() && frac.is_empty())
            || frac.len() > Self::FRACTION_DIGITS
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let mut units: i128 = 0;
        for b in int_part.bytes() {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        units = units.checked_mul(SCALE)?;
        let mut frac_units: i128 = 0;
        for (i, b) in frac.bytes().enumerate() {
            let place = 10_i128.pow((Self::FRACTION_DIGITS - 1 - i) as u32);
            frac_units += i128::from(b - b'0') * place;
        }
        units = units.checked_add(frac_units)?;
        Some(Decimal(if neg { -units } else { units }))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_neg(self) -> Option<Decimal> {
        self.0.checked_neg().map(Decimal)
    }

    pub fn checked_add(self, o: Decimal) -> Option<Decimal> {
        self.0.checked_add(o.0).map(Decimal)
    }

    pub fn checked_sub(self, o: Decimal) -> Option<Decimal> {
        self.0.checked_sub(o.0).map(Decimal)
    }

    pub fn checked_mul(self, o: Decimal) -> Option<Decimal> {
        div_round(self.0.checked_mul(o.0)?, SCALE).map(Decimal)
    }

    /// `None` on division by zero or overflow.
    pub fn checked_div(self, o: Decimal) -> Option<Decimal> {
        if o.0 == 0 {
            return None;
        }
        div_round(self.0.checked_mul(SCALE)?, o.0).map(Decimal)
    }

    /// German notation: `1.000,5`.
    pub fn to_german(self) -> String {
        let plain = self.to_string();
        let (sign, rest) = match plain.strip_prefix('-') {
            Some(r) => ("-", r),
            None => ("", plain.as_str()),
        };
        let (int_part, frac) = rest.split_once('.').unwrap_or((rest, ""));
        let mut grouped = String::new();
        let digits: Vec<char> = int_part.chars().collect();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).checked_rem(3) == Some(0) {
                grouped.push('.');
            }
            grouped.push(*c);
        }
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped},{frac}")
        }
    }
}

/// `n / d` rounded half away from zero; `None` if `d == 0` or the result overflows.
fn div_round(n: i128, d: i128) -> Option<i128> {
    if d == 0 {
        return None;
    }
    let (un, ud) = (n.unsigned_abs(), d.unsigned_abs());
    let mut q = un / ud;
    let r = un % ud;
    if r >= ud - r {
        q += 1;
    }
    let q = i128::try_from(q).ok()?;
    Some(if (n < 0) != (d < 0) { -q } else { q })
}

impl fmt::Display for Decimal {
    /// Canonical plain form without trailing zeros: `2.5`, `1000`, `-0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let int_part = abs / SCALE.unsigned_abs();
        let frac = abs % SCALE.unsigned_abs();
        if frac == 0 {
            write!(f, "{sign}{int_part}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{sign}{int_part}.{}", digits.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(
            Decimal::parse("0.1")
                .unwrap()
                .checked_add(Decimal::parse("0.2").unwrap()),
            Decimal::parse("0.3")
        );
        assert_eq!(Decimal::parse("2.5").unwrap().to_string(), "2.5");
        assert_eq!(Decimal::parse("-0.05").unwrap().to_string(), "-0.05");
        assert_eq!(Decimal::parse("1000.00").unwrap().to_string(), "1000");
        assert_eq!(Decimal::parse(".5").unwrap().to_string(), "0.5");
        assert_eq!(Decimal::parse("1.0000001"), None);
        assert_eq!(Decimal::parse("1."), None);
        assert_eq!(Decimal::parse(""), None);
        assert_eq!(Decimal::parse("."), None);
        assert_eq!(Decimal::from_money(Money(12_345)).to_string(), "123.45");
        assert_eq!(
            Decimal::parse("123.45").unwrap().to_money(),
            Some(Money(12_345))
        );
        assert_eq!(Decimal::parse("123.455").unwrap().to_money(), None);
        assert_eq!(
            Decimal::parse("1234567.5").unwrap().to_german(),
            "1.234.567,5"
        );
        // 1 / 3 rounds to six decimals; 2 / 3 rounds half up.
        let one = Decimal::from_int(1);
        assert_eq!(
            one.checked_div(Decimal::from_int(3)).unwrap().to_string(),
            "0.333333"
        );
        assert_eq!(
            Decimal::from_int(2)
                .checked_div(Decimal::from_int(3))
                .unwrap()
                .to_string(),
            "0.666667"
        );
        assert_eq!(
            Decimal::from_int(-2)
                .checked_div(Decimal::from_int(3))
                .unwrap()
                .to_string(),
            "-0.666667"
        );
        assert_eq!(one.checked_div(Decimal::ZERO), None);
        assert_eq!(
            Decimal::from_units(i128::MAX).checked_mul(Decimal::from_int(2)),
            None
        );
        assert_eq!(
            Decimal::from_units(i128::MIN).checked_div(Decimal::from_units(-1)),
            None
        );
    }
}
