"""The intake log on the web: server-rendered pages for the Sở's administrators."""
