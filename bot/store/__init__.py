"""The bot's state: the databases (``db``: SQLite, PostgreSQL), the storage on them
(``storage``: subscriptions, the outbox, feed state, what the fronts keep, the insights),
and its async face for the event loop (``face.Store``)."""
