"""Server processes collect garbage in fewer, larger passes, with startup objects frozen."""

from __future__ import annotations

import json
import subprocess
import sys

from crmflow.common.gc_tuning import SERVER_THRESHOLDS

PROBE = """
import gc, json
from crmflow.common.gc_tuning import tune_for_server
before = gc.get_threshold()
tune_for_server()
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def test_tune_for_server_freezes_startup_objects_and_raises_the_thresholds() -> None:
    # A process of its own: the test process keeps Python's defaults.
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    probe = json.loads(out.stdout)
    assert probe["before"] == [700, 10, 10]
    assert probe["after"] == list(SERVER_THRESHOLDS)
    assert probe["frozen"] > 1000  # the modules and objects startup built
