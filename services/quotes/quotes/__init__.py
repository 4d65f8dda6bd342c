"""quotes: see README.md; its business content arrives with its own issue."""
