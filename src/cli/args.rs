//! Command-line arguments (clap derive only; no logic).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// konform: conformance tests and validation for open interface standards.
#[derive(Debug, Parser)]
#[command(name = "konform", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate messages (files, directories, globs or `-` for stdin) against a standard.
    Validate(Box<ValidateArgs>),
    /// List installed standards or show one's rule catalogue.
    Standards {
        /// list or show.
        #[command(subcommand)]
        action: StandardsAction,
    },
    /// Run test vectors against the built-in validator.
    Vectors {
        /// run.
        #[command(subcommand)]
        action: VectorsAction,
    },
    /// Write `konform.lock`: the installed standards (or those named) with every digest.
    Lock {
        /// Standards to lock (ID[@VERSION]); default: every installed one.
        #[arg(long = "standard", id = "lock_standard")]
        selected: Vec<String>,
        /// Where to write it.
        #[arg(long, default_value = "konform.lock")]
        output: PathBuf,
        #[command(flatten)]
        common: StandardsArgs,
    },
    /// Test a live HTTP endpoint: generated valid and invalid requests, every response checked
    /// against the standard and the service's description, failures shrunk and saved.
    Endpoint(Box<EndpointArgs>),
    /// Re-send a saved failing case (from `konform endpoint`) and check it again.
    Replay(ReplayArgs),
    /// Property-based conformance of a vendor's command: generated messages for a consumer,
    /// validated outputs of a producer; disagreements are shrunk and saved as vectors.
    Probe(ProbeArgs),
    /// Generate valid messages, or messages violating exactly one rule, for your own tests.
    Generate(GenerateArgs),
    /// Print a shell completion script to standard output.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print konform's man page (roff) to standard output, or write every page into a folder.
    Man {
        /// Write `konform.1` and one page per subcommand (`konform-validate.1`, …) here.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
    /// Explain a rule (protocol rules carry their documentation in konform).
    Rule {
        /// Rule id, e.g. XRD-SOAP-010.
        id: String,
        /// Standard to look the rule up in (default: every installed one).
        #[arg(long)]
        standard: Option<String>,
        #[command(flatten)]
        common: StandardsArgs,
    },
}

/// Where standards come from.
#[derive(Debug, Args, Clone)]
pub struct StandardsArgs {
    /// Extra folder of standard packages (repeatable); also `KONFORM_STANDARDS` (path list).
    #[arg(long = "standards", value_name = "DIR")]
    pub standards: Vec<PathBuf>,
    /// Artefact store (default: `$KONFORM_HOME`, else the user's cache folder + `/konform`).
    #[arg(long, value_name = "DIR", env = "KONFORM_HOME")]
    pub home: Option<PathBuf>,
}

/// `standards` subcommands.
#[derive(Debug, Subcommand)]
pub enum StandardsAction {
    /// List installed standards.
    List {
        #[command(flatten)]
        common: StandardsArgs,
    },
    /// Show one standard's profiles and rule catalogue.
    Show {
        /// ID[@VERSION].
        standard: String,
        #[command(flatten)]
        common: StandardsArgs,
    },
    /// Download the published artefacts a standard references (from their publishers, digests
    /// checked) into the local artefact store, or copy them from a mirror folder.
    Fetch {
        /// ID[@VERSION].
        standard: String,
        #[command(flatten)]
        source: FetchArgs,
        #[command(flatten)]
        common: StandardsArgs,
    },
    /// Import a configuration of another validator as a konform package.
    Import {
        /// Format of the configuration (`kosit`: a KoSIT validator scenarios.xml).
        #[arg(value_enum)]
        kind: ImportKind,
        /// The configuration file.
        config: PathBuf,
        /// Folder to write the package to (created; must not hold a standard.toml yet).
        #[arg(long)]
        out: PathBuf,
        /// Standard id of the package (default: derived from the configuration's folder name).
        #[arg(long)]
        id: Option<String>,
        /// Version of the package.
        #[arg(long = "package-version", default_value = "1.0.0")]
        package_version: semver::Version,
        /// A recipe (TOML) with what the configuration does not say: build placeholder values,
        /// where each resource is published, profile names, the package header and rules. Id and
        /// version then come from the recipe; nothing is copied (see docs/standard-format.md).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["id"])]
        recipe: Option<PathBuf>,
    },
    /// Re-hash every file in the artefact store.
    Verify {
        #[command(flatten)]
        common: StandardsArgs,
    },
}

