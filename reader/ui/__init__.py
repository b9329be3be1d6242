"""Readmark's Qt front end: thin widgets, controllers in between, slow work in tasks.py."""
