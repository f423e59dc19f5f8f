"""E-mail reminders before each report cut-off, and the opt-outs."""
