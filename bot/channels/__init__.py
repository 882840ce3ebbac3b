"""Channels below the one dispatcher: Telegram as aiogram speaks it, and Zalo through an adapter."""
