"""HTTP routes for crm (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
