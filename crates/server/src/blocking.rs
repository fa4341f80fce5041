//! Work that parses or assesses runs on the blocking pool, never on the async workers.
//!
//! Reading a dossier, assessing it and evaluating a questionnaire take microseconds to
//! milliseconds on ordinary input; on crafted input the readers' limits bound them, but the time
//! is still CPU time that would hold an I/O thread and every connection queued behind it (the
//! security review froze `/healthz` for 56 s with two uploads). Each such step goes through
//! [`run`].

use std::sync::Arc;

use nuage_catalog::{Catalog, Date};
use nuage_doctrine::{Dossier, Format, Lang, ReadError, read_dossier};

use crate::problem::Problem;

/// Runs `f` on Tokio's blocking pool and waits for it without holding a worker.
pub(crate) async fn run<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Problem::internal(format!("background task: {e}")))
}

/// Reads a dossier on the blocking pool.
pub(crate) async fn read(
    catalog: &Arc<Catalog>,
    text: impl Into<String>,
    format: Format,
) -> Result<Result<Dossier, ReadError>, Problem> {
    let catalog = Arc::clone(catalog);
    let text = text.into();
    run(move || read_dossier(&text, format, &catalog)).await
}

/// Evaluates questionnaire answers on the blocking pool.
pub(crate) async fn evaluate(
    questionnaire: &Arc<nuage_web::Questionnaire>,
    catalog: &Arc<Catalog>,
    answers: &nuage_web::Answers,
    today: Date,
    lang: Lang,
) -> Result<nuage_web::Evaluation, Problem> {
    let (q, catalog, answers) = (
        Arc::clone(questionnaire),
        Arc::clone(catalog),
        answers.clone(),
    );
    run(move || q.evaluate(&answers, &catalog, today, lang)).await
}
