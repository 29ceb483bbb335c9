"""Speakers across the sentences of one document (``stance.attribution.mentions``): honorifics, surnames, first
names, titles, pronouns and transcript labels carried to the full names given before them.  The documents are
invented; each test runs with the name grammar alone and with spaCy's entities (skipped without an English spaCy
pipeline)."""

import pytest

from stance.attribution.mentions import DocumentPeople, transcript_label
from stance.attribution.parser import load_parser

nlp = load_parser("auto")
PARSERS = [pytest.param(None, id="grammar"),
           pytest.param(nlp, id="spacy", marks=pytest.mark.skipif(
               nlp is None, reason="no English spaCy pipeline: pip install -r requirements/syntax.txt"))]

CLINTONS = (
    "Former President Bill Clinton campaigned in Toledo on Monday for his wife, Hillary Clinton, the Democratic "
    "nominee. Mr. Clinton said the race would be close. Mrs. Clinton said she was confident of winning Ohio.\n"
    "Bill Clinton later stopped at a diner. Clinton said voters wanted better jobs. He added that trade deals "
    "mattered.\n"
    "Hillary Clinton spoke in Cleveland in the evening. Clinton said the economy was her priority. Ms. Clinton "
    "thanked her volunteers. Bill said he was proud of them."
)


def at(text: str, words: str, nth: int = 1) -> int:
    """The offset of the ``nth`` occurrence of ``words``."""
    where = -1
    for _ in range(nth):
        where = text.index(words, where + 1)
    return where


@pytest.mark.parametrize("parser", PARSERS)
def test_honorifics_tell_bill_from_hillary(parser):
    people = DocumentPeople(CLINTONS, parser)
    assert people.resolve("Mr. Clinton", at(CLINTONS, "Mr. Clinton")) == "Bill Clinton"
    assert people.resolve("Mrs. Clinton", at(CLINTONS, "Mrs. Clinton")) == "Hillary Clinton"
    assert people.resolve("Ms. Clinton", at(CLINTONS, "Ms. Clinton")) == "Hillary Clinton"


@pytest.mark.parametrize("parser", PARSERS)
def test_a_surname_is_the_last_person_of_that_name(parser):
    people = DocumentPeople(CLINTONS, parser)
    assert people.resolve("Clinton", at(CLINTONS, "Clinton said voters")) == "Bill Clinton"
    assert people.resolve("Clinton", at(CLINTONS, "Clinton said the economy")) == "Hillary Clinton"


@pytest.mark.parametrize("parser", PARSERS)
def test_a_first_name_alone_and_pronouns(parser):
    people = DocumentPeople(CLINTONS, parser)
    assert people.resolve("Bill", at(CLINTONS, "Bill said")) == "Bill Clinton"
    assert people.resolve("He", at(CLINTONS, "He added")) == "Bill Clinton"
    assert people.resolve("she", at(CLINTONS, "she was confident")) == "Hillary Clinton"
    assert people.resolve("he", at(CLINTONS, "he was proud")) == "Bill Clinton"


def test_an_honorific_of_the_other_gender_resolves_to_nobody():
    text = "Hillary Clinton spoke in Ohio. Mr. Clinton said little. He left early. Clinton said she would win."
    people = DocumentPeople(text)
    assert people.resolve("Mr. Clinton", at(text, "Mr. Clinton")) is None
    assert people.resolve("He", at(text, "He left")) is None
    assert people.resolve("Clinton", at(text, "Clinton said she")) == "Hillary Clinton"


MARSH = (
    "Marsh has not decided, an aide said.\n"
    "Sen. Ellen Marsh of Oregon, the committee chairwoman, said on Tuesday that the hearing would go ahead. "
    "Jason Whitcombe, the committee's ranking member, disagreed. Whitcombe said the hearing was premature.\n"
    "The chairwoman said she had the votes. “Whitcombe is wrong,” she added. Marsh said the vote would be Friday. "
    "A spokesman said nothing more."
)


@pytest.mark.parametrize("parser", PARSERS)
def test_surnames_carry_from_what_came_before_else_to_the_one_person_named_later(parser):
    people = DocumentPeople(MARSH, parser)
    assert people.resolve("Marsh", at(MARSH, "Marsh has")) == "Ellen Marsh"  # a lead naming her in full only later
    assert people.resolve("Marsh", at(MARSH, "Marsh said")) == "Ellen Marsh"
    assert people.resolve("Whitcombe", at(MARSH, "Whitcombe said")) == "Jason Whitcombe"
    assert people.resolve("Sen. Ellen Marsh of Oregon", at(MARSH, "Sen. Ellen")) == "Ellen Marsh"
    assert people.resolve("Ortiz", at(MARSH, "Marsh said")) == "Ortiz"  # never named: as read
    assert people.people() == ["Ellen Marsh", "Jason Whitcombe"]
    assert people.people(before=at(MARSH, "Jason")) == ["Ellen Marsh"]


@pytest.mark.parametrize("parser", PARSERS)
def test_a_headline_surname_is_read_whole_only_when_one_person_later_has_it(parser):
    text = ("Pence: the debate will go ahead\n\nIndiana Gov. Mike Pence said on Sunday that it would.\n\n"
            "Clinton hits back\n\nBill Clinton said one thing. Hillary Clinton said another.\n")
    people = DocumentPeople(text, parser)
    assert people.resolve("Pence", 0) == "Mike Pence"
    assert people.resolve("Clinton", at(text, "Clinton hits")) == "Clinton"  # two Clintons later: as read


