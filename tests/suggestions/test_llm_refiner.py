"""ChatRefiner against a real local HTTP server speaking the OpenAI chat-completions protocol."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from crmflow.common.enums import SuggestionKind
from crmflow.config import Settings
from crmflow.suggestions.findings import Finding
from crmflow.suggestions.llm import ChatRefiner, Refined, refiner_from_settings


@dataclass
class Reply:
    """What the fake server answers to one request."""

    status: int = 200
    body: bytes = b""
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # if set, send the body one byte per this many seconds


@dataclass
class FakeLLM:
    """Replies served in order; every request received, parsed."""

    url: str
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


def completion(content: str) -> Reply:
    """A chat completion whose message content is `content`."""
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }
    return Reply(body=json.dumps(body).encode())


def answer(*items: dict[str, Any]) -> Reply:
    """A chat completion whose content is the JSON `{"suggestions": [...]}`."""
    return completion(json.dumps({"suggestions": list(items)}, ensure_ascii=False))


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    state: FakeLLM

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "body": json.loads(raw),
                }
            )
            reply = state.replies.pop(0) if state.replies else Reply(status=500)
            if reply.delay and state.release.wait(reply.delay):
                return
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if not reply.trickle:
                    self.wfile.write(reply.body)
                    return
                for i in range(len(reply.body)):
                    if state.release.wait(reply.trickle):
                        return
                    self.wfile.write(reply.body[i : i + 1])
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first: what the timeout tests want

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = FakeLLM(url=f"http://127.0.0.1:{server.server_address[1]}/v1")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def refiner(llm: FakeLLM, *, api_key: str | None = None, timeout: float = 5.0) -> ChatRefiner:
    return ChatRefiner(base_url=llm.url, model="test-model", api_key=api_key, timeout=timeout)


def approval_finding(**changes: Any) -> Finding:
    values: dict[str, Any] = {
        "kind": SuggestionKind.AUTO_APPROVAL,
        "workflow_id": 7,
        "key": "actions/1|deal.amount|<|5000",
        "title": "Auto-approve “Manager approval” when deal.amount < 5000",
        "description": (
            "Over the last 30 days, 48 of 50 requests with deal.amount < 5000 were approved "
            "(96.0 %); outside it, 3 of 12 were (25.0 %). Skipping the approval there saves "
            "those waits."
        ),
        "confidence": 0.87,
        "frequency": 50,
        "evidence": {
            "step": {"path": "actions/1", "name": "Manager approval"},
            "requests": 62,
            "in_segment": {"approved": 48, "rejected": 2},
            "approval_rate": 0.953,
            "median_wait_seconds": 93600.5,
        },
    }
    values.update(changes)
    return Finding(**values)


def failure_finding() -> Finding:
    return Finding(
        kind=SuggestionKind.ERROR_HANDLING,
        workflow_id=8,
        key="actions/0|retry",
        title="Retry “Send welcome email” when it fails for a passing reason",
        description="“Send welcome email” failed in 14 of 200 runs (7.0 %); 11 were timeouts.",
        confidence=0.7,
        frequency=14,
        evidence={"failed": 14, "total": 200},
    )


GOOD_FR = {
    "index": 1,
    "title": "Approuver automatiquement les deals de moins de 5 000 €",
    "description": "Sur 30 jours, 48 demandes sur 50 ont été approuvées (96 %).",
    "rank": 2,
}
GOOD_FR_2 = {
    "index": 2,
    "title": "Réessayer l’envoi du mail de bienvenue",
    "description": "L’envoi a échoué 14 fois sur 200 (7 %), surtout par dépassement de délai.",
    "rank": 1,
}


def test_good_answer_is_used_and_request_follows_the_protocol(llm: FakeLLM) -> None:
    llm.replies.append(answer(GOOD_FR, GOOD_FR_2))
    findings = [approval_finding(), failure_finding()]

    out = refiner(llm)(findings, language="fr")

    assert out == [
        Refined(title=GOOD_FR["title"], description=GOOD_FR["description"], rank=2),
        Refined(title=GOOD_FR_2["title"], description=GOOD_FR_2["description"], rank=1),
    ]
    [request] = llm.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] is None
    body = request["body"]
    assert body["model"] == "test-model"
    assert body["temperature"] == 0.2
    assert body["response_format"] == {"type": "json_object"}
    system, user = body["messages"]
    assert (system["role"], user["role"]) == ("system", "user")
    assert "French" in system["content"] and "French" in user["content"]
    assert "English" not in system["content"]
    # Each finding: its index, kind, mined text and evidence figures.
    assert '"index":1,"kind":"auto_approval"' in user["content"]
    assert '"index":2,"kind":"error_handling"' in user["content"]
    assert json.dumps(findings[0].description) in user["content"]
    assert '"median_wait_seconds":93600.5' in user["content"]


def test_api_key_is_sent_as_bearer_and_english_is_asked(llm: FakeLLM) -> None:
    llm.replies.append(answer({**GOOD_FR, "title": "Auto-approve deals under 5000"}))

    out = refiner(llm, api_key="sk-test-123")([approval_finding()], language="en")

    assert out[0] is not None and out[0].title == "Auto-approve deals under 5000"
    [request] = llm.requests
    assert request["authorization"] == "Bearer sk-test-123"
    system, user = request["body"]["messages"]
    assert "English" in system["content"] and "English" in user["content"]
    assert "French" not in system["content"]


def test_control_and_bidi_characters_and_surrounding_space_are_stripped(llm: FakeLLM) -> None:
    llm.replies.append(
        answer(
            {
                "index": 1,
                "title": "  \u202eApprouver\u200b automatiquement\x07\n ",
                "description": "\tLigne un.\nLigne\u2066 deux.\x00  ",
            }
        )
    )

    [refined] = refiner(llm)([approval_finding()], language="fr")

    assert refined == Refined(
        title="Approuver automatiquement", description="Ligne un.\nLigne deux.", rank=None
    )


def test_markdown_fenced_json_is_accepted(llm: FakeLLM) -> None:
    llm.replies.append(completion("```json\n" + json.dumps({"suggestions": [GOOD_FR]}) + "\n```"))

    [refined] = refiner(llm)([approval_finding()], language="fr")

    assert refined is not None and refined.rank == 2


def test_an_invented_number_drops_only_that_entry(llm: FakeLLM) -> None:
    invented = {**GOOD_FR, "description": "Sur 30 jours, 97 % des demandes ont été approuvées."}
    llm.replies.append(answer(invented, GOOD_FR_2))

    out = refiner(llm)([approval_finding(), failure_finding()], language="fr")

    assert out[0] is None
    assert out[1] is not None and out[1].rank == 1


@pytest.mark.parametrize(
    "text",
    [
        "96 % des demandes",  # the mined 96.0 at the precision shown
        "96,0 % des demandes",  # French decimal comma
        "sous 5 000 €",  # thousands separator (space)
        "sous 5\u202f000 €",  # thousands separator (narrow no-break space)
        "sous 5,000 dollars",  # thousands separator (comma)
        "un taux de 0,95",  # evidence 0.953 rounded to two decimals
        "un taux de 0.953",  # evidence as is
        "62 demandes en tout",  # evidence only
        "en 93 600,5 secondes",  # evidence decimal, grouped
        "sans chiffre",
    ],
)
def test_numbers_from_the_miners_are_accepted(llm: FakeLLM, text: str) -> None:
    llm.replies.append(answer({**GOOD_FR, "description": text}))

    [refined] = refiner(llm)([approval_finding()], language="fr")

    assert refined is not None and refined.description == text


@pytest.mark.parametrize(
    ("title", "description"),
    [
        (GOOD_FR["title"], "Environ 95 % des demandes"),  # 0.953 is not 95 %: no conversions
        (GOOD_FR["title"], "un taux de 0,9"),  # 0.953 rounded to one decimal is 1.0
        (GOOD_FR["title"], "un gain de 12,5 %"),
        (GOOD_FR["title"], "sous 12 500 €"),
        (GOOD_FR["title"], "en 26 heures"),  # 93600.5 s converted: a figure the miners never wrote
        (GOOD_FR["title"], "sur 1 500 demandes"),
        (GOOD_FR["title"], "taux de 96.04 %"),  # more precision than mined
        (GOOD_FR["title"], "soit ٩٧ %"),  # Arabic-Indic digits are digits too
        ("Approuver sous 4 999 €", GOOD_FR["description"]),  # the title is checked too
    ],
)
def test_invented_numbers_are_rejected(llm: FakeLLM, title: str, description: str) -> None:
    llm.replies.append(answer({**GOOD_FR, "title": title, "description": description}))

    assert refiner(llm)([approval_finding()], language="fr") == [None]


def test_missing_entries_fall_back(llm: FakeLLM) -> None:
    llm.replies.append(answer(GOOD_FR_2))

    out = refiner(llm)([approval_finding(), failure_finding()], language="fr")

    assert out[0] is None and out[1] is not None


@pytest.mark.parametrize(
    "content",
    [
        "Voici mes suggestions : approuvez les petits deals.",
        "",
        "[1, 2]",
        json.dumps({"items": [GOOD_FR]}),
        json.dumps({"suggestions": GOOD_FR}),
        json.dumps({"suggestions": [{**GOOD_FR, "title": "x" * 201}]}),
        json.dumps({"suggestions": [{**GOOD_FR, "title": " \u200b "}]}),
        json.dumps({"suggestions": [{**GOOD_FR, "description": ""}]}),
        json.dumps({"suggestions": [{**GOOD_FR, "description": "x" * 2001}]}),
        json.dumps({"suggestions": [{**GOOD_FR, "index": 3}]}),
        json.dumps({"suggestions": [{**GOOD_FR, "index": 0}]}),
        json.dumps({"suggestions": [{**GOOD_FR, "index": "1"}]}),
        json.dumps({"suggestions": [{**GOOD_FR, "rank": 0}]}),
        json.dumps({"suggestions": [{**GOOD_FR, "title": 42}]}),
        json.dumps({"suggestions": [GOOD_FR, {**GOOD_FR_2, "index": 1}]}),  # duplicate index
    ],
)
def test_unusable_content_falls_back_for_the_whole_batch(llm: FakeLLM, content: str) -> None:
    llm.replies.append(completion(content))

    assert refiner(llm)([approval_finding(), failure_finding()], language="fr") == [None, None]


@pytest.mark.parametrize(
    "body", [b"<html>Bad gateway</html>", b"{}", b'{"choices": []}', b'{"choices": [{}]}']
)
def test_a_body_that_is_no_chat_completion_falls_back(llm: FakeLLM, body: bytes) -> None:
    llm.replies.append(Reply(body=body))

    assert refiner(llm)([approval_finding()], language="fr") == [None]


def test_http_error_falls_back_and_logs_without_the_key(
    llm: FakeLLM, caplog: pytest.LogCaptureFixture
) -> None:
    llm.replies.append(Reply(status=500, body=b'{"error": "boom sk-secret-999"}'))

    with caplog.at_level(logging.WARNING, logger="crmflow.suggestions"):
        out = refiner(llm, api_key="sk-secret-999")([approval_finding()], language="fr")

    assert out == [None]
    assert "HTTP 500" in caplog.text
    assert "sk-secret-999" not in caplog.text


def test_unreachable_server_falls_back() -> None:
    dead = ChatRefiner(base_url="http://127.0.0.1:9/v1", model="m", api_key=None, timeout=1.0)

    assert dead([approval_finding()], language="en") == [None]


def test_slow_answer_times_out_and_falls_back(llm: FakeLLM) -> None:
    llm.replies.append(Reply(delay=5.0, body=answer(GOOD_FR).body))

    started = time.monotonic()
    out = refiner(llm, timeout=0.5)([approval_finding()], language="fr")

    assert out == [None]
    assert time.monotonic() - started < 1.0


def test_trickled_answer_is_cut_at_the_overall_deadline(llm: FakeLLM) -> None:
    # Each byte comes within the read timeout; the whole answer would take far longer.
    reply = answer(GOOD_FR)
    llm.replies.append(Reply(body=reply.body, trickle=0.05))

    started = time.monotonic()
    out = refiner(llm, timeout=0.5)([approval_finding()], language="fr")

    assert out == [None]
    assert time.monotonic() - started < 1.0


def test_more_than_twenty_findings_take_two_requests(llm: FakeLLM) -> None:
    findings = [approval_finding(key=f"k{i}") for i in range(25)]
    first = [{**GOOD_FR, "index": i, "rank": i} for i in range(1, 21)]
    second = [{**GOOD_FR, "index": i, "rank": 6 - i} for i in range(1, 6)]
    llm.replies += [answer(*first), answer(*second)]

    out = refiner(llm)(findings, language="fr")

    assert len(llm.requests) == 2
    counts = [r["body"]["messages"][1]["content"].count('"kind":') for r in llm.requests]
    assert counts == [20, 5]
    assert all(item is not None for item in out)
    assert [item.rank for item in out if item] == [*range(1, 21), 5, 4, 3, 2, 1]


def test_a_failed_batch_does_not_spoil_the_next(llm: FakeLLM) -> None:
    findings = [approval_finding(key=f"k{i}") for i in range(21)]
    llm.replies += [Reply(status=500), answer(GOOD_FR)]

    out = refiner(llm)(findings, language="fr")

    assert out[:20] == [None] * 20
    assert out[20] is not None and out[20].title == GOOD_FR["title"]


def test_no_findings_make_no_request(llm: FakeLLM) -> None:
    assert refiner(llm)([], language="fr") == []
    assert llm.requests == []


def test_large_evidence_is_trimmed_in_the_prompt(llm: FakeLLM) -> None:
    examples = [{"id": i, "note": "x" * 500} for i in range(1000)]
    llm.replies.append(answer(GOOD_FR))

    refiner(llm)([approval_finding(evidence={"examples": examples})], language="fr")

    assert len(llm.requests[0]["body"]["messages"][1]["content"]) < 8000


@pytest.fixture
def no_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CRMFLOW_LLM_BASE_URL", "CRMFLOW_LLM_MODEL", "CRMFLOW_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_llm_env")
@pytest.mark.parametrize(
    "env",
    [
        {},
        {"CRMFLOW_LLM_BASE_URL": "http://127.0.0.1:11434/v1"},
        {"CRMFLOW_LLM_MODEL": "llama3.1"},
        {"CRMFLOW_LLM_BASE_URL": "  ", "CRMFLOW_LLM_MODEL": "llama3.1"},
    ],
)
def test_refiner_from_settings_is_none_without_url_and_model(env: dict[str, str]) -> None:
    assert refiner_from_settings(Settings(_env_file=None, **env)) is None


@pytest.mark.usefixtures("no_llm_env")
def test_refiner_from_settings_calls_the_configured_server(llm: FakeLLM) -> None:
    settings = Settings(
        _env_file=None,
        CRMFLOW_LLM_BASE_URL=llm.url + "/",
        CRMFLOW_LLM_MODEL="llama3.1",
        CRMFLOW_LLM_API_KEY="sk-from-settings",
    )
    made = refiner_from_settings(settings)
    assert isinstance(made, ChatRefiner)
    llm.replies.append(answer(GOOD_FR))

    [refined] = made([approval_finding()], language="fr")

    assert refined is not None
    assert llm.requests[0]["path"] == "/v1/chat/completions"
    assert llm.requests[0]["body"]["model"] == "llama3.1"
    assert llm.requests[0]["authorization"] == "Bearer sk-from-settings"


def test_figures_hidden_in_evidence_text_do_not_widen_what_is_allowed(llm: FakeLLM) -> None:
    # A quote (U+2019) or a list [1, 500] in the evidence must not make 2019 or 1500 "mined".
    evidence = {"step": {"name": "Relance d’équipe"}, "ids": [1, 500]}
    llm.replies += [answer({**GOOD_FR, "description": t}) for t in ("En 2019.", "1 500 fois.")]
    refine = refiner(llm)

    assert refine([approval_finding(evidence=evidence)], language="fr") == [None]
    assert refine([approval_finding(evidence=evidence)], language="fr") == [None]


def test_dates_names_and_example_runs_in_the_evidence_are_not_figures(llm: FakeLLM) -> None:
    # "13 hours" must not pass because the window ended at 13:41, a step is named "Step 7" or
    # an example run has id 2026: only the evidence's measured numbers count.
    evidence = {
        "window": {"from": "2026-11-07T13:41:06+00:00", "to": "2026-12-07T13:41:06+00:00"},
        "step": {"name": "Step 7"},
        "examples": [{"execution_id": 2026, "record": {"amount": 4999}}],
        "most_common_error": {"shape": "timed out after 11 s", "count": 62},
    }
    texts = ("Saves 13 hours.", "Step 7 waits.", "Run 2026 shows it.", "Under 4999.", "After 11 s.")
    llm.replies += [answer({**GOOD_FR, "description": t}) for t in texts]
    llm.replies.append(answer({**GOOD_FR, "description": "62 failures."}))
    refine = refiner(llm)

    for _ in texts:
        assert refine([approval_finding(evidence=evidence)], language="fr") == [None]
    [kept] = refine([approval_finding(evidence=evidence)], language="fr")
    assert kept is not None and kept.description == "62 failures."
