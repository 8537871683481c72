"""The append-only audit log: who did what, when. Written in the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from steward_desk.storage.tables import AuditLog


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str = "",
    entity_id: str = "",
    **detail: Any,
) -> None:
    session.add(
        AuditLog(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail_json=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )
    )


def entries_for(session: Session, entity_id: str) -> list[AuditLog]:
    query = select(AuditLog).where(AuditLog.entity_id == entity_id).order_by(col(AuditLog.id))
    return list(session.exec(query))
