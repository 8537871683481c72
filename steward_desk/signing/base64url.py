"""Base64url without padding (RFC 7515 §2), decoded strictly.

Strict decoding matters for signed documents: a lenient decoder accepts several spellings of
the same bytes (padding, stray characters, non-zero trailing bits), and a document that means
one thing must be written one way.
"""

from __future__ import annotations

import base64
import binascii
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def encode(data: bytes) -> str:
    """Base64url text of `data`, no padding."""
    return encode_bytes(data).decode("ascii")


def encode_bytes(data: bytes) -> bytes:
    """Base64url of `data` as ASCII bytes, no padding: for megabyte payloads that go straight
    into a file (the one spelling; `encode` is its text)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def decode(text: str) -> bytes:
    """The bytes of unpadded base64url `text`; ValueError (saying why) for any other spelling."""
    if not isinstance(text, str):
        raise ValueError(f"expected base64url text, found a {type(text).__name__}")
    data = _decode_quickly(text)
    return data if data is not None else _decode_checked(text)


def _decode_quickly(text: str) -> bytes | None:
    """The bytes when `text` is base64url spelled the one accepted way, else None.

    A feed's payload is ten megabytes of base64url: a strict C decode and a look at the last
    characters take a third of the time of the alphabet pattern, decode and re-encode below,
    and accept exactly the same texts (a test holds them to it).
    """
    if not text.isascii():
        return None
    raw = text.encode("ascii")
    tail = len(raw) % 4
    if tail == 1 or b"+" in raw or b"/" in raw or b"=" in raw:
        return None
    try:
        data = binascii.a2b_base64(
            raw.translate(_TO_STANDARD) + b"=" * (-tail % 4), strict_mode=True
        )
    except binascii.Error:
        return None
    # The last characters may carry bits beyond the last byte: they must be zero.
    if tail and encode(data[-(tail - 1) :]) != text[-tail:]:
        return None
    return data


def _decode_checked(text: str) -> bytes:
    # Every check spelled out, so a refusal says which rule the text breaks.
    if _ALPHABET.fullmatch(text) is None:
        if "=" in text:
            raise ValueError("base64url here is written without '=' padding")
        raise ValueError("holds characters outside the base64url alphabet (A–Z a–z 0–9 - _)")
    if len(text) % 4 == 1:
        raise ValueError("has a length no base64url text can have")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:  # pragma: no cover - the alphabet check comes first
        raise ValueError(f"is not base64url: {error}") from None
    if encode(data) != text:
        raise ValueError("is not the canonical base64url spelling of its bytes")
    return data


_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
