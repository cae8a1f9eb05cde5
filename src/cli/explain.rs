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
            let class = if code.is_lint() { code.default_severity().as_str() } else { "error" };
            let kind = if code.is_lint() { "lint" } else { "" };
            println!("{}  {:<7}  {:<4}  {:<28} {}", code.id(), class, kind, code.name(), code.summary());
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
    format!("{} ({}, {})\n\n{}\n\n{}\n", code.id(), code.name(), code.class_label(), code.summary(), code.explanation())
}
