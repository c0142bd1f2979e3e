"""Benchmarks of the cqkg endpoint against its peers (``make bench``; not part of ``make test``)."""
