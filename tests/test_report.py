"""The report's handling of evidence: long lists are cut in the HTML with a count."""

from okta_m365_audit.outputs.report import HTML_LIST_LIMIT, _truncated
from okta_m365_audit.outputs.report import fmt as _fmt


def test_long_lists_are_truncated_with_a_count():
    """When evidence lists 100 users: the HTML shows the first ones and how many more."""
    shown = _truncated({"missing": [f"user{i}@contoso.com" for i in range(100)], "count": 100})
    assert len(shown["missing"]) == HTML_LIST_LIMIT + 1
    assert shown["missing"][-1] == f"... and {100 - HTML_LIST_LIMIT} more (100 in all)"
    assert shown["count"] == 100


def test_short_lists_and_nested_values_are_kept_whole():
    """When evidence is small: nothing is cut, nested lists included."""
    value = {"a": [1, 2, 3], "b": {"c": ["x"] * HTML_LIST_LIMIT}}
    assert _truncated(value) == value
    assert '"a"' in _fmt(value)
