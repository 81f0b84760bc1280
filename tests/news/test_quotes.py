from __future__ import annotations

from comity.news import NewsDoc, Pipeline, to_gold


def _quotes(core: Pipeline, text: str) -> list[tuple[str, str]]:
    record = to_gold(core(NewsDoc(id="t", raw=text)))
    return [(quote["speaker"], quote["text"]) for quote in record["quotes"]]


def test_quotes_said_x_and_x_said(core: Pipeline) -> None:
    text = (
        'U.S. Secretary of State Antony Blinken arrived late. "We are open to any partner," said Blinken. '
        '"That misses what we asked for," Russian Foreign Minister Sergey Lavrov said.'
    )
    assert _quotes(core, text) == [
        ("Antony Blinken", "We are open to any partner,"),
        ("Sergey Lavrov", "That misses what we asked for,"),
    ]


def test_quotes_broken_quote_and_pronoun(core: Pipeline) -> None:
    text = (
        "Chinese Foreign Minister Wang Yi opened the session.\n"
        "\u201cNobody wins when the rules are ignored,\u201d he said. "
        "\u201cEvery member has to carry its share.\u201d"
    )
    assert _quotes(core, text) == [
        ("Wang Yi", "Nobody wins when the rules are ignored,"),
        ("Wang Yi", "Every member has to carry its share."),
    ]


def test_quotes_scare_quotes_and_titles_left_out(core: Pipeline) -> None:
    text = 'She called the plan "reckless" and praised the "Coalition for Clean Oceans Initiative".'
    assert _quotes(core, text) == []


def test_quotes_unnamed_source_and_single_marks(core: Pipeline) -> None:
    text = "Later a senior European diplomat answered: \u2018The new club is only a talking shop.\u2019"
    assert _quotes(core, text) == [
        ("unnamed:senior European diplomat", "The new club is only a talking shop.")
    ]


def test_quotes_according_to_and_colon(core: Pipeline) -> None:
    text = (
        'UN spokesman Stephane Dujarric took questions. According to Dujarric, "talks resume next week." '
        'Cuban Ambassador Pedro Luis Cuesta: "the draft ignores the main question"'
    )
    speakers = [speaker for speaker, _ in _quotes(core, text)]
    assert speakers == ["Stephane Dujarric", "Pedro Luis Cuesta"]


def test_quotes_group_letter_speaks_for_the_group(core: Pipeline) -> None:
    text = (
        'A memo from the "Group of Friends in Defense of the United Nations Charter", seen by '
        'reporters, warns that the world order "faces its gravest test in decades."'
    )
    assert _quotes(core, text) == [
        ("GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER", "faces its gravest test in decades."),
    ]


def test_quotes_unclosed_mark_kept_only_when_cut_off_or_continued(core: Pipeline) -> None:
    cut_off = 'Foreign Minister Jorge Arreaza said: "Our region will not accept threats from anyone at'
    assert _quotes(core, cut_off) == [("Jorge Arreaza", "Our region will not accept threats from anyone at")]
    continued = 'Arreaza said: "Our region will not accept threats.\n"We will defend our choices."'
    assert [text for _, text in _quotes(core, continued)] == [
        "Our region will not accept threats.",
        "We will defend our choices.",
    ]
    stray = 'Arreaza said: "Our region will not accept it\nThe ministers left on Sunday after a dinner.'
    assert _quotes(core, stray) == []


def test_quotes_joint_speakers_and_titles(core: Pipeline) -> None:
    text = (
        "French President Emmanuel Macron and German Chancellor Olaf Scholz met in Berlin. "
        '"Both sides have to stop the shelling now," the two leaders said. '
        'The report, titled "Safe Passage for Everyone," came out later.'
    )
    assert _quotes(core, text) == [
        ("joint:Emmanuel Macron; Olaf Scholz", "Both sides have to stop the shelling now,")
    ]


