//! Kassenzeichen and the Zahlungsaufforderung text of a Zahlung block.
//!
//! A Kassenzeichen is 17 digits: 16 derived from SHA-256 of case id and task id (stable: the
//! same case and task always get the same one; unique in practice, and the payment store's
//! unique index refuses the astronomically rare clash) and a Luhn check digit, so a mistyped
//! digit and nearly every swap of two neighbours (all but 09/90) in a bank transfer are
//! recognised.

use fachwerk_shared::values::Date;
use fachwerk_shared::Money;
use sha2::{Digest, Sha256};

use super::{date_de, euro_de, euro_en};

/// The Kassenzeichen of the payment `task` of case `case_id`.
pub fn kassenzeichen(case_id: &str, task: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"fachwerk-kassenzeichen\xff");
    h.update(case_id.as_bytes());
    h.update(b"\xff");
    h.update(task.as_bytes());
    let digest = h.finalize();
    let mut n = 0u64;
    for b in &digest[..8] {
        n = (n << 8) | u64::from(*b);
    }
    let body = format!("{:016}", n % 10_000_000_000_000_000);
    let check = luhn_check_digit(&body);
    format!("{body}{check}")
}

/// Whether `s` (spaces and dots ignored) is 17 digits with a correct check digit.
pub fn kassenzeichen_is_valid(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
    if digits.len() != 17 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (body, check) = digits.split_at(16);
    check == luhn_check_digit(body).to_string()
}

/// Luhn check digit of an all-digit string.
fn luhn_check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// Kassenzeichen grouped for reading: "1234 5678 9012 3456 7".
pub(super) fn grouped(k: &str) -> String {
    k.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A payment the applicant is asked to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    pub amount: Money,
    pub kassenzeichen: String,
    /// Pay by this day (from the block's `payDeadline`), if it has one.
    pub due: Option<Date>,
    /// What it is for: "Gebühr Sondernutzungserlaubnis".
    pub purpose: String,
    /// Payee account, printed when given ("IBAN DE.. bei …").
    pub account: Option<String>,
}

/// The Zahlungsaufforderung: German first, English below.
pub fn payment_text(p: &PaymentRequest) -> String {
    let k = grouped(&p.kassenzeichen);
    let mut de = format!(
        "Bitte zahlen Sie {} für: {}.\nKassenzeichen: {k}\n",
        euro_de(p.amount),
        p.purpose
    );
    let mut en = format!(
        "Please pay {} for: {}.\nPayment reference (Kassenzeichen): {k}\n",
        euro_en(p.amount),
        p.purpose
    );
    if let Some(due) = p.due {
        de.push_str(&format!("Zahlen Sie bitte bis zum {}.\n", date_de(due)));
        en.push_str(&format!("Please pay by {due}.\n"));
    }
    if let Some(a) = &p.account {
        de.push_str(&format!("Konto: {a}\n"));
        en.push_str(&format!("Account: {a}\n"));
    }
    de.push_str(
        "Geben Sie bei der Überweisung unbedingt das Kassenzeichen an, sonst können wir Ihre Zahlung nicht zuordnen.\n",
    );
    en.push_str("Always state the Kassenzeichen with your transfer, otherwise we cannot match your payment.\n");
    format!("{de}\n--- English ---\n{en}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kassenzeichen_is_stable_unique_and_checked() {
        let a = kassenzeichen("sondernutzung/2026/000001", "gebuehr@1");
        assert_eq!(a, kassenzeichen("sondernutzung/2026/000001", "gebuehr@1"));
        assert_eq!(a.len(), 17);
        assert!(kassenzeichen_is_valid(&a));
        assert!(kassenzeichen_is_valid(&grouped(&a)));
        assert_ne!(a, kassenzeichen("sondernutzung/2026/000001", "gebuehr@2"));
        assert_ne!(a, kassenzeichen("sondernutzung/2026/000002", "gebuehr@1"));
        // Every single-digit error is caught.
        for i in 0..17 {
            let mut wrong = a.clone().into_bytes();
            wrong[i] = b'0' + (wrong[i] - b'0' + 1) % 10;
            assert!(!kassenzeichen_is_valid(
                &String::from_utf8(wrong).unwrap_or_default()
            ));
        }
        assert!(!kassenzeichen_is_valid("1234"));
        assert!(!kassenzeichen_is_valid("1234567890123456x"));
        // Known Luhn value: 7992739871 → 3.
        assert_eq!(luhn_check_digit("7992739871"), 3);
    }

    #[test]
    fn payment_text_names_amount_reference_and_due_date() {
        let t = payment_text(&PaymentRequest {
            amount: Money(123_456),
            kassenzeichen: "12345678901234563".into(),
            due: Date::new(2026, 3, 5),
            purpose: "Gebühr Sondernutzungserlaubnis".into(),
            account: None,
        });
        assert!(t.contains("1.234,56 €"), "{t}");
        assert!(t.contains("1234 5678 9012 3456 3"), "{t}");
        assert!(t.contains("bis zum 05.03.2026"), "{t}");
        assert!(t.contains("€1,234.56"), "{t}");
    }
}
