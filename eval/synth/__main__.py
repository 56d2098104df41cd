"""`python -m eval.synth`: the command line of the generator (eval/synth/cli.py)."""
import sys

from .cli import main

sys.exit(main())
