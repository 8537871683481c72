"""`keys init|show|trust|import|list|rotate` (CLI.md): the desk's key and the league key-set.

None of these commands opens the database. Other command groups that sign (`bundle export`,
`cases export`, `export decisions`) use `add_passphrase_option` and `desk_key` from here.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from steward_desk.cli.context import Context, print_json, say
from steward_desk.cli.errors import CliError, UsageError
from steward_desk.core.model import StewardRole
from steward_desk.signing.errors import SigningError
from steward_desk.signing.keys import Jwk, SigningKey
from steward_desk.signing.keyset import (
    AUTHORITY_ROLES,
    KeySet,
    create_keyset,
    load_keyset,
    successor,
    trust,
)
from steward_desk.signing.keystore import (
    PASSPHRASE_ENV,
    DeskIdentity,
    KeyStore,
    keyring_usable,
    read_passphrase,
    write_private,
)
from steward_desk.signing.rotation import apply_rotation, make_rotation, read_rotation

ROLES = [role.value for role in StewardRole]


def register(sub: Any) -> None:
    parser = sub.add_parser("keys", help="this desk's signing key and the league key-set")
    commands = parser.add_subparsers(dest="keys_command", metavar="SUBCOMMAND")

    init = commands.add_parser("init", help="create this desk's Ed25519 signing key")
    init.add_argument("--name", required=True, help="who signs from this desk")
    init.add_argument("--role", required=True, choices=ROLES)
    init.add_argument("--league", default="league", help="league name (head/admin: new key-set)")
    init.add_argument("--force", action="store_true", help="replace an existing key")
    init.add_argument("--json", action="store_true", help="print one JSON document")
    add_passphrase_option(init)
    init.set_defaults(handler=init_key)

    show = commands.add_parser("show", help="this desk's public key")
    show.add_argument("--jwk", action="store_true", help="print the public JWK (with kid)")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=show_key)

    trusting = commands.add_parser(
        "trust", help="add a key (FILE.jwk) or apply a rotation statement to the league key-set"
    )
    trusting.add_argument("file", type=Path, help="a public JWK, or a key rotation statement")
    trusting.add_argument("--name", help="the key holder's name (required for a JWK)")
    trusting.add_argument("--role", choices=ROLES, help="their role (required for a JWK)")
    add_passphrase_option(trusting)
    trusting.set_defaults(handler=trust_key)

    importing = commands.add_parser("import", help="adopt the league key-set (or its next version)")
    importing.add_argument("files", type=Path, nargs="+", help="key-set documents, oldest first")
    importing.add_argument(
        "--key", type=Path, help="the head steward's public JWK, to check a first key-set"
    )
    importing.set_defaults(handler=import_keyset)

    listing = commands.add_parser("list", help="the keys of the league key-set")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    listing.set_defaults(handler=list_keys)

    rotate = commands.add_parser("rotate", help="replace this desk's key; old and new key sign")
    rotate.add_argument("--out", type=Path, help="where to write the rotation statement")
    rotate.add_argument(
        "--new-passphrase-file", type=Path, help="passphrase for the new key (default: the same)"
    )
    add_passphrase_option(rotate)
    rotate.set_defaults(handler=rotate_key)


def add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    """`--passphrase-file F` for commands that need the desk's private key."""
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        help=f"file whose first line is the key passphrase (or set {PASSPHRASE_ENV})",
    )


def desk_key(args: argparse.Namespace, ctx: Context) -> tuple[SigningKey, DeskIdentity]:
    """This desk's private key and identity, asking for the passphrase only if it is needed."""
    store = KeyStore(ctx.paths.keys_dir)
    try:
        identity = store.identity()
        passphrase = None
        if identity.store == "file":
            passphrase = _passphrase(getattr(args, "passphrase_file", None))
        return store.load(passphrase), identity
    except SigningError as error:
        raise CliError(str(error)) from None


