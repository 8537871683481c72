"""Tables of the panel exchange: the signed documents a desk sent and accepted.

One row per document, keyed by the hash of its transmitted bytes. The rows a desk received
are its per-signer chain state (the last `seq` and hash accepted from each kid, so a rolled
back or forked bundle is refused) and make a second import of the same file a no-op; the
rows it sent give the `seq` and `prev` of its next document of the same kind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from steward_desk.storage.tables import utcnow


class PanelDocument(SQLModel, table=True):
    __tablename__ = "panel_document"
    __table_args__ = (Index("ix_panel_document_chain", "direction", "kind", "kid", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    hash: str = Field(unique=True)  # base64url SHA-256 of the transmitted bytes
    direction: str  # "sent" | "received"
    kind: str  # "cases" | "verdicts" | "decision"
    kid: str  # the signer (sent: this desk's key)
    seq: int | None = None
    prev: str | None = None
    issued_at: str = ""
    source: str = ""  # the file it came from or went to
    items: int = 0  # incidents in a case pack, verdicts in a bundle
    recorded_at: datetime = Field(default_factory=utcnow)
    document: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
