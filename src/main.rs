use std::process::ExitCode;

fn main() -> ExitCode {
    gavel::cli::main()
}
