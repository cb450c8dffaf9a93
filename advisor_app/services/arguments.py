"""The door's check of what a caller hands a service method, made before the transaction.

A wrong type that reaches the work shows as a program bug far from its cause: a string where
an enum is meant (``AttributeError``), a datetime where a date is meant (``TypeError`` on
comparison), an id of 2**70 (``OverflowError`` in the driver), a NUL (PostgreSQL's
``DataError``). The check reads the method's own annotations, so it cannot drift from them:

- ``int`` (and ``NewType`` ids over it): a real int, not a bool, within 64 bits;
- ``float``: an int or a finite float; ``bool``, ``str``: exactly that;
- ``date`` / ``datetime``: that class (a datetime is not a date here) and a real date
  (domain.rules.check_real_date: 1900-2100);
- ``str``: no NUL and no lone surrogate (what no database stores alike); the domain's
  cleaning refuses the other control characters with the field's own label;
- enums: a member; the frozen input dataclasses: an instance, their fields checked in turn;
- ``X | None``, ``tuple[X, ...]``, ``list[X]``, ``Sequence[X]``: as written (a list and a
  tuple are taken for one another); anything else is not checked.

A failure is a ``ValidationError`` naming the field (the parameter, or the dataclass field).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import inspect
import math
import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Union

from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.rules import check_real_date

INT_MIN = -(2**63)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, and a lone surrogate
INT_MAX = 2**63 - 1

_SEQUENCES = (
    tuple,
    list,
    collections.abc.Sequence,
    collections.abc.Collection,
    collections.abc.Iterable,
    collections.abc.Set,
    frozenset,
    set,
)

# The labels of fields whose text the domain does not clean itself (its own messages name
# the field better); the rest fall back to the field's name.
_LABELS = {
    "query": N_("The search"),
    "email": N_("The e-mail address"),
    "username": N_("The user name"),
    "password": N_("The password"),
}


class _Hints:
    """Annotations resolved once per function or dataclass."""

    def __init__(self) -> None:
        self._cache: dict[object, dict[str, Any]] = {}

    def of(self, target: Callable[..., Any] | type) -> dict[str, Any]:
        found = self._cache.get(target)
        if found is None:
            try:
                found = typing.get_type_hints(target)
            except NameError:  # a name imported only for the type checker: not checked
                found = {}
            found.pop("return", None)
            self._cache[target] = found
        return found


def annotations_resolve(target: Callable[..., Any] | type) -> bool:
    """Whether the check can read ``target``'s annotations (a test holds every method to it)."""
    try:
        typing.get_type_hints(target)
    except NameError:
        return False
    return True


_hints = _Hints()
_signatures: dict[Callable[..., Any], inspect.Signature] = {}


def check_call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Check the arguments of ``fn(self, work, *args, **kwargs)`` against its annotations."""
    signature = _signatures.get(fn)
    if signature is None:
        signature = _signatures[fn] = inspect.signature(fn)
    try:
        bound = signature.bind(None, None, *args, **kwargs)
    except TypeError:
        raise ValidationError(N_("A value of the wrong kind reached the program.")) from None
    hints = _hints.of(fn)
    names = list(signature.parameters)[2:]  # self, work
    for name in names:
        if name in bound.arguments and name in hints:
            parameter = signature.parameters[name]
            value = bound.arguments[name]
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                for item in value:
                    _check(item, hints[name], name)
            elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
                for item in value.values():
                    _check(item, hints[name], name)
            else:
                _check(value, hints[name], name)


def _wrong(field: str) -> ValidationError:
    return ValidationError(
        N_("A value of the wrong kind reached the program (field {name})."),
        name=field,
        field=field,
    )


def _check(value: Any, hint: Any, field: str) -> None:
    if hint is Any or isinstance(hint, typing.TypeVar):
        return
    supertype = getattr(hint, "__supertype__", None)  # NewType
    if supertype is not None:
        _check(value, supertype, field)
        return
    origin = typing.get_origin(hint)
    if origin is Union or origin is types.UnionType:
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return
        errors: list[ValidationError] = []
        for option in options:
            if option is type(None):
                continue
            try:
                _check(value, option, field)
            except ValidationError as error:
                errors.append(error)
            else:
                return
        raise errors[0] if len(errors) == 1 else _wrong(field)
    if origin is typing.Literal:
        if value not in typing.get_args(hint):
            raise _wrong(field)
        return
    if origin is not None:
        _check_container(value, origin, typing.get_args(hint), field)
        return
    if hint is type(None):
        if value is not None:
            raise _wrong(field)
        return
    if not isinstance(hint, type):
        return  # a Protocol, a Callable, a string annotation: not ours to judge
    _check_plain(value, hint, field)


def _check_container(value: Any, origin: Any, args: tuple[Any, ...], field: str) -> None:
    if origin in _SEQUENCES:
        if isinstance(value, (str, bytes)):
            raise _wrong(field)
        if not isinstance(value, (list, tuple, set, frozenset)):
            if origin in (tuple, list, set, frozenset):
                raise _wrong(field)
            return  # an iterable we must not consume (a generator): taken on trust
        if origin is tuple and args and args[-1] is not Ellipsis:
            if len(value) != len(args):
                raise _wrong(field)
            for item, item_hint in zip(value, args, strict=True):
                _check(item, item_hint, field)
            return
        if args:
            for item in value:
                _check(item, args[0], field)
        return
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, collections.abc.Mapping):
            raise _wrong(field)
        if len(args) == 2:
            for key, item in value.items():
                _check(key, args[0], field)
                _check(item, args[1], field)


def _check_plain(value: Any, hint: type, field: str) -> None:
    if hint is bool:
        if not isinstance(value, bool):
            raise _wrong(field)
    elif hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _wrong(field)
        if not INT_MIN <= value <= INT_MAX:
            raise ValidationError(
                N_("A number is out of range (field {name})."), name=field, field=field
            )
    elif hint is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _wrong(field)
        if not math.isfinite(value):
            raise ValidationError(
                N_("A number is not valid (field {name})."), name=field, field=field
            )
    elif hint is str:
        if not isinstance(value, str):
            raise _wrong(field)
        if _UNSTORABLE.search(value):
            if field in _LABELS:
                raise ValidationError(
                    N_("{label} contains a character that cannot be saved."),
                    label=_LABELS[field],
                    field=field,
                )
            raise ValidationError(
                N_("The text in field {name} contains a character that cannot be saved."),
                name=field,
                field=field,
            )
    elif hint is datetime or hint is date:
        if type(value) is not hint and not (
            isinstance(value, hint) and (hint is datetime or not isinstance(value, datetime))
        ):
            raise _wrong(field)
        check_real_date(value, field=field)
    elif issubclass(hint, enum.Enum):
        if not isinstance(value, hint):
            raise _wrong(field)
    elif dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):
            raise _wrong(field)
        for item in dataclasses.fields(hint):
            hints = _hints.of(hint)
            if item.name in hints:
                _check(getattr(value, item.name), hints[item.name], item.name)
    elif not isinstance(value, hint):
        raise _wrong(field)
