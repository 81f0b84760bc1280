"""Reading diplomatic news into sourced facts: a pipeline of small named stages."""

from comity.news._doc import Coalition, Meeting, MembershipChange, Mention, NewsDoc, Person, Quote
from comity.news._pipeline import DEFAULT_STAGES, Pipeline, Resources, StageInfo, registered_stages, stage

__all__ = [
    "DEFAULT_STAGES",
    "Coalition",
    "Meeting",
    "MembershipChange",
    "Mention",
    "NewsDoc",
    "Person",
    "Pipeline",
    "Quote",
    "Resources",
    "StageInfo",
    "registered_stages",
    "stage",
]