def test_quotes_text_is_taken_from_the_raw_text(core: Pipeline) -> None:
    text = "Blinken said \u201cthe treaty \u2013 old as it is \u2013 still protects us all\u201d."
    record = to_gold(core(NewsDoc(id="t", raw=text)))
    assert record["quotes"][0]["text"] == "the treaty \u2013 old as it is \u2013 still protects us all"


# Each test below names the general pattern a speaker rule covers, with a sentence written for it.


def test_quotes_subject_with_long_apposition_by_parse(core: Pipeline) -> None:
    # "Name, <a long description>, said": the subject of the speech verb, not the last name nearby.
    text = (
        '"The court cannot become a shield for those in power," Maria Olsen, a lawyer who heads the '
        "justice programme of a rights group based in Oslo, said in a statement on Friday."
    )
    assert _quotes(core, text) == [("Maria Olsen", "The court cannot become a shield for those in power,")]


def test_quotes_pronoun_takes_the_last_person_of_its_gender(core: Pipeline) -> None:
    text = (
        "Ambassador Linda Haverford spoke after the vote, which President Donald Trump had demanded. "
        '"This is a dark day for the council", she said.'
    )
    assert _quotes(core, text) == [("Linda Haverford", "This is a dark day for the council")]


def test_quotes_surname_after_the_closing_mark_and_comma(core: Pipeline) -> None:
    text = '"The stockpiles must be destroyed without delay", Ayrault said.'
    assert _quotes(core, text) == [("Ayrault", "The stockpiles must be destroyed without delay")]


def test_quotes_office_of_a_person_is_unnamed(core: Pipeline) -> None:
    text = (
        "Prime Minister Benjamin Netanyahu did not attend. "
        'Netanyahu\'s office said the vote "abandoned its closest friend in the region."'
    )
    assert _quotes(core, text) == [
        ("unnamed:Netanyahu's office", "abandoned its closest friend in the region.")
    ]


def test_quotes_speaker_introduced_in_the_sentence_before(core: Pipeline) -> None:
    text = (
        "Deputy Ambassador Pavel Orlov of Russia called the draft biased.\n"
        '"We see this as a way to derail the talks in Geneva."'
    )
    assert _quotes(core, text) == [("Pavel Orlov", "We see this as a way to derail the talks in Geneva.")]


def test_quotes_ministry_statement_speaks_for_its_state(core: Pipeline) -> None:
    text = (
        "The Russian Foreign Ministry announced the end of the treaty on Friday. "
        '"The treaty has ceased to exist as of today," said a ministry statement.'
    )
    assert _quotes(core, text) == [("RUS", "The treaty has ceased to exist as of today,")]


def test_quotes_demonym_office_without_article_is_the_last_person_of_that_state(core: Pipeline) -> None:
    text = (
        "Foreign Minister Jean Martin of France recalled the envoys. The cancelled contract is "
        '"a betrayal between allies and friends," French foreign minister declared.'
    )
    assert _quotes(core, text) == [("Jean Martin", "a betrayal between allies and friends,")]


def test_quotes_verb_of_expressing_takes_its_subject(core: Pipeline) -> None:
    text = (
        "Secretary-General Antonio Guterres took the oath. In his speech, the former prime minister "
        'expressed his "deep sense of duty to every member state".'
    )
    assert _quotes(core, text) == [("Antonio Guterres", "deep sense of duty to every member state")]


def test_quotes_clause_with_its_own_speaker_after_the_quotation(core: Pipeline) -> None:
    # '"...," while Y said ...': Y speaks in a new clause; the quotation is X's, by the parse.
    text = (
        'Maria Olsen called the agreement the "best chance for the whole region," while Peter Lund '
        'said the "deal will not last a single year."'
    )
    assert _quotes(core, text) == [
        ("Maria Olsen", "best chance for the whole region,"),
        ("Peter Lund", "deal will not last a single year."),
    ]


