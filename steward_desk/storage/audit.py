"""The append-only audit log: who did what, when. Written in the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from steward_desk.storage import sql_rows
from steward_desk.storage.tables import AuditLog, utcnow


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
            detail_json=_detail_json(detail),
        )
    )


_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "detail_json")


def record_now(
    session: Session,
    actor: str,
    action: str,
    entity: str = "",
    entity_id: str = "",
    **detail: Any,
) -> None:
    """`record`, the entry written at once as a plain row in the session's transaction (the
    same columns and values), for paths that write their other rows that way too (sql_rows):
    building the AuditLog object costs 0.3 ms, more than the whole insert."""
    sql_rows.insert_tuples(
        session,
        AuditLog,
        _COLUMNS,
        [(utcnow(), actor, action, entity, entity_id, _detail_json(detail))],
    )


def _detail_json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)


def entries_for(session: Session, entity_id: str) -> list[AuditLog]:
    query = select(AuditLog).where(AuditLog.entity_id == entity_id).order_by(col(AuditLog.id))
    return list(session.exec(query))
