"""Hooks.redact_obj and redact_batch: a step redacted in one batch equals redacting each string."""

from __future__ import annotations

import random
from functools import cache
from typing import Any

import pytest
from hypothesis import example, given, settings
from tests.plugins import redact_strategies as rs

from autopilot import hookimpl
from autopilot.core.errors import RedactionError
from autopilot.core.hooks import Hooks
from autopilot.core.pluginmanager import make_plugin_manager
from autopilot.plugins import redact as redact_secrets

RNG = random.Random(5)
VALUE = "q8Zr" + "2LmX9vTa7Kd3"  # built from parts: no secret-shaped literal in this file


def _hooks(*plugins: tuple[str, object]) -> Hooks:
    return Hooks(make_plugin_manager(load_local=False, extra_plugins=plugins))


@cache
def _builtin() -> Hooks:
    return _hooks()


def _each(hooks: Hooks, value: Any) -> Any:
    """The reference: Hooks.redact on every non-empty string, keys included (tuples become lists)."""
    if isinstance(value, str):
        return hooks.redact(text=value) if value else value
    if isinstance(value, dict):
        return {_each(hooks, k): _each(hooks, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_each(hooks, v) for v in value]
    return value


def _strings(value: Any) -> list[str]:
    """Every non-empty string of *value* (keys before their values), in order."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _token() -> str:
    return "gh" + "p_" + rs.body(RNG, 36)


class _Recording:
    """A third-party redactor that records what it receives and rewrites one word."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    def redact(self, text: str) -> str:
        self.seen.append(text)
        return text.replace("alpha", "beta")


class _Leaky:
    """A third-party redactor that glues a secret to every string it returns."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    @hookimpl
    def redact(self, text: str) -> str:
        return f"{text} {self.secret}"


@given(rs.nested())
@example({"DB_PASSWORD": "=" + VALUE, "gh": ["p_" + "a1B2" * 9]})
@example(("tuple", {"": ""}, [None, 1, 2.5, True]))
def test_batched_result_equals_per_string_result(value: Any) -> None:
    """Secrets of every kind, look-alikes, cut secrets, keys: the batch equals string by string, exactly."""
    hooks = _builtin()

    assert repr(hooks.redact_obj(value)) == repr(_each(hooks, value))


@given(rs.nested())
@settings(max_examples=30)
def test_third_party_redactor_sees_every_string_as_before(value: Any) -> None:
    """A third-party redactor receives every non-empty string, in order, once; the result is unchanged."""
    batched, reference = _Recording(), _Recording()

    result = _hooks(("recording", batched)).redact_obj(value)
    expected = _each(_hooks(("recording", reference)), value)

    assert batched.seen == reference.seen == _strings(value)
    assert repr(result) == repr(expected)


def test_builtin_redactor_still_scans_third_party_output() -> None:
    """What a third-party redactor returns still goes through the built-in one, in a batch too."""
    secret = _token()
    hooks = _hooks(("leaky", _Leaky(secret)))
    step = {"type": "tool_result", "content": [{"text": "ok"}, ("a", "")]}

    result = hooks.redact_obj(step)

    assert secret not in repr(result)
    assert result == _each(hooks, step)
    marked = "{} [REDACTED:github_token]".format
    assert result == {
        marked("type"): marked("tool_result"),
        marked("content"): [{marked("text"): marked("ok")}, [marked("a"), ""]],
    }


def test_keys_redacted_to_the_same_marker_collide_as_before() -> None:
    """Two secret keys that become the same marker merge exactly as they do string by string."""
    first, second = _token(), _token()
    value = {first: 1, "plain": 2, second: 3}

    result = _builtin().redact_obj(value)

    assert result == {"[REDACTED:github_token]": 3, "plain": 2}
    assert list(result) == list(_each(_builtin(), value))


def test_without_redact_batch_each_string_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    """An essential redactor without redact_batch is called on every string (same result)."""
    monkeypatch.delattr(redact_secrets, "redact_batch")
    hooks = _hooks()
    value = {"input": {"command": f"echo {_token()}"}, "tags": ("alpha", "")}

    assert hooks.redact_obj(value) == _each(hooks, value)
    assert "[REDACTED:github_token]" in hooks.redact_obj(value)["input"]["command"]


def test_a_failing_redact_batch_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """If redact_batch raises, nothing is returned: RedactionError."""

    @hookimpl
    def broken(texts: list[str]) -> list[str]:
        raise ValueError("boom")

    monkeypatch.setattr(redact_secrets, "redact_batch", broken)

    with pytest.raises(RedactionError, match="'redact_secrets' failed in hook 'redact_batch': ValueError"):
        _hooks().redact_obj({"text": "anything"})


@pytest.mark.parametrize("answer", [["one"], ["one", "two", "three"], ["one", None], ("one", "two"), None])
def test_a_redact_batch_answer_that_is_not_one_string_each_fails_closed(
    monkeypatch: pytest.MonkeyPatch, answer: object
) -> None:
    """Too few or too many strings, or anything else than a list of strings, stops the write."""

    @hookimpl
    def wrong(texts: list[str]) -> object:
        return answer

    monkeypatch.setattr(redact_secrets, "redact_batch", wrong)

    with pytest.raises(RedactionError, match="redact_secrets"):
        _hooks().redact_obj(["one", "two"])


def test_a_redact_batch_that_edits_its_argument_in_place_is_still_applied() -> None:
    """A third-party redact_batch that rewrites the list it got and returns it is not taken for no change."""

    class InPlace:
        @hookimpl
        def redact(self, text: str) -> str:
            return text.replace("alpha", "beta")

        @hookimpl
        def redact_batch(self, texts: list[str]) -> list[str]:
            texts[:] = [text.replace("alpha", "beta") for text in texts]
            return texts

    hooks = _hooks(("in_place", InPlace()))
    value = {"alpha": ["alpha one", 2], "plain": "text"}

    assert hooks.redact_obj(value) == {"beta": ["beta one", 2], "plain": "text"} == _each(hooks, value)


def test_a_failing_third_party_redactor_fails_closed_inside_a_step() -> None:
    """A third-party redactor raising on a nested string stops the whole step."""

    class Broken:
        @hookimpl
        def redact(self, text: str) -> str:
            if "boom" in text:
                raise ValueError("cannot parse")
            return text

    class NotText:
        @hookimpl
        def redact(self, text: str) -> Any:
            return None if "x" in text else text

    with pytest.raises(RedactionError, match="'broken'"):
        _hooks(("broken", Broken())).redact_obj({"raw": [{"content": "boom"}]})
    with pytest.raises(RedactionError, match="'not_text'"):
        _hooks(("not_text", NotText())).redact_obj({"raw": ["ok", "x"]})


def test_a_third_party_redact_batch_cannot_spare_strings_from_the_builtin_redactor() -> None:
    """A third-party redact_batch that changes nothing still leaves every string to the built-in one."""

    class Claims:
        @hookimpl
        def redact(self, text: str) -> str:
            return text

        @hookimpl
        def redact_batch(self, texts: list[str]) -> list[str]:
            return texts

    secret = _token()

    assert _hooks(("claims", Claims())).redact_obj({"out": secret}) == {"out": "[REDACTED:github_token]"}
