"""What both fronts share: the settings (``config``), the service (the live library and
the storage), the fleet's replicas and roles and the background work (``background``),
the command table (``commands``), the texts (``render``), the insights, and the
operator's tasks (``operations``)."""
