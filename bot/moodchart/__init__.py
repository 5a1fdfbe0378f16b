"""The private mood chart of /checkin history: the member's own days only (series.py, pure),
drawn with Pillow (render.py), described in words for screen readers (series.alt_text)."""
