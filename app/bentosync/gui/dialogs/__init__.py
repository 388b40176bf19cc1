"""Dialogs: login, accounts and settings. Keyring and network calls run on workers."""
