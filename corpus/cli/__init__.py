"""The ``crimecorpus`` command: argument parsing and commands, nothing else."""
