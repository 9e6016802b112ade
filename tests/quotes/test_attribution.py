"""Who said it: attribution patterns, pronouns, descriptions, partial quotes, non-quotes."""

from __future__ import annotations

import pytest

from tasks.quotes import quotes_doc
from tasks.records import Doc


def quotes(text: str, title: str | None = None) -> list[dict]:
    doc = Doc(source_path="t", source_format="text", text=text, title=title, article_id="a1")
    quotes_doc(doc)
    return doc.quotes


def by_text(rows: list[dict]) -> dict[str, dict]:
    return {r["text"]: r for r in rows}


@pytest.mark.parametrize(
    "text, quote, speaker_word, verb",
    [
        ('"We will never give up," Zelensky said.', "We will never give up", "Zelensky", "said"),
        ('"We will never give up," said Hegseth.', "We will never give up", "Hegseth", "said"),
        ("Peskov told reporters: “There are no plans.”", "There are no plans.", "Peskov", "told"),
        ("Zelensky declared, “Crimea is Ukrainian.”", "Crimea is Ukrainian.", "Zelensky", "declared"),
        (
            "Hegseth, speaking at NATO headquarters in Brussels, stated that it was an “unrealistic objective.”",
            "unrealistic objective.",
            "Hegseth",
            "stated",
        ),
        (
            "French President Emmanuel Macron announced more aid, saying: “The goal is to keep Ukraine on its feet.”",
            "The goal is to keep Ukraine on its feet.",
            "Macron",
            "saying",
        ),
        ("'It is not enough,' ministry spokesman Heorhii Tykhyi wrote on X.", "It is not enough", "Tykhyi", "wrote"),
        (
            "According to Maria Keller, \"demand has collapsed\" in China.",
            "demand has collapsed",
            "Keller",
            "according to",
        ),
    ],
)
def test_named_speaker_before_or_after_the_quote(text, quote, speaker_word, verb):
    row = by_text(quotes(text))[quote]
    assert speaker_word in row["speaker"]
    assert speaker_word in row["speaker_surface"]
    assert row["verb"] == verb


def test_split_quote_gives_two_consistent_rows():
    rows = quotes('Greg Dewhurst is a forecaster. "It won\'t be like Amy," he said, "but the ground is saturated."')
    assert [r["text"] for r in rows] == ["It won't be like Amy", "but the ground is saturated."]
    assert {r["speaker"] for r in rows} == {"Greg Dewhurst"}
    assert not any(r["is_partial"] for r in rows)


def test_pronoun_goes_to_the_subject_not_the_nearest_name():
    text = 'Zelensky met Macron in Paris on Friday. "We are united," he said.'
    assert "Zelensky" in quotes(text)[0]["speaker"]


def test_she_skips_a_man():
    text = 'Kaja Kallas spoke after Mr Fico. "We will keep up the pressure," she said.'
    assert quotes(text)[0]["speaker"] == "Kaja Kallas"


def test_unnamed_subject_keeps_he_unnamed():
    text = (
        "Mykola Bielieskov, an analyst, said the move was expected.\n\n"
        "A soldier serving near Pokrovsk told a newspaper that the mood was grim. "
        '"We hold positions with half the people we need," he said.'
    )
    row = quotes(text)[0]
    assert row["speaker"] is None and row["speaker_surface"] == "he"


def test_description_resolves_to_the_person_introduced_with_that_title():
    text = (
        "German Chancellor Friedrich Merz dismissed the offer in Berlin.\n\n"
        '"We judge Russia by its actions," the chancellor said.'
    )
    row = quotes(text)[0]
    assert "Merz" in row["speaker"] and row["speaker_surface"] == "the chancellor"


def test_description_with_country_picks_that_countrys_leader():
    text = (
        "Ukrainian President Volodymyr Zelensky met French President Emmanuel Macron.\n\n"
        '"Nobody will decide for Europe," the French president said. '
        '"We will not cede our land," the Ukrainian leader said.'
    )
    rows = by_text(quotes(text))
    assert "Macron" in rows["Nobody will decide for Europe"]["speaker"]
    assert "Zelensky" in rows["We will not cede our land"]["speaker"]


