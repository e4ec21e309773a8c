"""``python -m corpus`` is the ``crimecorpus`` command."""

import sys

from corpus.cli.main import main

sys.exit(main())
