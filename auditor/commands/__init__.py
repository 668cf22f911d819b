"""The sub-commands of ``auditor``, one module per theme; :data:`COMMANDS` lists them for the CLI."""

from auditor.commands.attest import attest
from auditor.commands.audit import audit, evaluate
from auditor.commands.catalogue import checklists, controls
from auditor.commands.demo import demo
from auditor.commands.history import diff, history, schedule
from auditor.commands.keys import keys
from auditor.commands.permissions import permissions
from auditor.commands.verify import verify

COMMANDS = [demo, checklists, controls, audit, evaluate, permissions, verify]
COMMANDS += [history, diff, schedule, keys, attest]