def test_indefinite_description_is_unnamed_and_so_is_its_later_reference():
    text = (
        "Dmitry Peskov, the Kremlin spokesman, spoke on Monday.\n\n"
        'A Kremlin spokesman later said they were "living in an illusion". '
        '"They want to negotiate from strength," the spokesman said.'
    )
    rows = by_text(quotes(text))
    assert rows["living in an illusion"]["speaker"] is None
    assert rows["living in an illusion"]["speaker_surface"] == "A Kremlin spokesman"
    assert rows["They want to negotiate from strength"]["speaker"] is None


def test_continuation_paragraph_inherits_the_speaker():
    text = (
        'Ricardo Lara said the rules take effect in January. "We expect policies next year," Lara said.\n\n'
        '"I have heard from hundreds of people.\n\n"They need coverage," he added.\n\n'
        '"And they need it now."'
    )
    rows = quotes(text)
    assert [r["speaker"] for r in rows] == ["Ricardo Lara"] * 3
    assert rows[1]["text"] == 'I have heard from hundreds of people.\n\n"They need coverage'


@pytest.mark.parametrize(
    "text, quote, partial",
    [
        ("It is regarded as a good “compromise” by the Ukrainian leader.", "compromise", True),
        ("Macron stated that “even Ukrainians know it.”", "even Ukrainians know it.", True),
        ("The Kremlin says there is ''no basis'' for talks.", "no basis", True),
        ('Zelensky said: "We will win."', "We will win.", False),
        ('"We will win," Zelensky said.', "We will win", False),
    ],
)
def test_partial_flag(text, quote, partial):
    assert by_text(quotes(text))[quote]["is_partial"] is partial


@pytest.mark.parametrize(
    "text",
    [
        'Cillian Murphy won an Oscar for Christopher Nolan\'s "Oppenheimer", the studio said.',
        'The film, titled "The Last Crossing", follows a ferry captain.',
        'A soldier, known by his call sign, "Hunter", told the newspaper nothing.',
        "Ukraine's allies don't agree, and in the '90s nobody did.",
    ],
)
def test_names_titles_and_apostrophes_are_not_quotes(text):
    assert quotes(text) == []


def test_related_link_lines_and_read_more_are_furniture():
    text = (
        "Polish farmers blocked three crossings on Monday.\n\n"
        "READ MORE: 'Our patience is over' – farmers threaten to close more crossings\n\n"
        "'They are killing us slowly': Inside the grain crisis on Poland's border\n\n"
        '"Blocking aid will not help a single farmer," the minister said.'
    )
    assert [r["text"] for r in quotes(text)] == ["Blocking aid will not help a single farmer"]


def test_headline_quote_offsets_index_the_title():
    title = "'Ukraine cannot take back territory', Zelenskyy admits"
    rows = quotes("Volodymyr Zelenskyy spoke on Wednesday.", title=title)
    (row,) = rows
    assert row["is_headline"] and not row["is_partial"]
    assert title[row["start"] : row["end"]] == row["text"] == "Ukraine cannot take back territory"
    assert "Zelensky" in row["speaker"] and row["verb"] == "admits"


def test_headline_quote_without_attribution_takes_the_speaker_from_the_body():
    title = "'It's like a war zone': residents count cost of storm"
    text = '"It\'s like a war zone out there," said Morag MacLeod, 67.'
    head = [r for r in quotes(text, title=title) if r["is_headline"]][0]
    assert head["speaker"] == "Morag MacLeod"


def test_capitalised_common_word_at_sentence_start_is_not_a_speaker():
    text = 'Critics have called his performances "quietly devastating", and he agrees.'
    assert quotes(text)[0]["speaker"] is None


def test_quote_after_a_reported_sentence_is_that_reporters():
    text = (
        '"We will win," Zelensky said on Friday.\n\n'
        'Kremlin spokesman Dmitry Peskov said the idea was absurd. "Nobody takes it seriously."'
    )
    rows = by_text(quotes(text))
    assert rows["Nobody takes it seriously."]["speaker"] == "Dmitry Peskov"


