"""Approval requests: people in the loop of a workflow run."""
