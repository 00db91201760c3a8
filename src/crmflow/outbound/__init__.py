"""Effects outside our database: email over SMTP and webhooks over HTTP, sent from an outbox."""
