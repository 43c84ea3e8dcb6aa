"""The pure core: business days, timeline phrases, policies as values, the cadence engine, drafts.

Nothing here reads a file, the clock or the terminal: everything comes in as a value.
"""
