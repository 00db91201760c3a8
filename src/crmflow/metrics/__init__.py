"""Prometheus metrics: the seed's families, read from the database at each scrape."""
