"""A deliberately wrong tree: each module breaks one rule of the house plan."""
