"""A rerunnable benchmark: `make bench` (see docs/performance.md)."""
