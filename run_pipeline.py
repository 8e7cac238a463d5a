#!/usr/bin/env python3
"""Entry point: ``python run_pipeline.py`` processes raw/ into extracted/; see ``--help``."""

import sys

from pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
