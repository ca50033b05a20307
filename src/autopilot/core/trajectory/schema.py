"""A fast yes/no check of JSON data against the subset of JSON Schema our trajectory schema uses.

``jsonschema`` needs about 0.3 ms per step of a trajectory, which made ``analyze`` spend over 90% of
its time validating. The schema file stays the single source of truth: this module compiles it into
plain Python predicates once. It only answers "valid or not"; when the answer is "not", callers ask
``jsonschema`` for the messages (and trust its verdict). A schema keyword this compiler does not know
makes :func:`compile_schema` raise :class:`UnsupportedSchema`, so callers fall back to ``jsonschema``
instead of silently skipping a rule. tests/core/test_schema_check.py checks that both always agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Predicate = Callable[[Any], bool]

# Keywords that only annotate and never change the verdict.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "title", "description", "$defs", "$comment", "examples", "default"}
)

_TYPES: dict[str, Predicate] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    # JSON Schema counts 1.0 as an integer.
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
}


class UnsupportedSchema(Exception):
    """The schema uses a keyword this compiler does not implement."""


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


# Plain loops, not all()/any() over generators: these run for every field of every step.
def _all_of(checks: list[Predicate]) -> Predicate:
    def check(value: Any) -> bool:
        for predicate in checks:  # noqa: SIM110
            if not predicate(value):
                return False
        return True

    return check


def _any_of(checks: list[Predicate]) -> Predicate:
    def check(value: Any) -> bool:
        for predicate in checks:  # noqa: SIM110
            if predicate(value):
                return True
        return False

    return check


def _enum(options: list[Any]) -> Predicate:
    if all(isinstance(o, str) for o in options):
        # The common case (status, step type): one set lookup.
        strings = frozenset(options)
        return lambda v: isinstance(v, str) and v in strings
    return lambda v: any(_same(v, o) for o in options)


def _properties(props: dict[str, Predicate]) -> Predicate:
    items = list(props.items())

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        # Walk whichever side is shorter: steps set few of their many optional fields, while an
        # ``if`` condition names one property of a many-field step.
        if len(items) <= len(value):
            for name, predicate in items:  # noqa: SIM110 - hot path, see _all_of
                if name in value and not predicate(value[name]):
                    return False
            return True
        for name, item in value.items():
            predicate = props.get(name)
            if predicate is not None and not predicate(item):
                return False
        return True

    return check


def compile_schema(schema: Mapping[str, Any]) -> Predicate:
    """A predicate that is true exactly when an instance is valid against *schema*."""
    root = schema
    compiled_refs: dict[str, Predicate] = {}

    def resolve(ref: str) -> Predicate:
        if not ref.startswith("#/"):
            raise UnsupportedSchema(f"$ref {ref}")
        if ref not in compiled_refs:
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part]
            compiled_refs[ref] = lambda v: True  # placeholder while compiling a recursive reference
            compiled_refs[ref] = build(target)
        return lambda v: compiled_refs[ref](v)

    def build(node: Any) -> Predicate:
        if node is True or node == {}:
            return lambda v: True
        if node is False:
            return lambda v: False
        checks: list[Predicate] = []
        keys = set(node) - _ANNOTATIONS
        for key in sorted(keys):
            value = node[key]
            if key == "type":
                names = [value] if isinstance(value, str) else list(value)
                tests = [_TYPES[name] for name in names]
                checks.append(tests[0] if len(tests) == 1 else _any_of(tests))
            elif key == "enum":
                checks.append(_enum(list(value)))
            elif key == "const":
                checks.append(lambda v, c=value: _same(v, c))
            elif key == "minimum":
                checks.append(lambda v, m=value: not _TYPES["number"](v) or v >= m)
            elif key == "minLength":
                checks.append(lambda v, m=value: not isinstance(v, str) or len(v) >= m)
            elif key == "pattern":
                checks.append(
                    lambda v, p=re.compile(value): not isinstance(v, str) or p.search(v) is not None
                )
            elif key == "required":
                checks.append(
                    lambda v, names=tuple(value): not isinstance(v, dict) or all(n in v for n in names)
                )
            elif key == "properties":
                checks.append(_properties({name: build(sub) for name, sub in value.items()}))
            elif key == "items":
                item = build(value)
                checks.append(lambda v, item=item: not isinstance(v, list) or all(map(item, v)))
            elif key == "$ref":
                checks.append(resolve(value))
            elif key == "allOf":
                checks.append(_all_of([build(sub) for sub in value]))
            elif key == "anyOf":
                checks.append(_any_of([build(sub) for sub in value]))
            elif key == "if":
                condition = build(value)
                then = build(node.get("then", True))
                otherwise = build(node.get("else", True))
                checks.append(lambda v, c=condition, t=then, o=otherwise: t(v) if c(v) else o(v))
            elif key in ("then", "else"):
                continue  # handled with "if"
            else:
                raise UnsupportedSchema(key)
        return checks[0] if len(checks) == 1 else _all_of(checks)

    return build(schema)
