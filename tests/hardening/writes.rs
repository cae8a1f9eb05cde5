//! Regression tests of this group; see `main.rs`.
//!
//! What gavel writes keeps what the file was (mode, owner, symbolic and hard links), new files
//! get the usual permissions, read-only files are refused; `gavel build` replaces its output
//! folder as one set, so that a failed or killed build leaves the old set whole, and what a
//! stopped build leaves behind is removed by the next one.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

const GAVEL: &str = env!("CARGO_BIN_EXE_gavel");

/// The build's record of its own outputs.
const MANIFEST: &str = ".gavel-outputs";

/// A source that `gavel fmt` changes.
const UNFORMATTED: &str = "policy p { when compute then audit }\n";

fn gavel(dir: &Path, args: &[&str]) -> Output {
    Command::new(GAVEL).args(args).current_dir(dir).env("NO_COLOR", "1").output().expect("gavel runs")
}

/// Runs gavel under `umask`, through the shell (a child's umask cannot be set otherwise).
fn gavel_with_umask(dir: &Path, umask: &str, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(GAVEL)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("the folder can be made");
    }
    std::fs::write(path, text).expect("the file can be written");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("the file can be read")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("the file exists").permissions().mode() & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("the mode can be set");
}

fn formatted(text: &str) -> bool {
    text != UNFORMATTED && text.contains("policy p {\n")
}