/// Where `standards fetch` takes artefacts from.
#[derive(Debug, Args, Clone)]
pub struct FetchArgs {
    /// Offline mirror: a folder holding the artefacts (by their path in the package, or
    /// anywhere below it by file name). Nothing is downloaded unless `--allow-net` is given too.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Never download (with `--from`: the mirror only; alone: report what is missing).
    #[arg(long, conflicts_with = "allow_net")]
    pub offline: bool,
    /// Download (the default without `--from`); with `--from`, download what the mirror lacks.
    #[arg(long)]
    pub allow_net: bool,
    /// Download `URL/<path in the package>` instead of each artefact's publication URL: an HTTP
    /// mirror laid out like the package.
    #[arg(long, value_name = "URL", env = "KONFORM_FETCH_BASE_URL")]
    pub base_url: Option<String>,
    /// List every file that could not be fetched (default: a count and the first).
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Importable configuration formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ImportKind {
    /// KoSIT validator `scenarios.xml`.
    Kosit,
}

/// `vectors` subcommands.
#[derive(Debug, Subcommand)]
pub enum VectorsAction {
    /// Run every vector of the installed standards (or of one).
    Run {
        /// Only this standard (ID[@VERSION]).
        #[arg(long, conflicts_with = "suite")]
        standard: Option<String>,
        /// Folder of vectors laid out as `<id>/<version>/` (default: the vectors shipped with konform).
        #[arg(long, value_name = "DIR", conflicts_with = "suite")]
        vectors: Option<PathBuf>,
        #[command(flatten)]
        suite: SuiteArgs,
        #[command(flatten)]
        common: StandardsArgs,
    },
}

/// A test suite in an upstream format (VEFA test sets, XML-MutaTe instances) run against
/// Schematron files.
#[derive(Debug, Args, Clone)]
pub struct SuiteArgs {
    /// Suite folder or file: VEFA `testSet`s or XML-MutaTe instances (recognised from the files).
    #[arg(long, value_name = "PATH")]
    pub suite: Option<PathBuf>,
    /// Schematron to run, `[ALIAS=]FILE` (repeatable). XML-MutaTe needs the aliases its
    /// instructions use (`xrubl=...`); VEFA uses the schema whose alias its `configuration`
    /// starts with, else the one without an alias.
    #[arg(long = "schematron", value_name = "[ALIAS=]FILE", requires = "suite")]
    pub schematron: Vec<String>,
    /// Schematron phase to run.
    #[arg(long, requires = "suite")]
    pub phase: Option<String>,
    /// Output: one line per test (`text`) or the whole run as JSON.
    #[arg(long, value_enum, default_value = "text", requires = "suite")]
    pub format: SuiteOutput,
    /// Also write the run as JSON to this file (atomically).
    #[arg(long, value_name = "FILE", requires = "suite")]
    pub output: Option<PathBuf>,
    /// Print only tests that do not agree (text output).
    #[arg(long, requires = "suite")]
    pub only_disagreements: bool,
}

/// Output of a suite run.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SuiteOutput {
    /// One line per test and a summary.
    Text,
    /// JSON.
    Json,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    /// When stderr is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Severity threshold for non-conformance.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    /// Errors only (default).
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
}