def desk_keyset(ctx: Context) -> KeySet | None:
    """The league key-set this desk holds, verified, or None when it has none yet."""
    store = KeyStore(ctx.paths.keys_dir)
    data = store.keyset_bytes()
    if data is None:
        return None
    try:
        return load_keyset(data, source=str(store.keyset_file))
    except SigningError as error:
        raise CliError(f"the league key-set held here is unusable: {error}") from None


def init_key(args: argparse.Namespace, ctx: Context) -> int:
    store = KeyStore(ctx.paths.keys_dir)
    role = StewardRole(args.role)
    if store.exists() and not args.force:
        identity = store.identity()
        raise CliError(
            f"this desk already has a key ({identity.name}, {identity.role.value}, kid "
            f"{identity.kid}); pass --force to replace it, or `keys rotate` to hand over to a "
            "new key"
        )
    passphrase = None if keyring_usable() else _passphrase(args.passphrase_file, confirm=True)
    try:
        key, identity = store.create(args.name, role, passphrase, force=args.force)
    except SigningError as error:
        raise CliError(str(error)) from None
    where = "the OS keyring" if identity.store == "keyring" else str(store.key_file)
    say(f"Created the signing key of {identity.name} ({role.value}), kid {identity.kid}")
    say(f"The private key is in {where}.")
    if role in AUTHORITY_ROLES and store.keyset_bytes() is None:
        doc = create_keyset(args.league, key, identity.name, role)
        store.save_keyset(doc, 1)
        say(f"Started the key-set of league {args.league!r} (version 1) at {store.keyset_file}")
    elif store.keyset_bytes() is None:
        say("Send `keys show --jwk` to your head steward, then `keys import` the key-set.")
    else:
        say("Note: the key-set held here does not list this new key; ask an admin to trust it.")
    if args.json:
        print_json(identity.to_dict())
    return 0


def show_key(args: argparse.Namespace, ctx: Context) -> int:
    try:
        identity = KeyStore(ctx.paths.keys_dir).identity()
    except SigningError as error:
        raise CliError(str(error)) from None
    if args.jwk:
        print_json(identity.jwk.to_dict())
    elif args.json:
        print_json(identity.to_dict())
    else:
        print(f"name    {identity.name}")
        print(f"role    {identity.role.value}")
        print(f"kid     {identity.kid}")
        print(f"stored  {'OS keyring' if identity.store == 'keyring' else 'encrypted file'}")
        print(f"since   {identity.created_at}")
    return 0


def trust_key(args: argparse.Namespace, ctx: Context) -> int:
    store = KeyStore(ctx.paths.keys_dir)
    keyset = _require_keyset(ctx)
    data = _read(args.file)
    try:
        if _looks_signed(data):
            rotation = read_rotation(data, keyset, source=str(args.file))
            key, _ = desk_key(args, ctx)
            doc = apply_rotation(keyset, rotation, [key])
            summary = f"{rotation.old.name}'s key rotated to kid {rotation.new_jwk.kid}"
        else:
            if args.name is None or args.role is None:
                raise UsageError("trusting a JWK needs --name NAME and --role ROLE")
            jwk = Jwk.from_bytes(data, source=str(args.file))
            key, _ = desk_key(args, ctx)
            doc = trust(keyset, jwk, args.name, StewardRole(args.role), key)
            summary = f"trusted {args.name.strip()} ({args.role}), kid {jwk.kid}"
        updated = successor(keyset, doc)
    except SigningError as error:
        raise CliError(str(error)) from None
    store.save_keyset(doc, updated.version)
    say(f"{summary}: key-set version {updated.version} saved to {store.keyset_file}")
    say("Send that file to the league's desks (`keys import`).")
    return 0


