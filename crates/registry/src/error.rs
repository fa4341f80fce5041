/// What can go wrong in the registry. Callers map `NotFound`/`Conflict`/`Invalid` to their
/// own vocabulary (HTTP statuses, exit codes); `Database` is an operational failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("unsupported database URL `{0}`: expected sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
    #[error("the database has migration {0}, newer than this version of Nuage knows")]
    NewerSchema(i64),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A cap on a resource is reached (drafts, for instance): retry later.
    #[error("limit reached: {0}")]
    LimitReached(String),
    /// Too large to store.
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// A database error is operational, except PostgreSQL's refusal of a character its text
/// cannot hold (SQLSTATE 22021, a NUL): that is bad input which escaped the checks of
/// `store::storable`, and it stays a 422 for the caller rather than an internal error.
impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error
            && db.code().as_deref() == Some("22021")
        {
            return Error::Invalid {
                field: "text",
                reason: "contains a character the database cannot store (NUL)".into(),
            };
        }
        Error::Database(error)
    }
}

impl Error {
    pub(crate) fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Error::NotFound {
            entity,
            id: id.to_string(),
        }
    }
}
