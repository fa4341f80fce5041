//! Connection and schema migrations for the two supported databases.

use sqlx::any::{AnyPoolOptions, AnyRow, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::Error;

/// The database behind a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Migrations are append-only: a released one is never edited, a change is a new one.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "registry",
        sqlite: include_str!("../migrations/sqlite/0001_registry.sql"),
        postgres: include_str!("../migrations/postgres/0001_registry.sql"),
    },
    Migration {
        version: 2,
        name: "people",
        sqlite: include_str!("../migrations/sqlite/0002_people.sql"),
        postgres: include_str!("../migrations/postgres/0002_people.sql"),
    },
    Migration {
        version: 3,
        name: "derogations",
        sqlite: include_str!("../migrations/sqlite/0003_derogations.sql"),
        postgres: include_str!("../migrations/postgres/0003_derogations.sql"),
    },
    Migration {
        version: 4,
        name: "dashboard_indexes",
        sqlite: include_str!("../migrations/sqlite/0004_dashboard_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0004_dashboard_indexes.sql"),
    },
    Migration {
        version: 5,
        name: "sessions_drafts",
        sqlite: include_str!("../migrations/sqlite/0005_sessions_drafts.sql"),
        postgres: include_str!("../migrations/postgres/0005_sessions_drafts.sql"),
    },
    Migration {
        version: 6,
        name: "scans",
        sqlite: include_str!("../migrations/sqlite/0006_scans.sql"),
        postgres: include_str!("../migrations/postgres/0006_scans.sql"),
    },
    Migration {
        version: 7,
        name: "derogation_workflow",
        sqlite: include_str!("../migrations/sqlite/0007_derogation_workflow.sql"),
        postgres: include_str!("../migrations/postgres/0007_derogation_workflow.sql"),
    },
    Migration {
        version: 8,
        name: "hardening",
        sqlite: include_str!("../migrations/sqlite/0008_hardening.sql"),
        postgres: include_str!("../migrations/postgres/0008_hardening.sql"),
    },
    Migration {
        version: 9,
        name: "notifications",
        sqlite: include_str!("../migrations/sqlite/0009_notifications.sql"),
        postgres: include_str!("../migrations/postgres/0009_notifications.sql"),
    },
    Migration {
        version: 10,
        name: "draft_projects",
        sqlite: include_str!("../migrations/sqlite/0010_draft_projects.sql"),
        postgres: include_str!("../migrations/postgres/0010_draft_projects.sql"),
    },
];

/// Parses the URL, opens a pool and brings the schema up to date.
pub(crate) async fn open(url: &str, max_connections: u32) -> Result<(AnyPool, Backend), Error> {
    install_default_drivers();
    let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
        // Create the file when missing unless the caller chose a mode.
        let url = if rest.contains("mode=") {
            url.to_owned()
        } else if rest.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        (Backend::Sqlite, url)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        (Backend::Postgres, url.to_owned())
    } else {
        return Err(Error::UnsupportedUrl(redact(url)));
    };
    let options = AnyPoolOptions::new().max_connections(max_connections.max(1));
    let pool = match backend {
        Backend::Sqlite => {
            options
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // WAL with FULL sync: a commit acknowledged to a client survives a
                        // crash of the process and of the machine. Foreign keys are off by
                        // default in SQLite.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(&url)
                .await?
        }
        Backend::Postgres => options.connect(&url).await?,
    };
    migrate(&pool, backend).await?;
    Ok((pool, backend))
}

/// Hides a password in a URL before it goes into an error message or a log.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = url.get(scheme + 3..at).unwrap_or_default();
            let user = userinfo.split(':').next().unwrap_or_default();
            format!(
                "{}://{user}:***{}",
                url.get(..scheme).unwrap_or_default(),
                url.get(at..).unwrap_or_default()
            )
        }
        _ => url.to_owned(),
    }
}

async fn migrate(pool: &AnyPool, backend: Backend) -> Result<(), Error> {
    let mut conn = pool.acquire().await?;
    if backend == Backend::Sqlite {
        // A migration may rebuild a table (SQLite cannot drop a constraint): foreign keys are
        // off while migrations run (the pragma has no effect inside a transaction) and checked
        // before they commit, as SQLite's documentation prescribes.
        conn.execute("PRAGMA foreign_keys = OFF").await?;
    }
    let migrated = migrate_on(&mut conn, backend).await;
    if backend == Backend::Sqlite {
        conn.execute("PRAGMA foreign_keys = ON").await?;
    }
    migrated
}

async fn migrate_on(conn: &mut sqlx::AnyConnection, backend: Backend) -> Result<(), Error> {
    use sqlx::Connection;
    let mut tx = match backend {
        // IMMEDIATE takes the write lock now, so two processes starting together serialise.
        Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => conn.begin().await?,
    };
    if backend == Backend::Postgres {
        // Several instances may start at once behind a load balancer.
        tx.execute("SELECT pg_advisory_xact_lock(7243100001)")
            .await?;
    }
    tx.execute(
        "CREATE TABLE IF NOT EXISTS nuage_migrations (\
         version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM nuage_migrations")
        .fetch_one(&mut *tx)
        .await?;
    let applied = applied.unwrap_or(0);
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    if applied > known {
        return Err(Error::NewerSchema(applied));
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > applied) {
        let sql = match backend {
            Backend::Sqlite => migration.sqlite,
            Backend::Postgres => migration.postgres,
        };
        let failed = |source| Error::Migration {
            version: migration.version,
            name: migration.name,
            source,
        };
        sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(failed)?;
        sqlx::query("INSERT INTO nuage_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(migration.version)
            .bind(migration.name)
            .bind(jiff::Timestamp::now().to_string())
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
    }
    if backend == Backend::Sqlite {
        let broken: Vec<AnyRow> = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *tx)
            .await?;
        if !broken.is_empty() {
            return Err(Error::Corrupt(format!(
                "{} row(s) break a foreign key after migrating",
                broken.len()
            )));
        }
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://nuage:s3cret@db.internal:5432/nuage"),
            "postgres://nuage:***@db.internal:5432/nuage"
        );
        assert_eq!(redact("sqlite://nuage.db"), "sqlite://nuage.db");
    }
}
