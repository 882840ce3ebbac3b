"""Alembic environment: always handed a live connection by storage.migrate (sync side of run_sync)."""

from alembic import context

# Imported for their tables: autogenerate and the stairway test compare against the whole metadata.
import storage.channel_models
import storage.decision_models
import storage.reminder_models
import storage.review_models
import storage.runtime_models
import storage.supervision_models  # noqa: F401
from storage.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds for ALTER
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
