"""Subcommands of ``run.py``: one module each, with ``add_parser`` and ``main``."""
