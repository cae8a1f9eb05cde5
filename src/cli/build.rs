//! `gavel build`: compile files and folders to Azure Policy JSON.

use std::path::PathBuf;

use super::{CatalogArgs, DiagnosticArgs, Outcome, input_paths, output, report};
use crate::emit::target::Target;
use crate::emit::{DefinitionScope, EmitOptions};
use crate::project;

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Files or folders to compile (folders are searched for *.gavel).
    pub paths: Vec<PathBuf>,
    /// Where to write the output.
    #[arg(long, short = 'o', default_value = "out")]
    pub out_dir: PathBuf,
    /// What to write: definition files, one ARM template, or az CLI rules/params files.
    #[arg(long, value_enum, default_value_t = Target::Definition)]
    pub target: Target,
    /// Where the policies are created, for the ids by which initiatives reference them:
    /// `/providers/Microsoft.Management/managementGroups/NAME` or `/subscriptions/GUID`
    /// (default: `definition-scope` of gavel.toml).
    #[arg(long, value_parser = DefinitionScope::parse)]
    pub definition_scope: Option<DefinitionScope>,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
    #[command(flatten)]
    pub catalogs: CatalogArgs,
}

pub fn run(args: BuildArgs) -> Outcome {
    let mut compilation = match project::compile_paths_with(&input_paths(args.paths), &args.catalogs.options()) {
        Ok(compilation) => compilation,
        Err(error) => {
            eprintln!("error: {error}");
            return Outcome::UsageOrIo;
        }
    };
    // Projects may share names; one output folder cannot hold both.
    let out_dir = args.out_dir.clone();
    let file_of =
        |definition: &crate::ast::Definition| out_dir.join(args.target.file_of(definition)).display().to_string();
    let scope = args.definition_scope.clone().or_else(|| compilation.definition_scope.clone()).unwrap_or_default();
    if !scope.is_set() && args.target != Target::Arm {
        let unscoped = members_without_scope(&compilation);
        compilation.diagnostics.extend(unscoped);
    }
    let collisions = compilation.output_collisions(&file_of);
    if !collisions.is_empty() {
        compilation.diagnostics.extend(collisions);
        compilation.diagnostics.sort();
    }
    if report(&compilation, &args.diagnostics) {
        // Nothing is written: the previous output stays as it was.
        return Outcome::InputErrors;
    }
    let definitions = compilation.emitted_definitions();
    let options = EmitOptions::new(scope, &definitions);
    let (assignments, exemptions) = compilation.emitted_assignments();
    let others = crate::emit::target::assignment_outputs(&assignments, &exemptions, &options);
    let summary = match output::write_output_set(&args.out_dir, &definitions, args.target, &options, others) {
        Ok(summary) => summary,
        Err(error) => {
            error.report(&args.diagnostics);
            return Outcome::UsageOrIo;
        }
    };
    if args.diagnostics.format == crate::diag::render::Format::Human {
        eprintln!("{}", describe(&summary, &args.out_dir));
    }
    // The process ends here: the operating system takes the memory back at once, while freeing
    // every node of every AST one by one would take a large share of the run.
    drop(definitions);
    std::mem::forget(compilation);
    Outcome::Success
}

/// `wrote 3 file(s) to out`, with what was left as it was and what was removed.
fn describe(summary: &output::SetSummary, out_dir: &std::path::Path) -> String {
    let mut line = format!("wrote {} file(s) to {}", summary.written, out_dir.display());
    if summary.unchanged > 0 {
        line.push_str(&format!(", {} unchanged", summary.unchanged));
    }
    if summary.removed > 0 {
        line.push_str(&format!(", removed {} no longer built", summary.removed));
    }
    line
}

/// One warning per initiative whose members name policies by gavel name while no definition
/// scope is known: their ids would be those of built-ins.
fn members_without_scope(compilation: &project::Compilation) -> Vec<crate::diag::Diagnostic> {
    use crate::ast::{Definition, MemberTarget};
    use crate::diag::{Code, Diagnostic};
    let mut found = Vec::new();
    for definition in compilation.emitted_definitions() {
        let Definition::Initiative(initiative) = definition else { continue };
        let first = initiative.members.iter().find_map(|m| match &m.target {
            MemberTarget::Policy(name) => Some(name),
            MemberTarget::Id(_) => None,
        });
        if let Some(name) = first {
            found.push(
                Diagnostic::new(
                    Code::MemberWithoutScope,
                    name.span,
                    format!(
                        "`{}` references `{}` by name, but no definition scope is given: its id would be a built-in's",
                        initiative.header.name.value, name.value
                    ),
                )
                .with_help("pass `--definition-scope /providers/Microsoft.Management/managementGroups/NAME` (or `/subscriptions/GUID`), or set `definition-scope` in gavel.toml"),
            );
        }
    }
    found
}
