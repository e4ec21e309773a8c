"""Annotations of an article: crime score and categories, places, persons, pseudonyms. Pure."""
