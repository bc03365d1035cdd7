//! Fuzzes `from_bpmn`: it must never panic, and whatever it imports must survive the
//! Fachwerk round trip (export, import again: identical workflow, no notes).
#![no_main]

use fachwerk_shared::bpmn::{from_bpmn, to_bpmn};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((w, _notes)) = from_bpmn(text) {
        let xml = to_bpmn(&w);
        match from_bpmn(&xml) {
            Ok((back, notes)) => {
                assert!(notes.is_empty(), "notes on re-import: {notes:?}");
                assert!(back == w, "round trip differs");
            }
            Err(e) => panic!("own export not importable: {e}"),
        }
    }
});