@pytest.mark.parametrize(
    "text, quote, speaker",
    [
        (
            "Putin was quoted by TASS as saying that Russia was \"ready for dialogue.\"",
            "ready for dialogue.",
            "Putin",
        ),
        (
            '"It\'s over," one resident, Hanna, 72, said as she stood by her house.',
            "It's over",
            "Hanna",
        ),
        (
            "Their coordinator, a former teacher named Iryna, said the drones were a gamble. "
            '"You hear the buzzing and you just pray," she said.',
            "You hear the buzzing and you just pray",
            "Iryna",
        ),
        (
            '"Walking away would be a mistake," Sen. Roger Wicker, R-Miss., chairman of the Armed '
            "Services Committee, said in a statement.",
            "Walking away would be a mistake",
            "Roger Wicker",
        ),
        (
            '"Russia is not interested in peace," said Sybiha, adding that Kyiv would "never accept ultimatums."',
            "never accept ultimatums.",
            "Sybiha",
        ),
        (
            'Ukraine condemned Hungarian Foreign Minister Peter Szijjarto, who said Kyiv should accept that "territories are lost."',
            "territories are lost.",
            "Peter Szijjarto",
        ),
    ],
)
def test_harder_attributions(text, quote, speaker):
    row = by_text(quotes(text))[quote]
    assert row["speaker"] is not None and speaker in row["speaker"]


def test_two_people_saying_it_together_name_no_single_speaker():
    text = 'Keir Starmer and Emmanuel Macron said they would send a "reassurance force" to Ukraine.'
    row = quotes(text)[0]
    assert row["speaker"] is None and row["speaker_surface"] == "Keir Starmer and Emmanuel Macron"


def test_fronted_clause_is_not_an_apposition():
    text = (
        "Russian President Vladimir Putin spoke on Thursday.\n\n"
        'Asked whether he would meet Zelensky, the Russian leader replied: "Why not?"'
    )
    assert quotes(text)[0]["speaker"] == "Vladimir Putin"


def test_a_speech_longer_than_a_quote_row_allows_is_one_row_per_paragraph():
    para = "We will rebuild every school and every hospital in this region. " * 12
    text = f'Zelensky said: "{para}\n\n"{para}\n\n"{para}," he added.'
    rows = quotes(text)
    assert len(rows) == 3
    assert all(len(r["text_normalized"]) <= 2000 for r in rows)
    assert {r["speaker"] for r in rows} == {"Volodymyr Zelensky"}  # the entities lookup
    assert all(text[r["start"] : r["end"]] == r["text_normalized"] for r in rows)
    assert all(not r["text"].startswith('"') for r in rows)


@pytest.mark.parametrize(
    "text, speaker, surface",
    [
        ('"We reject these claims," said the spokesman for the foreign ministry, Oleg Nikolenko.', "Oleg Nikolenko", "Oleg Nikolenko"),
        ('"No comment," a spokeswoman for Downing Street said.', None, "a spokeswoman"),
        ('Nikolenko told reporters in Kyiv that the talks were "a waste of time".', "Nikolenko", "Nikolenko"),
    ],
)
def test_descriptions_with_modifiers_and_lone_surnames(text, speaker, surface):
    row = quotes(text)[0]
    assert (row["speaker"], row["speaker_surface"]) == (speaker, surface)


def test_speech_goes_on_past_a_left_over_link():
    text = (
        'Mr Zelenskyy said on Wednesday: "We cannot give up our territories," he told Le Parisien.\n\n'
        "Read more: Zelenskyy 'prepared to end Ukraine war' in exchange for Nato membership\n\n"
        "David Lidington and Shelagh Fogarty on European defence spending\n\n"
        '"We can only count on diplomatic pressure."'
    )
    rows = quotes(text)
    assert [r["text"] for r in rows] == ["We cannot give up our territories", "We can only count on diplomatic pressure."]
    assert rows[1]["speaker"] == rows[0]["speaker"] == "Volodymyr Zelensky"


def test_fragment_in_a_sentence_about_a_person_is_theirs_but_not_a_things():
    text = (
        "German Chancellor Friedrich Merz on Wednesday ruled out sending Taurus missiles \"for now\".\n\n"
        'The package includes new curbs on Russia\'s so-called "shadow fleet" of tankers.'
    )
    rows = by_text(quotes(text))
    assert rows["for now"]["speaker"] == "Friedrich Merz"
    assert rows["shadow fleet"]["speaker"] is None and rows["shadow fleet"]["is_partial"]


