"""The structured spec diff that the API returns and the admin renders."""

from __future__ import annotations

from specs.diff import spec_diff


def test_identical_specs_have_no_changes():
    spec = {"guardrails": {"forbidden_topics": ["politics"]}, "metadata": {"n": 1}}
    assert spec_diff(spec, {**spec}) == []


def test_the_diff_lists_added_removed_and_changed_paths():
    before = {"interaction_style": {"tone_sliders": {"directness": 0.5}}, "notes_only_here": True}
    after = {"interaction_style": {"tone_sliders": {"directness": 0.8, "warmth": 0.4}}}
    assert spec_diff(before, after) == [
        {"path": "interaction_style.tone_sliders.directness", "op": "changed", "before": 0.5, "after": 0.8},
        {"path": "interaction_style.tone_sliders.warmth", "op": "added", "before": None, "after": 0.4},
        {"path": "notes_only_here", "op": "removed", "before": True, "after": None},
    ]


def test_an_appended_faq_entry_shows_as_one_added_item():
    faq = {"question": "Hours?", "answer": "Thursdays."}
    new = {"question": "NDA?", "answer": "No."}
    assert spec_diff({"faq_library": [faq]}, {"faq_library": [faq, new]}) == [
        {"path": "faq_library.1", "op": "added", "before": None, "after": new}
    ]


def test_a_number_equal_to_a_boolean_still_counts_as_a_change_but_one_and_one_point_zero_do_not():
    assert spec_diff({"a": True}, {"a": 1}) == [{"path": "a", "op": "changed", "before": True, "after": 1}]
    assert spec_diff({"a": 1}, {"a": 1.0}) == []
