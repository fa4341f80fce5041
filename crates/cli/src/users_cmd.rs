//! `nuage users add|list|disable|enable|set-role` and `nuage tokens issue|list|revoke`: the
//! registry's accounts and API tokens. Roles are given here, not by the identity provider:
//! ProConnect says who someone is, the ministry says what they may do. Every change is in the
//! audit log, under the name of the person who ran the command.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use nuage_registry::{
    Actor, NewToken, OrganisationKind, Registry, Role, TokenId, TokenScope, User, UserId,
};

use crate::{Common, fail};

#[derive(Subcommand, Debug)]
pub(crate) enum UsersCommand {
    /// Open an account. The person logs in through OpenID Connect; the account is found by
    /// their provider subject (--subject) or, before their first login, their e-mail (--email),
    /// which binds the account to the first subject that logs in with that e-mail verified.
    Add(AddArgs),
    /// List the accounts (of one ministry with --ministry).
    List(ListArgs),
    /// Disable an account: its sessions end, it no longer logs in nor uses its tokens.
    Disable(AccountArgs),
    /// Enable a disabled account again.
    Enable(AccountArgs),
    /// Change an account's role (and ministry).
    SetRole(SetRoleArgs),
}

/// The registry's database.
#[derive(Args, Debug)]
pub(crate) struct Database {
    /// The registry's database (default: nuage.db in the working directory).
    #[arg(
        long,
        env = "NUAGE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct ListArgs {
    /// Only the accounts of this ministry (by name).
    #[arg(long)]
    ministry: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct AccountArgs {
    /// The account: its number, its subject, or the e-mail it was opened with.
    account: String,
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct SetRoleArgs {
    /// The account: its number, its subject, or the e-mail it was opened with.
    account: String,
    /// project_member, ministry_controller, dinum or auditor.
    #[arg(long)]
    role: String,
    /// The ministry (by name); without it the account keeps its ministry (none for dinum).
    #[arg(long, conflicts_with = "every_ministry")]
    ministry: Option<String>,
    /// An auditor of every ministry (no ministry of its own).
    #[arg(long)]
    every_ministry: bool,
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    common: Common,
}

#[derive(Subcommand, Debug)]
pub(crate) enum TokensCommand {
    /// Issue an API token for an account; its secret is printed once and never stored.
    Issue(IssueArgs),
    /// List tokens (of one account, or all): name, owner, scope, expiry, last use.
    List(TokenListArgs),
    /// Revoke a token by its number.
    Revoke(RevokeArgs),
}

#[derive(Args, Debug)]
pub(crate) struct IssueArgs {
    /// The account: its number, its subject, or the e-mail it was opened with.
    account: String,
    /// What the token is for (`gitlab-ci`), shown in lists.
    #[arg(long)]
    name: String,
    /// `read` only reads; `write` does all the account's role allows.
    #[arg(long, default_value = "write")]
    scope: String,
    /// Days until the token expires (1 to 366).
    #[arg(long, default_value_t = nuage_registry::TOKEN_DEFAULT_DAYS)]
    days: i64,
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct TokenListArgs {
    /// Only this account's tokens: its number, subject or e-mail.
    account: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct RevokeArgs {
    /// The token's number (`nuage tokens list`).
    id: i64,
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    common: Common,
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
        UsersCommand::List(args) => list(args),
        UsersCommand::Disable(args) => switch(args, true),
        UsersCommand::Enable(args) => switch(args, false),
        UsersCommand::SetRole(args) => set_role(args),
    }
}

pub(crate) fn run_tokens(command: &TokensCommand) -> ExitCode {
    match command {
        TokensCommand::Issue(args) => issue(args),
        TokensCommand::List(args) => list_tokens(args),
        TokensCommand::Revoke(args) => revoke(args),
    }
}

/// Runs `work` on the registry at `database`, closing it after.
fn with_registry<F>(database: &Database, common: &Common, work: F) -> ExitCode
where
    F: AsyncFnOnce(&Registry) -> Result<String, String>,
{
    let url = crate::serve_cmd::database_url(database.database.as_deref());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(common, &format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async {
        let registry = match Registry::open(&url).await {
            Ok(r) => r,
            Err(e) => return fail(common, &format!("database: {e}")),
        };
        let result = work(&registry).await;
        registry.close().await;
        match result {
            Ok(text) => {
                crate::print(&text);
                ExitCode::SUCCESS
            }
            Err(e) => fail(common, &e),
        }
    })
}

/// The account named by a number, a subject or an e-mail.
async fn account(registry: &Registry, given: &str) -> Result<User, String> {
    let found = if let Ok(id) = given.parse::<i64>() {
        match registry.user(UserId(id)).await {
            Ok(u) => Some(u),
            Err(nuage_registry::Error::NotFound { .. }) => None,
            Err(e) => return Err(e.to_string()),
        }
    } else if let Some(u) = registry
        .user_by_subject(given)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(u)
    } else if given.contains('@') {
        registry
            .user_by_email(given)
            .await
            .map_err(|e| e.to_string())?
    } else {
        None
    };
    found.ok_or_else(|| {
        format!(
            "account `{given}`: no account has this number, subject or e-mail (nuage users list)"
        )
    })
}

async fn ministry_named(
    registry: &Registry,
    name: &str,
) -> Result<nuage_registry::OrganisationId, String> {
    match registry.ministry_by_name(name).await {
        Ok(Some(m)) => Ok(m.id),
        Ok(None) => Err(format!("--ministry `{name}`: no ministry of this name")),
        Err(e) => Err(e.to_string()),
    }
}

fn actor(command: &str) -> Actor {
    Actor(format!("nuage {command} ({})", whoami()))
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!("--role `{text}`: expected project_member, ministry_controller, dinum or auditor")
    })
}

