"""Readers of new-media account feeds (政务微博, 政务微信, RSS/Atom): one module per format, each a
pure function from a response to a `ParsedFeed`; `detect` picks the format from the response."""

from spiders.platforms.base import FeedError, FeedRequest, ParsedFeed, ParsedPost, PostLink
from spiders.platforms.detect import PARSERS, detect_format, parse_feed

__all__ = ["PARSERS", "FeedError", "FeedRequest", "ParsedFeed", "ParsedPost", "PostLink", "detect_format",
           "parse_feed"]
