"""crimecorpus: a crawler and corpus builder for Dutch and Flemish crime news."""
