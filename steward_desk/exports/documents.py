"""Decision documents in the FIA style: one PDF per decision and an event bulletin, laid out
with QTextDocument and written by QPdfWriter (QtGui only: exports never use widgets).

Layout under the output folder:

    <event>/doc-003-case-012.pdf   one per decision (document number within the event)
    <event>/bulletin.pdf           every decision of the event, corrections marked

PDFs carry no clock time: the creation date is the decision's time and the document id is
derived from the decision id, so exporting twice writes the same bytes.
"""

from __future__ import annotations

import html
import os
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from steward_desk.core.model import format_race_time
from steward_desk.core.rulebook import Rulebook
from steward_desk.core.wording import counted
from steward_desk.exports.atomic import write_atomic
from steward_desk.exports.notices import event_folders
from steward_desk.exports.records import DecisionRecord, Party

Progress = Callable[[int, int, str], None]

_NAMESPACE = uuid.UUID("5b7f0c3e-9a51-4d0e-8f7b-2f1b6c0d9e11")  # Steward Desk documents
_PDF_DATE = re.compile(rb"\(D:\d{14}Z\)")
_STYLE = """
body { font-family: 'DejaVu Sans', 'Helvetica', 'Arial', sans-serif; font-size: 10pt;
       color: #111; }
.league { font-size: 17pt; font-weight: bold; }
.event { font-size: 11pt; color: #333; }
.docno { font-size: 13pt; font-weight: bold; text-align: right; }
.meta { font-size: 9pt; color: #333; text-align: right; }
.rule { background-color: #b4001e; }
.title { font-size: 13pt; font-weight: bold; }
td.label { font-weight: bold; width: 24%; color: #222; }
.note { font-size: 8.5pt; color: #333; }
.sign { font-size: 10pt; }
th { background-color: #e6e6e6; text-align: left; font-size: 8.5pt; }
td.cell { font-size: 8.5pt; }
.struck { color: #777; }
"""


def decision_html(
    record: DecisionRecord, rulebook: Rulebook, numbers: Mapping[str, int] | None = None
) -> str:
    """The body of one decision document (FIA layout: fact, infringement, decision, reason).

    `numbers` maps decision ids to document numbers, to name corrections by document.
    """
    known = numbers or {}
    rows = [
        ("No / Driver", _drivers_cell(record)),
        ("Competitor", _teams(record)),
        ("Session", _session(record)),
        ("Time", _time(record)),
        ("Fact", _fact(record)),
        ("Infringement", _infringement(record)),
        ("Decision", _decision(record)),
        ("Reason", record.reasoning or "—"),
    ]
    table = "".join(
        f'<tr><td class="label">{html.escape(label)}</td><td>{_para(value)}</td></tr>'
        for label, value in rows
    )
    notes = []
    if record.supersedes:
        earlier = known.get(record.supersedes)
        named = f"document {earlier}" if earlier else f"decision {record.supersedes}"
        notes.append(f"This decision corrects and replaces {html.escape(named)} on the same case.")
    if record.superseded_by:
        later = known.get(record.superseded_by)
        named = f"document {later}" if later else f"decision {record.superseded_by}"
        notes.append(f"This decision was later corrected by {html.escape(named)}.")
    appeal = rulebook.deadlines.appeal_hours
    if appeal:
        notes.append(
            "Competitors are reminded of their right to appeal certain decisions of the "
            f"Stewards, within {appeal} hours of the notification of this decision, as the "
            "league's rulebook sets out."
        )
    note_html = "".join(f'<p class="note">{n}</p>' for n in notes)
    return f"""<html><head><style>{_STYLE}</style></head><body>
{_header(record.league, record.event, f"Document {record.document_number}", _date(record))}
<table width="100%" cellspacing="0" cellpadding="2">
<tr><td><b>From</b></td><td>The Stewards</td></tr>
<tr><td><b>To</b></td><td>{html.escape(_addressees(record))}</td></tr>
</table>
<p class="title">Decision — {html.escape(_title(record))}</p>
<table width="100%" cellspacing="0" cellpadding="6" border="0">{table}</table>
<p></p>
{note_html}
<p class="note">Case {record.case_number} · decision {html.escape(record.id)}</p>
<p></p>
<p class="sign"><b>The Stewards</b><br/>{html.escape(record.decided_by or record.league)}</p>
</body></html>"""