/// `validate` arguments.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, directories, glob patterns, or `-` for standard input.
    #[arg(required = true, value_name = "PATH|GLOB|-")]
    pub inputs: Vec<String>,
    /// Standard to validate against, ID[@VERSION] (default: detect from content).
    #[arg(long, short = 's')]
    pub standard: Option<String>,
    /// Profile of the standard (default: detect from content).
    #[arg(long)]
    pub profile: Option<String>,
    /// Rule variant (e.g. `runtime`; default: the standard's first, usually `strict`).
    #[arg(long)]
    pub variant: Option<String>,
    /// Schematron phase to run (`#ALL`, `#DEFAULT` or a phase id), in every Schematron file of
    /// the standard that defines it (the others run their default phase).
    #[arg(long, value_name = "PHASE")]
    pub phase: Option<String>,
    /// Select the standard versions in force on this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Lock file to honour (default: `konform.lock` in the current folder, when present).
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
    /// Project file with waivers (default: `konform.toml` in the current folder, when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore `konform.lock`.
    #[arg(long, conflicts_with = "lock")]
    pub no_lock: bool,
    /// The request a response answers (for request/response rules such as XRD-SOAP-010).
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// Format of the report on standard output (`human` goes to standard error).
    #[arg(long, value_enum, default_value = "human")]
    pub format: crate::report::Format,
    /// Also write a report file, FORMAT=PATH (repeatable; written atomically).
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    pub reports: Vec<String>,
    /// Colour.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Lowest severity that makes a document non-conformant.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Largest input in bytes.
    #[arg(long, default_value_t = 100 * 1024 * 1024)]
    pub max_size: u64,
    /// Deepest element/value nesting.
    #[arg(long, default_value_t = 256)]
    pub max_depth: usize,
    /// Threads (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// List the files behind a short error (each artefact missing from the store).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    #[command(flatten)]
    pub common: StandardsArgs,
}

/// What generation starts from (shared by `probe` and `generate`).
#[derive(Debug, Args, Clone)]
pub struct GenArgs {
    /// Standard, ID@VERSION.
    #[arg(long, short = 's')]
    pub standard: String,
    /// Profile (default: every profile the seed messages have).
    #[arg(long)]
    pub profile: Option<String>,
    /// Rule variant (default: the standard's first).
    #[arg(long)]
    pub variant: Option<String>,
    /// Valid messages to vary (files or folders of *.xml; default: the standard's shipped
    /// conformant vectors).
    #[arg(long = "seeds", value_name = "PATH")]
    pub seeds: Vec<PathBuf>,
    /// Seed of the run (default: fresh; the report records it).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Validations spent per seed message finding where it may vary.
    #[arg(long, default_value_t = 300)]
    pub calibration_budget: usize,
    /// Edits tried per seed message when looking for rule-targeted mutants.
    #[arg(long, default_value_t = 600)]
    pub mutation_budget: usize,
    /// Target only these rules with mutants (comma-separated; default: every rule).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub rules: Vec<String>,
    #[command(flatten)]
    pub common: StandardsArgs,
}

/// `probe` arguments.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub gen_args: GenArgs,
    /// Consumer command; `{file}` is replaced by the message file.
    #[arg(
        long,
        value_name = "CMD",
        required_unless_present = "producer",
        conflicts_with = "producer"
    )]
    pub consumer: Option<String>,
    /// Producer command; `{input}` is replaced by the input file; the message is its stdout.
    #[arg(long, value_name = "CMD")]
    pub producer: Option<String>,
    /// Producer inputs: a folder (its files, sorted).
    #[arg(
        long,
        value_name = "DIR",
        requires = "producer",
        conflicts_with = "generate_inputs"
    )]
    pub inputs: Option<PathBuf>,
    /// Producer inputs generated from this JSON Schema.
    #[arg(long, value_name = "SCHEMA", requires = "producer")]
    pub generate_inputs: Option<PathBuf>,
    /// Cases to run.
    #[arg(long, default_value_t = 100)]
    pub cases: usize,
    /// Time limit per run of the command, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout: u64,
    /// A consumer accepts a message when it exits 0 and its output matches this regex
    /// (default: exit status 0 alone).
    #[arg(long, value_name = "REGEX")]
    pub accept: Option<String>,
    /// Where shrunk failures are saved, as vectors (`<id>/<version>/...`).
    #[arg(long, value_name = "DIR", default_value = "konform-probe")]
    pub out: PathBuf,
    /// Most candidates tried while shrinking one failure.
    #[arg(long, default_value_t = 300)]
    pub max_shrink: usize,
    /// Format of the report on standard output (`human` goes to standard error).
    #[arg(long, value_enum, default_value = "human")]
    pub format: crate::report::Format,
    /// Also write a report file, FORMAT=PATH (repeatable).
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    pub reports: Vec<String>,
}

