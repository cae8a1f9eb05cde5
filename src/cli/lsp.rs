//! `gavel lsp`: the language server, over stdio.

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

/// Exit code 0 after `shutdown` and `exit`, 1 when the client exits without `shutdown` (as the
/// protocol asks), 2 when stdio cannot be served.
pub fn run(_args: LspArgs) -> Outcome {
    match crate::lsp::serve_stdio() {
        Ok(true) => Outcome::Success,
        Ok(false) => Outcome::InputErrors,
        Err(error) => {
            eprintln!("error: cannot start the language server: {error}");
            Outcome::UsageOrIo
        }
    }
}
