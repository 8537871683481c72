"""Stewards: who this desk judges as, and the league's other stewards.

The desk's steward comes from the signing key store when `keys init` was run (its name, role
and key id); otherwise the steward enters a name, team, player id and roles once, the row is
stored here and its id remembered in the desk's settings. Team and player id matter: the
conflict-of-interest rule compares them with the drivers of each incident.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from steward_desk.core.model import StewardRole
from steward_desk.core.panel import PanelMember
from steward_desk.core.verdict import StewardRef
from steward_desk.storage import audit
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Steward

if TYPE_CHECKING:
    from steward_desk.signing.keystore import DeskIdentity


class StewardError(ValueError):
    """A steward record that cannot be stored as given (the message names the field)."""


@dataclass(frozen=True, slots=True)
class StewardInfo:
    """One steward as the verdict form and the conflict rule see them."""

    id: str
    name: str
    roles: tuple[StewardRole, ...] = (StewardRole.STEWARD,)
    team: str = ""
    player_id: str | None = None
    kid: str | None = None

    @property
    def ref(self) -> StewardRef:
        return StewardRef(self.id, self.name)

    @property
    def member(self) -> PanelMember:
        """The conflict rule's view; keyed by the signing key when there is one."""
        return PanelMember(self.kid or self.id, self.name, self.player_id, self.team)

    @property
    def is_head(self) -> bool:
        """Head stewards and admins see every submitted verdict (they merge the panel)."""
        return StewardRole.HEAD in self.roles or StewardRole.ADMIN in self.roles

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "roles": [r.value for r in self.roles],
            "team": self.team,
            "player_id": self.player_id,
            "kid": self.kid,
        }


def _roles(text: str) -> tuple[StewardRole, ...]:
    out = []
    for part in text.split(","):
        part = part.strip()
        if part in {r.value for r in StewardRole}:
            out.append(StewardRole(part))
    return tuple(out) or (StewardRole.STEWARD,)


def _info(row: Steward) -> StewardInfo:
    return StewardInfo(
        id=row.id,
        name=row.name,
        roles=_roles(row.roles),
        team=row.team,
        player_id=row.player_id or None,
        kid=row.kid,
    )


def _clean_roles(roles: Iterable[StewardRole | str]) -> str:
    chosen: list[str] = []
    for role in roles:
        try:
            value = StewardRole(role).value
        except ValueError:
            known = ", ".join(r.value for r in StewardRole)
            raise StewardError(f"roles: unknown role {role!r} (expected {known})") from None
        if value not in chosen:
            chosen.append(value)
    return ",".join(chosen) or StewardRole.STEWARD.value


class StewardRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[StewardInfo]:
        """The league's stewards known to this desk, by name."""
        with self.store.read() as session:
            rows = session.exec(select(Steward).order_by(col(Steward.name))).all()
            return [_info(r) for r in rows]

    def get(self, steward_id: str) -> StewardInfo | None:
        with self.store.read() as session:
            row = session.get(Steward, steward_id)
            return _info(row) if row is not None else None

    def find(self, ref: str) -> StewardInfo | None:
        """A steward by id, key id or (unique, case-insensitive) name."""
        text = ref.strip()
        with self.store.read() as session:
            row = session.get(Steward, text)
            if row is None:
                row = session.exec(select(Steward).where(Steward.kid == text)).first()
            if row is None:
                named = [
                    s
                    for s in session.exec(select(Steward)).all()
                    if s.name.casefold() == text.casefold()
                ]
                row = named[0] if len(named) == 1 else None
            return _info(row) if row is not None else None

    def register(
        self,
        name: str,
        roles: Iterable[StewardRole | str] = (StewardRole.STEWARD,),
        *,
        team: str = "",
        player_id: str | None = None,
        kid: str | None = None,
        public_jwk: str = "",
    ) -> StewardInfo:
        """Store a new steward; the audit log records who they are."""
        if not name.strip():
            raise StewardError("name: missing: a steward needs a name")
        row = Steward(
            name=name.strip(),
            roles=_clean_roles(roles),
            team=team.strip(),
            player_id=(player_id or "").strip() or None,
            kid=kid,
            public_jwk=public_jwk,
        )
        with self.store.transaction() as session:
            session.add(row)
            session.flush()
            audit.record(
                session,
                self.store.actor,
                "steward.registered",
                "steward",
                row.id,
                name=row.name,
                roles=row.roles,
                team=row.team,
                player_id=row.player_id,
                kid=row.kid,
            )
        return _info(row)

    def update(
        self,
        steward_id: str,
        *,
        name: str | None = None,
        team: str | None = None,
        player_id: str | None = None,
        roles: Iterable[StewardRole | str] | None = None,
    ) -> StewardInfo:
        """Change a steward's name, team, player id or roles (before and after are audited)."""
        with self.store.transaction() as session:
            row = session.get(Steward, steward_id)
            if row is None:
                raise StewardError(f"steward: no steward {steward_id!r}")
            before = _info(row).to_json()
            if name is not None:
                if not name.strip():
                    raise StewardError("name: missing: a steward needs a name")
                row.name = name.strip()
            if team is not None:
                row.team = team.strip()
            if player_id is not None:
                row.player_id = player_id.strip() or None
            if roles is not None:
                row.roles = _clean_roles(roles)
            after = _info(row).to_json()
            audit.record(
                session,
                self.store.actor,
                "steward.updated",
                "steward",
                row.id,
                before=before,
                after=after,
            )
            return _info(row)

    def for_identity(self, identity: DeskIdentity) -> StewardInfo:
        """The steward row of a signing identity, created the first time it is seen."""
        found = self._by_kid(identity.kid)
        if found is not None:
            return found
        import json

        return self.register(
            identity.name,
            [identity.role],
            kid=identity.kid,
            public_jwk=json.dumps(identity.jwk.to_dict(), sort_keys=True),
        )

    def _by_kid(self, kid: str) -> StewardInfo | None:
        with self.store.read() as session:
            row = session.exec(select(Steward).where(Steward.kid == kid)).first()
            return _info(row) if row is not None else None

    def by_id_in(self, session: Session, steward_id: str) -> StewardInfo | None:
        row = session.get(Steward, steward_id)
        return _info(row) if row is not None else None


def desk_steward(
    store: Store, keys_dir: Path, remembered_id: str | None = None
) -> StewardInfo | None:
    """Who this desk judges as: the key store's identity, else the remembered steward row.

    None when neither exists: the GUI then asks once, the CLI refuses with a hint.
    """
    from steward_desk.signing.errors import SigningKeyError
    from steward_desk.signing.keystore import KeyStore

    stewards = StewardRepository(store)
    keys = KeyStore(keys_dir)
    if keys.exists():
        try:
            return stewards.for_identity(keys.identity())
        except SigningKeyError:
            pass  # a damaged identity file: fall back to the remembered steward
    if remembered_id:
        return stewards.get(remembered_id)
    return None
