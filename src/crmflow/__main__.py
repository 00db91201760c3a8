"""`python -m crmflow` runs the CLI."""

from crmflow.cli import app

app(prog_name="crmflow")
