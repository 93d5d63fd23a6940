"""The soft-404 rule, one for the crawl's link_broken check and for `recheck --url`: a page that
answered 200 but whose text is short and says it does not exist (页面不存在)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SoftNotFound(BaseModel):
    """config/indicators.yaml link_broken.soft_404."""

    model_config = ConfigDict(extra="forbid")
    phrases: list[str] = Field(min_length=1)
    # only short pages: a long article that quotes a phrase is not a 404 page
    max_text_length: int = Field(ge=1)

    def phrase_in(self, text: str | None) -> str | None:
        """The phrase a page's visible text shows, when the page is short enough to be a 404 page."""
        if not text or len(text) > self.max_text_length:
            return None
        low = text.lower()
        return next((p for p in self.phrases if p.lower() in low), None)
