"""TwinGuard: cited answers on AI digital replicas of models, offline."""

from assistant.config import Settings
from assistant.twinguard import TwinGuard
from assistant.types import Answer, Chunk, Citation, Document, Hit

__all__ = ["Answer", "Chunk", "Citation", "Document", "Hit", "Settings", "TwinGuard"]
