//! The four-eyes rule beyond "not the requester": an account created by the requester is
//! the requester's second pair of eyes only on paper, so it may not approve their requests.

use crate::error::AppError;
use crate::users::UserStore;

/// Refuses an approval of `requester`'s request by `approver` (403, logged as a four-eyes
/// refusal).
pub fn check(users: &UserStore, requester: &str, approver: &str) -> Result<(), AppError> {
    if requester == approver {
        return Err(AppError::FourEyes(
            "Vier-Augen-Prinzip: Wer eine Veröffentlichung beantragt hat, kann sie nicht selbst freigeben. Bitte eine andere Person mit Freigaberecht bitten.".into(),
        ));
    }
    let created_by = users.get(approver)?.and_then(|u| u.created_by);
    if created_by.as_deref() == Some(requester) {
        return Err(AppError::FourEyes(format!(
            "Vier-Augen-Prinzip: Das Konto „{approver}“ wurde von „{requester}“ angelegt, der antragstellenden Person, und kann deren Anträge daher nicht freigeben. Bitte eine unabhängige Person mit Freigaberecht bitten."
        )));
    }
    Ok(())
}
