"""The sources registry, URL canonicalisation and the parsing of feeds, sitemaps and listings. Pure."""
