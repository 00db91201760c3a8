"""HTTP routes for auth (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
