"""Demo data: a sales team, organisations, contacts, deals, 90 days of activities, templates,
and a month of runs with planted patterns mined into suggestions."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.auth.service import Principal, create_user
from crmflow.auth.sign_in_help import DEMO_PASSWORD
from crmflow.common.enums import WorkflowStatus
from crmflow.crm.choices import PIPELINE_STAGES
from crmflow.crm.models import Activity, Contact, Deal, Organisation, Tag
from crmflow.crm.records import snapshot
from crmflow.db.base import utcnow
from crmflow.demo_history import plant_history
from crmflow.events.models import Event
from crmflow.workflows.service import set_status
from crmflow.workflows.templates import BUILTIN_TEMPLATES, create_from_template

STAGES = list(PIPELINE_STAGES)
CATEGORIES = ["institutional", "corporate", "sme", "startup", "public"]
NAMES = [
    "Alforis Finance",
    "Banque Lumière",
    "Cap Horizon",
    "Delta Assurances",
    "Écureuil Capital",
    "Fidelis Gestion",
    "Groupe Atlas",
    "Helios Partners",
    "Iris Patrimoine",
    "Jade Invest",
    "Kappa Conseil",
    "Lynx Asset",
    "Mistral Private",
    "Nova Courtage",
    "Orion Family Office",
    "Pléiade AM",
    "Quartz Finance",
    "Rivage Capital",
    "Sirius Gestion",
    "Tempo Invest",
    "Ulysse Partenaires",
    "Vega Patrimoine",
    "Wagram AM",
    "Xénon Capital",
    "Yser Finance",
    "Zéphyr Gestion",
    "Arche Mutuelle",
    "Boréal Invest",
    "Cèdre Conseil",
    "Dune Capital",
]
TEAM = [
    ("cfo@demo.crmflow", "Claire Fontaine", "editor", ["cfo"], None),
    ("director@demo.crmflow", "Denis Roche", "editor", ["director"], "cfo@demo.crmflow"),
    ("manager@demo.crmflow", "Maya Laurent", "editor", ["manager"], "director@demo.crmflow"),
    ("alice@demo.crmflow", "Alice Martin", "editor", ["sales"], "manager@demo.crmflow"),
    ("bruno@demo.crmflow", "Bruno Petit", "editor", ["sales"], "manager@demo.crmflow"),
    ("chloe@demo.crmflow", "Chloé Durand", "editor", ["sales"], "manager@demo.crmflow"),
    ("viewer@demo.crmflow", "Victor Lemoine", "viewer", [], None),
]


def has_demo_data(session: Session, *, company_id: int) -> bool:
    """Return True when the company already has organisations."""
    count = session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.company_id == company_id)
    )
    return bool(count)


def seed_demo(
    session: Session, *, company_id: int, admin_user_id: int, seed: int = 7
) -> dict[str, int]:
    """Fill a company with a realistic sales team and history; activate the three templates."""
    rng = random.Random(seed)
    now = utcnow()
    users: dict[str, User] = {}
    for email, name, role, titles, manager in TEAM:
        existing = session.scalar(
            select(User).where(User.company_id == company_id, User.email == email)
        )
        users[email] = existing or create_user(
            session,
            company_id=company_id,
            email=email,
            name=name,
            role=role,
            titles=titles,
            manager_id=users[manager].id if manager else None,
            password=DEMO_PASSWORD,
        )
    admin = session.get(User, admin_user_id)
    if admin is not None and admin.manager_id is None:
        admin.manager_id = users["manager@demo.crmflow"].id
    sellers = [users[e] for e in ("alice@demo.crmflow", "bruno@demo.crmflow", "chloe@demo.crmflow")]
    for tag in ("vip", "partner", "renewal", "priority"):
        session.add(Tag(company_id=company_id, name=tag))
    orgs: list[Organisation] = []
    for index, name in enumerate(NAMES):
        org = Organisation(
            company_id=company_id,
            name=name,
            category=rng.choice(CATEGORIES),
            pipeline_stage=rng.choice(STAGES),
            potential_amount=float(rng.randrange(5, 150) * 1000),
            email=f"contact@{name.lower().split()[0]}.example",
            owner_id=sellers[index % 3].id,
            tags=rng.sample(["vip", "partner", "renewal"], k=rng.randint(0, 2)),
            custom_fields={},
            created_at=now - timedelta(days=rng.randint(60, 200)),
        )
        session.add(org)
        orgs.append(org)
    session.flush()
    contacts: list[Contact] = []
    for org in orgs:
        for n in range(2):
            contact = Contact(
                company_id=company_id,
                first_name=rng.choice(["Anne", "Marc", "Sofia", "Luc"]),
                last_name=rng.choice(["Bernard", "Moreau", "Garcia", "Roux"]),
                email=f"person{n}.{org.id}@client.example",
                organisation_id=org.id,
                owner_id=org.owner_id,
                tags=[],
                custom_fields={},
            )
            session.add(contact)
            contacts.append(contact)
    session.flush()
    deals = 0
    for org in orgs:
        for _ in range(rng.randint(1, 3)):
            session.add(
                Deal(
                    company_id=company_id,
                    title=f"{org.name} — {rng.choice(['Mandat', 'Conseil', 'Fonds'])}",
                    amount=float(rng.randrange(2, 120) * 1000),
                    discount_percent=float(rng.choice([0, 5, 10, 15])),
                    stage=rng.choice(STAGES),
                    organisation_id=org.id,
                    owner_id=org.owner_id,
                    tags=[],
                    custom_fields={},
                    close_date=now + timedelta(days=rng.randint(-30, 90)),
                )
            )
            deals += 1
    activities = 0
    for org in orgs:
        # Some accounts go quiet for more than 30 days: the inactivity template finds them.
        quiet = rng.random() < 0.3
        newest = rng.randint(31, 89) if quiet else rng.randint(0, 25)
        for _ in range(rng.randint(2, 6)):
            days_ago = rng.randint(newest, 90)
            when = now - timedelta(days=days_ago, hours=rng.randint(0, 23))
            session.add(
                Activity(
                    company_id=company_id,
                    kind=rng.choice(["call", "meeting", "email", "note"]),
                    subject=f"Suivi {org.name}",
                    body="",
                    occurred_at=when,
                    entity_type="organisation",
                    entity_id=org.id,
                    user_id=org.owner_id,
                )
            )
            if org.last_activity_at is None or when > org.last_activity_at:
                org.last_activity_at = when
            activities += 1
    session.flush()
    events = _record_history(session, company_id, orgs, seed)
    session.commit()
    principal = Principal(
        user_id=admin_user_id,
        company_id=company_id,
        role="admin",
        email=admin.email if admin else "",
    )
    for slug in BUILTIN_TEMPLATES:
        workflow = create_from_template(session, principal=principal, template_id=slug)
        set_status(session, principal=principal, workflow_id=workflow.id, status="active")
    planted = plant_history(
        session, principal=principal, days=30, seed=seed, status=WorkflowStatus.INACTIVE
    )
    session.commit()
    return {
        "users": len(TEAM),
        "organisations": len(orgs),
        "contacts": len(contacts),
        "deals": deals,
        "activities": activities,
        "workflows": len(BUILTIN_TEMPLATES) + len(planted.workflows),
        "events": events,
        "planted runs": planted.executions,
    }


def _record_history(session: Session, company_id: int, orgs: list[Organisation], seed: int) -> int:
    """Record the events this history would have produced (already dispatched: no runs), so
    that a back-test has something to replay: each organisation's creation, each deal's
    creation in the last 30 days, and the stage moves that brought deals where they are."""
    rng = random.Random(seed + 1)  # its own stream: the history above stays as it was
    now = utcnow()
    rows: list[Event] = []

    def event(kind: str, obj: Any, when: Any, changes: dict[str, Any] | None = None) -> None:
        rows.append(
            Event(
                company_id=company_id,
                type=kind,
                entity_type=kind.split("_", 1)[0],
                entity_id=obj.id,
                payload=snapshot(obj),
                changes=changes or {},
                occurred_at=when,
                created_at=when,
                dispatched_at=when,
            )
        )

    for org in orgs:
        event("organisation_created", org, org.created_at)
    deals = session.scalars(
        select(Deal).where(Deal.company_id == company_id).order_by(Deal.id)
    ).all()
    for deal in deals:
        created = now - timedelta(days=rng.randint(10, 29), hours=rng.randint(0, 23))
        event("deal_created", deal, created)
        # The stages it went through: lost deals were lost after a proposition, and half of
        # the signed ones were signed straight from the proposition.
        path = STAGES[: STAGES.index(deal.stage) + 1] if deal.stage != "lost" else STAGES[:2]
        if deal.stage == "lost":
            path.append("lost")
        elif deal.stage == "signed" and rng.random() < 0.5:
            path.remove("negotiation")
        moment = created
        for old, new in itertools.pairwise(path):
            moment = moment + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 23))
            event("deal_stage_changed", deal, min(moment, now), {"stage": [old, new]})
    session.add_all(rows)
    return len(rows)
