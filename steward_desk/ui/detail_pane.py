"""The selected incident at a glance: who, when, what was reported, the footage, findings."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from steward_desk.core.model import IncidentDetail, format_race_time
from steward_desk.ui.queue_model import category_label, deadline_label, shown_id

_ROLE_LABELS = {"reporter": "Reporter", "accused": "Accused", "affected": "Affected"}


def _e(value: object) -> str:
    return html.escape(str(value))


class DetailPane(QWidget):
    """Renders one incident; links ask the window to act (open review, override a finding)."""

    review_requested = Signal(str)
    override_requested = Signal(str, int)  # incident id, finding id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        self.browser.setObjectName("detailBrowser")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.detail: IncidentDetail | None = None
        self.finding_ids: list[int] = []
        self.show_empty()

    def show_empty(
        self, text: str = "Select an incident in the queue to see its reports and footage."
    ) -> None:
        self.detail = None
        self.browser.setHtml(f"<p style='color:gray; margin:16px'>{_e(text)}</p>")

    def show_detail(self, detail: IncidentDetail, finding_ids: list[int] | None = None) -> None:
        self.detail = detail
        self.finding_ids = finding_ids or []
        self.browser.setHtml(self.render_html(detail, self.finding_ids))

    @staticmethod
    def render_html(
        detail: IncidentDetail, finding_ids: list[int], now: datetime | None = None
    ) -> str:
        s = detail.summary
        now = now or datetime.now(UTC)
        parts: list[str] = [
            "<style>h2{margin:4px 0} h3{margin:14px 0 4px 0} td{padding:2px 8px 2px 0}"
            " .muted{color:gray} .warn{color:#d97706} .pill{font-weight:bold}</style>",
            f"<h2>Case {s.number} · {_e(category_label(s.category))}</h2>",
            f"<p><span class='pill'>{_e(s.status.label)}</span> &nbsp; "
            f"<a href='review:{s.id}'>Open review ▸</a></p>",
            "<table>",
            f"<tr><td class='muted'>Event</td><td>{_e(s.event)} ({_e(s.event_kind.value)})</td></tr>",
            f"<tr><td class='muted'>Session</td><td>{_e(s.session)}</td></tr>",
            f"<tr><td class='muted'>When</td><td>lap {_e(s.lap or '—')} · race time "
            f"{_e(format_race_time(s.race_time_ms))}</td></tr>",
            f"<tr><td class='muted'>Reported</td><td>{s.reported_at:%a %d %b %Y %H:%M} UTC</td></tr>",
        ]
        if s.status.is_open:
            parts.append(
                f"<tr><td class='muted'>Deadline</td><td>{_e(deadline_label(s.deadline, now))}</td></tr>"
            )
        parts.append("</table>")

        parts.append("<h3>Involved</h3><table>")
        for d in s.involved:
            car = f"#{d.car_number}" if d.car_number is not None else ""
            parts.append(
                f"<tr><td>{_e(_ROLE_LABELS.get(d.role.value, d.role.value))}</td><td>{_e(car)}</td>"
                f"<td><b>{_e(d.name)}</b></td><td class='muted'>{_e(shown_id(d.player_id))}</td></tr>"
            )
        parts.append("</table>")

        if s.findings:
            parts.append("<h3>Findings</h3><ul>")
            for i, f in enumerate(s.findings):
                if f.overridden:
                    parts.append(
                        f"<li class='muted'><s>{_e(f.kind.label)}</s>: {_e(f.message)} — overridden: "
                        f"{_e(f.override_reason)}</li>"
                    )
                else:
                    link = (
                        f" &nbsp;<a href='override:{finding_ids[i]}'>Override…</a>"
                        if i < len(finding_ids)
                        else ""
                    )
                    parts.append(
                        f"<li class='warn'><b>{_e(f.kind.label)}</b>: {_e(f.message)}{link}</li>"
                    )
            parts.append("</ul>")

        parts.append(f"<h3>Reports ({len(detail.reports)})</h3>")
        for r in detail.reports:
            when = f"lap {r.lap}" if r.lap else format_race_time(r.race_time_ms)
            parts.append(
                f"<p><b>{_e(r.reporter_name or 'Unknown')}</b> <span class='muted'>· "
                f"{r.submitted_at:%a %d %b %H:%M} · {_e(r.source)} · {_e(when)}</span><br>"
                f"{_e(r.description)}</p>"
            )

        parts.append(f"<h3>Footage ({len(detail.footage)})</h3>")
        names = {
            d.player_id: f"#{d.car_number} {d.name}" if d.car_number else d.name for d in s.involved
        }
        if not detail.footage:
            parts.append("<p class='warn'>No footage attached.</p>")
        for clip in detail.footage:
            where = clip.location
            if clip.source != "file":
                target = _e(where)
                where_html = f"<a href='{target}'>{target}</a>"
            else:
                where_html = f"<span class='muted'>{_e(where)}</span>"
            facts = []
            if clip.duration_ms:
                facts.append(f"{clip.duration_ms / 1000:.1f} s")
            if clip.fps:
                facts.append(f"{clip.fps:.0f} fps" + (" VFR" if clip.vfr else ""))
            facts.append(f"starts at race time {format_race_time(clip.offset_ms)}")
            if clip.sha256:
                facts.append(f"SHA-256 {clip.sha256[:12]}…")
            owner = names.get(clip.owner_player_id or "", "")
            title = f"{clip.label or clip.source}" + (f" · {owner}" if owner else "")
            parts.append(
                f"<p><b>{_e(title)}</b><br>{where_html}<br>"
                f"<span class='muted'>{_e(' · '.join(facts))}</span></p>"
            )
        if detail.audit:
            parts.append("<h3>History</h3><p class='muted'>")
            parts.append("<br>".join(_e(line) for line in detail.audit[-8:]))
            parts.append("</p>")
        return "".join(parts)

    def _on_link(self, url: QUrl) -> None:
        text = url.toString()
        if self.detail is None:
            return
        if text.startswith("review:"):
            self.review_requested.emit(self.detail.summary.id)
        elif text.startswith("override:"):
            self.override_requested.emit(self.detail.summary.id, int(text.split(":", 1)[1]))
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
