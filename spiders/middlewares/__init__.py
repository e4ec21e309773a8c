"""Downloader middlewares and request fingerprinting."""
