"""`verify FILE [--key KEY.jwk]` (CLI.md): check a signed file and say which checks ran.

Exit 0 only when every check passes. Each check is one line, `ok  …` or `FAIL …`, so a
league's script can show a person exactly why a file was refused.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from steward_desk.cli.context import Context, print_json
from steward_desk.cli.errors import CliError
from steward_desk.cli.keys import desk_keyset
from steward_desk.signing.chain import link_of
from steward_desk.signing.errors import SigningError
from steward_desk.signing.keys import Jwk, TrustedKey
from steward_desk.signing.validity import check_validity
from steward_desk.signing.verify import Trusted, Verified, verify


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "verify", help="check a signed file (exit 0 only if every check passes)"
    )
    parser.add_argument("file", type=Path, help="a signed Steward Desk document")
    parser.add_argument(
        "--key", type=Path, help="trust only this public JWK (default: the league key-set)"
    )
    parser.add_argument("--cty", help="also require this content type")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=verify_file)


def verify_file(args: argparse.Namespace, ctx: Context) -> int:
    trusted, trust_check = _trusted(args, ctx)
    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise CliError(f"{args.file}: cannot read it ({error.strerror})") from None
    checks = [trust_check]
    verified: Verified | None = None
    try:
        verified = verify(data, trusted, expected_cty=args.cty, source=str(args.file))
        checks.extend(verified.checks)
        checks.extend(check_validity(verified.payload))
        if isinstance(verified.payload, dict) and "seq" in verified.payload:
            seq, prev = link_of(verified.payload)
            checks.append(f"chain link: seq {seq}, prev {prev or 'none (first document)'}")
    except SigningError as error:
        checks.extend(error.passed)
        return _report(args, checks, verified, failure=error)
    return _report(args, checks, verified, failure=None)


def _trusted(args: argparse.Namespace, ctx: Context) -> tuple[Trusted, str]:
    if args.key is not None:
        try:
            jwk = Jwk.from_bytes(args.key.read_bytes(), source=str(args.key))
        except OSError as error:
            raise CliError(f"{args.key}: cannot read it ({error.strerror})") from None
        except SigningError as error:
            raise CliError(str(error)) from None
        return [TrustedKey(jwk)], f"trusting only the key in {args.key} (kid {jwk.kid})"
    keyset = desk_keyset(ctx)
    if keyset is None:
        raise CliError(
            "this desk holds no league key-set to verify against: pass --key KEY.jwk, or adopt "
            "the key-set with `keys import`"
        )
    return keyset, (
        f"trusting the key-set of league {keyset.league!r}, version {keyset.version} "
        f"({len(keyset.entries)} keys)"
    )


def _report(
    args: argparse.Namespace,
    checks: list[str],
    verified: Verified | None,
    failure: SigningError | None,
) -> int:
    # The passed checks from a refusal repeat those already collected; keep each once.
    unique = list(dict.fromkeys(checks))
    if args.json:
        doc: dict[str, Any] = {"file": str(args.file), "ok": failure is None, "checks": unique}
        if verified is not None:
            doc["cty"] = verified.cty
            doc["signers"] = [
                {"kid": s.kid, "name": s.name, "role": s.role.value if s.role else None}
                for s in verified.signers
            ]
            doc["document_hash"] = verified.document_hash
        if failure is not None:
            doc["failure"] = {"reason": failure.reason.value, "message": failure.detail}
        print_json(doc)
    else:
        for check in unique:
            print(f"ok  {check}")
        if failure is not None:
            print(f"FAIL {failure.detail}")
    return 0 if failure is None else 1
