"""Replies from the mailbox: read the employer's answers and propose what changed.

``sources`` reads a mailbox (IMAP, mbox, Maildir, a folder of .eml) without changing
it; ``messages`` decodes headers and bodies; ``match`` says which tracked interview a
message answers; ``classify`` turns its wording into a proposal; ``propose`` ties them
together and applies proposals through the tracker.
"""