def bulletin_html(event: str, records: list[DecisionRecord]) -> str:
    """Every decision of an event in one table, oldest first; corrected ones marked."""
    numbers = {r.id: r.document_number for r in records}
    rows = []
    for r in records:
        state = ""
        if r.superseded_by is not None:
            state = f"<br/><i>corrected by doc {numbers.get(r.superseded_by, '?')}</i>"
        elif r.supersedes is not None:
            state = f"<br/><i>corrects doc {numbers.get(r.supersedes, '?')}</i>"
        css = ' class="cell struck"' if r.superseded_by else ' class="cell"'
        rows.append(
            f"<tr><td{css}>{r.document_number}</td><td{css}>{r.case_number}</td>"
            f"<td{css}>{html.escape(_session(r))}</td>"
            f"<td{css}>{html.escape(_drivers_line(r.parties))}</td>"
            f"<td{css}>{html.escape(r.category_name)}</td>"
            f"<td{css}><b>{html.escape(_decision(r))}</b>{html.escape(_whom(r))}{state}</td></tr>"
        )
    league = records[0].league if records else ""
    latest = max((r.decided_at for r in records), default=None)
    date = f"{latest:%d %B %Y}" if latest else ""
    body = "".join(rows) or '<tr><td colspan="6">No decisions.</td></tr>'
    return f"""<html><head><style>{_STYLE}</style></head><body>
{_header(league, event, "Bulletin", date)}
<p class="title">Decisions of the Stewards</p>
<table width="100%" cellspacing="0" cellpadding="4" border="1" style="border-collapse: collapse;">
<tr><th>Doc</th><th>Case</th><th>Session</th><th>Cars and drivers</th><th>Infringement</th>
<th>Decision</th></tr>
{body}
</table>
<p></p>
<p class="note">{counted(len(records), "decision")}. Each has its own
document with the facts and the reasons.</p>
</body></html>"""


def render_pdf(body_html: str, *, title: str, key: str, when: datetime) -> bytes:
    """A4 PDF bytes of the HTML; `key` and `when` make the same input give the same bytes."""
    ensure_gui()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QUuid
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 16, 18, 16), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("Steward Desk")
    writer.setDocumentId(QUuid(str(uuid.uuid5(_NAMESPACE, key))))
    writer.setDocumentXmpMetadata(QByteArray(_xmp(title, when).encode("utf-8")))
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setHtml(body_html)
    # print_() lays the text out on the printable area, in points, and paginates it.
    document.print_(writer)
    del writer  # finishes the PDF into the buffer
    data = bytes(buffer.data().data())
    # Qt stamps the wall clock into the Info dictionary; same length, so offsets hold.
    return _PDF_DATE.sub(f"(D:{when:%Y%m%d%H%M%S}Z)".encode("ascii"), data)


def ensure_gui() -> None:
    """QTextDocument and QPdfWriter need a QGuiApplication; headless, an offscreen one."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        global _APP
        _APP = QGuiApplication(["steward-desk"])


_APP: object = None  # keeps the headless QGuiApplication alive


def export_documents(
    records: list[DecisionRecord],
    rulebook: Rulebook,
    out: Path,
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """Write one PDF per decision and one bulletin per event under `out`."""
    report = progress or (lambda done, total, text: None)
    by_event: dict[tuple[str, str], list[DecisionRecord]] = defaultdict(list)
    for record in records:
        by_event[(record.event_id, record.event)].append(record)
    numbers = {r.id: r.document_number for r in records}
    written: list[Path] = []
    total, done = len(records) + len(by_event), 0
    folders = event_folders([name for _, name in by_event])
    for (_, event), items in sorted(by_event.items(), key=lambda kv: kv[0][1]):
        folder = out / folders[event]
        for record in items:
            data = render_pdf(
                decision_html(record, rulebook, numbers),
                title=f"{event} — Document {record.document_number}",
                key=record.id,
                when=record.decided_at,
            )
            path = folder / f"doc-{record.document_number:03d}-case-{record.case_number:03d}.pdf"
            write_atomic(path, data)
            written.append(path)
            done += 1
            report(done, total, f"Document {record.document_number} of {event}")
        data = render_pdf(
            bulletin_html(event, items),
            title=f"{event} — Bulletin",
            key=f"bulletin:{items[0].event_id}",
            when=max(r.decided_at for r in items),
        )
        write_atomic(folder / "bulletin.pdf", data)
        written.append(folder / "bulletin.pdf")
        done += 1
        report(done, total, f"Bulletin of {event}")
    return written


def _header(league: str, event: str, label: str, date: str) -> str:
    return f"""<table width="100%" cellspacing="0" cellpadding="0"><tr>
