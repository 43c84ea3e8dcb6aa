"""Starting from an invitation: reading .ics and .eml files and guessing the interview."""
