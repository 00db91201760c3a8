"""The action catalog: metadata, schemas and run statistics of every workflow action."""