def test_french_and_spanish_attributions():
    fr = (
        "Le président ukrainien, Volodymyr Zelensky, a assuré que son pays ne céderait « jamais » ses territoires.\n\n"
        "« Ces terres appartiennent aux Ukrainiens », a-t-il déclaré."
    )
    doc = Doc(source_path="fr", source_format="text", text=fr, article_id="fr", language="fr")
    quotes_doc(doc)
    rows = by_text(doc.quotes)
    assert rows["jamais"]["is_partial"] and rows["jamais"]["verb"] == "assuré"
    assert rows["Ces terres appartiennent aux Ukrainiens"]["verb"] == "déclaré"
    assert {r["speaker"] for r in doc.quotes} == {"Volodymyr Zelensky"}
    es = '"No vamos a ceder territorio", dijo Zelensky en Kiev.'
    assert "Zelensky" in quotes(es)[0]["speaker"]


def test_present_tense_interview_and_headline_description():
    title = "Ukraine war 'a test for the whole of Europe', says Estonian PM"
    text = (
        "Estonia's prime minister says the war will decide whether Europe can defend itself.\n\n"
        'Kristen Michal tells the BBC that Russia "will test Nato" if it wins.\n\n'
        'Asked whether he trusts the US, he pauses. "We trust Nato."\n\n'
        "Its defence minister, Andris Spruds, recently said that the Baltic states \"cannot afford to be naive.\""
    )
    rows = by_text(quotes(text, title=title))
    assert rows["a test for the whole of Europe"]["speaker"] == "Kristen Michal"
    assert rows["We trust Nato."]["speaker"] == "Kristen Michal"
    naive = rows["cannot afford to be naive."]
    assert naive["speaker"] == "Andris Spruds" and naive["is_partial"]


def test_police_ranks_are_titles():
    text = 'Det Supt Jo Weeks said: "This was a shocking attack."'
    row = quotes(text)[0]
    assert row["speaker"] == "Jo Weeks" and row["speaker_surface"] == "Det Supt Jo Weeks"


def test_quote_after_an_abbreviation_starts_a_new_sentence():
    text = (
        '"That ends now," Vance said in Washington, D.C. "Europe can pay for it."\n\n'
        'Chris Murphy called it "a gift to Putin" in a post on X. "Vance is doing Putin\'s work," Murphy wrote.'
    )
    rows = by_text(quotes(text))
    assert not rows["Europe can pay for it."]["is_partial"]
    assert "Vance" in rows["Europe can pay for it."]["speaker"]
    assert not rows["Vance is doing Putin's work"]["is_partial"]


def test_a_knight_by_his_given_name_and_a_headline_subject():
    text = (
        "Sir Keir Starmer met the Ukrainian president.\n\n"
        '"We are with you, for as long as it takes," Sir Keir told him.'
    )
    assert quotes(text)[0]["speaker"] == "Keir Starmer"
    head = [r for r in quotes("Volodymyr Zelensky spoke on Thursday.", title="Zelensky 'ready' to discuss territory") if r["is_headline"]]
    assert head[0]["speaker"] == "Volodymyr Zelensky" and head[0]["is_partial"]


def test_a_woman_named_by_given_name_only_is_a_person():
    text = (
        "In a small flat in Yekaterinburg, Lyudmila, 61, keeps her son's photographs on a shelf.\n\n"
        '"I do not believe it," she says.'
    )
    doc = Doc(source_path="t", source_format="text", text=text, article_id="a")
    # the entities stage may type an unfamiliar given name as a place
    start = text.index("Lyudmila")
    doc.mentions = [{"entity_id": "auto:gpe:lyudmila", "name": "Lyudmila", "type": "GPE", "surface": "Lyudmila",
                     "start": start, "end": start + 8}]
    quotes_doc(doc)
    assert doc.quotes[0]["speaker"] == "Lyudmila" and doc.quotes[0]["speaker_entity_id"] is None


def test_party_and_state_in_parentheses_after_a_name():
    rows = by_text(quotes('"Americans deserve answers, not excuses," Sen. Elizabeth Warren (D-Mass.) said on Tuesday.'))
    row = rows["Americans deserve answers, not excuses"]
    assert "Warren" in row["speaker"] and row["is_partial"] is False


