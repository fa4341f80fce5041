//! `nuage users add`: opens an account in the registry. Roles are given here, not by the
//! identity provider: ProConnect says who someone is, the ministry says what they may do.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use nuage_registry::{Actor, OrganisationKind, Registry, Role};

use crate::{Common, fail};

#[derive(Subcommand, Debug)]
pub(crate) enum UsersCommand {
    /// Open an account. The person logs in through OpenID Connect; the account is found by
    /// their provider subject (--subject) or, before their first login, their e-mail (--email).
    Add(AddArgs),
}

#[derive(Args, Debug)]
pub(crate) struct AddArgs {
    /// The identity provider's `sub` for this person.
    #[arg(long, conflicts_with = "email", required_unless_present = "email")]
    subject: Option<String>,
    /// The person's e-mail address, as the provider gives it.
    #[arg(long)]
    email: Option<String>,
    /// Name shown on the pages and in the audit log.
    #[arg(long)]
    name: String,
    /// project_member, ministry_controller, dinum or auditor.
    #[arg(long)]
    role: String,
    /// The ministry (by name) for every role but dinum; created if it does not exist yet.
    #[arg(long)]
    ministry: Option<String>,
    /// The registry's database (default: nuage.db in the working directory).
    #[arg(
        long,
        env = "NUAGE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database: Option<String>,
    #[command(flatten)]
    common: Common,
}

pub(crate) fn run(command: &UsersCommand) -> ExitCode {
    match command {
        UsersCommand::Add(args) => add(args),
    }
}

fn add(args: &AddArgs) -> ExitCode {
    let Some(role) = Role::parse(&args.role) else {
        return fail(
            &args.common,
            &format!(
                "--role `{}`: expected project_member, ministry_controller, dinum or auditor",
                args.role
            ),
        );
    };
    if role == Role::Dinum && args.ministry.is_some() {
        return fail(
            &args.common,
            "--ministry: a DINUM account sees every ministry, it belongs to none",
        );
    }
    if role != Role::Dinum && args.ministry.is_none() {
        return fail(
            &args.common,
            &format!("--ministry is required for the role {}", role.as_str()),
        );
    }
    let subject = match (&args.subject, &args.email) {
        (Some(s), _) => s.clone(),
        (None, Some(e)) => format!("email:{}", e.trim().to_lowercase()),
        (None, None) => return fail(&args.common, "--subject or --email is required"),
    };
    let database = crate::serve_cmd::database_url(args.database.as_deref());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&args.common, &format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async {
        let registry = match Registry::open(&database).await {
            Ok(r) => r,
            Err(e) => return fail(&args.common, &format!("database: {e}")),
        };
        let actor = Actor(format!("nuage users add ({})", whoami()));
        let ministry = match &args.ministry {
            None => None,
            Some(name) => match registry.organisation_by_name(name).await {
                Ok(Some(m)) if m.kind == OrganisationKind::Ministry => Some(m.id),
                Ok(Some(_)) => {
                    return fail(
                        &args.common,
                        &format!("--ministry `{name}` is an operator, not a ministry"),
                    );
                }
                Ok(None) => match registry
                    .create_organisation(&actor, OrganisationKind::Ministry, name, None)
                    .await
                {
                    Ok(m) => {
                        eprintln!("ministère créé : {name} (id {})", m.id);
                        Some(m.id)
                    }
                    Err(e) => return fail(&args.common, &e.to_string()),
                },
                Err(e) => return fail(&args.common, &e.to_string()),
            },
        };
        let result = registry
            .create_user(&actor, &subject, &args.name, role, ministry)
            .await;
        registry.close().await;
        match result {
            Ok(user) => {
                crate::print(&format!(
                    "compte {} : {} ({}), sujet {}\n",
                    user.id,
                    user.display_name,
                    role.as_str(),
                    user.subject
                ));
                ExitCode::SUCCESS
            }
            Err(e) => fail(&args.common, &e.to_string()),
        }
    })
}

fn whoami() -> String {
    std::env::var("USER").unwrap_or_else(|_| "?".into())
}