/// The files of a folder (not the manifest), by name, with their bytes.
fn contents(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(folder)
        .expect("the folder can be read")
        .flatten()
        .filter(|entry| entry.file_name() != MANIFEST)
        .map(|entry| {
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            (entry.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// What builds and writes leave behind when they stop: their temporaries and staging folders.
fn leftovers(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .expect("the folder can be read")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".gavel-") && name != MANIFEST)
        .collect()
}

mod metadata {
    use super::*;

    #[test]
    fn fmt_keeps_the_mode_of_the_file_it_rewrites() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("p.gavel");
        write(&file, UNFORMATTED);
        chmod(&file, 0o640);
        let output = gavel(dir.path(), &["fmt", "p.gavel"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(formatted(&read(&file)));
        assert_eq!(mode(&file), 0o640, "fmt changed the mode");
    }

    #[test]
    fn fmt_through_a_symbolic_link_rewrites_its_target_and_keeps_the_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("real/p.gavel");
        write(&target, UNFORMATTED);
        let link = dir.path().join("p.gavel");
        std::os::unix::fs::symlink("real/p.gavel", &link).expect("a link can be made");
        let output = gavel(dir.path(), &["fmt", "p.gavel"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let link_metadata = std::fs::symlink_metadata(&link).expect("the link exists");
        assert!(link_metadata.file_type().is_symlink(), "the link became a regular file");
        assert!(formatted(&read(&target)), "the link's target was not formatted");
    }

    #[test]
    fn fmt_of_a_hard_linked_file_keeps_the_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("p.gavel");
        write(&file, UNFORMATTED);
        let other = dir.path().join("other-name.txt");
        std::fs::hard_link(&file, &other).expect("a hard link can be made");
        let inode = std::fs::metadata(&file).expect("exists").ino();
        let output = gavel(dir.path(), &["fmt", "p.gavel"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(std::fs::metadata(&file).expect("exists").ino(), inode, "the file was replaced");
        assert!(formatted(&read(&other)), "the other name of the file still has the old text");
    }

    #[test]
    fn a_read_only_file_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("p.gavel");
        write(&file, UNFORMATTED);
        chmod(&file, 0o444);
        let output = gavel(dir.path(), &["fmt", "p.gavel"]);
        assert!(!output.status.success(), "a read-only file was rewritten");
        assert!(stderr(&output).contains("GV0901"), "{}", stderr(&output));
        assert_eq!(read(&file), UNFORMATTED);
        assert_eq!(mode(&file), 0o444);
    }

    #[test]
    fn decompile_force_keeps_the_mode_of_the_source_it_replaces() {
        let dir = tempfile::tempdir().expect("temp dir");
        let json = r#"{"name": "p", "properties": {"mode": "All", "policyRule": {"if": {"field": "type", "equals": "Microsoft.MachineLearningServices/workspaces"}, "then": {"effect": "audit"}}}}"#;
        write(&dir.path().join("p.json"), json);
        write(&dir.path().join("out/p.gavel"), "// an older decompilation\n");
        chmod(&dir.path().join("out/p.gavel"), 0o600);
        let output = gavel(dir.path(), &["decompile", "p.json", "--out-dir", "out", "--force"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let written = dir.path().join("out/p.gavel");
        assert!(read(&written).contains("policy p"), "{}", read(&written));
        assert_eq!(mode(&written), 0o600, "decompile --force changed the mode");
    }

    #[test]
    fn the_owner_of_a_rewritten_file_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("p.gavel");
        write(&file, UNFORMATTED);
        let before = std::fs::metadata(&file).expect("exists");
        // Only root can give a file away; others check that their own ownership is kept.
        let (uid, gid) = if before.uid() == 0 { (4321, 4321) } else { (before.uid(), before.gid()) };
        std::os::unix::fs::chown(&file, Some(uid), Some(gid)).expect("the owner can be set");
        let output = gavel(dir.path(), &["fmt", "p.gavel"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let after = std::fs::metadata(&file).expect("exists");
        assert!(formatted(&read(&file)));
        assert_eq!((after.uid(), after.gid()), (uid, gid), "fmt changed the owner");
    }

    #[test]
    fn new_outputs_get_the_usual_permissions() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(&dir.path().join("src/p.gavel"), UNFORMATTED);
        let output = gavel_with_umask(dir.path(), "022", &["build", "src", "--out-dir", "out"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(mode(&dir.path().join("out/p.json")), 0o644);
        assert_eq!(mode(&dir.path().join("out")), 0o755);
        let output = gavel_with_umask(dir.path(), "027", &["decompile", "out/p.json", "--out-dir", "back"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(mode(&dir.path().join("back/p.gavel")), 0o640);
    }

    #[test]
    fn a_rebuilt_output_keeps_its_mode() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(&dir.path().join("src/p.gavel"), UNFORMATTED);
        assert!(gavel(dir.path(), &["build", "src", "--out-dir", "out"]).status.success());
        let json = dir.path().join("out/p.json");
        chmod(&json, 0o640);
        write(&dir.path().join("src/p.gavel"), "policy p { when compute then deny }\n");
        let output = gavel(dir.path(), &["build", "src", "--out-dir", "out"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(read(&json).contains("\"deny\""), "{}", read(&json));
        assert_eq!(mode(&json), 0o640);
    }

    /// Before, the temporary was `.gavel-import-<pid>.tmp` beside the target: a link planted
    /// there made the import write wherever it pointed.
    #[test]
    fn catalog_import_never_follows_a_link_planted_where_it_writes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = dir.path().join("project");
        write(&project.join("gavel.toml"), "");
        let export = r#"{"namespace": "Contoso.Widgets", "resourceTypes": [{"resourceType": "widgets", "aliases": [{"name": "Contoso.Widgets/widgets/size", "paths": [{"path": "properties.size", "apiVersions": ["2024-01-01"]}], "type": "NotSpecified", "defaultPath": "properties.size"}]}]}"#;
        write(&dir.path().join("export.json"), export);
        let outside = dir.path().join("outside.txt");
        write(&outside, "not gavel's\n");
        let catalogs = project.join("catalogs");
        std::fs::create_dir_all(&catalogs).expect("the folder can be made");
        // Process ids are handed out in order: plant a link under every name the next ones
        // would have given the temporary.
        let next = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
            .ok()
            .and_then(|text| text.trim().parse::<u32>().ok())
            .unwrap_or(1);
        for pid in next..next + 2000 {
            let link = catalogs.join(format!(".gavel-import-{pid}.tmp"));
            std::os::unix::fs::symlink(&outside, link).expect("a link can be made");
        }
        let output = gavel(&project, &["catalog", "import", "../export.json"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(read(&outside), "not gavel's\n", "the import wrote through a planted link");
        assert!(read(&catalogs.join("Contoso.Widgets.json")).contains("Contoso.Widgets/widgets/size"));
        let planted = std::fs::read_dir(&catalogs).expect("readable").count() - 1;
        assert_eq!(planted, 2000, "the import removed or added files beside its output");
    }
}

mod output_sets {
    use super::*;

    fn project(policies: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, effect) in policies {
            write(
                &dir.path().join(format!("src/{name}.gavel")),
                &format!("policy {name} {{ when compute then {effect} }}\n"),
            );
        }
        dir
    }

    fn build(dir: &Path) -> Output {
        gavel(dir, &["build", "src", "--out-dir", "out"])
    }

    #[test]
    fn a_build_that_changes_nothing_touches_nothing() {
        let dir = project(&[("a", "audit"), ("b", "deny")]);
        assert!(build(dir.path()).status.success());
        let file = dir.path().join("out/a.json");
        let before = std::fs::metadata(&file).expect("exists");
        // Far enough in the past that a rewrite could not keep it by chance.
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&file).and_then(|f| f.set_modified(old)).expect("mtime set");
        let output = build(dir.path());
        assert!(output.status.success(), "{}", stderr(&output));
        let after = std::fs::metadata(&file).expect("exists");
        assert_eq!(after.ino(), before.ino(), "an unchanged output was replaced");
        assert_eq!(after.modified().expect("mtime"), old, "an unchanged output was rewritten");
    }

    #[test]
    fn only_changed_outputs_get_new_files() {
        let dir = project(&[("a", "audit"), ("b", "audit")]);
        assert!(build(dir.path()).status.success());
        let inode = |name: &str| std::fs::metadata(dir.path().join("out").join(name)).expect("exists").ino();
        let (a, b) = (inode("a.json"), inode("b.json"));
        write(&dir.path().join("src/b.gavel"), "policy b { when compute then deny }\n");
        let output = build(dir.path());
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(inode("a.json"), a, "the unchanged output was replaced");
        assert_ne!(inode("b.json"), b);
        assert!(stderr(&output).contains("1 unchanged"), "{}", stderr(&output));
    }

    #[test]
    fn outputs_no_longer_built_are_removed_and_other_files_kept() {
        let dir = project(&[("a", "audit"), ("b", "audit")]);
        assert!(build(dir.path()).status.success());
        write(&dir.path().join("out/README.md"), "deployed by the pipeline\n");
        std::fs::remove_file(dir.path().join("src/b.gavel")).expect("removable");
        let output = build(dir.path());
        assert!(output.status.success(), "{}", stderr(&output));
        let names: Vec<String> = contents(&dir.path().join("out")).into_keys().collect();
        assert_eq!(names, ["README.md", "a.json"], "{}", stderr(&output));
        assert_eq!(read(&dir.path().join("out/README.md")), "deployed by the pipeline\n");
    }

    #[test]
    fn a_failed_build_leaves_the_old_set_whole() {
        let dir = project(&[("a", "audit"), ("b", "audit"), ("c", "audit")]);
        assert!(build(dir.path()).status.success());
        let old = contents(&dir.path().join("out"));
        for name in ["a", "b", "c"] {
            write(
                &dir.path().join(format!("src/{name}.gavel")),
                &format!("policy {name} {{ when compute then deny }}\n"),
            );
        }
        // One output cannot be replaced: a read-only file, then a folder in its place.
        chmod(&dir.path().join("out/b.json"), 0o444);
        let output = build(dir.path());
        assert!(!output.status.success(), "the build replaced a read-only output");
        assert!(stderr(&output).contains("GV0901"), "{}", stderr(&output));
        assert_eq!(contents(&dir.path().join("out")), old, "a failed build changed part of the set");
        chmod(&dir.path().join("out/b.json"), 0o644);
        std::fs::remove_file(dir.path().join("out/b.json")).expect("removable");
        std::fs::create_dir(dir.path().join("out/b.json")).expect("a folder can be made");
        let before = contents(&dir.path().join("out"));
        let output = build(dir.path());
        assert!(!output.status.success(), "the build replaced a folder");
        assert!(stderr(&output).contains("GV0902"), "{}", stderr(&output));
        assert_eq!(contents(&dir.path().join("out")), before, "a failed build changed part of the set");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new(), "a failed build left its staging behind");
    }

    #[test]
    fn the_working_folder_is_refused_as_the_output_folder() {
        let dir = project(&[("a", "audit")]);
        write(&dir.path().join("notes.txt"), "mine\n");
        let output = gavel(dir.path(), &["build", "src", "--out-dir", "."]);
        assert!(!output.status.success());
        assert!(stderr(&output).contains("GV0902"), "{}", stderr(&output));
        assert_eq!(read(&dir.path().join("notes.txt")), "mine\n");
        assert!(!dir.path().join("a.json").exists());
    }

    #[test]
    fn an_output_clash_names_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        for (project, effect) in [("one", "audit"), ("two", "deny")] {
            write(&dir.path().join(format!("{project}/gavel.toml")), "");
            write(
                &dir.path().join(format!("{project}/p.gavel")),
                &format!("policy same {{ when compute then {effect} }}\n"),
            );
        }
        let output = gavel(dir.path(), &["build", "one", "two", "--out-dir", "out"]);
        assert!(!output.status.success(), "two policies were written to one file");
        assert!(stderr(&output).contains("same.json"), "{}", stderr(&output));
    }

    #[test]
    fn what_a_stopped_build_left_is_removed_by_the_next() {
        let dir = project(&[("a", "audit")]);
        assert!(build(dir.path()).status.success());
        // What a build killed while staging, and one killed between its two renames, leave.
        write(&dir.path().join(".out.gavel-new-Zq81xa/a.json"), "{}");
        write(&dir.path().join(".out.gavel-old-Pq02ma/a.json"), "{}");
        write(&dir.path().join("out/.gavel-1f2e3d.tmp"), "{}");
        let output = build(dir.path());
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
        assert_eq!(leftovers(&dir.path().join("out")), Vec::<String>::new());
        assert!(read(&dir.path().join("out/a.json")).contains("audit"));
    }
}

/// `kill -9` at random points of a 10,000-policy build: the output folder holds the complete
/// old set or the complete new one, and the next build leaves no temporaries.
mod interrupted_builds {
    use super::*;

    const FILES: usize = 100;
    const POLICIES_PER_FILE: usize = 100;
    const TRIALS: usize = 24;

    /// One version of the library: every policy's description says which.
    fn write_sources(src: &Path, version: &str) {
        for f in 0..FILES {
            let text: String = (0..POLICIES_PER_FILE)
                .map(|i| {
                    format!(
                        "policy p{f}_{i} \"P {f} {i}\" {{\n    description \"{version}\"\n    when compute {{ enableNodePublicIp == true }}\n    then deny\n}}\n\n"
                    )
                })
                .collect();
            write(&src.join(format!("f{f}.gavel")), &text);
        }
    }

    /// The set a build of `version` writes, built once to compare against.
    fn reference(root: &Path, version: &str) -> BTreeMap<String, Vec<u8>> {
        let project = root.join(format!("reference-{version}"));
        write_sources(&project.join("src"), version);
        let output = gavel(&project, &["build", "src", "--out-dir", "out"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let set = contents(&project.join("out"));
        assert_eq!(set.len(), FILES * POLICIES_PER_FILE);
        set
    }

    /// A small generator of delays, seeded from the clock and printed so that a failure can be
    /// repeated with `GAVEL_KILL_SEED`.
    struct Delays(u64);

    impl Delays {
        fn next(&mut self, below: Duration) -> Duration {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let fraction = (self.0 >> 11) as f64 / (1u64 << 53) as f64;
            below.mul_f64(fraction)
        }
    }

    fn seed() -> u64 {
        std::env::var("GAVEL_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
        })
    }

    fn start_build(project: &Path) -> std::process::Child {
        Command::new(GAVEL)
            .args(["build", "src", "--out-dir", "out"])
            .current_dir(project)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("gavel starts")
    }

    #[test]
    fn a_killed_build_leaves_the_old_or_the_new_set_and_the_next_cleans_up() {
        let root = tempfile::tempdir().expect("temp dir");
        let versions = ["old", "new"];
        let references = [reference(root.path(), versions[0]), reference(root.path(), versions[1])];
        let project: PathBuf = root.path().join("project");
        let out = project.join("out");
        write_sources(&project.join("src"), versions[0]);
        let started = Instant::now();
        assert!(gavel(&project, &["build", "src", "--out-dir", "out"]).status.success());
        // Delays span the whole run, and a little after it.
        let run = started.elapsed().mul_f64(1.2);
        let seed = seed();
        let mut delays = Delays(seed);
        let mut outcomes = [0usize; 2];
        let mut current = 0;
        for trial in 0..TRIALS {
            // Each trial changes every output, so each build has a whole set to swap in.
            let wanted = 1 - current;
            write_sources(&project.join("src"), versions[wanted]);
            let mut child = start_build(&project);
            std::thread::sleep(delays.next(run));
            let _ = child.kill();
            let _ = child.wait();
            let found = contents(&out);
            let which = references.iter().position(|set| *set == found);
            let Some(which) = which else {
                panic!(
                    "trial {trial} (GAVEL_KILL_SEED={seed}): the output folder holds neither set ({} files)",
                    found.len()
                );
            };
            outcomes[usize::from(which == wanted)] += 1;
            current = which;
        }
        eprintln!(
            "{TRIALS} builds killed (GAVEL_KILL_SEED={seed}): {} left the old set, {} the new one",
            outcomes[0], outcomes[1]
        );
        let output = gavel(&project, &["build", "src", "--out-dir", "out"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(leftovers(&project), Vec::<String>::new(), "temporaries beside the output folder");
        assert_eq!(leftovers(&out), Vec::<String>::new(), "temporaries in the output folder");
        assert!(references.contains(&contents(&out)));
    }
}
