"""Footage: indexing, exact frames, scrub previews, libVLC playback kept on one race clock.

- The index and the exact frame: `footage_index` (probe a file: packet timestamps, no
  decode), `frame_server` (the exact frame shown at a content time, DESIGN decision 2),
  `previews` and `preview_builder` (per-frame JPEG scrub previews, made in the background).
- Playback: `player` (what the sync needs from a player), `vlc_backend` (libVLC), `sync`
  (the controller keeping every clip on the `race_clock`), with one clip's state in
  `clip_follower` and its rules in `clip_drift`, `on_clock`, `speed_trim` and
  `realign_backoff`.
- Files: `remux` (.ts/.flv to MKV); `stamp` and `clip_maker` (self-describing clips for
  tests, the demo and the benchmarks); `errors`.

Milliseconds everywhere; content time 0 is the first video frame of the file.
"""
