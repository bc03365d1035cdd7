//! The browser tests, one executable: each file beside this one is a module (one binary
//! instead of one per file saves ~165 MB of disk and a link step per file). They run one at a
//! time (`--test-threads 1`, as `cargo xtask test` does); run one file's tests with a filter:
//! `cargo test -p fachwerk-e2e --test browser slice:: -- --test-threads 1`.

mod accessibility;
mod applicant;
mod arbeitskorb;
mod bpmn_buttons;
mod bpmn_differ_peer;
mod bpmn_engine_peer;
mod bpmn_interop;
mod bpmn_js;
mod browser_bench;
mod camunda_lint;
mod canvas_a11y;
mod case_chain;
mod catalog_remote;
mod designer_keyboard;
mod designer_mouse;
mod designer_shell;
mod engine_export;
mod first_day;
mod first_load_bench;
mod korb_bench;
mod labels;
mod on_demand;
mod organisation;
mod probelauf;
mod publish_flow;
mod review_a11y;
mod review_diff;
mod slice;
mod sso;
mod sso_tokens;
mod template_exchange;
mod tutorial;
mod undo_reload;
mod worker;
