use std::process::ExitCode;

fn main() -> ExitCode {
    fachwerk_backend::cli::main()
}
