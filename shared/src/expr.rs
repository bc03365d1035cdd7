//! FEEL-subset expressions over case fields (conditions, amounts).