def test_quotes_pronoun_is_the_last_speaker_not_the_last_name(core: Pipeline) -> None:
    text = (
        "The letter from Foreign Minister Igor Petrov was handed over, Senator Oleg Vasin said. "
        'The vote could bring "another unfair text with no basis in fact," he said.'
    )
    assert _quotes(core, text) == [("Oleg Vasin", "another unfair text with no basis in fact,")]


def test_quotes_pronoun_named_only_after_the_quotation(core: Pipeline) -> None:
    text = (
        "President Michael Brant had promised better ties. "
        '"It is a sad day for this council and for us all", she said. Ambassador Haverford left early.'
    )
    assert _quotes(core, text) == [("Haverford", "It is a sad day for this council and for us all")]


def test_quotes_titles_with_a_colon_are_no_quotations(core: Pipeline) -> None:
    text = 'Crowds sang under a banner reading "Independence Night: the countdown is over" in the square.'
    assert _quotes(core, text) == []


def test_quotes_former_office_is_the_person_in_focus(core: Pipeline) -> None:
    text = (
        "Secretary-General Antonio Guterres took the oath. The former Portuguese prime minister "
        'called migrants "an asset and never a threat to anyone".'
    )
    assert _quotes(core, text) == [("Antonio Guterres", "an asset and never a threat to anyone")]


def test_quotes_office_word_refers_to_the_last_person_of_that_office(core: Pipeline) -> None:
    # Nominal coreference: "the minister" after a named Defence Secretary; "the President"
    # in capitals as in lower case.
    text = (
        "Defence Secretary Harold Pemberton spoke in London on Tuesday. Later the minister told "
        'reporters: "The treaty has been breached many times over the years." '
        "President Ana Ferreira opened the session. "
        '"The country has been under pressure for a decade," the President said.'
    )
    assert [speaker for speaker, _ in _quotes(core, text)] == ["Harold Pemberton", "Ana Ferreira"]


def test_quotes_description_with_no_one_named_is_unnamed_never_the_state(core: Pipeline) -> None:
    # A description of a person whom the text does not name: unnamed, whatever state it names.
    text = (
        "Kenji Watanabe arrived in Geneva on Monday. "
        '"This decision damages trust between our nations," the Japanese ambassador said. '
        '"The ruling is final and cannot be appealed," the Philippine presidential spokesman said. '
        'The Chinese foreign ministry spokesperson said: "China firmly opposes sanctions on its firms."'
    )
    assert [speaker for speaker, _ in _quotes(core, text)] == [
        "unnamed:Japanese ambassador",
        "unnamed:Philippine presidential spokesman",
        "unnamed:Chinese foreign ministry spokesperson",
    ]


def test_quotes_unnamed_description_keeps_the_body_it_names(core: Pipeline) -> None:
    text = (
        '"The talks are stuck on sequencing," a senior official at the State Department said. '
        '"It is a dangerous precedent for arms control," a spokeswoman for the German foreign ministry said. '
        "Ana Lopes chairs the talks. On Monday the country left the treaty, a move that the minister "
        'described as "a blow to trust that will take years to repair."'
    )
    assert [speaker for speaker, _ in _quotes(core, text)] == [
        "unnamed:senior official at the State Department",
        "unnamed:spokeswoman for the German foreign ministry",
        "unnamed:minister",
    ]


def test_quotes_coordinated_people_speak_jointly(core: Pipeline) -> None:
    text = (
        "President Ana Ferreira and Chancellor Otto Brandt said in a joint statement that "
        '"our two countries stand together against this aggression."'
    )
    assert _quotes(core, text) == [
        ("joint:Ana Ferreira; Otto Brandt", "our two countries stand together against this aggression.")
    ]


def test_quotes_the_organisation_refers_to_the_last_body_of_that_kind(core: Pipeline) -> None:
    # The kind comes from the registry: the World Health Organization is a UN agency.
    text = (
        "The World Health Organization issued a warning on Friday. "
        '"The outbreak is spreading faster than we expected," the organisation said.'
    )
    assert [speaker for speaker, _ in _quotes(core, text)] == ["WHO"]


