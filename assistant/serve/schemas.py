"""Request bodies of the HTTP API (pydantic models); the OpenAPI page is generated from them."""

from __future__ import annotations

import dataclasses
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.draft.rider import RiderParams
from assistant.retrieve.retriever import Mode

JURISDICTION = Field(None, description="EU, US-NY, US-CA, US-IL, UK, … or 'all'; default: the place the text names.",
                     examples=["US-NY"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")    # a misspelt field is an error, not silently ignored


class AskRequest(Strict):
    question: str = Field(description="The question, in words.",
                          examples=["Can my agency make a digital twin of me without asking?"])
    jurisdiction: Optional[str] = JURISDICTION
    history: list[str] = Field(default_factory=list, max_length=50,
                               description="Earlier questions of the conversation, oldest first.")


class SearchRequest(Strict):
    query: str = Field(examples=["label deep fakes as AI-generated"])
    k: int = Field(8, ge=1, le=100, description="How many passages.")
    jurisdiction: Optional[str] = JURISDICTION
    mode: Mode = "hybrid"


class ReviewText(Strict):
    text: str = Field(description="The contract, or one clause, as plain text. It is never stored.")
    jurisdiction: Optional[str] = JURISDICTION


class DraftRequest(Strict):
    """A plain request and/or explicit values (named as in the rider's parameters); explicit values win."""

    request: Optional[str] = Field(None, examples=["12-month e-commerce licence, EUR 500 per use, EU"])
    model_name: Optional[str] = None
    company_name: Optional[str] = None
    permitted_uses: Optional[list[str]] = None
    media: Optional[list[str]] = None
    territory: Optional[str] = None
    term_months: Optional[int] = None
    fee_per_use: Optional[float] = None
    fee_per_period: Optional[float] = None
    period: Optional[str] = Field(None, description="What fee_per_period pays for (month, year).")
    currency: Optional[str] = None
    approval: Optional[bool] = None
    deletion_days: Optional[int] = None
    jurisdiction: Optional[str] = None
    union: Optional[str] = None
    minor: Optional[bool] = None
    agency_name: Optional[str] = None
    start_date: Optional[str] = Field(None, description="YYYY-MM-DD")
    placeholders: Optional[dict[str, str]] = Field(None, description='Fill any placeholder: {"APPROVAL DAYS": "5"}.')

    @field_validator("currency")
    @classmethod
    def upper(cls, value: Optional[str]) -> Optional[str]:
        return value.upper() if value else value

    def params(self) -> RiderParams:
        """The rider's parameters: read from `request` (when given), then the explicit values over them.
        Raises DraftError for a request that says nothing usable or a bad value."""
        from assistant.draft.request import parse_request

        base = parse_request(self.request) if self.request else RiderParams()
        changes = self.model_dump(exclude_none=True, exclude={"request", "placeholders", "permitted_uses", "media"})
        for name in ("permitted_uses", "media"):
            if getattr(self, name):
                changes[name] = tuple(getattr(self, name))
        if self.placeholders:
            changes["placeholders"] = tuple((k.strip().upper(), v.strip()) for k, v in self.placeholders.items())
        return dataclasses.replace(base, **changes)
