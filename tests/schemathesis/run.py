"""Runs Schemathesis's command line (pinned in .ci/run) with one workaround.

CPython 3.11 (Debian's) may fail an `ast.parse` with "AST constructor recursion depth mismatch"
when Hypothesis parses a module's source to describe a lambda for display. The description is
only ever shown, so it is replaced with a fixed one here; nothing that is generated or checked
changes.
"""

import sys

import hypothesis.internal.lambda_sources as lambda_sources

lambda_sources.lambda_description = lambda f: "lambda: <unknown>"

from schemathesis.cli import schemathesis  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "st"
    sys.exit(schemathesis())
