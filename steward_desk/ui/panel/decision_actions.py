"""Decision documents in the GUI: the head steward saves a decision's signed document for
the panel; a steward co-signs one; the head steward collects the co-signed copies.

A mixin of `PanelCapability` (which provides the dialogs, `keyset`, `signing_key`, `merge`
and `refresh_merge`); the work is `panel.cosign`'s, as on the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from steward_desk.panel.cosign import collect_cosignatures, cosign, decision_document
from steward_desk.panel.errors import PanelError
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import KeySet
from steward_desk.signing.keystore import DeskIdentity, write_private

if TYPE_CHECKING:
    from steward_desk.app import Desk
    from steward_desk.ui.panel.merge_view import MergeView


class DecisionActions:
    desk: Desk
    merge: MergeView | None

    if TYPE_CHECKING:  # provided by PanelCapability and KeyActions

        def ask_open_files(self, title: str) -> list[Path]: ...
        def ask_save_file(self, title: str, name: str) -> Path | None: ...
        def keyset(self) -> KeySet | None: ...
        def identity(self) -> DeskIdentity | None: ...
        def signing_key(self) -> tuple[SigningKey, DeskIdentity] | None: ...
        def refresh_merge(self, select: str | None = None) -> None: ...
        def refused(self, title: str, error: PanelError) -> None: ...
        def tell(self, text: str) -> None: ...

    def save_decision_document(self) -> Path | None:
        """Write the current case's signed decision, for the panel members to co-sign."""
        panel = self.merge.current_panel() if self.merge is not None else None
        if panel is None or panel.decision_id is None:
            self.tell("Choose a decided case in the Merge tab first")
            return None
        out = self.ask_save_file("Save the signed decision", f"decision-case-{panel.number}.json")
        if out is None:
            return None
        try:
            write_private(out, decision_document(self.desk.store, panel.decision_id))
        except PanelError as error:
            self.refused("Save the decision", error)
            return None
        self.tell(f"Saved the signed decision of case {panel.number} → {out.name}")
        return out

    def cosign_decision(self, path: Path | None = None) -> Path | None:
        """A panel member adds their signature to the head steward's decision document."""
        chosen = [path] if path is not None else self.ask_open_files("Co-sign a decision")
        if not chosen:
            return None
        signer = self.signing_key()
        if signer is None:
            return None
        key, identity = signer
        source = chosen[0]
        try:
            signed = cosign(source.read_bytes(), key, self.keyset(), source=str(source))
        except OSError as error:
            self.refused("Co-sign", PanelError("unreadable", str(error), source=str(source)))
            return None
        except PanelError as error:
            self.refused("Co-sign", error)
            return None
        out = self.ask_save_file("Save the co-signed decision", f"{source.stem}-{key.kid[:6]}.json")
        if out is None:
            return None
        write_private(out, signed)
        self.tell(f"Co-signed by {identity.name} → {out.name}: send it to the head steward")
        return out

    def collect_cosignatures(self, paths: list[Path] | None = None) -> bool:
        """The head steward merges co-signed copies into the decisions recorded here."""
        chosen = paths if paths is not None else self.ask_open_files("Collect co-signatures")
        if not chosen:
            return False
        try:
            files = [(str(p), p.read_bytes()) for p in chosen]
            results = collect_cosignatures(self.desk.store, files, self.keyset())
        except OSError as error:
            self.refused("Collect co-signatures", PanelError("unreadable", str(error)))
            return False
        except PanelError as error:
            self.refused("Collect co-signatures", error)
            return False
        self.tell(" · ".join(r.describe() for r in results))
        self.refresh_merge()
        return True

    def decision_dropped(self, paths: list[Path]) -> None:
        """Decision documents dropped: the head desk collects them, a steward's co-signs."""
        keyset, identity = self.keyset(), self.identity()
        if keyset is not None and identity is not None and keyset.is_authority(identity.kid):
            self.collect_cosignatures(paths)
        else:
            for path in paths:
                self.cosign_decision(path)
