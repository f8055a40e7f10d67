"""The command line: ``python run.py [COMMAND] ...``; the parser and dispatch are in
:mod:`sim.cli.main`, each subcommand in :mod:`sim.cli.commands`."""
