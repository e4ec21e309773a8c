"""crimecorpus: the public Python interface (work in progress; see README "Library API")."""
