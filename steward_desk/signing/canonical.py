"""The bytes that get signed, and the only JSON parser signed files go through.

`canonical_bytes` turns a document into RFC 8785 (JCS) canonical JSON: integers only (the
number rules of JCS are where implementations disagree, so we stay out of them), strings and
keys NFC-normalised so that two desks typing the same name sign the same bytes.

`loads_strict` is the parser for everything that arrives from another desk: it refuses
duplicate keys at any depth (two parsers reading one file two ways is how signed-JSON
forgeries work), oversized input, invalid UTF-8, a byte-order mark, NaN/Infinity and
non-integer numbers, and says where the problem is.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from json.decoder import JSONDecodeError, scanstring  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from typing import Any

import rfc8785

from steward_desk.signing.bulk import gc_paused
from steward_desk.signing.errors import JsonError, Refusal

# Documents we sign are bundles of hundreds of verdicts or feeds of thousands of decisions:
# a few MB. Anything far beyond that is an accident or an attack.
DEFAULT_MAX_BYTES = 32 * 1024 * 1024

# JSON numbers are IEEE doubles in most readers (the league's JavaScript bot included).
MAX_SAFE_INTEGER = 2**53 - 1

_WHITESPACE = " \t\n\r"


def canonical_bytes(doc: object) -> bytes:
    """RFC 8785 canonical JSON of `doc` (dicts, lists, str, int, bool, None).

    Strings and keys are NFC-normalised; a float is accepted only when it is a whole number
    (it is written as the integer). Raises `JsonError` naming the JSON path of the first value
    that cannot be signed.
    """
    normalised = _normalise(doc, "$")
    try:
        return rfc8785.dumps(normalised)
    except rfc8785.CanonicalizationError as error:  # pragma: no cover - _normalise catches these
        raise JsonError(Refusal.NOT_CANONICAL, f"cannot make canonical JSON: {error}") from error


def is_canonical(payload: bytes) -> bool:
    """True when `payload` parses strictly and is byte-for-byte its own canonical form."""
    if parse_if_canonical(payload)[0]:
        return True
    try:
        return canonical_bytes(loads_strict(payload)) == payload
    except JsonError:
        return False


def parse_if_canonical(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bool, Any]:
    """`(True, value)` when `data` is shown, quickly, to be RFC 8785 canonical JSON that
    `loads_strict` reads as `value`; `(False, None)` when this check cannot tell, and then
    `loads_strict` and `canonical_bytes` decide (and say what is wrong).

    Checking a 10,000-decision feed the long way (`canonical_bytes` re-serialises it in pure
    Python) takes a second. Here the standard library's C parser and serialiser do the work:
    on integers in ±(2^53 − 1), NFC strings and keys without characters beyond U+FFFF,
    `json.dumps` with sorted keys and no spaces writes exactly what RFC 8785 writes (strings
    escape the same characters the same way; code-point order is UTF-16 order within the
    BMP). So when re-serialising the parsed value gives back the very bytes, they are
    canonical; and they hold no duplicate key, which the re-serialised bytes would have lost.
    Anything else — a float, a non-NFC string, an astral key, a mismatch — is left undecided.
    Property tests hold this check to the long way.
    """
    if len(data) > max_bytes:
        return False, None
    try:
        text = data.decode("utf-8")
        with gc_paused():
            value = json.loads(
                text,
                parse_int=_safe_integer,
                parse_constant=_refuse_constant,
                parse_float=_refuse_float,
            )
            again = json.dumps(
                value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
            ).encode("utf-8")
    except (ValueError, RecursionError, _NotInteger):
        return False, None
    if again != data:
        return False, None
    if not text.isascii():
        # Within the JSON text every string sits between quotes and escapes, which never
        # combine with what they touch: the text is NFC only if every string in it is.
        if not unicodedata.is_normalized("NFC", text):
            return False, None
        # Characters beyond U+FFFF are the ones UTF-8 writes with a lead byte F0–F4.
        astral = any(lead in data for lead in _ASTRAL_LEADS)
        if astral and _has_astral_key(value):
            return False, None
    return True, value


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")


def _safe_integer(literal: str) -> int:
    value = int(literal)
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise _NotInteger(literal)
    return value


def _has_astral_key(value: object) -> bool:
    # UTF-16 order (RFC 8785) and code-point order differ only for keys beyond U+FFFF.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if not key.isascii() and _ASTRAL.search(key) is not None:
                    return True
                if isinstance(child, dict | list):
                    pending.append(child)
        elif isinstance(item, list):
            pending.extend(child for child in item if isinstance(child, dict | list))
    return False


def _normalise(value: object, path: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise JsonError(
                Refusal.NOT_CANONICAL,
                f"integer {value} is outside ±(2^53 − 1), which JSON readers cannot hold exactly",
                path=path,
            )
        return int(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise JsonError(Refusal.NOT_CANONICAL, f"{value} is not a JSON number", path=path)
        if not value.is_integer():
            raise JsonError(
                Refusal.NOT_CANONICAL,
                f"{value} is not an integer; signed documents carry integers only "
                "(use milliseconds, or a string)",
                path=path,
            )
        return _normalise(int(value), path)
    if isinstance(value, str):
        return _nfc(value, path)
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise JsonError(
                    Refusal.NOT_CANONICAL,
                    f"object key {key!r} is a {type(key).__name__}, not a string",
                    path=path,
                )
            nfc_key = _nfc(key, path)
            if nfc_key in result:
                raise JsonError(
                    Refusal.DUPLICATE_KEY,
                    f"keys {key!r} and another one are the same text once NFC-normalised",
                    path=path,
                )
            result[nfc_key] = _normalise(item, f"{path}.{nfc_key}")
        return result
    if isinstance(value, list | tuple):
        return [_normalise(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise JsonError(
        Refusal.NOT_CANONICAL,
        f"a {type(value).__name__} is not a JSON value (convert it to a string or integer first)",
        path=path,
    )


def _nfc(text: str, path: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise JsonError(
            Refusal.NOT_CANONICAL, "text holds a lone surrogate, which is not Unicode", path=path
        ) from error
    return unicodedata.normalize("NFC", str(text))


# --- the strict parser ------------------------------------------------------------------------


def loads_strict(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None
) -> Any:
    """Parse UTF-8 JSON bytes, refusing anything two parsers could read differently.

    Raises `JsonError` with `reason` one of OVERSIZED, INVALID_UTF8, MALFORMED_JSON,
    DUPLICATE_KEY, TOO_DEEP, and the line/column of the problem where it has one.
    """
    if len(data) > max_bytes:
        raise JsonError(
            Refusal.OVERSIZED,
            f"{len(data):,} bytes is more than the {max_bytes:,} bytes allowed",
            source=source,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        raise JsonError(
            Refusal.MALFORMED_JSON,
            "starts with a byte-order mark; JSON files are plain UTF-8",
            line=1,
            column=1,
            source=source,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = data[: error.start].decode("utf-8", "replace")
        line, column = _line_column(prefix, len(prefix))
        raise JsonError(
            Refusal.INVALID_UTF8,
            f"byte {error.start} (0x{data[error.start]:02x}) is not valid UTF-8",
            line=line,
            column=column,
            source=source,
        ) from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_refuse_duplicates,
            parse_constant=_refuse_constant,
            parse_float=_refuse_float,
        )
    except _Duplicate:
        # Rare: parse again slowly with a parser that knows where each key starts.
        return _locate_duplicate(text, source)
    except _NotInteger as error:
        raise JsonError(
            Refusal.MALFORMED_JSON,
            f"number {error.literal} is not an integer; signed documents carry integers only",
            source=source,
        ) from None
    except JSONDecodeError as error:
        raise JsonError(
            Refusal.MALFORMED_JSON,
            f"not JSON: {error.msg}",
            line=error.lineno,
            column=error.colno,
            source=source,
        ) from None
    except ValueError as error:  # an integer longer than Python converts (4,300 digits)
        raise JsonError(Refusal.MALFORMED_JSON, f"not JSON: {error}", source=source) from None
    except RecursionError:
        raise JsonError(
            Refusal.TOO_DEEP, "nested too deeply to be a Steward Desk document", source=source
        ) from None


class _Duplicate(Exception):
    pass


class _NotInteger(Exception):
    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Duplicate
    return result


def _refuse_constant(name: str) -> Any:
    raise _NotInteger(name)


def _refuse_float(literal: str) -> Any:
    raise _NotInteger(literal)


class _DuplicateAt(Exception):
    def __init__(self, key: str, index: int) -> None:
        super().__init__(key)
        self.key = key
        self.index = index


def _locate_duplicate(text: str, source: str | None) -> Any:
    decoder = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_refuse_float)
    decoder.parse_object = _object_noting_positions  # type: ignore[attr-defined]
    decoder.scan_once = py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except _DuplicateAt as error:
        line, column = _line_column(text, error.index)
        raise JsonError(
            Refusal.DUPLICATE_KEY,
            f'key "{error.key}" appears twice in one object; a signed document must have one '
            "meaning",
            line=line,
            column=column,
            source=source,
        ) from None


def _object_noting_positions(
    s_and_end: tuple[str, int],
    strict: bool,
    scan_once: Any,
    object_hook: Any,
    object_pairs_hook: Any,
    memo: Any = None,
) -> tuple[dict[str, Any], int]:
    # The standard library's object parser, minus hooks, plus where each key started.
    s, end = s_and_end
    result: dict[str, Any] = {}
    end = _skip(s, end)
    if s[end : end + 1] == "}":
        return result, end + 1
    while True:
        if s[end : end + 1] != '"':
            raise JSONDecodeError("Expecting property name enclosed in double quotes", s, end)
        key_at = end
        key, end = scanstring(s, end + 1, strict)
        if key in result:
            raise _DuplicateAt(key, key_at)
        end = _skip(s, end)
        if s[end : end + 1] != ":":
            raise JSONDecodeError("Expecting ':' delimiter", s, end)
        end = _skip(s, end + 1)
        try:
            value, end = scan_once(s, end)
        except StopIteration as stop:
            raise JSONDecodeError("Expecting value", s, stop.value) from None
        result[key] = value
        end = _skip(s, end)
        delimiter = s[end : end + 1]
        end += 1
        if delimiter == "}":
            return result, end
        if delimiter != ",":
            raise JSONDecodeError("Expecting ',' delimiter", s, end - 1)
        end = _skip(s, end)


def _skip(s: str, index: int) -> int:
    while index < len(s) and s[index] in _WHITESPACE:
        index += 1
    return index


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column
