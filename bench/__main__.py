"""`python -m bench [--quick]`: run every benchmark and print one table."""
import sys

from bench.run import main

sys.exit(main())
