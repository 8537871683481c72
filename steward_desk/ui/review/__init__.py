"""The review workspace: an incident's onboards side by side on one race clock, frame-exact.

The host creates `ReviewWorkspace(services, parent)` with an implementation of
`ReviewServices` and calls `open_incident(incident_id)`.
"""

from steward_desk.ui.review.playback import video_playback_status
from steward_desk.ui.review.services import ReviewServices
from steward_desk.ui.review.workspace import ReviewWorkspace

__all__ = ["ReviewServices", "ReviewWorkspace", "video_playback_status"]