<td width="65%"><p class="league">{html.escape(league)}</p>
<p class="event">{html.escape(event)}</p></td>
<td width="35%" align="right"><p class="docno">{html.escape(label)}</p>
<p class="meta">{"<br/>".join(html.escape(line) for line in date.split(chr(10)))}</p></td></tr></table>
<table width="100%" cellspacing="0" cellpadding="0" class="rule"><tr>
<td style="font-size: 2pt;">&nbsp;</td></tr></table>
<p style="font-size: 4pt;">&nbsp;</p>"""


def _xmp(title: str, when: datetime) -> str:
    stamp = f"{when:%Y-%m-%dT%H:%M:%S}+00:00"
    return (
        "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
        "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/' "
        "xmlns:xmp='http://ns.adobe.com/xap/1.0/'>"
        f"<dc:title><rdf:Alt><rdf:li xml:lang='x-default'>{html.escape(title)}</rdf:li>"
        f"</rdf:Alt></dc:title><xmp:CreatorTool>Steward Desk</xmp:CreatorTool>"
        f"<xmp:CreateDate>{stamp}</xmp:CreateDate></rdf:Description></rdf:RDF></x:xmpmeta>"
        "<?xpacket end='w'?>"
    )


def _para(text: str) -> str:
    return html.escape(text).replace("\n", "<br/>")


def _car(party: Party) -> str:
    return f"Car {party.car_number} — {party.name}" if party.car_number is not None else party.name


def _chosen(record: DecisionRecord) -> tuple[Party, ...]:
    # The decision is addressed to the drivers it penalises; without a fault, to all involved.
    return record.at_fault or record.parties


def _drivers_cell(record: DecisionRecord) -> str:
    chosen = _chosen(record)
    return "\n".join(_car(p) + (f" ({p.car_model})" if p.car_model else "") for p in chosen) or "—"


def _drivers_line(parties: tuple[Party, ...]) -> str:
    return ", ".join(
        f"#{p.car_number} {p.name}" if p.car_number is not None else p.name for p in parties
    )


def _teams(record: DecisionRecord) -> str:
    teams = [p.team for p in _chosen(record) if p.team]
    return ", ".join(dict.fromkeys(teams)) or "—"


def _addressees(record: DecisionRecord) -> str:
    chosen = _chosen(record)
    names = ", ".join(
        f"{p.name} (car {p.car_number})" if p.car_number is not None else p.name for p in chosen
    )
    teams = [p.team for p in chosen if p.team]
    team = f"; the team manager of {', '.join(dict.fromkeys(teams))}" if teams else ""
    return f"{names}{team}" if names else "The drivers involved"


def _title(record: DecisionRecord) -> str:
    chosen = _chosen(record)
    if len(chosen) == 1:
        return _car(chosen[0])
    return ", ".join(f"Car {p.car_number}" for p in chosen if p.car_number is not None) or (
        f"Case {record.case_number}"
    )


def _session(record: DecisionRecord) -> str:
    return record.session_label


def _time(record: DecisionRecord) -> str:
    parts = []
    if record.lap is not None:
        parts.append(f"Lap {record.lap}")
    if record.race_time_ms is not None:
        parts.append(f"race time {format_race_time(record.race_time_ms)}")
    return ", ".join(parts) or "—"


def _date(record: DecisionRecord) -> str:
    return f"{record.decided_at:%d %B %Y}\nTime: {record.decided_at:%H:%M} UTC"


def _fact(record: DecisionRecord) -> str:
    cars = [
        f"Car {p.car_number} ({p.name})" if p.car_number is not None else p.name
        for p in record.parties
    ]
    if not cars:
        named = "the cars involved"
    elif len(cars) == 1:
        named = cars[0]
    else:
        named = f"{', '.join(cars[:-1])} and {cars[-1]}"
    where = f" on lap {record.lap}" if record.lap is not None else ""
    link = "between" if len(cars) > 1 else "by"
    return f"{record.category_name} {link} {named}{where}."


def _infringement(record: DecisionRecord) -> str:
    if not record.rule_refs:
        return record.category_name
    return f"{record.category_name}: breach of {'; '.join(record.rule_refs)}."


def _whom(record: DecisionRecord) -> str:
    cars = [f"car {p.car_number}" for p in record.at_fault if p.car_number is not None]
    return f" — {', '.join(cars)}" if cars and record.penalty is not None else ""


def _decision(record: DecisionRecord) -> str:
    if record.penalty is None:
        return record.outcome.label
    return record.penalty.describe()
