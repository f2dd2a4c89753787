"""briefing: a compiler for printable analytic briefings, sourced down to the sentence."""

__version__ = "0.1.0"
