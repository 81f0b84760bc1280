"""Reading diplomatic news into sourced facts: a pipeline of small named stages.

>>> from comity.news import Pipeline, to_gold
>>> doc = Pipeline().read('"We will work with all," Chinese Foreign Minister Wang Yi said.', id="x")
>>> to_gold(doc)["quotes"]
[{'speaker': 'Wang Yi', 'text': 'We will work with all,'}]
"""

from comity.news._actors import ActorMatcher, load_gazetteer
from comity.news._corpus_run import (
    CorpusRunSummary,
    iter_input_chunks,
    read_chunk,
    read_corpus,
    write_chunk,
)
from comity.news._dates import find_dates, page_date
from comity.news._doc import (
    Coalition,
    Meeting,
    MembershipChange,
    Mention,
    NewsDoc,
    Person,
    Quote,
    docs_to_frame,
)
from comity.news._eval import EvalReport, FieldScore, evaluate, score_documents
from comity.news._gold import to_full, to_gold
from comity.news._input import InputDoc, Skipped, iter_documents, read_documents
from comity.news._normalise import normalise_text
from comity.news._people import PersonFinder
from comity.news._pipeline import DEFAULT_STAGES, Pipeline, Resources, StageInfo, registered_stages, stage
from comity.news._quotes import find_quotes
from comity.news._sentences import split_sentences
from comity.news._store import save_documents
from comity.news._stories import Story, StoryFact, group_stories, reconcile
from comity.news._story_keys import StoryKeys, group_story_keys, story_keys
from comity.news._views import (
    DOC_FACT_TYPES,
    FACT_TYPES,
    document_bibtex,
    document_view,
    documents_in_store,
    fact_label,
    highlight_segments,
    outlet_label,
    quotes_by,
    speaker_names,
    stories_in_store,
    story_view,
    summarise_stories,
)

__all__ = [
    "ActorMatcher",
    "Coalition",
    "CorpusRunSummary",
    "DEFAULT_STAGES",
    "DOC_FACT_TYPES",
    "EvalReport",
    "FACT_TYPES",
    "FieldScore",
    "InputDoc",
    "Meeting",
    "MembershipChange",
    "Mention",
    "NewsDoc",
    "Person",
    "PersonFinder",
    "Pipeline",
    "Quote",
    "Resources",
    "Skipped",
    "StageInfo",
    "Story",
    "StoryFact",
    "StoryKeys",
    "docs_to_frame",
    "document_bibtex",
    "document_view",
    "documents_in_store",
    "evaluate",
    "fact_label",
    "find_dates",
    "find_quotes",
    "group_stories",
    "group_story_keys",
    "highlight_segments",
    "iter_documents",
    "iter_input_chunks",
    "load_gazetteer",
    "normalise_text",
    "outlet_label",
    "page_date",
    "quotes_by",
    "read_chunk",
    "read_corpus",
    "read_documents",
    "reconcile",
    "registered_stages",
    "save_documents",
    "score_documents",
    "speaker_names",
    "split_sentences",
    "stage",
    "stories_in_store",
    "story_keys",
    "story_view",
    "summarise_stories",
    "to_full",
    "to_gold",
    "write_chunk",
]
