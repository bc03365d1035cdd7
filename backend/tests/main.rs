//! The backend's integration tests, one executable: each file beside this one is a module.
//! One binary instead of one per file saves ~150 MB of disk and a link step per file, and
//! the storage tests share one throwaway PostgreSQL cluster (`db_support`).
//! Run one file's tests with a filter: `cargo test -p fachwerk-backend --test integration store::`.

mod common;
#[macro_use]
mod db_support;
mod git_http;
mod live;
mod server_support;
mod sources_support;

mod api;
mod authz;
mod case_clerk_outputs;
mod case_durability;
mod case_outputs_chain;
mod case_outputs_documents;
mod case_outputs_filing;
mod case_outputs_mail;
mod case_procurement;
mod cases_api;
mod catalog_push;
mod cli;
mod concurrency;
mod crash_publish;
mod db_import;
mod durability;
mod embedded_frontend;
mod handbook;
mod multi_process;
mod observability;
mod openapi;
mod outputs_bescheid;
mod outputs_filing;
mod outputs_mail;
mod publish;
mod publish_requests;
mod security_accounts;
mod security_load;
mod security_probe;
mod security_sources;
mod security_tokens;
mod security_web;
mod session;
mod source_errors;
mod sources;
mod sso_api;
mod store;
mod store_cases;
mod store_operations;
mod store_ops;
mod store_outputs;
mod store_sso;
mod two_instances;
