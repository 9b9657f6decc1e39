"""`python -m tui` runs the `qtime` command."""
import sys

from tui.cli import main

sys.exit(main())
