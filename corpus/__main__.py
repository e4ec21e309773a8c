"""``python -m corpus`` is the ``crimecorpus`` command."""

import sys

from corpus.cli import main

sys.exit(main())
