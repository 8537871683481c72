"""Footage: the index of a file's frames, the exact frame server, remuxing, test clips.

Modules: `footage_index` (probe a file: packet timestamps, no decode), `frame_server` (the exact
frame shown at a content time, DESIGN decision 2), `remux` (.ts/.flv to MKV), `stamp` and
`clip_maker` (self-describing clips for tests, the demo and the benchmark), `errors`.
Milliseconds everywhere; content time 0 is the first video frame of the file.
"""
