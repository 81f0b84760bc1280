from __future__ import annotations

from comity.news import NewsDoc, Pipeline, to_gold


def _quotes(core: Pipeline, text: str) -> list[tuple[str, str]]:
    record = to_gold(core(NewsDoc(id="t", raw=text)))
    return [(quote["speaker"], quote["text"]) for quote in record["quotes"]]


def test_quotes_said_x_and_x_said(core: Pipeline) -> None:
    text = (
        'U.S. Secretary of State Antony Blinken spoke. "We will work with any country," said Blinken. '
        '"That is not the point at all," Russian Foreign Minister Sergey Lavrov said.'
    )
    assert _quotes(core, text) == [
        ("Antony Blinken", "We will work with any country,"),
        ("Sergey Lavrov", "That is not the point at all,"),
    ]


def test_quotes_broken_quote_and_pronoun(core: Pipeline) -> None:
    text = (
        "Chinese Foreign Minister Wang Yi chaired the meeting.\n"
        "\u201cNo country should expect others to lose,\u201d he said. "
        "\u201cCountries must work together for all.\u201d"
    )
    assert _quotes(core, text) == [
        ("Wang Yi", "No country should expect others to lose,"),
        ("Wang Yi", "Countries must work together for all."),
    ]


def test_quotes_scare_quotes_and_titles_left_out(core: Pipeline) -> None:
    text = 'He called it "harmful" and spoke of the "Group of Friends in Defense of the Charter".'
    assert _quotes(core, text) == []


def test_quotes_unnamed_source_and_single_marks(core: Pipeline) -> None:
    text = (
        "However, a senior European diplomat replied: \u2018These so-called friends broke the charter.\u2019"
    )
    assert _quotes(core, text) == [
        ("unnamed:senior European diplomat", "These so-called friends broke the charter.")
    ]


def test_quotes_according_to_and_colon(core: Pipeline) -> None:
    text = (
        'UN spokesman Stephane Dujarric was asked. According to Dujarric, "a solution can be found soon." '
        'Cuban Ambassador Pedro Luis Cuesta: "the text suffers from lack of balance"'
    )
    speakers = [speaker for speaker, _ in _quotes(core, text)]
    assert speakers == ["Stephane Dujarric", "Pedro Luis Cuesta"]


def test_quotes_group_letter_speaks_for_the_group(core: Pipeline) -> None:
    text = (
        'A draft note for the "Group of Friends in Defense of the United Nations Charter", seen by Reuters, '
        'says that multilateralism "is currently under unprecedented attack."'
    )
    assert _quotes(core, text) == [
        ("GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER", "is currently under unprecedented attack."),
    ]


def test_quotes_unclosed_mark_kept_only_when_cut_off_or_continued(core: Pipeline) -> None:
    cut_off = 'Foreign Minister Jorge Arreaza said: "We are living through a historic moment for all'
    assert _quotes(core, cut_off) == [("Jorge Arreaza", "We are living through a historic moment for all")]
    continued = 'Arreaza said: "We are living through a historic moment.\n"And we will win this fight."'
    assert [text for _, text in _quotes(core, continued)] == [
        "We are living through a historic moment.",
        "And we will win this fight.",
    ]
    stray = 'Arreaza said: "We are living through it all\nThe meeting ended on Sunday with a declaration.'
    assert _quotes(core, stray) == []


def test_quotes_joint_speakers_and_titles(core: Pipeline) -> None:
    text = (
        "French President Emmanuel Macron and German Chancellor Olaf Scholz met. "
        '"All parties must protect civilians," the two leaders said. '
        'The vote on the resolution, entitled "Aggression against Ukraine," was 141-5.'
    )
    assert _quotes(core, text) == [
        ("joint:Emmanuel Macron; Olaf Scholz", "All parties must protect civilians,")
    ]


def test_quotes_text_is_taken_from_the_raw_text(core: Pipeline) -> None:
    text = "Blinken said \u201cno country \u2013 no matter how strong \u2013 can do it alone\u201d."
    record = to_gold(core(NewsDoc(id="t", raw=text)))
    assert record["quotes"][0]["text"] == "no country \u2013 no matter how strong \u2013 can do it alone"
