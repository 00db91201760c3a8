"""Simulation: walk a workflow with every effect held back; back-test it over recorded events."""
