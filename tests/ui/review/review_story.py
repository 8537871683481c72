"""Case 1's facts, shared by the review workspace's tests: where each onboard sits on the
race clock, and which frame a clip shows at a content time (the rule tests check against)."""

from __future__ import annotations

from steward_desk.media.clip_maker import ClipInfo

ACCUSED_OFFSET = 60_000  # race time of the accused's first frame
REPORTER_OFFSET = 59_300
INCIDENT_MS = 61_000


def expected_index(info: ClipInfo, content_ms: float) -> int:
    """The frame a clip shows at content time t: the last whose pts − first pts ≤ t."""
    first = info.pts_ms[0]
    shown = [i for i, pts in enumerate(info.pts_ms) if pts - first <= content_ms]
    return shown[-1] if shown else 0
