"""The owner's closed loop in a real browser (the admin) with visitors on the chat API.

Journey 1: a visitor asks an owner-specific question the twin cannot ground → the turn escalates
and a review item appears → the owner logs in, answers and teaches → applies the learning input →
publishes the draft → the visitor asks again and gets the owner's answer, citing the new FAQ entry.

Journey 2: a guardrail refusal rule, added as a learning input in the admin, applied and published,
makes the twin refuse a topic it used to answer; a rollback in the admin restores the old behaviour.

Every step is saved as a screenshot in ``tests/artifacts/e2e/<journey>/``; the visitor's side is
drawn as a small chat page of the API's replies.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.e2e.conftest import OWNER, PASSWORD, Shots, Site
from tests.learning.conftest import OWNER_ANSWER, OWNER_QUESTION, SEED_QUESTION

pytestmark = pytest.mark.browser


def _show_chat(page: Any, title: str, turns: list[tuple[str, dict[str, Any]]]) -> None:
    """The visitor's view: each question and the twin's reply with its action and citations."""
    rows = []
    for question, reply in turns:
        meta = reply["metadata"]
        cited = ", ".join(f"{c['kind']}: {c['title']}" for c in meta["citations"]) or "none"
        rows.append(
            f"<div class='me'>{html.escape(question)}</div>"
            f"<div class='twin'>{html.escape(reply['message']['content'])}"
            f"<small>action <b>{meta['routing_decision']['action']}</b> · spec {meta['persona_spec_version']}"
            f" · citations: {html.escape(cited)}</small></div>"
        )
    page.set_content(
        "<style>body{font-family:sans-serif;max-width:760px;margin:24px auto}"
        ".me,.twin{padding:10px 14px;margin:8px 0;border-radius:12px;white-space:pre-wrap}"
        ".me{background:#dbeafe;margin-left:120px}.twin{background:#f1f5f9;margin-right:120px}"
        "small{display:block;color:#475569;margin-top:6px}</style>"
        f"<h2>{html.escape(title)}</h2>{''.join(rows)}"
    )


def _login(page: Any, site: Site, shot: Shots) -> None:
    page.goto(f"{site.base_url}/admin/")
    page.fill("#id_username", OWNER)
    page.fill("#id_password", PASSWORD)
    shot(page, "admin-login")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    assert "Your twins" in page.content()


def _apply_and_publish(page: Any, shot: Shots) -> str:
    """On a pending learning input's page: apply it, follow the link to the draft, publish it."""
    page.click("text=Apply…")
    page.wait_for_selector("text=Yes, apply it")
    shot(page, "apply-confirmation")
    page.click("input[value='Yes, apply it']")
    page.wait_for_selector(".messagelist .success")
    shot(page, "applied-with-draft-link")
    link = page.locator("a.applied-draft-link")
    version = re.search(r"version (\d+\.\d+\.\d+)", link.inner_text()).group(1)
    link.click()
    page.wait_for_selector("text=Publish…")
    shot(page, "draft-offers-publish")
    page.click("text=Publish…")
    page.wait_for_selector(f"input[value='Yes, publish {version}']")
    shot(page, "publish-confirmation")
    page.click(f"input[value='Yes, publish {version}']")
    page.wait_for_selector(".messagelist .success")
    assert "is now the active version" in page.inner_text(".messagelist")
    shot(page, "published")
    return version


