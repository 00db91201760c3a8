"""Import every ORM module so Base.metadata knows all tables (migrations, tests)."""

from crmflow.approvals import models as approval_models
from crmflow.auth import models as auth_models
from crmflow.blueprints import models as blueprint_models
from crmflow.catalog import models as catalog_models
from crmflow.crm import models as crm_models
from crmflow.db.base import Base
from crmflow.events import models as event_models
from crmflow.executions import models as execution_models
from crmflow.outbound import models as outbound_models
from crmflow.simulation import models as simulation_models
from crmflow.sla import models as sla_models
from crmflow.suggestions import models as suggestion_models
from crmflow.vault import models as vault_models
from crmflow.workflows import models as workflow_models

__all__ = [
    "Base",
    "approval_models",
    "auth_models",
    "blueprint_models",
    "catalog_models",
    "crm_models",
    "event_models",
    "execution_models",
    "outbound_models",
    "simulation_models",
    "sla_models",
    "suggestion_models",
    "vault_models",
    "workflow_models",
]
