"""The store's schema, one version for the whole database.

Every table that holds facts has ``source_id`` and ``source_ref``: the dataset and row, or the
document and character span, that the fact comes from. Bump :data:`SCHEMA_VERSION` whenever a
statement below changes; a store written by another version is refused with a clear error.
"""

from __future__ import annotations

SCHEMA_VERSION = 2

REGISTRY_TABLES = (
    "sources",
    "states",
    "organisations",
    "aliases",
    "people",
    "roles",
    "memberships",
    "membership_events",
    "coverage",
)

DDL: tuple[str, ...] = (
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE loads (
        name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, n_rows BIGINT NOT NULL, loaded_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE sources (
        source_id TEXT PRIMARY KEY, title TEXT, url TEXT, licence TEXT, note TEXT)""",
    """CREATE TABLE states (
        iso3 TEXT PRIMARY KEY, iso2 TEXT, m49 INTEGER, cow_code INTEGER, cow_abbr TEXT,
        name_short TEXT NOT NULL, name_official TEXT, capital TEXT, un_status TEXT,
        un_admission DATE, un_end DATE, exists_from TEXT, exists_to TEXT, historical BOOLEAN,
        continued_by TEXT, source_id TEXT NOT NULL, source_ref TEXT NOT NULL)""",
    """CREATE TABLE organisations (
        org_id TEXT PRIMARY KEY, name TEXT NOT NULL, acronym TEXT, kind TEXT NOT NULL,
        founded TEXT, dissolved TEXT, parent_id TEXT, cow_ioname TEXT,
        source_id TEXT NOT NULL, source_ref TEXT NOT NULL)""",
    """CREATE TABLE aliases (
        entity_id TEXT NOT NULL, entity_type TEXT NOT NULL, alias TEXT NOT NULL, alias_norm TEXT NOT NULL,
        kind TEXT NOT NULL, source_id TEXT NOT NULL, source_ref TEXT NOT NULL)""",
    """CREATE TABLE people (
        person_id TEXT PRIMARY KEY, name TEXT NOT NULL, source_id TEXT NOT NULL, source_ref TEXT NOT NULL)""",
    """CREATE TABLE roles (
        person_id TEXT NOT NULL, role TEXT NOT NULL, state TEXT, org_id TEXT,
        start_date DATE, start_precision TEXT, end_date DATE, end_precision TEXT,
        source_id TEXT NOT NULL, source_ref TEXT NOT NULL)""",
    """CREATE TABLE memberships (
        actor_id TEXT NOT NULL, actor_type TEXT NOT NULL, body_id TEXT NOT NULL, kind TEXT NOT NULL,
        start_date DATE, start_precision TEXT, end_date DATE, end_precision TEXT,
        observed_to DATE, source_id TEXT NOT NULL, source_ref TEXT NOT NULL, note TEXT)""",
    """CREATE TABLE membership_events (
        actor_id TEXT NOT NULL, body_id TEXT NOT NULL, action TEXT NOT NULL,
        date DATE, date_precision TEXT, source_id TEXT NOT NULL, source_ref TEXT NOT NULL, note TEXT)""",
    """CREATE TABLE coverage (
        body_id TEXT NOT NULL, kind TEXT, known_from DATE, known_from_precision TEXT, known_to DATE,
        known_to_precision TEXT, status TEXT NOT NULL, how TEXT NOT NULL, source_id TEXT NOT NULL,
        source_ref TEXT NOT NULL, note TEXT, derived BOOLEAN NOT NULL)""",
    """CREATE TABLE roll_calls (
        rcid TEXT PRIMARY KEY, body TEXT NOT NULL, session INTEGER, date DATE, year INTEGER,
        resolution TEXT, title TEXT, description TEXT, issues TEXT,
        important BOOLEAN, amend BOOLEAN, para BOOLEAN,
        source_id TEXT NOT NULL, source_ref TEXT NOT NULL)""",
    """CREATE TABLE votes (
        rcid TEXT NOT NULL, iso3 TEXT NOT NULL, vote TEXT NOT NULL,
        source_id TEXT NOT NULL, source_ref TEXT NOT NULL)""",
    """CREATE TABLE vetoes (
        draft TEXT, date DATE, year INTEGER, meeting TEXT, agenda TEXT, iso3 TEXT NOT NULL,
        n_vetoes INTEGER, source_id TEXT NOT NULL, source_ref TEXT NOT NULL)""",
    """CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY, story_id TEXT, url TEXT, outlet TEXT, published TEXT, text TEXT NOT NULL,
        sha256 TEXT NOT NULL, source_path TEXT)""",
    """CREATE TABLE facts (
        doc_id TEXT NOT NULL, fact_type TEXT NOT NULL, payload JSON NOT NULL, start_char INTEGER,
        end_char INTEGER, confidence DOUBLE, stage TEXT)""",
    """CREATE INDEX memberships_body ON memberships (body_id)""",
    """CREATE INDEX memberships_actor ON memberships (actor_id)""",
    """CREATE INDEX aliases_norm ON aliases (alias_norm)""",
    """CREATE INDEX votes_rcid ON votes (rcid)""",
    """CREATE INDEX facts_doc ON facts (doc_id)""",
)
