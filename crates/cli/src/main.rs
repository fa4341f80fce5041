//! `nuage`: the doctrine « Cloud au centre » at the command line.
//!
//! This is the edge where files, standard input, the clock and the terminal are read; the
//! engine (`nuage-doctrine`) is called with plain values.

mod assess;
mod catalog_cmd;
mod diagnostic;
mod evidence_cmd;
mod explain_cmd;
mod generate_cmd;
mod mappings_cmd;
mod scan_cmd;
mod serve_cmd;
mod users_cmd;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use nuage_catalog::{Catalog, CatalogFiles, Date};
use nuage_doctrine::Lang;

/// Assessments allocate many small strings; mimalloc serves them faster than the system
/// allocator (measured in docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status for bad input (files, fields, options).
pub(crate) const BAD_INPUT: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "nuage",
    version,
    about = "La doctrine « cloud au centre » de l'État, appliquée à vos projets.",
    long_about = "Nuage évalue un projet numérique de l'État au regard de la doctrine « cloud au centre » \
(circulaires n° 6282-SG du 5 juillet 2021 et n° 6404/SG du 31 mai 2023) : la doctrine s'applique-t-elle, \
les données sont-elles d'une sensibilité particulière, quelles offres conviennent, quelle procédure de \
contrôle, ce qui manque, quelles dérogations et jusqu'à quand — chaque réponse expliquée et sourcée.\n\n\
Nuage assesses a State digital project against the « cloud au centre » doctrine.",
    after_help = "Exemples :\n  nuage assess examples/portail-demarches.toml\n  nuage assess dossiers/ --format jsonl\n  nuage scan infra/ --format sarif\n  nuage explain R9\n  nuage catalog list --qualified --as-of 2024-06-03"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct Common {
    /// Language of messages.
    #[arg(long, global = true, value_enum, default_value = "fr")]
    lang: LangArg,
    /// Use the catalog in DIR (catalog.toml, jurisdictions.toml, offers/*.toml) instead of the
    /// embedded one.
    #[arg(long, global = true, value_name = "DIR")]
    catalog: Option<PathBuf>,
    /// Colours: auto (when printing to a terminal), always, never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    color: ColorArg,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum LangArg {
    Fr,
    En,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl Common {
    pub(crate) fn lang(&self) -> Lang {
        match self.lang {
            LangArg::Fr => Lang::Fr,
            LangArg::En => Lang::En,
        }
    }

    /// Whether to colour what goes to stdout.
    pub(crate) fn color_stdout(&self) -> bool {
        match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }

    pub(crate) fn color_stderr(&self) -> bool {
        match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }

    /// The embedded catalog, or the one in `--catalog DIR`.
    pub(crate) fn load_catalog(&self) -> Result<Catalog, String> {
        let files = match &self.catalog {
            Some(dir) => CatalogFiles::read_dir(dir).map_err(|e| e.to_string())?,
            None => CatalogFiles::embedded(),
        };
        Catalog::from_files(&files).map_err(|e| e.to_string())
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Assess one or more dossiers (files or directories; `-` reads standard input).
    Assess(assess::AssessArgs),
    /// Scan infrastructure code (Terraform, OpenTofu, plans, Kubernetes) and tell where, and
    /// on what, it runs; with --dossier, merge what was found and assess the whole project.
    Scan(scan_cmd::ScanArgs),
    /// Print how the scanner maps providers to offers and resource types to classes (Markdown).
    Mappings(mappings_cmd::MappingsArgs),
    /// Explain a rule: what the texts say, how Nuage reads it, the sources.
    Explain(explain_cmd::ExplainArgs),
    /// Print the JSON Schema of the dossier.
    Schema(SchemaArgs),
    /// Query the catalog of offers.
    #[command(subcommand)]
    Catalog(catalog_cmd::CatalogCommand),
    /// Run the registry and its HTTP API (SQLite in the working directory by default).
    Serve(serve_cmd::ServeArgs),
    /// Manage the registry's accounts (who may log in, with which role).
    #[command(subcommand)]
    Users(users_cmd::UsersCommand),
    /// Manage the API tokens (issue, list, revoke).
    #[command(subcommand)]
    Tokens(users_cmd::TokensCommand),
    /// Manage the Ed25519 keys that sign sealed assessments (`assess --seal`).
    #[command(subcommand)]
    Keys(evidence_cmd::KeysCommand),
    /// Verify a sealed bundle: its digests, its signature, and that re-assessing the dossier
    /// gives the same bytes. Exit status 0 verified, 3 refused (what differs is named), 2 bad
    /// input.
    Verify(evidence_cmd::VerifyArgs),
    /// Write the man pages (nuage.1, nuage-assess.1, …) into DIR.
    Man(generate_cmd::ManArgs),
    /// Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell).
    Completions(generate_cmd::CompletionsArgs),
}

#[derive(Args, Debug)]
struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum, default_value = "dossier")]
    which: SchemaKind,
    #[command(flatten)]
    common: Common,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum SchemaKind {
    Dossier,
}

/// Today in Paris, for dossiers that do not say when they are assessed.
pub(crate) fn today() -> Date {
    let now = jiff::ZonedDateTime::now();
    let paris = jiff::tz::TimeZone::get("Europe/Paris")
        .map(|tz| now.with_time_zone(tz))
        .unwrap_or(now);
    Date::from_jiff(paris.date())
}

/// Prints an error on stderr and returns the bad-input status.
pub(crate) fn fail(common: &Common, message: &str) -> ExitCode {
    diagnostic::print_error(common.color_stderr(), message);
    ExitCode::from(BAD_INPUT)
}

/// Writes `text` to stdout. A closed pipe (`nuage … | head`) is not an error; any other failure
/// to write (a full disk) ends the command with an error and status 2, so that a pipeline never
/// takes a truncated report for a whole one.
pub(crate) fn print(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(message) = out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .or_else(output_error)
    {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        diagnostic::print_error(color, &message);
        std::process::exit(i32::from(BAD_INPUT));
    }
}

/// Whether a failure to write the output fails the command: a reader that stopped reading
/// (`| head`) ends the output early, which is not the command's failure; anything else is.
pub(crate) fn output_error(e: std::io::Error) -> Result<(), String> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(format!("cannot write the report: {e}"))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Assess(args) => assess::run(&args),
        Command::Scan(args) => scan_cmd::run(&args),
        Command::Mappings(args) => mappings_cmd::run(&args),
        Command::Explain(args) => explain_cmd::run(&args),
        Command::Serve(args) => serve_cmd::run(&args),
        Command::Users(command) => users_cmd::run(&command),
        Command::Tokens(command) => users_cmd::run_tokens(&command),
        Command::Keys(command) => evidence_cmd::run_keys(&command),
        Command::Verify(args) => evidence_cmd::run_verify(&args),
        Command::Man(args) => generate_cmd::run_man(&args, Cli::command()),
        Command::Completions(args) => generate_cmd::run_completions(&args, Cli::command()),
        Command::Schema(args) => {
            let catalog = match args.common.load_catalog() {
                Ok(c) => c,
                Err(e) => return fail(&args.common, &e),
            };
            match args.which {
                SchemaKind::Dossier => {
                    let schema = nuage_doctrine::dossier_schema(&catalog);
                    match serde_json::to_string_pretty(&schema) {
                        Ok(s) => {
                            print(&s);
                            print("\n");
                            ExitCode::SUCCESS
                        }
                        Err(e) => fail(&args.common, &e.to_string()),
                    }
                }
            }
        }
        Command::Catalog(cmd) => catalog_cmd::run(&cmd),
    }
}
