"""Document engine: Typst templates fed with JSON data, immutable stored versions.

See docs/documents.md.
"""
