"""A blueprint's graph: nodes and edges derived from its steps, placed by a tidy layout.

Node ids are the editor's: `trigger` and the engine's step paths (`actions/1/branches/0/actions/0`),
so a graph spec and a workflow's saved layout are the same positions. Edges always follow the
steps; positions a blueprint brings are kept for the nodes that exist.
"""

from __future__ import annotations

from typing import Any

from crmflow.common.errors import Invalid
from crmflow.workflows.step_tree import Segments, step_path

# The editor's node size and gaps (web/src/editor/graph.ts), so both tidy layouts agree.
NODE_W, NODE_H, H_GAP, V_GAP = 240, 72, 36, 46
COLUMN, ROW = NODE_W + H_GAP, NODE_H + V_GAP
TRIGGER = "trigger"


def _lanes(step: dict[str, Any]) -> list[tuple[Segments, list[Any]]]:
    """The step lists nested in a step, as (where the list sits, its steps)."""
    lanes: list[tuple[Segments, list[Any]]] = []
    for index, branch in enumerate(step.get("branches") or []):
        inner = branch.get("actions") if isinstance(branch, dict) else branch
        lanes.append((("branches", index, "actions"), inner if isinstance(inner, list) else []))
    for key in ("else", "on_reject"):
        if isinstance(step.get(key), list):
            lanes.append(((key,), step[key]))
    return lanes


def _falls_through(step: dict[str, Any], lanes: list[tuple[Segments, list[Any]]]) -> bool:
    """Whether a run can go on past the step without entering any of its lanes."""
    kind = step.get("type")
    # An approval that is granted goes on; a branch with no `else` goes on when nothing matched.
    return (
        kind == "approval"
        or (kind == "branch" and "else" not in step)
        or any(not lane for key, lane in lanes if key != ("on_reject",))
    )


def _width(steps: list[Any]) -> int:
    """Columns a step list needs: its widest step."""
    return max((_step_width(s) for s in steps if isinstance(s, dict)), default=1)


def _step_width(step: dict[str, Any]) -> int:
    lanes = _lanes(step)
    return max(1, sum(_width(lane) for _, lane in lanes)) if lanes else 1


class _Layout:
    def __init__(self) -> None:
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, str]] = []

    def place(
        self, steps: list[Any], at: Segments, column: float, row: int, entry: list[str]
    ) -> tuple[int, list[str]]:
        """Lay a step list out from (column, row); return the next free row and its exits."""
        exits = entry
        width = _width(steps)
        for index, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            here = (*at, index)
            node = step_path(here)
            x = (column + (width - 1) / 2) * COLUMN
            self.nodes.append({"id": node, "type": str(step.get("type")), "x": x, "y": row * ROW})
            self.edges += [{"from": e, "to": node} for e in exits]
            row += 1
            lanes = _lanes(step)
            if not lanes:
                # A stop ends the run: nothing follows it.
                exits = [] if step.get("type") == "stop" else [node]
                continue
            lane_column, bottom, exits = column + (width - _step_width(step)) / 2, row, []
            for key, lane in lanes:
                end_row, lane_exits = self.place(lane, (*here, *key), lane_column, row, [node])
                # A rejection runs on_reject then ends the run `rejected`: it joins nothing.
                exits += [] if key == ("on_reject",) else lane_exits
                bottom = max(bottom, end_row)
                lane_column += _width(lane)
            if _falls_through(step, lanes):
                exits.append(node)
            row = bottom
            exits = list(dict.fromkeys(exits))
        return row, exits


def derive_graph_spec(
    process_steps: list[Any], positions: dict[str, dict[str, float]] | None = None
) -> dict[str, Any]:
    """Nodes and edges of a trigger and its steps; given positions win over the tidy layout."""
    layout = _Layout()
    width = _width(process_steps)
    layout.nodes.append({"id": TRIGGER, "type": TRIGGER, "x": (width - 1) / 2 * COLUMN, "y": 0})
    layout.place(process_steps, ("actions",), 0, 1, [TRIGGER])
    placed = positions or {}
    for node in layout.nodes:
        if node["id"] in placed:
            node["x"], node["y"] = placed[node["id"]]["x"], placed[node["id"]]["y"]
        node["x"], node["y"] = float(node["x"]), float(node["y"])
    return {"layout": "manual" if placed else "auto", "nodes": layout.nodes, "edges": layout.edges}


def reconcile_graph_spec(process_steps: list[Any], given: Any) -> dict[str, Any]:
    """The graph spec of these steps, keeping the positions `given` has for nodes that exist.

    A node id that names no step is refused (422 on `graph_spec.nodes[i].id`): it would be a
    position for a step the blueprint does not have. Edges are always recomputed.
    """
    if not given:
        return derive_graph_spec(process_steps)
    if not isinstance(given, dict) or not isinstance(given.get("nodes", []), list):
        raise Invalid(
            "graph_spec: expected {nodes: [{id, type, x, y}], edges: [{from, to}]}",
            field="graph_spec",
        )
    known = {node["id"] for node in derive_graph_spec(process_steps)["nodes"]}
    positions: dict[str, dict[str, float]] = {}
    for index, node in enumerate(given.get("nodes") or []):
        where = f"graph_spec.nodes[{index}]"
        if not isinstance(node, dict) or node.get("id") not in known:
            raise Invalid(
                f"{where}.id: {node.get('id') if isinstance(node, dict) else node!r} is not the "
                "trigger or a step path of process_steps",
                field=f"{where}.id",
            )
        x, y = node.get("x"), node.get("y")
        if not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= 1e6
            for v in (x, y)
        ):
            raise Invalid(f"{where}: x and y are numbers within ±1,000,000", field=where)
        positions[node["id"]] = {"x": float(x), "y": float(y)}  # type: ignore[arg-type]
    spec = derive_graph_spec(process_steps, positions)
    if given.get("layout") == "auto":
        spec["layout"] = "auto"  # positions equal to the tidy layout's: still automatic
    return spec
