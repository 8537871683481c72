"""The bytes of an ACC file: which text encoding they are, their text, their JSON, their hash.

The server writes UTF-16 LE without a BOM; files touched by editors arrive with a BOM or as
UTF-8. The encoding is sniffed from a BOM or from where the NUL bytes sit, and every failure
(undecodable bytes, broken JSON) raises AccResultsError naming the byte or line. The SHA-256
identifying a file is worked out on a worker thread while the caller parses.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from steward_desk.intake.errors import AccResultsError


def decode_acc_bytes(data: bytes, source: str | Path) -> str:
    """The text of an ACC file: UTF-16 LE/BE (BOM or not) or UTF-8 (BOM or not).

    BOM first; else many NUL bytes at odd offsets mean UTF-16 LE (what the server writes),
    at even offsets UTF-16 BE; else UTF-8. Bytes that are none of these raise AccResultsError.
    """
    return decode_sniffed(data, *sniff_encoding(data, source), source)


def sniff_encoding(data: bytes, source: str | Path) -> tuple[int, str]:
    """How many BOM bytes to skip, and the encoding of the rest (see decode_acc_bytes)."""
    if not data:
        raise AccResultsError(source, "", "the file is empty")
    if data.startswith(b"\xff\xfe"):
        return 2, "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return 2, "utf-16-be"
    if data.startswith(b"\xef\xbb\xbf"):
        return 3, "utf-8"
    head = data[:4096]
    pairs = len(head) // 2
    odd_nuls, even_nuls = head[1::2].count(0), head[0::2].count(0)
    if pairs and odd_nuls > 0.3 * pairs and odd_nuls > even_nuls:
        return 0, "utf-16-le"
    if pairs and even_nuls > 0.3 * pairs:
        return 0, "utf-16-be"
    return 0, "utf-8"


def decode_sniffed(data: bytes, skip: int, encoding: str, source: str | Path) -> str:
    """The text after the `skip` BOM bytes, in the encoding sniff_encoding named; bytes that
    are not that encoding raise AccResultsError naming the byte."""
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        hint = "" if encoding.startswith("utf-16") else " (nor the UTF-16 the server writes)"
        raise AccResultsError(
            source,
            f"byte {exc.start + skip}",
            f"not valid {encoding.upper()} text{hint}: {exc.reason}; the file is damaged",
        ) from None


def utf8_text(text: str) -> str | bytes:
    """The text as msgspec reads it fastest: an ASCII str as it is (msgspec reads its bytes
    in place), else its UTF-8 bytes.

    CPython encodes a str holding any non-ASCII character to UTF-8 one character at a time
    (0.45 ms for the 40-car race, whose only non-ASCII characters are two ©). A str whose
    characters all fit in Latin-1 (what names in ACC files nearly always are) is instead
    copied out as Latin-1 bytes in one go, and its few distinct non-ASCII bytes are each
    replaced by their two UTF-8 bytes: 0.1 ms. Anything else goes to CPython's encoder.

    The replacements never touch each other's output when made in ascending order: a byte
    0x80–0xBF becomes C2 and itself, a byte 0xC0–0xFF becomes C3 and a byte 0x80–0xBF (all
    of them replaced by then). Only Â (C2) and Ã (C3) would be hit later: they take the
    encoder.
    """
    if text.isascii():
        return text
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode()
    others = set(raw.translate(None, _ASCII))
    if len(others) > _FEW or not others.isdisjoint(_LEADS):
        return text.encode()
    for byte in sorted(others):
        raw = raw.replace(bytes((byte,)), chr(byte).encode())
    return raw


_ASCII = bytes(range(128))
_LEADS = (0xC2, 0xC3)  # the lead bytes of U+0080–U+00FF in UTF-8
_FEW = 8  # each distinct non-ASCII byte costs one pass over the text


def load_json(data: bytes, source: str | Path) -> object:
    """The JSON value of an ACC file's bytes (decode_acc_bytes, then parse_json)."""
    return parse_json(decode_acc_bytes(data, source), source)


def parse_json(text: str, source: str | Path) -> object:
    """The JSON value of the text; broken JSON raises AccResultsError naming line and column."""
    try:
        # A repeated key (`sessionType` since ACC 1.6) keeps its last value: that is what
        # json does by default, so no object_pairs_hook (it costs a fifth of the parse).
        # strict=False lets raw control characters through inside names.
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise AccResultsError(
            source,
            f"line {exc.lineno} column {exc.colno}",
            f"not valid JSON ({exc.msg}); the file may be truncated or damaged",
        ) from None
    except (ValueError, RecursionError) as exc:
        raise AccResultsError(source, "", f"not usable JSON: {exc}") from None


_IN_BACKGROUND = 64 * 1024  # below this, handing the hash to a thread costs what it saves
# One worker, started on the first large file (an executor starts no thread until then).
_hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acc-sha256")


def sha256_soon(data: bytes) -> Callable[[], str]:
    """The SHA-256 (hex) of `data`, worked out on a worker thread while the caller goes on:
    hashlib lets go of the GIL for large inputs, so on a second core the hash runs beside the
    parse. For the 2 MB 8-hour race that saves 0.6–1 ms; for a 0.5 MB file the two thread
    hand-offs cost about what the hash does (0.35 ms), so it is even. Call the result for the
    digest."""
    if len(data) >= _IN_BACKGROUND:
        started = threading.Event()
        try:
            future = _hasher.submit(_hex_sha256, data, started)
        except RuntimeError:  # the interpreter is shutting down: no new threads
            pass
        else:
            # Wait (GIL released) until the worker holds the GIL and is about to hash: else
            # it would wait for the GIL until this thread's switch interval (5 ms) ran out,
            # i.e. until after the parse, and nothing would run side by side.
            started.wait()
            return future.result
    digest = hashlib.sha256(data).hexdigest()
    return lambda: digest


def _hex_sha256(data: bytes, started: threading.Event) -> str:
    digest = hashlib.sha256()
    started.set()
    digest.update(data)  # lets go of the GIL: the parse goes on meanwhile
    return digest.hexdigest()
