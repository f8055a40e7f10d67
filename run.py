"""Red Vest entry point: ``python run.py --help``."""

import sys

from sim.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
