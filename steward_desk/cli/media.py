"""`media probe|frame|remux` (CLI.md): what a footage file holds and its exact frames.

Support reproduces a steward's "wrong frame" report with these, without the GUI and without a
database. `probe --json` prints `{"duration_ms", "frames", "fps", "vfr", "first_pts_ms",
"keyframes", "codec", "width", "height"}` where `keyframes` is the number of keyframes (the
full list lives in the stored footage index). A file that cannot be used exits 1 with
"<file>: <problem>".
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from steward_desk.cli.context import Context, print_json, say
from steward_desk.cli.errors import CliError
from steward_desk.media.errors import MediaError


def register(sub: Any) -> None:
    parser = sub.add_parser("media", help="inspect footage files and write exact frames")
    commands = parser.add_subparsers(dest="media_command", metavar="SUBCOMMAND")

    probe = commands.add_parser("probe", help="frames, rate, VFR and keyframes of a file")
    probe.add_argument("file", type=Path, metavar="FILE")
    probe.add_argument("--json", action="store_true", help="print one JSON document")
    probe.set_defaults(handler=probe_file)

    frame = commands.add_parser(
        "frame", help="write the exact frame shown at content time MS as PNG"
    )
    frame.add_argument("file", type=Path, metavar="FILE")
    frame.add_argument(
        "--at", type=float, required=True, metavar="MS",
        help="content time in ms: 0 is the first video frame",
    )  # fmt: skip
    frame.add_argument("--out", type=Path, required=True, metavar="PNG")
    frame.add_argument("--max-width", type=int, help="scale the picture down to this width")
    frame.add_argument("--json", action="store_true", help="print one JSON document")
    frame.set_defaults(handler=write_frame)

    remux = commands.add_parser("remux", help="copy a .ts/.flv capture into MKV (no re-encode)")
    remux.add_argument("src", type=Path, metavar="SRC")
    remux.add_argument("dst", type=Path, metavar="DST.mkv")
    remux.set_defaults(handler=remux_file)


def probe_file(args: argparse.Namespace, ctx: Context) -> int:
    """Index FILE from its packets and show the numbers a steward's player relies on."""
    from steward_desk.media.footage_index import probe

    try:
        summary = probe(args.file).summary()
    except MediaError as error:
        raise CliError(str(error)) from error
    if args.json:
        print_json(summary)
    else:
        width = max(len(key) for key in summary)
        for key, value in summary.items():
            print(f"{key:<{width}}  {value}")
    return 0


def write_frame(args: argparse.Namespace, ctx: Context) -> int:
    """Decode the exact frame at --at and save it; the message names which frame it is."""
    from steward_desk.media.frame_server import FrameServer, write_png

    try:
        with FrameServer(args.file, max_width=args.max_width) as server:
            frame = server.frame(args.at)
    except MediaError as error:
        raise CliError(str(error)) from error
    try:
        write_png(frame, args.out)
    except OSError as error:
        raise CliError(f"{args.out}: cannot write the PNG ({error.strerror or error})") from error
    if args.json:
        print_json(
            {
                "index": frame.index,
                "pts_ms": round(frame.pts_ms, 3),
                "content_ms": frame.content_ms,
                "out": str(args.out),
            }
        )
    else:
        say(
            f"frame {frame.index} (pts {frame.pts_ms:.3f} ms, shown from content "
            f"{frame.content_ms} ms) written to {args.out}"
        )
    return 0


def remux_file(args: argparse.Namespace, ctx: Context) -> int:
    """Packet-copy SRC into the Matroska file DST (what the import does with .ts/.flv)."""
    from steward_desk.media.remux import remux_to_mkv

    try:
        remux_to_mkv(args.src, args.dst)
    except MediaError as error:
        raise CliError(str(error)) from error
    say(f"{args.src} copied into {args.dst}")
    return 0
