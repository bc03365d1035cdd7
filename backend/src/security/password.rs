//! Password policy: at least 12 characters and not easy to guess, as judged offline by the
//! zxcvbn estimator (dictionaries of common passwords, names and words, keyboard patterns,
//! dates, repetitions; the user name counts as guessable too).

use zxcvbn::Score;

pub const MIN_PASSWORD_LEN: usize = 12;
/// zxcvbn's "safely unguessable" (about 10^8 guesses and more).
const MIN_SCORE: Score = Score::Three;

/// `Ok` if `password` may be used by `user`; else the German reason.
pub fn check(password: &str, user: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!(
            "Das Passwort muss mindestens {MIN_PASSWORD_LEN} Zeichen lang sein."
        ));
    }
    // zxcvbn's cost grows with the length; what is that long is not guessable anyway.
    let sample: String = password.chars().take(100).collect();
    if zxcvbn::zxcvbn(&sample, &[user, "fachwerk"]).score() < MIN_SCORE {
        return Err(
            "Das Passwort ist zu leicht zu erraten (häufiges Passwort, Wort, Name oder einfaches Muster). Bitte eine längere Passphrase aus mehreren ungewöhnlichen Wörtern wählen."
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_patterned_passwords_are_refused() {
        for weak in [
            "1234567890",
            "password12",
            "passwort1234",
            "123456789012",
            "qwertzuiop12",
            "erika-erika-erika",
        ] {
            assert!(check(weak, "erika").is_err(), "{weak} was accepted");
        }
        for strong in [
            "Tannenzapfen-Gießkanne-7",
            "vierzehn Kühe auf der Brücke",
            "admin-passwort-123",
            "passwort-fuer-tests",
            "admin-passwort-dauer",
            "passwort-dauer-test",
            "e2e-Admin-Passwort-1",
            "Erika-Passwort-1",
            "Rolf-Passwort-12",
            "bench-passwort-123",
        ] {
            assert!(check(strong, "erika").is_ok(), "{strong} was refused");
        }
    }
}
