"""What leaves the corpus: exports, dataset snapshots, data cards, plots and the browser."""