fn state_of(user: &User) -> &'static str {
    if user.is_disabled() {
        "désactivé"
    } else {
        "actif"
    }
}

fn list(args: &ListArgs) -> ExitCode {
    with_registry(&args.database, &args.common, async |registry| {
        let ministry = match &args.ministry {
            Some(name) => Some(ministry_named(registry, name).await?),
            None => None,
        };
        let users = registry.users(ministry).await.map_err(|e| e.to_string())?;
        if args.json {
            return serde_json::to_string_pretty(&users)
                .map(|s| s + "\n")
                .map_err(|e| e.to_string());
        }
        let mut out = String::from("id\tétat\trôle\tministère\tsujet\tnom\n");
        for u in &users {
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\n",
                u.id,
                state_of(u),
                u.role.as_str(),
                u.ministry_id
                    .map_or_else(|| "—".to_owned(), |m| m.to_string()),
                u.subject,
                u.display_name
            ));
        }
        Ok(out)
    })
}

fn switch(args: &AccountArgs, disabled: bool) -> ExitCode {
    let command = if disabled {
        "users disable"
    } else {
        "users enable"
    };
    with_registry(&args.database, &args.common, async |registry| {
        let user = account(registry, &args.account).await?;
        let after = registry
            .set_disabled(&actor(command), user.id, disabled)
            .await
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "compte {} ({}) : {}\n",
            after.id,
            after.subject,
            state_of(&after)
        ))
    })
}

fn set_role(args: &SetRoleArgs) -> ExitCode {
    let role = match parse_role(&args.role) {
        Ok(r) => r,
        Err(e) => return fail(&args.common, &e),
    };
    with_registry(&args.database, &args.common, async |registry| {
        let user = account(registry, &args.account).await?;
        let ministry = match &args.ministry {
            Some(name) => Some(ministry_named(registry, name).await?),
            None if role == Role::Dinum || args.every_ministry => None,
            None => user.ministry_id,
        };
        let after = registry
            .set_role(&actor("users set-role"), user.id, role, ministry)
            .await
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "compte {} ({}) : rôle {}{}\n",
            after.id,
            after.subject,
            after.role.as_str(),
            after
                .ministry_id
                .map(|m| format!(", ministère {m}"))
                .unwrap_or_default()
        ))
    })
}

fn issue(args: &IssueArgs) -> ExitCode {
    let Some(scope) = TokenScope::parse(&args.scope) else {
        return fail(
            &args.common,
            &format!("--scope `{}`: expected read or write", args.scope),
        );
    };
    if !(1..=nuage_registry::TOKEN_MAX_DAYS).contains(&args.days) {
        return fail(
            &args.common,
            &format!(
                "--days {}: a token lives 1 to {} days",
                args.days,
                nuage_registry::TOKEN_MAX_DAYS
            ),
        );
    }
    with_registry(&args.database, &args.common, async |registry| {
        let user = account(registry, &args.account).await?;
        let issued = registry
            .issue_token_with(
                &actor("tokens issue"),
                &user,
                &NewToken::for_days(&args.name, scope, args.days),
            )
            .await
            .map_err(|e| e.to_string())?;
        eprintln!(
            "jeton {} « {} » pour {} ({}), expire le {} ; le secret ci-dessous n'est affiché qu'une fois",
            issued.id,
            issued.info.name,
            user.subject,
            scope.as_str(),
            issued.info.expires_at.as_deref().unwrap_or("—")
        );
        Ok(format!("{}\n", issued.secret))
    })
}

fn list_tokens(args: &TokenListArgs) -> ExitCode {
    with_registry(&args.database, &args.common, async |registry| {
        let owner = match &args.account {
            Some(a) => Some(account(registry, a).await?.id),
            None => None,
        };
        let tokens = registry.tokens(owner).await.map_err(|e| e.to_string())?;
        if args.json {
            return serde_json::to_string_pretty(&tokens)
                .map(|s| s + "\n")
                .map_err(|e| e.to_string());
        }
        let mut out = String::from("id\tétat\tportée\texpire\tdernier usage\ttitulaire\tnom\n");
        for t in &tokens {
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                t.id,
                t.state,
                t.scope.as_str(),
                t.expires_at.as_deref().unwrap_or("—"),
                t.last_used_at.as_deref().unwrap_or("—"),
                t.owner,
                t.name
            ));
        }
        Ok(out)
    })
}

fn revoke(args: &RevokeArgs) -> ExitCode {
    with_registry(&args.database, &args.common, async |registry| {
        registry
            .revoke_token(&actor("tokens revoke"), TokenId(args.id))
            .await
            .map_err(|e| match e {
                nuage_registry::Error::NotFound { .. } => format!(
                    "token {}: no such token, or already revoked (nuage tokens list)",
                    args.id
                ),
                e => e.to_string(),
            })?;
        Ok(format!("jeton {} révoqué\n", args.id))
    })
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
            Some(name) => match registry.ministry_by_name(name).await {
                Ok(Some(m)) => Some(m.id),
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
