"""Sourced reference records (JSON) turned into the graph's Turtle files: the mapping code that the
bundled data and, later, publishers' imports go through."""
