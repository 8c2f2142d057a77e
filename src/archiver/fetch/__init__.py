"""Fetching: HTTP exchanges with politeness, retries and limits (see the modules below)."""
