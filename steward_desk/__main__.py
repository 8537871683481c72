"""`python -m steward_desk` is the same program as `steward-desk`."""

import sys

from steward_desk.cli.main import main

sys.exit(main())
