//! `nuage man DIR` and `nuage completions SHELL`: generated from the command definitions, so
//! they never drift from `--help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use clap_complete::Shell;

use crate::{Common, fail, print};

#[derive(Args, Debug)]
pub(crate) struct ManArgs {
    /// Where to write nuage.1 and one page per subcommand (nuage-assess.1, …); created if
    /// needed.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
    #[command(flatten)]
    common: Common,
}

/// Writes the page of `command` as `name.1`, then those of its subcommands.
fn write_pages(
    command: &clap::Command,
    name: &str,
    dir: &Path,
    written: &mut Vec<String>,
) -> Result<(), String> {
    let command = command.clone().display_name(name.to_owned());
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .map_err(|e| format!("cannot render the page {name}.1: {e}"))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, page).map_err(|e| format!("{}: {e}", path.display()))?;
    written.push(path.display().to_string());
    for sub in command.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}

pub(crate) fn run_man(args: &ManArgs, mut command: clap::Command) -> ExitCode {
    command.build();
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        return fail(&args.common, &format!("{}: {e}", args.dir.display()));
    }
    let mut written = Vec::new();
    match write_pages(&command, "nuage", &args.dir, &mut written) {
        Ok(()) => {
            print(&(written.join("\n") + "\n"));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&args.common, &e),
    }
}

pub(crate) fn run_completions(args: &CompletionsArgs, mut command: clap::Command) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "nuage", &mut out);
    print(&String::from_utf8_lossy(&out));
    ExitCode::SUCCESS
}
