"""`python -m studio` runs the `hair-studio` command."""

import sys

from studio.cli import main

sys.exit(main())
