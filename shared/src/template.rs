//! Template parameters: the values an importing authority sets for itself (its own signing
//! limits, its own value bands) before a shared template becomes its draft.

use std::collections::BTreeMap;

use crate::model::{BlockKind, ParamTarget, Workflow};
use crate::values::Money;

/// Why a template parameter cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateParamError {
    #[error(
        "Parameter „{0}“ verweist auf eine Rolle, einen Baustein oder ein Band, das es nicht gibt"
    )]
    TargetMissing(String),
    #[error("Parameter „{0}“ ist unbekannt")]
    Unknown(String),
    #[error("Parameter „{id}“: {amount} liegt nicht über der Untergrenze des Bandes ({lower})")]
    BandTooLow {
        id: String,
        amount: String,
        lower: String,
    },
}

/// Sets each template parameter to `values[id]` (or its default) and returns the workflow.
/// Unknown ids in `values` are refused rather than ignored, so a typo never goes unnoticed.
pub fn apply_template_params(
    w: &Workflow,
    values: &BTreeMap<String, Money>,
) -> Result<Workflow, TemplateParamError> {
    if let Some(unknown) = values
        .keys()
        .find(|k| !w.template_params.iter().any(|p| &p.id == *k))
    {
        return Err(TemplateParamError::Unknown(unknown.clone()));
    }
    let mut out = w.clone();
    for p in &w.template_params {
        let value = values.get(&p.id).copied().unwrap_or(p.default);
        match &p.target {
            ParamTarget::RoleSigningLimit { role } => {
                let r = out
                    .roles
                    .iter_mut()
                    .find(|r| &r.id == role)
                    .ok_or_else(|| TemplateParamError::TargetMissing(p.id.clone()))?;
                r.signing_limit = Some(value);
            }
            ParamTarget::BandUpper { block, band } => {
                let b = out
                    .block_mut(block)
                    .ok_or_else(|| TemplateParamError::TargetMissing(p.id.clone()))?;
                let BlockKind::Wertgrenzen(params) = &mut b.kind else {
                    return Err(TemplateParamError::TargetMissing(p.id.clone()));
                };
                let i = params
                    .bands
                    .iter()
                    .position(|x| &x.id == band)
                    .ok_or_else(|| TemplateParamError::TargetMissing(p.id.clone()))?;
                if value <= params.bands[i].lower {
                    return Err(TemplateParamError::BandTooLow {
                        id: p.id.clone(),
                        amount: value.to_german(),
                        lower: params.bands[i].lower.to_german(),
                    });
                }
                params.bands[i].upper = Some(value);
                // Keep the bands contiguous: the next band starts where this one ends.
                if let Some(next) = params.bands.get_mut(i + 1) {
                    next.lower = value;
                }
            }
        }
    }
    Ok(out)
}
