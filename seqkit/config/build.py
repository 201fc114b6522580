"""Validating a section's YAML mapping into its frozen dataclass.

`build_section(cls, values, section, sources)` checks every key against the
dataclass's fields (unknown keys list the valid ones), every value against the
field's annotation and `cls.CHOICES`, and recurses into nested sections: a
field whose default is a dataclass is built from a nested mapping, and a field
made with `seqkit.config.kinds({...}, default)` picks its dataclass by the
mapping's `kind:` key. A section class may define `upgrade(values) -> values`
(a staticmethod) to translate an older spelling before validation.
"""

import dataclasses
import math
import types
import typing
from typing import Any

from seqkit.errors import ConfigError


def _type_ok(value, annotation):
    """Checks a YAML value against a field annotation; returns (ok, coerced value)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(annotation)
        if value is None and type(None) in options:
            return True, None
        for option in options:
            if option is type(None):
                continue
            ok, coerced = _type_ok(value, option)
            if ok:
                return True, coerced
        return False, value
    if annotation is Any:
        return True, value
    if annotation is bool:
        return isinstance(value, bool), value
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True, float(value)
        if isinstance(value, str):
            # YAML 1.1 reads "1e-4" (no dot) as a string; accept it as a number.
            try:
                return True, float(value)
            except ValueError:
                return False, value
        return False, value
    if annotation is str:
        return isinstance(value, str), value
    if origin in (tuple, list):
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)):
            item = typing.get_args(annotation)[0] if typing.get_args(annotation) else Any
            items = []
            for element in value:
                ok, element = _type_ok(element, item)
                if not ok:
                    return False, value
                items.append(element)
            return True, tuple(items)
        return False, value
    return True, value


def _non_finite(value):
    """True for a float (or a list or tuple holding one) that is NaN or infinite."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return any(_non_finite(v) for v in value)
    return False


def _type_name(annotation):
    if typing.get_origin(annotation) is not None and type(None) in typing.get_args(annotation):
        names = [_type_name(a) for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(names) + " or null"
    return getattr(annotation, "__name__", str(annotation))


def build_section(cls, values, section, sources):
    """Validates the dict `values` into the dataclass `cls` (the `section` of the config).

    Args:
        cls: the section's dataclass.
        values: dict or None (None: every default).
        section: the dotted name errors use ("model", "model.encoder").
        sources: the files (and "--set") the values came from, for errors.
    """
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ConfigError(f"'{section}' must be a mapping of keys in {sources}. Received: {values!r}")
    upgrade = getattr(cls, "upgrade", None)
    if upgrade is not None:
        values = upgrade(dict(values), sources)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(
            f"unknown key {section}.{unknown[0]} in {sources}. "
            f"Valid keys of '{section}': {', '.join(fields)}"
        )
    hints = typing.get_type_hints(cls)
    kwargs = {
        name: _build_value(cls, fields[name], hints[name], value, f"{section}.{name}", sources)
        for name, value in values.items()
    }
    try:
        return cls(**kwargs)
    except ConfigError as error:
        raise ConfigError(f"{error} (in {sources})") from None


def _build_value(cls, field, annotation, value, where, sources):
    kinds = field.metadata.get("kinds")
    if kinds is not None:
        return _build_kind(kinds, field.metadata["default_kind"], value, where, sources)
    if dataclasses.is_dataclass(annotation):
        return build_section(annotation, value, where, sources)
    name = field.name
    ok, value = _type_ok(value, annotation)
    if not ok:
        raise ConfigError(f"{where} must be {_type_name(annotation)}. Received: {name}={value!r} in {sources}")
    if _non_finite(value):
        # `.inf` passes "> 0" and NaN fails nothing it is compared with; neither
        # is a setting any field means.
        raise ConfigError(f"{where} must be a finite number. Received: {name}={value!r} in {sources}")
    choices = getattr(cls, "CHOICES", {})
    if name in choices and value is not None:
        valid = tuple(choices[name]())
        if value not in valid:
            raise ConfigError(f"unknown {where} {value!r} in {sources}. Valid choices: {', '.join(valid)}")
    return value


def _build_kind(kinds, default_kind, value, where, sources):
    """Builds the dataclass a `{kind: NAME, ...}` mapping names."""
    if value is None:
        value = {}
    if isinstance(value, str):
        value = {"kind": value}  # the short form (docs/DESIGN.md): --set model.decoder=transformer
    if not isinstance(value, dict):
        raise ConfigError(
            f"'{where}' must be a mapping with a 'kind' key ({', '.join(kinds)}) in {sources}. "
            f"Received: {value!r}"
        )
    kind = value.get("kind", default_kind)
    if kind not in kinds:
        raise ConfigError(f"unknown {where}.kind {kind!r} in {sources}. Valid choices: {', '.join(kinds)}")
    return build_section(kinds[kind], {**value, "kind": kind}, where, sources)


def to_plain(section):
    """A section dataclass as plain dicts and lists, in field order (YAML-ready)."""
    result = {}
    for field in dataclasses.fields(section):
        value = getattr(section, field.name)
        if dataclasses.is_dataclass(value):
            value = to_plain(value)
        elif isinstance(value, tuple):
            value = list(value)
        result[field.name] = value
    return result
