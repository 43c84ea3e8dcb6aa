"""Publishing the feed: targets, links and redaction."""
