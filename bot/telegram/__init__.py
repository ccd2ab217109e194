"""The python-telegram-bot front: wiring, thin handlers, buttons, inline mode, announcements."""
