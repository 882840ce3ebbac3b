"""Reminders, pure: which reminders are due to whom and when (planning), quiet hours, and the send pace."""
