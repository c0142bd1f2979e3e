"""The scale benchmark: synthetic projects of 10 k to 1 M quads, each build step timed in a fresh process."""