def test_journey_1_an_escalated_question_answered_and_taught_is_answered_by_the_twin(site: Site, page):
    shot = Shots("journey1-answer-and-teach")
    first = site.ask(OWNER_QUESTION)
    assert first["metadata"]["routing_decision"]["action"] == "escalate"
    assert first["metadata"]["review_item_id"] is not None
    _show_chat(page, "Visitor: the twin cannot answer yet", [(OWNER_QUESTION, first)])
    shot(page, "visitor-escalated")

    _login(page, site, shot)
    page.goto(f"{site.base_url}/admin/review/reviewitem/")
    page.get_by_role("link", name=OWNER_QUESTION).first.click()
    page.wait_for_selector("text=Answer and teach…")
    shot(page, "review-item")
    page.click("text=Answer and teach…")
    page.fill("#id_answer", OWNER_ANSWER)
    shot(page, "answer-and-teach")
    page.click("input[value='Send the answer and teach the twin']")
    page.wait_for_selector(".messagelist .success")
    shot(page, "answered")

    page.goto(f"{site.base_url}/admin/learning/learninginput/")
    shot(page, "learning-inputs-pending-first")
    page.get_by_role("link", name=OWNER_QUESTION).first.click()
    page.wait_for_selector(".learning-input-preview")
    assert "faq_library" in page.inner_text(".learning-input-preview")
    shot(page, "learning-input-preview")
    version = _apply_and_publish(page, shot)

    again = site.ask(OWNER_QUESTION)
    meta = again["metadata"]
    assert meta["routing_decision"]["action"] == "answer"
    assert meta["persona_spec_version"] == version
    assert {"kind": "faq", "title": OWNER_QUESTION} in [
        {"kind": c["kind"], "title": c["title"]} for c in meta["citations"]
    ]
    assert "The Mom Test" in again["message"]["content"]
    _show_chat(page, "Visitor: the twin answers with the owner's answer", [(OWNER_QUESTION, again)])
    shot(page, "visitor-answered-with-citation")

    page.goto(f"{site.base_url}/admin/learning/regressioncase/")
    assert OWNER_QUESTION in page.content()
    shot(page, "regression-case")
    # Read back through the owner's API: the ORM is not for this thread, where Playwright runs its event loop.
    item = site.owner_get(f"/twins/{site.twin_id}/owner-review-queue/{first['metadata']['review_item_id']}")
    assert item["status"] == "resolved"
    exported = site.owner_get(f"/twins/{site.twin_id}/regression-cases/export")
    assert [(c["query"], c["expected_action"], c["requires_citations"]) for c in exported["cases"]] == [
        (OWNER_QUESTION, "answer", True)
    ]


def test_journey_2_a_guardrail_rule_makes_the_twin_refuse_and_a_rollback_restores_it(site: Site, page):
    shot = Shots("journey2-guardrail-and-rollback")
    before_version = site.owner_get(f"/twins/{site.twin_id}/persona-specs?status=active")["results"][0]["version"]
    before = site.ask(SEED_QUESTION)
    assert before["metadata"]["routing_decision"]["action"] == "answer"
    _show_chat(page, "Visitor: the twin answers about seed rounds", [(SEED_QUESTION, before)])
    shot(page, "visitor-answered")

    _login(page, site, shot)
    page.goto(f"{site.base_url}/admin/learning/learninginput/add/")
    page.select_option("#id_twin", label="Maya Chen")
    page.select_option("#id_input_type", value="add_guardrail_refusal_rule")
    page.fill(
        "#id_payload", '{"forbidden_topics": ["seed round"], "refusal_templates": ["I leave seed rounds to Maya."]}'
    )
    shot(page, "add-guardrail-input")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    shot(page, "learning-inputs")
    page.get_by_role("link", name=re.compile("seed round")).first.click()
    page.wait_for_selector(".learning-input-preview")
    assert "guardrails.forbidden_topics" in page.inner_text(".learning-input-preview")
    shot(page, "learning-input-preview")
    version = _apply_and_publish(page, shot)

    refused = site.ask(SEED_QUESTION)
    assert refused["metadata"]["routing_decision"]["action"] == "refuse"
    assert refused["metadata"]["persona_spec_version"] == version
    _show_chat(page, "Visitor: the twin now refuses the topic", [(SEED_QUESTION, refused)])
    shot(page, "visitor-refused")

    page.goto(f"{site.base_url}/admin/specs/personaspec/")
    page.get_by_role("link", name=before_version, exact=True).click()
    page.wait_for_selector("text=Roll back to this version…")
    shot(page, "previous-version")
    page.click("text=Roll back to this version…")
    page.wait_for_selector(f"input[value='Yes, roll back to {before_version}']")
    shot(page, "rollback-confirmation")
    page.click(f"input[value='Yes, roll back to {before_version}']")
    page.wait_for_selector(".messagelist .success")
    assert "is active again (rollback)" in page.inner_text(".messagelist")
    shot(page, "rolled-back")

    after = site.ask(SEED_QUESTION)
    assert after["metadata"]["routing_decision"]["action"] == "answer"
    assert after["metadata"]["persona_spec_version"] == before_version
    _show_chat(page, "Visitor: after the rollback the twin answers again", [(SEED_QUESTION, after)])
    shot(page, "visitor-answered-again")