def test_quotes_subject_after_an_opening_adjunct(core: Pipeline) -> None:
    # "In a letter to X, Y said": the adjunct's person is not the speaker.
    text = (
        "Foreign Minister Ana Lopes wrote to the United Nations. In the letter to Secretary-General "
        'Guterres, Portugal said "the decision is irreversible and final."'
    )
    assert [speaker for speaker, _ in _quotes(core, text)] == ["PRT"]


def test_quotes_draft_resolution_whose_verb_opens_the_quotation(core: Pipeline) -> None:
    text = 'The draft resolution "demands that all parties cease hostilities at once and without conditions."'
    assert [speaker for speaker, _ in _quotes(core, text)] == ["unnamed:draft resolution"]


def test_quotes_the_office_refers_back_to_an_unnamed_description(core: Pipeline) -> None:
    # Nominal coreference to someone described, not named: the earlier description, whole.
    text = (
        "A spokesperson for the Chilean embassy in Lima rejected the claims. "
        '"These claims are baseless and absurd," the spokesperson said. '
        '"Nobody wants this dispute to deepen any further," the representative of Peru to the court said.'
    )
    assert [speaker for speaker, _ in _quotes(core, text)] == [
        "unnamed:spokesperson for the Chilean embassy in Lima",
        "unnamed:representative of Peru to the court",
    ]


def test_quotes_a_state_named_far_before_gives_way_to_the_previous_speaker(core: Pipeline) -> None:
    # A state the sentence names far from the quotation, with no speech verb between them,
    # is no attribution: the quotation goes on from the person who spoke just before.
    text = (
        'Foreign Minister Ana Lopes said: "We have done everything the treaty asks of us." '
        "Chile left the pact in 2019 after a long quarrel over its rules and over the old text: "
        '"a relic of another century that serves nobody."'
    )
    assert [speaker for speaker, _ in _quotes(core, text)] == ["Ana Lopes", "Ana Lopes"]


def test_quotes_it_said_refers_to_the_body_of_the_sentence_before(core: Pipeline) -> None:
    # Pattern: "it" is never a person; it refers back to the body the text spoke of last,
    # and a state's ministry speaks as the state.
    text = (
        "The World Health Organization met donors in Geneva on Tuesday. "
        '"We cannot run the programme on promises alone," it said in a statement.\n'
        "Norway's foreign ministry answered the next day. "
        '"Our pledge will arrive before the end of the month," it said.'
    )
    assert _quotes(core, text) == [
        ("WHO", "We cannot run the programme on promises alone,"),
        ("NOR", "Our pledge will arrive before the end of the month,"),
    ]


def test_quotes_it_added_continues_the_body_just_quoted(core: Pipeline) -> None:
    # Pattern: '"...," the letter said.' then '"...," it added.': the same source speaks on.
    text = (
        "Ana Ruiz handed the letter of the Alliance for Multilateralism to the chair. "
        '"The rules must bind the strong and the weak alike," the letter said. '
        '"No member may be left outside the talks," it added.'
    )
    speakers = [speaker for speaker, _ in _quotes(core, text)]
    assert speakers == ["ALLIANCE_FOR_MULTILATERALISM", "ALLIANCE_FOR_MULTILATERALISM"]


def test_quotes_they_refers_to_people_named_together(core: Pipeline) -> None:
    # Pattern: "they wrote" after two people coordinated in one phrase is a joint statement.
    text = (
        "Chancellor Greta Holm and President Luis Arroyo met in Lisbon on Monday. "
        '"Our two nations will stand together in every forum," they wrote in a joint letter.'
    )
    assert _quotes(core, text) == [
        ("joint:Greta Holm; Luis Arroyo", "Our two nations will stand together in every forum,"),
    ]


