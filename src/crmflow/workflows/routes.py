"""HTTP routes for workflows (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