def test_a_noun_after_a_determiner_is_no_reporting_verb():
    rows = by_text(quotes('An official said Washington wanted an answer "within weeks, not months".'))
    assert rows["within weeks, not months"]["is_partial"] is True


def test_a_shadow_minister_does_not_hold_the_office():
    text = (
        "The Home Secretary, Shabana Mahmood, spoke first. Chris Philp, the shadow home secretary, "
        'replied. "It is not good enough," the home secretary said.'
    )
    assert by_text(quotes(text))["It is not good enough"]["speaker"] == "Shabana Mahmood"


def test_a_name_with_a_lowercase_arabic_article_is_a_name():
    text = (
        'Philippe Lazzarini said aid was blocked. "No tents get in," he said.\n\n'
        "In Deir el-Balah, Dr Ahmed al-Farra, head of paediatrics at Nasser Hospital, told reporters that "
        'children were cold. "We have no fuel," he said.'
    )
    assert by_text(quotes(text))["We have no fuel"]["speaker"] == "Ahmed al-Farra"


def test_a_quoted_call_sign_closing_an_insertion_leaves_the_soldier_unnamed():
    text = (
        'President Volodymyr Zelensky called for air defence. "Every day counts," he wrote.\n\n'
        'A drone operator with the 92nd Brigade, who goes by the call sign "Kit," said assaults had grown. '
        '"They keep coming," he said.'
    )
    assert by_text(quotes(text))["They keep coming"]["speaker"] is None


def test_an_organisation_keeps_the_country_the_text_gives_it():
    entities = pytest.importorskip("tasks.entities")
    text = "Israel's Ministry of Foreign Affairs said in a statement: \"Aid is flowing.\""
    doc = Doc(source_path="t", source_format="text", text=text, article_id="a1")
    doc.text_normalized = text
    entities.entities_doc(doc)
    quotes_doc(doc)
    assert by_text(doc.quotes)["Aid is flowing."]["speaker"] == "Israel's Ministry of Foreign Affairs"


def test_a_dateline_is_no_subject():
    text = 'PARIS (AFP) - A former minister went on trial on Monday accused of paying for "phantom jobs" for allies.'
    assert by_text(quotes(text))["phantom jobs"]["speaker"] is None


def test_a_reporting_verb_after_a_modal_is_the_reporters():
    text = 'According to Zakharova, Moscow will respond "in a measured and proportionate manner."'
    assert by_text(quotes(text))["in a measured and proportionate manner."]["is_partial"] is True


def test_a_countrys_possessive_opens_a_description():
    text = (
        '"The Russians are preparing an offensive," Ukraine\'s commander-in-chief, Oleksandr Syrskyi, '
        "said after a meeting."
    )
    row = by_text(quotes(text))["The Russians are preparing an offensive"]
    assert row["speaker"] == "Oleksandr Syrskyi" and row["is_partial"] is False


def test_a_headline_quote_before_a_colon_and_a_name():
    text = 'Catherine Mann has voted against three cuts. "Data, not headlines," she says.'
    rows = quotes(text, title="'Inflation is not beaten yet': Bank of England's Catherine Mann on rates")
    assert by_text(rows)["Inflation is not beaten yet"]["speaker"] == "Catherine Mann"


def test_a_spokeswoman_is_not_the_spokesman():
    text = (
        "Russian Foreign Ministry Spokeswoman Maria Zakharova spoke first. "
        '"We adapted," Kremlin spokesman Dmitry Peskov told journalists.\n\n'
        'The Russian Foreign Ministry spokeswoman concluded with a warning: "You will answer for it."'
    )
    assert by_text(quotes(text))["You will answer for it."]["speaker"] == "Maria Zakharova"


def test_an_office_in_a_relative_clause_names_the_former_minister():
    text = (
        "PARIS (AFP) - A former French minister went on trial on Monday.\n\n"
        "Sophie Lemaire, who served as culture minister between 2019 and 2021, denies the charges.\n\n"
        'Prosecutor Laurent Dubois said the evidence was overwhelming.\n\n'
        'Leaving the court, the former minister told AFP she was "calm and confident." "The truth will come out," she said.'
    )
    rows = by_text(quotes(text))
    assert rows["calm and confident."]["speaker"] == "Sophie Lemaire"
    assert rows["The truth will come out"]["speaker"] == "Sophie Lemaire"


