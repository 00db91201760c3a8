"""The shipped Prometheus rules and Grafana dashboard: promtool-clean, and every metric they
use is one crmflow exposes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Tenant
from tests.metrics.test_prometheus import _history, scrape

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "crmflow-rules.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "crmflow-dashboard.json"
# Names in PromQL that are functions, keywords or our recording rules, not metrics.
NOT_METRICS = {
    "sum", "by", "rate", "increase", "histogram_quantile", "on", "and", "or", "unless", "le",
    "group_left", "humanize", "humanizePercentage", "bool", "without", "status", "workflow_type",
    "action_type", "workflow_name", "sla_name", "sla_id", "severity", "source",
}  # fmt: skip
METRIC = re.compile(r"\b([a-z_][a-z0-9_]*)\b(?=\s*[{\[(]|\s*$|\s*[<>/)]|\s+(?:and|<|>|on)\b)")


def _metrics_in(expr: str) -> set[str]:
    names = {m for m in METRIC.findall(expr) if m not in NOT_METRICS and ":" not in m}
    return {n for n in names if not re.fullmatch(r"\d+[smhd]?", n)}


def test_rules_pass_promtool() -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: `make test` installs Debian's prometheus package"
    checked = subprocess.run([promtool, "check", "rules", str(RULES)], capture_output=True)
    out = (checked.stdout + checked.stderr).decode()
    assert checked.returncode == 0 and "SUCCESS: 7 rules found" in out, out


def test_rules_and_dashboard_use_only_metrics_crmflow_exposes(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    _history(client, tenant, writer_session)
    _, families = scrape(client)
    exposed = {s.name for f in families.values() for s in f.samples} | set(families)
    exprs = re.findall(
        r"expr: >?\s*\n?((?:.|\n)*?)(?=\n\s*(?:for|labels|- record|- alert):|\Z)", RULES.read_text()
    )
    dashboard = json.loads(DASHBOARD.read_text())
    exprs += [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = set().union(*(_metrics_in(e) for e in exprs))
    assert used, "no metric found in the rules and the dashboard"
    # Families with no sample yet (suggestions) are exposed by name: their HELP/TYPE lines.
    assert used <= exposed | {f"{n}_total" for n in families} | {f"{n}_bucket" for n in families}, (
        used - exposed
    )
    assert len(dashboard["panels"]) >= 10 and dashboard["uid"] == "crmflow"
