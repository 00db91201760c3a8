"""SLA tracking: targets on workflows (or one step), breaches found while runs go, alerts."""
