//! `gavel explain GV0105`: the long form of a diagnostic code.

use super::Outcome;
use crate::diag::Code;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A code (`GV0105`) or its name (`undefined-parameter`); omit it to list every code.
    pub code: Option<String>,
}

pub fn run(args: ExplainArgs) -> Outcome {
    let Some(text) = args.code else {
        for code in Code::ALL {
            println!("{}  {:<7}  {:<28} {}", code.id(), code.default_severity().as_str(), code.name(), code.summary());
        }
        return Outcome::Success;
    };
    match Code::parse(&text) {
        Some(code) => {
            print!("{}", explanation(code));
            Outcome::Success
        }
        None => {
            eprintln!("error: `{text}` is not a gavel diagnostic code; `gavel explain` lists them all");
            Outcome::UsageOrIo
        }
    }
}

/// The text `gavel explain` prints for a code (also shown by the language server on hover).
pub fn explanation(code: Code) -> String {
    format!(
        "{} ({}, {} by default)\n\n{}\n\n{}\n",
        code.id(),
        code.name(),
        code.default_severity().as_str(),
        code.summary(),
        code.explanation()
    )
}
