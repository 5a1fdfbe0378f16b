"""Safety responses around the detector: who gets what reply, cooldowns, alerts, regions.

Everything here is plain Python over the database (no discord imports), so the policy can be
unit-tested; the cogs (`cogs/safety.py`, `cogs/alerts.py`, `cogs/resources.py`) do the talking.
"""

from bot.safety_service.alerts import Alert
from bot.safety_service.policy import Flag, flag_from_detection
from bot.safety_service.regions import member_region, set_member_region

__all__ = ["Alert", "Flag", "flag_from_detection", "member_region", "set_member_region"]
