from notify.models import Base
from portal_common.migrations import run_env

run_env(Base.metadata)
