"""The frozen app's entry point: the same program as `steward-desk`."""

import sys

from steward_desk.cli.main import main

sys.exit(main())
