"""Bridgeline: a calm, private Discord bot for people whose partner goes silent on them."""

__version__ = "0.1.0"