def test_quotes_speech_verb_whose_words_follow_is_not_followed_by_its_speaker(core: Pipeline) -> None:
    # Pattern: '"...", adding that X ...': after the verb comes what was said, not who said it;
    # the subject of the sentence speaks.
    text = (
        "The Arctic Council said in a note that the survey, "
        '"done with the help of every coastal state", was late, adding that Canada would pay for it.'
    )
    assert _quotes(core, text) == [("ARCTIC_COUNCIL", "done with the help of every coastal state")]


def test_quotes_communique_speaks_for_the_group_of_the_registry(core: Pipeline) -> None:
    # Pattern: a communique, letter or statement speaks for the group of states named before
    # it; which bodies are groups comes from the registry's kinds, not from a list here.
    text = (
        "The Group of Seven issued a communique on Sunday after two days of talks. "
        'The communique vowed to "defend the open sea lanes at every turn."'
    )
    assert _quotes(core, text) == [("G7", "defend the open sea lanes at every turn.")]


def test_quotes_the_ministry_is_the_state_of_a_ministry_named_before(core: Pipeline) -> None:
    # Pattern: "the ministry" after "<State>'s foreign ministry" speaks as that state.
    text = (
        "Chile's foreign ministry issued a statement on Monday. "
        'The ministry said the test was "a clear breach of the moratorium on such launches."'
    )
    assert _quotes(core, text) == [("CHL", "a clear breach of the moratorium on such launches.")]


def test_quotes_an_organ_named_for_its_members_speaks_as_the_organ(core: Pipeline) -> None:
    # "Committee of Ministers" ends in an office word, but it is an organ's name, not people
    # described; "officials of the Council of Europe" are people, whatever body follows "of".
    text = (
        "The Council of Europe met in Strasbourg. The Committee of Ministers said in a statement that "
        '"the member will lose its seat at once." Later "we deeply regret this outcome," senior '
        "officials of the Council of Europe told reporters."
    )
    assert _quotes(core, text) == [
        ("COE_COMMITTEE_OF_MINISTERS", "the member will lose its seat at once."),
        ("unnamed:senior officials of the Council of Europe", "we deeply regret this outcome,"),
    ]


def test_quotes_paragraph_of_its_own_after_a_speaker(core: Pipeline) -> None:
    # A quotation standing as its own paragraph after a paragraph that shows a named person
    # speaking without quoting them is that person's.
    text = (
        "Foreign Minister Marise Payne spoke after the talks in Tokyo. She said the four countries "
        "shared a common purpose.\n\n"
        '"We are united in our commitment to a region that is open and governed by rules."\n\n'
        "The weather was mild and the streets were quiet.\n\n"
        '"Nobody can say who wrote this line on the wall of the old hall."'
    )
    assert _quotes(core, text) == [
        ("Marise Payne", "We are united in our commitment to a region that is open and governed by rules."),
        ("unknown", "Nobody can say who wrote this line on the wall of the old hall."),
    ]


def test_quotes_possessive_pronoun_document_speaks_for_the_body(core: Pipeline) -> None:
    # "Its statement", "its delegation": the body the pronoun refers to.
    text = (
        "The Chinese embassy issued a note on Monday. Its statement denounced the plan as "
        '"one-sided and deeply unfair to our partners" in the region.'
    )
    assert _quotes(core, text) == [("CHN", "one-sided and deeply unfair to our partners")]


def test_quotes_subject_before_verb_is_never_inverted(core: Pipeline) -> None:
    # "His office said in a statement that the leaders '...'": the words after "said" are its
    # object, not the speaker ("the leaders" are no description of who spoke).
    text = (
        "President Emmanuel Macron hosted the summit. His office said in a statement that the "
        'leaders "agreed on a common path for the coming years" at the talks.'
    )
    [(speaker, _)] = _quotes(core, text)
    assert not speaker.startswith("unnamed:")


