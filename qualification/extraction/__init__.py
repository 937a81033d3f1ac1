"""Reading an enquiry: the signals for the four dimensions (requirement type, commercial
significance, urgency, decision position) and the flags, with the words that gave each.

Pure Python over plain data (no database), so it is deterministic, fast and testable on
its own: ``extract(enquiry, areas)`` returns ``Signals``. Scoring them under a model
version is ``qualification.scoring``.
"""

from qualification.extraction.base import AreaSpec, Enquiry, Signals, extract

__all__ = ["AreaSpec", "Enquiry", "Signals", "extract"]