def test_the_subject_of_a_reported_clause_does_not_take_the_next_pronoun():
    text = (
        "Yuri Ushakov, an aide, briefed reporters.\n\n"
        "Mr. Ushakov also said that Mr. Putin had asked Mr. Witkoff to pass on a message. "
        '"The president conveyed his greetings," he said.'
    )
    assert by_text(quotes(text))["The president conveyed his greetings"]["speaker"].endswith("Ushakov")


def test_a_headline_quote_after_a_colon_is_full_even_with_words_after_it():
    rows = quotes("Mikel Arteta praised his side.", title="Arteta: 'We showed who we are' after Arsenal beat Tottenham")
    assert by_text(rows)["We showed who we are"]["is_partial"] is False


def test_the_article_spells_out_its_own_acronym():
    text = (
        "The paramilitary Rapid Support Forces (RSF) tightened the siege. The RSF denied targeting civilians. "
        '"Our forces protect civilians," the group said in a statement.'
    )
    entities = pytest.importorskip("tasks.entities")
    doc = Doc(source_path="t", source_format="text", text=text, article_id="a1")
    doc.text_normalized = text
    entities.entities_doc(doc)
    quotes_doc(doc)
    assert by_text(doc.quotes)["Our forces protect civilians"]["speaker"] == "Rapid Support Forces"


def test_a_description_names_the_person_just_talked_about_when_no_one_holds_it():
    text = (
        "Jacqueline Parlevliet, head of the agency's office in Port Sudan, spoke on Monday.\n\n"
        'Parlevliet said the agency needed funding. "We have received less than a quarter," the UN official said.'
    )
    assert by_text(quotes(text))["We have received less than a quarter"]["speaker"] == "Jacqueline Parlevliet"


def test_a_title_that_is_also_a_verb_form_opens_a_titled_name():
    text = (
        "State Duma deputy Aleksey Zhuravlev went further, writing on his Telegram channel that London was "
        '"the main sponsor of the war."'
    )
    assert by_text(quotes(text))["the main sponsor of the war."]["speaker"] == "Aleksey Zhuravlev"


def test_a_name_opening_with_its_particles_follows_the_quote():
    text = 'Ursula von der Leyen spoke in Strasbourg. "Europe faces threats," von der Leyen said.'
    row = by_text(quotes(text))["Europe faces threats"]
    assert row["speaker"] == "Ursula von der Leyen" and row["is_partial"] is False


def test_a_rank_in_capitals_is_a_title():
    text = (
        'Detective Inspector Claire Jones said: "This was a shocking attack."\n\n'
        'DI Jones urged anyone with information to come forward. "Every detail matters," she added.'
    )
    assert by_text(quotes(text))["Every detail matters"]["speaker"] == "Claire Jones"


def test_what_someone_calls_something_is_a_fragment():
    text = 'Mayor Vitali Klitschko is preparing for what he calls "the hardest winter since the invasion."'
    assert by_text(quotes(text))["the hardest winter since the invasion."]["is_partial"] is True


def test_a_parliamentary_leader_is_not_the_chancellor():
    text = (
        "German Chancellor Friedrich Merz rejected the calls.\n\n"
        'The Greens\' parliamentary leader, Katharina Dröge, accused the coalition of chaos. "Chaos," she said.\n\n'
        'The chancellor later struck a calmer tone. "We will find a solution," the CDU politician said.'
    )
    assert by_text(quotes(text))["We will find a solution"]["speaker"] == "Friedrich Merz"


def test_a_headline_shortening_one_speakers_quote_is_theirs():
    text = (
        '"They told me he was missing. Then an officer said my son was a traitor," Olga Petrova said.\n\n'
        '"We are treated as enemies," said Ivan Sidorov.'
    )
    rows = quotes(text, title="'I was told my son was a traitor': mothers of missing soldiers speak out")
    assert by_text(rows)["I was told my son was a traitor"]["speaker"] == "Olga Petrova"


def test_an_agency_administrator_is_a_title():
    text = (
        'FEMA Administrator David Richardson said the agency was ready. "We are not waiting," he said.'
    )
    assert by_text(quotes(text))["We are not waiting"]["speaker"] == "David Richardson"


