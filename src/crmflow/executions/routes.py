"""HTTP routes for executions (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
