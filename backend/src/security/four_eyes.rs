//! The four-eyes rule beyond "not the requester": an account created by the requester is
//! the requester's second pair of eyes only on paper, so it may not approve their requests.

use crate::auth::Caller;
use crate::error::AppError;
use crate::users::UserStore;

/// Refuses an approval of the request of `requester_id` (named `requester`) by `approver`
/// (403, logged as a four-eyes refusal). Accounts are compared by id, so a renamed or
/// re-created account neither escapes nor inherits the rule.
pub async fn check(
    users: &UserStore,
    requester: &str,
    requester_id: &str,
    approver: &Caller,
) -> Result<(), AppError> {
    if requester_id == approver.id {
        return Err(AppError::FourEyes(
            "Vier-Augen-Prinzip: Wer eine Veröffentlichung beantragt hat, kann sie nicht selbst freigeben. Bitte eine andere Person mit Freigaberecht bitten.".into(),
        ));
    }
    let created_by = users.by_id(&approver.id).await?.and_then(|u| u.created_by);
    if created_by.as_deref() == Some(requester_id) {
        let approver = &approver.name;
        return Err(AppError::FourEyes(format!(
            "Vier-Augen-Prinzip: Das Konto „{approver}“ wurde von „{requester}“ angelegt, der antragstellenden Person, und kann deren Anträge daher nicht freigeben. Bitte eine unabhängige Person mit Freigaberecht bitten."
        )));
    }
    Ok(())
}