def test_quotes_members_of_a_group_speaking_as_one_are_the_group(core: Pipeline) -> None:
    # "The G7 leaders said in their communique": a group's words take its id; "EU officials"
    # are people described, and a description has no article.
    text = (
        'The G7 leaders said in their communique that they "will end the pandemic within a year." '
        'EU officials said the plan "will not work without more money" this year. '
        '"Nobody here expected such a result," the diplomats in the hall said.'
    )
    assert _quotes(core, text) == [
        ("G7", "will end the pandemic within a year."),
        ("unnamed:EU officials", "will not work without more money"),
        ("unnamed:diplomats in the hall", "Nobody here expected such a result,"),
    ]


def test_quotes_where_a_document_was_posted_names_no_author(core: Pipeline) -> None:
    # "notified X that" is speech; "a document posted on the UN website" says where the words were
    # found, while "a statement issued by the Kremlin" names its author.
    text = (
        'Kenya notified the UN Secretary-General that "the notice of withdrawal is hereby revoked," '
        "according to a letter that was posted on the UN's web page. "
        '"We regret the decision and will appeal it," according to a statement issued by the Kremlin.'
    )
    assert _quotes(core, text) == [
        ("KEN", "the notice of withdrawal is hereby revoked,"),
        ("RUS", "We regret the decision and will appeal it,"),
    ]


def test_quotes_a_states_court_or_parliament_is_not_the_state(core: Pipeline) -> None:
    # A ministry speaks as its state; a court or a legislature is named as the text names it.
    text = (
        'Kenya\'s High Court ruled the notice "unlawful and without any force" last week. '
        'The Kenyan parliament said the deal was "a betrayal of the people of this country" at once. '
        'Kenya\'s foreign ministry said the vote was "a victory for the whole continent" on Monday.'
    )
    assert _quotes(core, text) == [
        ("unnamed:Kenya's High Court", "unlawful and without any force"),
        ("unnamed:Kenyan parliament", "a betrayal of the people of this country"),
        ("KEN", "a victory for the whole continent"),
    ]


def test_quotes_pronoun_after_a_short_sentence_that_is_no_credit_line(core: Pipeline) -> None:
    # A sentence of two lower-case words ("addressed the") still names whom "she" refers to; a
    # byline of as few words does not.
    text = 'Envoy Maria Kessler addressed the Council. "Our patience has limits," she said.'
    assert _quotes(core, text) == [("Maria Kessler", "Our patience has limits,")]
    credit = 'Photo by Anna Berg. "Our patience has limits," she said.'
    assert _quotes(core, credit) == [("unknown", "Our patience has limits,")]


def test_quotes_paragraph_after_a_person_shown_in_a_speech(core: Pipeline) -> None:
    text = (
        "President Tomas Varga lashed out at the tribunal in a speech in Lima on Monday.\n\n"
        '"They will never put me on trial, not in a hundred years."'
    )
    assert _quotes(core, text) == [
        ("Tomas Varga", "They will never put me on trial, not in a hundred years.")
    ]
    plain = (
        "President Tomas Varga flew to Lima on Monday.\n\n" + '"They will never put me on trial, not ever."'
    )
    assert _quotes(core, plain) == [("unknown", "They will never put me on trial, not ever.")]


def test_quotes_subjects_for_it_said_are_parsed_in_the_parse_stage_batch(parse_calls: list[int]) -> None:
    # The sentences whose subject "it said" refers to are planned by the parse stage's selector, so
    # that reading a batch calls the model once (no second round for the quotes stage) and the
    # speakers are those read one document at a time.
    text = (
        "The World Health Organization met donors in Geneva on Tuesday. "
        '"We cannot run the programme on promises alone," it said in a statement.'
    )
    reader = Pipeline(time_budget=None)
    single = [(q.speaker, q.text) for q in reader.read(text, id="one").quotes]
    calls = parse_calls
    calls.clear()  # the calls of the one-document reading above
    docs = [NewsDoc(id=f"d{i}", raw=text) for i in range(3)]
    read = list(reader.pipe(docs, batch_size=3))
    assert single == [("WHO", "We cannot run the programme on promises alone,")]
    assert [[(q.speaker, q.text) for q in doc.quotes] for doc in read] == [single] * 3
    assert len(calls) == 1
