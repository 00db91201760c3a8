"""Demo data: a sales team, organisations, contacts, deals, 90 days of activities, templates."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.auth.service import Principal, create_user
from crmflow.crm.models import Activity, Contact, Deal, Organisation, Tag
from crmflow.db.base import utcnow
from crmflow.workflows.service import set_status
from crmflow.workflows.templates import BUILTIN_TEMPLATES, create_from_template

STAGES = ["qualification", "proposition", "negotiation", "signed", "lost"]
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
            password="demo",
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
    return {
        "users": len(TEAM),
        "organisations": len(orgs),
        "contacts": len(contacts),
        "deals": deals,
        "activities": activities,
        "workflows": len(BUILTIN_TEMPLATES),
    }