def import_keyset(args: argparse.Namespace, ctx: Context) -> int:
    store = KeyStore(ctx.paths.keys_dir)
    current = desk_keyset(ctx)
    anchor = None
    if args.key is not None:
        try:
            anchor = Jwk.from_bytes(_read(args.key), source=str(args.key))
        except SigningError as error:
            raise CliError(str(error)) from None
    # Check every file before saving any: bad input changes nothing.
    accepted: list[KeySet] = []
    try:
        for path in args.files:
            data = _read(path)
            if current is None:
                current = load_keyset(data, anchor=anchor, source=str(path))
                first = current.signers[0]
                if anchor is None:
                    say(
                        f"First key-set, signed by {first.describe()}: compare this kid with the "
                        "one your head steward gives you (or pass --key HEAD.jwk)."
                    )
            else:
                following = successor(current, data, source=str(path))
                if following is current:
                    say(f"{path}: version {current.version} is already held here")
                    continue
                current = following
            accepted.append(current)
    except SigningError as error:
        raise CliError(str(error)) from None
    for keyset in accepted:
        store.save_keyset(keyset.document, keyset.version)
    if current is not None and accepted:
        count = len(current.entries)
        say(f"League {current.league!r}: key-set version {current.version}, {count} keys")
        if store.exists() and current.find(store.identity().kid) is None:
            say("Note: this desk's own key is not in the key-set yet.")
    return 0


def list_keys(args: argparse.Namespace, ctx: Context) -> int:
    keyset = _require_keyset(ctx)
    if args.json:
        print_json(
            {
                "league": keyset.league,
                "version": keyset.version,
                "keys": [entry.to_dict() for entry in keyset.entries],
            }
        )
        return 0
    print(f"league {keyset.league}, key-set version {keyset.version}")
    for entry in keyset.entries:
        print(f"{entry.role.value:<8} {entry.name:<24} {entry.kid}  since {entry.added_at}")
    return 0


def rotate_key(args: argparse.Namespace, ctx: Context) -> int:
    store = KeyStore(ctx.paths.keys_dir)
    old_key, identity = desk_key(args, ctx)
    keyset = desk_keyset(ctx)
    league = keyset.league if keyset is not None else "league"
    new_key = SigningKey.generate()
    statement = make_rotation(old_key, new_key, league)
    new_keyset: KeySet | None = None
    try:
        if keyset is not None and keyset.is_authority(old_key.kid):
            rotation = read_rotation(statement, keyset)
            new_keyset = successor(keyset, apply_rotation(keyset, rotation, [old_key, new_key]))
        new_passphrase = None
        if identity.store == "file":
            new_passphrase = read_passphrase(args.new_passphrase_file) or _passphrase(
                args.passphrase_file
            )
    except SigningError as error:
        raise CliError(str(error)) from None
    out = args.out or store.keys_dir / f"rotation-{old_key.kid[:8]}.json"
    write_private(out, statement)
    store.retire(identity)
    try:
        store.create(identity.name, identity.role, new_passphrase, force=True, key=new_key)
    except SigningError as error:
        raise CliError(str(error)) from None
    if new_keyset is not None:
        store.save_keyset(new_keyset.document, new_keyset.version)
        say(f"Key-set version {new_keyset.version} lists the new key (signed by old and new).")
    say(f"New key kid {new_key.kid} replaces kid {old_key.kid}.")
    say(f"Rotation statement: {out} (the head steward applies it with `keys trust {out.name}`).")
    return 0


def _require_keyset(ctx: Context) -> KeySet:
    keyset = desk_keyset(ctx)
    if keyset is None:
        raise CliError(
            "this desk holds no league key-set: a head steward or admin starts one with "
            "`keys init --role head`, others adopt it with `keys import KEYSET.json`"
        )
    return keyset


def _passphrase(passphrase_file: Path | None, *, confirm: bool = False) -> bytes | None:
    try:
        passphrase = read_passphrase(passphrase_file)
    except SigningError as error:
        raise CliError(str(error)) from None
    if passphrase is None and sys.stdin.isatty():
        passphrase = getpass.getpass("Key passphrase: ").encode("utf-8") or None
        if passphrase and confirm and getpass.getpass("Again: ").encode("utf-8") != passphrase:
            raise CliError("the two passphrases differ")
    return passphrase


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CliError(f"{path}: cannot read it ({error.strerror})") from None


def _looks_signed(data: bytes) -> bool:
    head = data.lstrip()[:200]
    return head.startswith(b"{") and (b'"signatures"' in data or b'"signature"' in data)
