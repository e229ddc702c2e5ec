"""Every context's models in one metadata: what Alembic, the drift check and dumps work on.

Application code imports models from their own context (``registry.organizations.models``…);
this module only makes sure every table is registered on ``Base.metadata``.
"""

from __future__ import annotations

from registry.accounts import models as accounts
from registry.audit import models as audit
from registry.catalogue import dataflow_models as dataflows
from registry.catalogue import models as catalogue
from registry.ebys import models as ebys
from registry.kernel.db import Base
from registry.legislation import models as legislation
from registry.metadata import models as metadata_layer
from registry.organizations import models as organizations
from registry.reference import models as reference
from registry.search import models as search
from registry.standards import models as standards
from registry.workflow import models as workflow

CONTEXT_MODELS = (
    accounts,
    audit,
    catalogue,
    dataflows,
    ebys,
    legislation,
    metadata_layer,
    organizations,
    reference,
    search,
    standards,
    workflow,
)
metadata = Base.metadata
