"""Daily reflection prompts: schedules, claims, the shuffle bag and the scheduler service.

Everything here but `discord_sender` and `reflect` is free of discord, so the service runs the
same against the fake sender of the bench as against Discord.
"""

from bot.daily_prompts.service import PostNowResult, PromptScheduler, TickReport
from bot.daily_prompts.store import prompt_of_the_day

__all__ = ["PostNowResult", "PromptScheduler", "TickReport", "prompt_of_the_day"]
