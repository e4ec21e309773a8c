"""Web archives: their indexes (Common Crawl, the Wayback Machine) and their raw captures, pure."""