@pytest.mark.parametrize("parser", PARSERS)
def test_titles_carry_to_their_holder(parser):
    people = DocumentPeople(MARSH, parser)
    where = at(MARSH, "The chairwoman")
    assert people.resolve("The chairwoman", where) == "Ellen Marsh"
    assert people.resolve("the chairman", where) == "Ellen Marsh"
    assert people.resolve("the senator", where) == "Ellen Marsh"
    assert people.resolve("A spokesman", at(MARSH, "A spokesman")) is None  # a new, unnamed person
    assert people.resolve("the chairwoman", at(MARSH, "Sen. Ellen")) is None  # not yet given the title


@pytest.mark.parametrize("parser", PARSERS)
def test_pronouns_skip_people_named_inside_quotes(parser):
    people = DocumentPeople(MARSH, parser)
    assert people.resolve("she", at(MARSH, "she had")) == "Ellen Marsh"
    assert people.resolve("she", at(MARSH, "she added")) == "Ellen Marsh"
    text = "Tim Kaine spoke in Richmond. “Donald Trump has no plan,” he said."
    assert DocumentPeople(text, parser).resolve("he", at(text, "he said")) == "Tim Kaine"


def test_the_headline_counts_as_before():
    text = "Trump said the polls were rigged. He repeated it later."
    people = DocumentPeople(text, headline="Donald Trump rallies in Ohio")
    assert people.resolve("Trump", 0) == "Donald Trump"
    assert people.resolve("He", at(text, "He")) == "Donald Trump"
    assert DocumentPeople(text).resolve("Trump", 0) == "Trump"


def test_full_names_keep_the_form_first_seen():
    text = "Hillary Rodham Clinton arrived. Later Hillary Clinton said she was tired."
    people = DocumentPeople(text)
    assert people.resolve("Hillary Clinton", at(text, "Hillary Clinton")) == "Hillary Rodham Clinton"
    assert people.resolve("Donald J. Trump", len(text)) == "Donald J. Trump"
    assert people.resolve("Clinton's lawyers", len(text)) is None
    assert people.resolve("the Clinton campaign", len(text)) is None


@pytest.mark.parametrize(("paragraph", "label"), [
    ("PENCE: We will win this election.", "Pence"),
    ("MR. TRUMP: Believe me, it's true.", "Mr. Trump"),
    ("SEN. KAINE: I disagree with that.", "Sen. Kaine"),
    ("TIM KAINE: I disagree.", "Tim Kaine"),
    ("Sen. Kaine: I disagree.", "Sen. Kaine"),
    ("Q: What about the debate?", None),
    ("A: It went well.", None),
    ("MODERATOR: Two minutes.", None),
    ("UNIDENTIFIED MALE: Shame!", None),
    ("UPDATE: This story has been updated.", None),
    ("Update: This story has been updated.", None),
    ("WASHINGTON: The talks resumed.", None),
    ("Pence said: we will win.", None),
])
def test_transcript_labels(paragraph, label):
    assert transcript_label(paragraph) == label


@pytest.mark.parametrize("parser", PARSERS)
def test_transcript_labels_resolve_to_full_names(parser):
    text = ("Gov. Mike Pence of Indiana and Sen. Tim Kaine of Virginia met in Farmville on Tuesday for the debate "
            "of running mates; Donald Trump watched.\n"
            "PENCE: Donald Trump will rebuild our military.\n"
            "KAINE: He has no plan at all.\n"
            "MR. TRUMP: Believe me.\n"
            "He went on to criticize the moderator.")
    people = DocumentPeople(text, parser)
    paragraphs = text.split("\n")
    offsets = [at(text, p) for p in paragraphs]
    assert people.resolve(transcript_label(paragraphs[1]), offsets[1]) == "Mike Pence"
    assert people.resolve(transcript_label(paragraphs[2]), offsets[2]) == "Tim Kaine"
    assert people.resolve(transcript_label(paragraphs[3]), offsets[3]) == "Donald Trump"
    assert people.resolve("He", offsets[4]) == "Donald Trump"  # the last to speak


@pytest.mark.parametrize("parser", PARSERS)
def test_descriptions_give_titles_that_carry(parser):
    text = ("Investigators questioned Okafor for hours. An attorney for Okafor, Daniel Reyes, said the questions "
            "were unfair. Okafor's lawyer later said she would not testify. His attorney added nothing.")
    people = DocumentPeople(text, parser)
    assert people.resolve("Okafor's lawyer", at(text, "Okafor's lawyer")) == "Daniel Reyes"
    assert people.resolve("His attorney", at(text, "His attorney")) == "Daniel Reyes"


@pytest.mark.parametrize("parser", PARSERS)
def test_a_title_tells_holders_apart_by_party(parser):
    text = ("Republican presidential nominee Donald Trump and Democratic nominee Hillary Clinton both spoke. "
            "The Democratic nominee said she was ready. The GOP nominee said he was readier. "
            "The nominee said nothing else.")
    people = DocumentPeople(text, parser)
    assert people.resolve("The Democratic nominee", at(text, "The Democratic nominee")) == "Hillary Clinton"
    assert people.resolve("The GOP nominee", at(text, "The GOP nominee")) == "Donald Trump"
    assert people.resolve("The nominee", at(text, "The nominee said nothing")) == "Donald Trump"  # the last named


@pytest.mark.parametrize("parser", PARSERS)
def test_a_definite_title_in_the_text_is_a_mention_of_its_holder(parser):
    text = ("Former President Bill Clinton spoke in Flint for his wife, Hillary Clinton. During the rally, the "
            "former president said costs were rising. “It makes no sense,” Clinton said. Mark Reyes, who "
            "organised the rally, said it went well.")
    people = DocumentPeople(text, parser)
    assert people.resolve("Clinton", at(text, "Clinton said")) == "Bill Clinton"
    assert people.resolve("who", at(text, "who organised")) == "Mark Reyes"
