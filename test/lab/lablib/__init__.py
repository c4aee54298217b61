"""Helpers for the rstscope real-stack lab (see test/lab/README.md)."""
