//! The inputs of past findings (`fuzz/regressions/<harness>/`) and the committed seeds
//! (`fuzz/corpus/<harness>/`) run clean through their harness. An input whose name ends in
//! `.xfail` is a finding not yet fixed: it must still fail, so that the fix is noticed.

use std::path::Path;

use gavel_fuzz::driver::{self, committed_inputs};
use gavel_fuzz::harness;

#[test]
fn committed_inputs_run_as_expected() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    driver::install_panic_hook();
    // The harnesses run the compiler, which wants the stack the CLI gives it.
    let failures = std::thread::Builder::new()
        .stack_size(gavel::lsp::STACK_SIZE)
        .spawn(move || {
            let mut failures = Vec::new();
            let mut ran = 0;
            for harness in harness::ALL {
                for input in committed_inputs(&repo, harness) {
                    let expected_to_fail = input.origin.ends_with(".xfail");
                    let panic = driver::execute(harness, &input.bytes).1;
                    match (panic, expected_to_fail) {
                        (Some(panic), false) => {
                            failures.push(format!("{}: {} at {}", input.origin, panic.message, panic.place))
                        }
                        (None, true) => failures.push(format!("{}: runs clean now; drop `.xfail`", input.origin)),
                        _ => {}
                    }
                    ran += 1;
                }
            }
            assert!(ran > 0, "there are committed inputs");
            failures
        })
        .expect("a thread")
        .join()
        .expect("the harnesses ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
