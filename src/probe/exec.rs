//! Running the vendor's command on one file: `{file}` / `{input}` in the command line is
//! replaced by the (shell-quoted) path, the command runs under `sh -c` in its own process
//! group, and a run longer than the timeout ends the whole group.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How one run ended. Exit statuses 129–192 count as crashes: that is how a shell reports a
/// command a signal ended (128 + the signal number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Exit status 0 (and output matching the accept pattern, when one is set).
    Accepted,
    /// Any other exit status.
    Rejected(i32),
    /// Ended by a signal.
    Crashed(i32),
    /// Ran past the timeout.
    TimedOut,
}

/// One run: how it ended and what it wrote to standard output.
#[derive(Debug, Clone)]
pub struct Run {
    /// How it ended.
    pub ended: Ended,
    /// Standard output (only captured when asked for).
    pub stdout: Vec<u8>,
}

/// Why the command could not be run at all (a configuration error).
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot run `{command}`: {message}")]
pub struct ExecError {
    /// The command line.
    pub command: String,
    /// Why.
    pub message: String,
}

/// The vendor's command.
#[derive(Debug, Clone)]
pub struct Subject {
    template: String,
    placeholder: &'static str,
    timeout: Duration,
    accept: Option<regex::Regex>,
    capture: bool,
}

/// Quotes a path for `sh`.
fn quoted(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

impl Subject {
    /// A command with `placeholder` (`{file}` or `{input}`); without it the path is appended.
    pub fn new(
        template: &str,
        placeholder: &'static str,
        timeout: Duration,
        accept: Option<regex::Regex>,
        capture: bool,
    ) -> Subject {
        Subject {
            template: template.to_string(),
            placeholder,
            timeout,
            accept,
            capture,
        }
    }

    /// The command as given.
    pub fn command(&self) -> &str {
        &self.template
    }

    fn line(&self, path: &Path) -> String {
        if self.template.contains(self.placeholder) {
            self.template.replace(self.placeholder, &quoted(path))
        } else {
            format!("{} {}", self.template, quoted(path))
        }
    }

    /// Runs the command on one file.
    pub fn run(&self, path: &Path) -> Result<Run, ExecError> {
        let line = self.line(path);
        let piped = self.capture || self.accept.is_some();
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(&line)
            .stdin(Stdio::null())
            .stdout(if piped { Stdio::piped() } else { Stdio::null() })
            .stderr(if self.accept.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .process_group(0);
        let mut child = cmd.spawn().map_err(|e| ExecError {
            command: self.template.clone(),
            message: e.to_string(),
        })?;
        let readers: Vec<_> = [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .map(|r| {
            r.map(|mut r| {
                std::thread::spawn(move || {
                    let mut buf = Vec::new();
                    let _ = r.read_to_end(&mut buf);
                    buf
                })
            })
        })
        .collect();
        let start = Instant::now();
        let mut nap = Duration::from_micros(50);
        let status = loop {
            match child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if start.elapsed() >= self.timeout => break None,
                Ok(None) => {
                    std::thread::sleep(nap);
                    nap = (nap * 2).min(Duration::from_millis(5));
                }
                Err(e) => {
                    return Err(ExecError {
                        command: self.template.clone(),
                        message: e.to_string(),
                    });
                }
            }
        };
        let Some(status) = status else {
            kill_group(child.id());
            let _ = child.wait();
            return Ok(Run {
                ended: Ended::TimedOut,
                stdout: Vec::new(),
            });
        };
        let mut out: Vec<Vec<u8>> = readers
            .into_iter()
            .map(|h| h.and_then(|h| h.join().ok()).unwrap_or_default())
            .collect();
        let stdout = std::mem::take(&mut out[0]);
        let ended = if let Some(sig) = status.signal() {
            Ended::Crashed(sig)
        } else {
            match status.code() {
                Some(127) => {
                    return Err(ExecError {
                        command: self.template.clone(),
                        message: "the shell could not find the command (exit status 127)".into(),
                    });
                }
                Some(0) => match &self.accept {
                    Some(re) => {
                        let text = format!(
                            "{}{}",
                            String::from_utf8_lossy(&stdout),
                            String::from_utf8_lossy(&out[1])
                        );
                        if re.is_match(&text) {
                            Ended::Accepted
                        } else {
                            Ended::Rejected(0)
                        }
                    }
                    None => Ended::Accepted,
                },
                // How a shell reports a child that a signal ended (128 + signal number).
                Some(c @ 129..=192) => Ended::Crashed(c - 128),
                Some(c) => Ended::Rejected(c),
                None => Ended::Crashed(0),
            }
        };
        Ok(Run { ended, stdout })
    }
}

/// Ends a process group (the command and everything it started).
fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(cmd: &str, timeout_ms: u64) -> Subject {
        Subject::new(cmd, "{file}", Duration::from_millis(timeout_ms), None, true)
    }

    #[test]
    fn tells_accept_reject_crash_and_timeout_apart() {
        let p = Path::new("/tmp/it's here.xml");
        let run = |c: &str, t| subject(c, t).run(p).unwrap().ended;
        assert_eq!(
            run("test {file} = \"/tmp/it's here.xml\"", 5000),
            Ended::Accepted
        );
        assert_eq!(run("exit 3", 5000), Ended::Rejected(3));
        assert_eq!(run("kill -SEGV $$", 5000), Ended::Crashed(11));
        assert_eq!(
            run("sh -c 'kill -ABRT $$'; exit $?", 5000),
            Ended::Crashed(6)
        );
        let start = Instant::now();
        assert_eq!(run("sleep 5; true", 200), Ended::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(3));
        assert!(subject("no-such-command-konform", 5000).run(p).is_err());
        let out = subject("echo hi; true", 5000).run(p).unwrap();
        assert_eq!(out.stdout, b"hi\n");
        let with_pattern = Subject::new(
            "echo REJECT",
            "{file}",
            Duration::from_secs(5),
            Some(regex::Regex::new("^ACCEPT").unwrap()),
            false,
        );
        assert_eq!(with_pattern.run(p).unwrap().ended, Ended::Rejected(0));
    }
}
