"""TwinGuard: cited answers on AI digital replicas of models, offline."""

from .config import Settings
from .twinguard import TwinGuard
from .types import Answer, Chunk, Citation, Document, Hit

__all__ = ["Answer", "Chunk", "Citation", "Document", "Hit", "Settings", "TwinGuard"]