/// `generate` arguments.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("kind").required(true).args(["valid", "invalid"])))]
pub struct GenerateArgs {
    #[command(flatten)]
    pub gen_args: GenArgs,
    /// Generate conformant messages.
    #[arg(long)]
    pub valid: bool,
    /// Generate messages that violate exactly this rule.
    #[arg(long, value_name = "RULE")]
    pub invalid: Option<String>,
    /// How many.
    #[arg(long, default_value_t = 10)]
    pub count: usize,
    /// Folder to write them to (each with its `.expected.toml`).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `endpoint` arguments.
#[derive(Debug, Args)]
pub struct EndpointArgs {
    /// Standard the service implements, ID[@VERSION] (`xroad-rest`, `xroad-soap`); without it
    /// only the OpenAPI checks run.
    #[arg(long, short = 's')]
    pub standard: Option<String>,
    /// Rule variant (e.g. `runtime`).
    #[arg(long)]
    pub variant: Option<String>,
    /// Base URL of the service (http://; the only origin contacted; redirects are not followed).
    #[arg(long)]
    pub url: String,
    /// OpenAPI 3.0/3.1 description (YAML or JSON) of the service.
    #[arg(long, value_name = "FILE")]
    pub openapi: Option<PathBuf>,
    /// WSDL 1.1 of the SOAP service: a file, or an http:// URL on the origin of --url
    /// (fetched once, with the --timeout and --max-response-bytes limits).
    #[arg(long, value_name = "FILE|URL")]
    pub wsdl: Option<PathBuf>,
    /// X-Road client identifier (INSTANCE/CLASS/MEMBER[/SUBSYSTEM]).
    #[arg(long, value_name = "ID", default_value = "DEV/COM/12345/TESTCLIENT")]
    pub client: String,
    /// X-Road service provider identifier for SOAP headers (default: from the URL path, else the client).
    #[arg(long, value_name = "ID")]
    pub service: Option<String>,
    /// Generated cases.
    #[arg(long, default_value_t = 100)]
    pub cases: u64,
    /// Seed (default: fresh; the report records it).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Checks to run: `all` or a comma-separated list (not_a_server_error,
    /// status_code_conformance, content_type_conformance, response_headers_conformance,
    /// response_schema_conformance, negative_data_rejection, positive_data_acceptance, protocol).
    #[arg(long, default_value = "all")]
    pub checks: String,
    /// Extra request header K:V (repeatable).
    #[arg(long = "header", value_name = "K:V")]
    pub headers: Vec<String>,
    /// Read timeout per response in milliseconds (connect: the same; total: 3x).
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub timeout: u64,
    /// Largest response in bytes (after decoding).
    #[arg(long, value_name = "N", default_value_t = 10 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Parallel connections.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub concurrency: usize,
    /// At most R requests per second.
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// Longest run in seconds, shrinking included.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub max_duration: u64,
    /// Shrinking steps per failure.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub max_shrink: usize,
    /// Folder for the replayable case files.
    #[arg(long, value_name = "DIR", default_value = "konform-cases")]
    pub cases_dir: PathBuf,
    /// Format of the report on standard output (`human` goes to standard error).
    #[arg(long, value_enum, default_value = "human")]
    pub format: crate::report::Format,
    /// Also write a report file, FORMAT=PATH (repeatable).
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    pub reports: Vec<String>,
    #[command(flatten)]
    pub common: StandardsArgs,
}

/// `replay` arguments.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The case file.
    pub case: PathBuf,
    /// Send to this base URL instead of the one recorded.
    #[arg(long)]
    pub url: Option<String>,
    /// Read timeout in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub timeout: u64,
    /// Format of the report on standard output (`human` goes to standard error).
    #[arg(long, value_enum, default_value = "human")]
    pub format: crate::report::Format,
    #[command(flatten)]
    pub common: StandardsArgs,
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_definition_is_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
