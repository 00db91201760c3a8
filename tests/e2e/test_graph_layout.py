"""The editor's graph arranged by hand in Chromium against a real `crmflow serve`: drag a step with
the mouse, save, reload and find it where it was put; the definition's version stays the same
(positions are presentation only); "Tidy layout" puts it back in the automatic layout. The canvas
also shows the trigger's filter, the workflow's conditions and a step's `when`.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import api_json, open_signed_in, snap, wait_until_ready
from tests.e2e.server import LiveServer

MOVED = "actions/1"  # the step the test drags
TOLERANCE = 1.5  # canvas pixels (positions are saved rounded to whole pixels)


def _workflow(server: LiveServer) -> int:
    """A draft on signed deals: three conditions, a notification, a task only for big deals."""
    workflow = api_json(
        server,
        "POST",
        "/workflows",
        json={
            "name": "E2E arranged graph",
            "trigger_type": "deal_stage_changed",
            "trigger_config": {"from": "proposition", "to": "signed"},
            "conditions": {
                "operator": "AND",
                "rules": [
                    {"field": "deal.amount", "operator": ">", "value": 50000},
                    {"field": "deal.discount_percent", "operator": "<", "value": 20},
                    {"field": "organisation.category", "operator": "==", "value": "corporate"},
                ],
            },
            "actions": [
                {
                    "type": "send_notification",
                    "name": "Tell the owner",
                    "config": {"user": "{{ deal.owner.id }}", "message": "Signed"},
                },
                {
                    "type": "create_task",
                    "name": "Plan the kick-off",
                    "when": {"field": "deal.amount", "operator": ">", "value": 100000},
                    "config": {"title": "Kick-off {{ deal.title }}", "due_date": "+3 days"},
                },
            ],
        },
    )
    return int(workflow["id"])


def _open_steps(page: Page, server: LiveServer, workflow_id: int) -> Locator:
    open_signed_in(page, server, f"/workflows/{workflow_id}/edit")
    wait_until_ready(page)
    page.get_by_role("tab", name=re.compile("Steps")).click()
    graph = page.get_by_role("region", name="Workflow steps graph")
    expect(graph.get_by_role("button", name='Edit step "Plan the kick-off"')).to_be_visible()
    return graph


def _position(node: Locator) -> tuple[float, float]:
    """The node's top-left corner in canvas coordinates (its CSS translate)."""
    transform = node.evaluate("el => el.style.transform")
    match = re.fullmatch(r"translate\((-?[\d.]+)px, ?(-?[\d.]+)px\)", transform)
    assert match, transform
    return float(match.group(1)), float(match.group(2))


def _zoom(graph: Locator) -> float:
    transform = graph.locator(".react-flow__viewport").evaluate("el => el.style.transform")
    match = re.search(r"scale\(([\d.]+)\)", transform)
    assert match, transform
    return float(match.group(1))


def _near(actual: tuple[float, float], wanted: tuple[float, float]) -> bool:
    return abs(actual[0] - wanted[0]) <= TOLERANCE and abs(actual[1] - wanted[1]) <= TOLERANCE


def test_a_dragged_step_keeps_its_place_without_a_new_version(
    page: Page, server: LiveServer
) -> None:
    workflow_id = _workflow(server)
    graph = _open_steps(page, server, workflow_id)

    # Conditions on the canvas: the trigger's filter, the first condition and how many more, the
    # step's `when`; the whole text in the tooltip.
    trigger = graph.locator('.react-flow__node[data-id="trigger"]')
    expect(trigger).to_contain_text("from proposition → signed")
    expect(trigger.get_by_text("if deal.amount > 50000 +2 more")).to_have_attribute(
        "title", re.compile(r"^Conditions: deal\.amount > 50000 and .* and organisation\.category")
    )
    node = graph.locator(f'.react-flow__node[data-id="{MOVED}"]')
    expect(node.locator(".flow-step-when")).to_have_text("if deal.amount > 100000")

    automatic = _position(node)
    zoom = _zoom(graph)
    box = node.bounding_box()
    canvas = graph.bounding_box()
    assert box and canvas
    # Drag by the middle of the step, well inside the canvas (no auto-pan near its edges).
    start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    room_right = canvas["x"] + canvas["width"] - 80 - (box["x"] + box["width"])
    dx = 180.0 if room_right > 180 else -180.0
    dy = 40.0
    page.mouse.move(*start)
    page.mouse.down()
    # React Flow starts a drag past a 1 px threshold, from where the pointer is then.
    page.mouse.move(start[0] + 2, start[1])
    page.mouse.move(start[0] + 2 + dx, start[1] + dy, steps=12)
    page.mouse.up()

    dragged = _position(node)
    assert _near(dragged, (automatic[0] + dx / zoom, automatic[1] + dy / zoom)), (
        automatic,
        dragged,
        zoom,
    )
    moved_box = node.bounding_box()
    assert moved_box and abs(moved_box["x"] - box["x"] - dx) <= 3, (box, moved_box)
    # A drag is an unsaved change, and not a click: no step panel opened.
    expect(page.get_by_role("status").filter(has_text="Unsaved changes")).to_be_visible()
    expect(page.locator(".step-panel")).to_have_count(0)
    snap(page, "graph-layout-01-dragged")

    page.get_by_role("button", name="Save workflow").click()
    expect(page.get_by_role("status").filter(has_text="Saved as version 1")).to_be_visible()
    saved = api_json(server, "GET", f"/workflows/{workflow_id}")
    assert saved["version"] == 1, saved
    saved_xy = saved["graph_layout"]["positions"][MOVED]
    assert _near((saved_xy["x"], saved_xy["y"]), dragged), (saved_xy, dragged)
    assert set(saved["graph_layout"]["positions"]) == {MOVED}

    # Reloaded, the step is where it was put.
    page.reload()
    wait_until_ready(page)
    page.get_by_role("tab", name=re.compile("Steps")).click()
    expect(node).to_be_visible()
    assert _near(_position(node), dragged), (_position(node), dragged)
    expect(page.get_by_role("status").filter(has_text="Unsaved changes")).to_have_count(0)
    snap(page, "graph-layout-02-reloaded")

    # Tidy: back in the automatic layout, saved as "no positions", still the same version.
    page.get_by_role("button", name="Tidy layout").click()
    assert _near(_position(node), automatic), (_position(node), automatic)
    expect(page.get_by_role("button", name="Tidy layout")).to_be_disabled()
    expect(page.get_by_role("status").filter(has_text="Unsaved changes")).to_be_visible()
    page.get_by_role("button", name="Save workflow").click()
    expect(page.get_by_role("status").filter(has_text="Saved as version 1")).to_be_visible()
    tidied = api_json(server, "GET", f"/workflows/{workflow_id}")
    assert (tidied["version"], tidied["graph_layout"]) == (1, None), tidied
    versions = api_json(server, "GET", f"/workflows/{workflow_id}/versions")
    assert [v["version"] for v in versions] == [1], versions
