"""The store's schema, one version for the whole database.

Every table that holds facts has ``source_id`` and ``source_ref``: the dataset and row, or the
document and character span, that the fact comes from. Bump :data:`SCHEMA_VERSION` whenever a
statement below changes; a store written by another version is refused with a clear error, except
one that :data:`MIGRATIONS` can bring up to date (opened for writing, e.g. by ``comity build``).

The tables after :data:`RESULT_TABLES`' first hold results that ``comity build`` computes from the
data (materialised), so that readers (the web server) never compute them: the ``materialised``
table says, for each result, the version of the data it was computed from (``source_version``),
its parameters and how long it took.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from comity.store._store import Store

SCHEMA_VERSION = 7

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

#: Tables of materialised results (added by schema version 3).
RESULT_DDL: tuple[str, ...] = (
    """CREATE TABLE materialised (
        name TEXT PRIMARY KEY, source_version TEXT NOT NULL, params TEXT NOT NULL, n_rows BIGINT NOT NULL,
        seconds DOUBLE NOT NULL, computed_at TIMESTAMP NOT NULL, note TEXT)""",
    """CREATE TABLE vote_years (year INTEGER PRIMARY KEY, n_roll_calls INTEGER NOT NULL)""",
    """CREATE TABLE vote_state_years (
        year INTEGER NOT NULL, iso3 TEXT NOT NULL, n_yes INTEGER NOT NULL, n_abstain INTEGER NOT NULL,
        n_no INTEGER NOT NULL)""",
    """CREATE TABLE vote_dyads (
        year INTEGER NOT NULL, iso3_a TEXT NOT NULL, iso3_b TEXT NOT NULL,
        yes_yes INTEGER NOT NULL, yes_abstain INTEGER NOT NULL, yes_no INTEGER NOT NULL,
        abstain_yes INTEGER NOT NULL, abstain_abstain INTEGER NOT NULL, abstain_no INTEGER NOT NULL,
        no_yes INTEGER NOT NULL, no_abstain INTEGER NOT NULL, no_no INTEGER NOT NULL)""",
    """CREATE TABLE ideal_points (
        iso3 TEXT NOT NULL, year INTEGER NOT NULL, ideal DOUBLE, se DOUBLE, n_votes INTEGER)""",
    """CREATE TABLE group_cohesion (
        group_id TEXT NOT NULL, n_draws INTEGER NOT NULL, seed BIGINT NOT NULL, year INTEGER NOT NULL,
        n_members INTEGER, n_votes INTEGER, thin BOOLEAN, rice DOUBLE, ai DOUBLE,
        rice_random_mean DOUBLE, rice_random_lo DOUBLE, rice_random_hi DOUBLE, rice_percentile DOUBLE,
        ai_random_mean DOUBLE, ai_random_lo DOUBLE, ai_random_hi DOUBLE, ai_percentile DOUBLE,
        ai_percentile_lo DOUBLE, ai_percentile_hi DOUBLE, bloc BOOLEAN, bloc_certain BOOLEAN,
        members_on TEXT, projected BOOLEAN)""",
    """CREATE TABLE story_summaries (
        story_id TEXT PRIMARY KEY, source_version TEXT NOT NULL, summary JSON NOT NULL)""",
    """CREATE INDEX vote_dyads_pair ON vote_dyads (iso3_a, iso3_b)""",
    """CREATE INDEX ideal_points_iso3 ON ideal_points (iso3)""",
)
#: Tables of the voting blocs of each year (added by schema version 4).
BLOC_DDL: tuple[str, ...] = (
    """CREATE TABLE vote_blocs (
        year INTEGER NOT NULL, iso3 TEXT NOT NULL, bloc INTEGER NOT NULL, bloc_size INTEGER NOT NULL)""",
    """CREATE TABLE vote_bloc_movers (
        year INTEGER NOT NULL, iso3 TEXT NOT NULL, previous INTEGER NOT NULL, bloc INTEGER NOT NULL,
        previous_bloc INTEGER NOT NULL)""",
    """CREATE TABLE vote_bloc_years (
        year INTEGER PRIMARY KEY, previous INTEGER, ari DOUBLE, nmi DOUBLE, n_common INTEGER,
        modularity DOUBLE, notes TEXT)""",
)
#: The result tables, in the order of :data:`RESULT_DDL` then :data:`BLOC_DDL`.
RESULT_TABLES: tuple[str, ...] = (
    "materialised",
    "vote_years",
    "vote_state_years",
    "vote_dyads",
    "ideal_points",
    "group_cohesion",
    "story_summaries",
    "vote_blocs",
    "vote_bloc_movers",
    "vote_bloc_years",
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
#: Each read document's story keys (:class:`comity.news._story_keys.StoryKeys`, about 2 KB), added
#: by schema version 5: reading new documents into the store groups them with the stored ones from
#: these keys alone (only the blocks that hold a new document are examined), never from the texts.
STORY_KEYS_DDL: tuple[str, ...] = (
    """CREATE TABLE story_keys (
        doc_id TEXT PRIMARY KEY, date TEXT, signature BLOB NOT NULL, bands BIGINT[] NOT NULL,
        tokens BLOB NOT NULL, counts BLOB NOT NULL, terms TEXT[] NOT NULL, weights FLOAT[] NOT NULL,
        actors TEXT[] NOT NULL, events TEXT[] NOT NULL, bodies TEXT[] NOT NULL)""",
)
#: Each actor's profile (what ``comity show`` and the actor API answer) as of the day ``comity build``
#: computed it, valid until the day before ``valid_to`` (added by schema version 6; see
#: :mod:`comity.registry._profiles`).
PROFILE_DDL: tuple[str, ...] = (
    """CREATE TABLE actor_profiles (
        entity_id TEXT NOT NULL, entity_type TEXT NOT NULL, valid_from DATE NOT NULL, valid_to DATE,
        profile JSON NOT NULL, PRIMARY KEY (entity_id, entity_type))""",
)
DDL = DDL + RESULT_DDL + BLOC_DDL + STORY_KEYS_DDL + PROFILE_DDL


def _registry_load_by_content(store: Store) -> None:
    """Name the registry's load by the rows it holds (schema version 7), no longer by the data and
    the code that built it (version 6): a change of that code that gives the same rows then keeps
    the results computed from them. Results that were of the store's data stay so."""
    if store.loaded_sha256("registry") is None:
        return
    before = store.data_version()
    store.con.execute(
        "UPDATE loads SET sha256 = ? WHERE name = 'registry'", [store.content_sha256(REGISTRY_TABLES)]
    )
    store.con.execute(
        "UPDATE materialised SET source_version = ? WHERE source_version = ?", [store.data_version(), before]
    )


#: A step of a migration: a statement, or a function of the store run in the migration's transaction.
Migration = str | Callable[["Store"], None]
#: Statements that bring a store of an older schema version up to the next one, by version.
#: Version 2 lacks only the tables of materialised results, version 3 those of the yearly blocs,
#: version 4 the story keys, version 5 the actor profiles: adding them loses nothing (documents
#: stored by version 4 have no keys: they keep their stories, and are read again, to get keys, when
#: a corpus run meets them; actor profiles are computed when they are missing). Version 6 names the
#: registry's load by the build's inputs, version 7 by the registry's rows.
MIGRATIONS: dict[int, tuple[Migration, ...]] = {
    2: RESULT_DDL,
    3: BLOC_DDL,
    4: STORY_KEYS_DDL,
    5: PROFILE_DDL,
    6: (_registry_load_by_content,),
}
#: What each migration adds, for the message that asks to run it.
MIGRATION_NOTES: dict[int, str] = {
    2: "the tables of results computed by the build",
    3: "the tables of the yearly voting blocs",
    4: "the story keys of read documents",
    5: "the actor profiles computed by the build",
    6: "a fingerprint of the registry's rows (results then stay current when only the code that builds "
    "the registry changes)",
}
