//! Shell completions and man pages, generated from the clap definitions.

use super::*;

/// Every top-level subcommand, as `konform --help` lists them.
const SUBCOMMANDS: &[&str] = &[
    "validate",
    "standards",
    "vectors",
    "lock",
    "endpoint",
    "replay",
    "probe",
    "generate",
    "completions",
    "man",
    "rule",
];

fn stdout_of(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(konform(dir).args(args));
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

#[test]
fn completion_scripts_name_every_subcommand_in_each_shell_syntax() {
    let d = tmp();
    let shells = [
        ("bash", "complete -F _konform"),
        ("zsh", "#compdef konform"),
        ("fish", "complete -c konform"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[konform]"),
    ];
    for (shell, marker) in shells {
        let script = stdout_of(d.path(), &["completions", shell]);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: `{sub}` missing");
        }
        // Nested subcommands and flags come from the same definitions.
        assert!(
            script.contains("fetch") && script.contains("offline") && script.contains("base-url"),
            "{shell}: `standards fetch --offline --base-url` missing"
        );
    }
    let (code, _, err) = run(konform(d.path()).args(["completions", "tcsh"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn bash_completion_script_is_valid_bash_and_completes_subcommands() {
    let d = tmp();
    let script = stdout_of(d.path(), &["completions", "bash"]);
    std::fs::write(d.path().join("konform.bash"), &script).expect("write");
    let Ok(out) = std::process::Command::new("bash")
        .arg("-c")
        .arg(
            "source ./konform.bash && COMP_WORDS=(konform stan) COMP_CWORD=1 && _konform konform stan konform && printf '%s\\n' \"${COMPREPLY[@]}\"",
        )
        .current_dir(d.path())
        .output()
    else {
        eprintln!("skipped: bash is not installed");
        return;
    };
    let replies = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(replies.trim(), "standards", "{replies}");
}

#[test]
fn man_page_is_roff_and_renders() {
    let d = tmp();
    let page = stdout_of(d.path(), &["man"]);
    assert!(
        page.contains(".TH konform 1"),
        "{}",
        &page[..page.len().min(300)]
    );
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "`{sub}` missing from the man page");
    }
    let (code, _, err) = run(konform(d.path()).args(["man", "--out-dir", "pages"]));
    assert_eq!(code, 0, "{err}");
    let fetch = d.path().join("pages/konform-standards-fetch.1");
    let text = std::fs::read_to_string(&fetch).expect("a page per subcommand");
    assert!(
        text.contains("\\-\\-offline") && text.contains("KONFORM_FETCH_BASE_URL"),
        "{text}"
    );
    assert!(d.path().join("pages/konform.1").is_file());
    assert!(d.path().join("pages/konform-validate.1").is_file());
    // Rendered by man(1) where it is installed.
    match std::process::Command::new("man")
        .arg("-l")
        .arg(&fetch)
        .env("MANWIDTH", "100")
        .output()
    {
        Ok(out) if out.status.success() => {
            let shown = String::from_utf8_lossy(&out.stdout);
            assert!(
                shown.contains("konform-standards-fetch") && shown.contains("--offline"),
                "{shown}"
            );
        }
        Ok(out) => panic!("man -l failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => eprintln!("skipped rendering: man is not installed"),
    }
}
