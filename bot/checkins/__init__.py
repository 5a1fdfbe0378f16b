"""Check-ins: private reflections and anonymous posts whose author is stored only as a pseudonym.

Pure logic (validation, stats, tags, rate limits, data rights) lives beside the Discord-facing
parts (ui, flow, sender, moderation), so the rules can be tested without a gateway.
"""