def test_a_surname_first_name_is_the_articles_own_person():
    text = (
        "Wang Yiwei, a professor at Renmin University, said both sides had reasons to talk. "
        '"Neither side can afford a trade war," Wang said.'
    )
    assert by_text(quotes(text))["Neither side can afford a trade war"]["speaker"] == "Wang Yiwei"


def test_an_organisation_with_and_in_its_name_is_one_speaker():
    entities = pytest.importorskip("tasks.entities")
    text = (
        "The Hostages and Missing Families Forum said in a statement that it would hold a rally every evening. "
        '"We will not let anyone forget them," the forum said.'
    )
    doc = Doc(source_path="t", source_format="text", text=text, article_id="a1")
    doc.text_normalized = text
    entities.entities_doc(doc)
    quotes_doc(doc)
    assert by_text(doc.quotes)["We will not let anyone forget them"]["speaker"] == "Hostages and Missing Families Forum"


def test_a_person_introduced_with_an_age_takes_the_next_pronoun():
    text = (
        'Dr Melissa Ryan said members had no choice. "We came in good faith," she said.\n\n'
        "For patients like Joan, 74, who has waited eight months for a hip operation, the dispute is exhausting. "
        '"My operation is pushed back again," she said.'
    )
    entities = pytest.importorskip("tasks.entities")
    doc = Doc(source_path="t", source_format="text", text=text, article_id="a1")
    doc.text_normalized = text
    entities.entities_doc(doc)
    quotes_doc(doc)
    assert by_text(doc.quotes)["My operation is pushed back again"]["speaker"] == "Joan"


def test_a_word_with_a_plus_is_one_word():
    rows = by_text(quotes('"The market needs stability," one OPEC+ delegate told Reuters.'))
    row = rows["The market needs stability"]
    assert row["speaker"] is None and row["is_partial"] is False


def test_a_definite_description_that_asked_not_to_be_named_stays_unnamed():
    text = (
        'Captain Oleksandr Borodin, the brigade\'s spokesperson, said it was hard. "Bad weather helps them," Borodin said.\n\n'
        "The brigade's commander, who asked not to be named, said reinforcements had arrived. "
        '"It is never enough," the commander said.'
    )
    assert by_text(quotes(text))["It is never enough"]["speaker"] is None


def test_economists_at_a_bank_are_not_the_bank():
    text = (
        "Economists at Goldman Sachs wrote in a note that they expected a cut, calling the remarks "
        '"a hawkish signal rather than a change of plan."'
    )
    assert by_text(quotes(text))["a hawkish signal rather than a change of plan."]["speaker"] is None


def test_a_descriptor_before_a_name_opening_the_sentence():
    text = (
        "Human rights lawyer Aminata Sawadogo, speaking to reporters from Abidjan, said the move was "
        '"the end of any pretence" of a transition.'
    )
    assert by_text(quotes(text))["the end of any pretence"]["speaker"] == "Aminata Sawadogo"


def test_two_people_sharing_a_surname_stay_apart():
    text = (
        "Government spokesman Pingdwendé Gilbert Ouédraogo announced the decision.\n\n"
        "Ablassé Ouédraogo, an opposition politician living in exile, called on leaders to react. "
        '"Silence is complicity," the former foreign minister said.'
    )
    assert by_text(quotes(text))["Silence is complicity"]["speaker"] == "Ablassé Ouédraogo"


def test_a_quote_after_a_that_clause_and_a_comma_is_a_fragment():
    text = 'Lavrov warned that without an agreement, "there will be no limits at all."'
    assert by_text(quotes(text))["there will be no limits at all."]["is_partial"] is True


def test_according_to_names_whom_the_next_pronoun_means():
    text = (
        'Arnaud Rousseau addressed the crowd. "We will not be sacrificed," he said.\n\n'
        "According to Irish MEP Maria Walsh, the European Parliament could still block the deal. "
        '"The numbers are tight," she said.'
    )
    assert by_text(quotes(text))["The numbers are tight"]["speaker"] == "Maria Walsh"


def test_a_monarch_is_not_whoever_spoke_last():
    text = (
        'Jasmine Basran said the prince had helped. "People listen," she said.\n\n'
        'The King, who is continuing his treatment, sent a message. "I am very proud," the monarch wrote.'
    )
    assert by_text(quotes(text))["I am very proud"]["speaker"] is None
