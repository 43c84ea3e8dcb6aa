"""The command line: the click group, one module per group of commands, and the views."""
