"""Help never left unanswered: a safety alert (or a member's request for contact) that no
moderator claimed in time is raised again, once, pinging the moderator role."""
