"""Local stand-in for the Telegram Bot API over HTTP (see server.py), with a web chat page."""
