import gzip

import pytest

from tasks.ingest.decoding import binary_kind, clean_text, decode, encoding_name, guess_legacy_encoding
from tasks.records import Quarantined

# Short, realistic news sentences: statistical detectors mis-guess on texts this short.
ENGLISH_SMART = (
    "The minister said \u201cwe will not back down\u201d on Tuesday \u2013 a day after the vote. "
    "It\u2019s the third time this year."
)
FRENCH = "Le président a déclaré mardi que la réforme des retraites serait votée avant l'été."
GERMAN = "Die Bundesregierung hat am Dienstag beschlossen, die Förderung für Wärmepumpen zu kürzen."
RUSSIAN = "Президент заявил во вторник, что переговоры продолжатся на следующей неделе."
UKRAINIAN = "Київ оголосив про нові заходи безпеки. Міністр оборони заявив, що ситуація під контролем."


@pytest.mark.parametrize(
    "text, codec, expected",
    [
        (ENGLISH_SMART, "cp1252", "cp1252"),
        ("\u201cNo comment,\u201d he said.", "cp1252", "cp1252"),
        (FRENCH, "latin-1", "latin-1"),
        (GERMAN, "latin-1", "latin-1"),
        ("Café à Zürich.", "latin-1", "latin-1"),
        (RUSSIAN, "cp1251", "cp1251"),
        (UKRAINIAN, "cp1251", "cp1251"),
        ("Москва, 12 мая.", "cp1251", "cp1251"),
        (UKRAINIAN, "utf-16", "utf-16"),
        (UKRAINIAN, "utf-16-le", "utf-16"),
        (ENGLISH_SMART, "utf-16-be", "utf-16"),
        (FRENCH, "utf-8-sig", "utf-8"),
        (RUSSIAN, "utf-8", "utf-8"),
        (GERMAN, "utf-32", "utf-32"),
    ],
)
def test_short_news_texts_decode_right_and_name_their_encoding(text, codec, expected):
    decoded, encoding = decode(text.encode(codec))
    assert decoded == text
    assert encoding == expected


def test_latin1_and_cp1252_are_told_apart_by_bytes_0x80_to_0x9f():
    assert guess_legacy_encoding("Ç'est l'été.".encode("latin-1")) == "latin-1"
    assert guess_legacy_encoding("C'est l\u2019été.".encode("cp1252")) == "cp1252"
    # 0x81 is not a cp1252 character: not Western after all, left to the detector
    assert guess_legacy_encoding(b"caf\xe9 \x81 ok") is None


def test_koi8_r_is_not_mistaken_for_cp1251():
    data = RUSSIAN.encode("koi8-r")
    assert guess_legacy_encoding(data) != "cp1251"
    text, encoding = decode(data)
    assert encoding == "koi8-r" and text == RUSSIAN


@pytest.mark.parametrize(
    "codec, name",
    [("UTF-8-SIG", "utf-8"), ("iso-8859-1", "latin-1"), ("windows-1251", "cp1251"), ("windows_1252", "cp1252"),
     ("utf_16_le", "utf-16"), ("ascii", "utf-8")],
)
def test_encoding_names_have_one_spelling(codec, name):
    assert encoding_name(codec) == name


def test_stray_nul_and_control_characters_are_stripped():
    text, encoding = decode(b"Kyiv\x00 is\x07 the capital\r\nof Ukraine\x1b.\r")
    assert text == "Kyiv is the capital\nof Ukraine.\n"
    assert encoding == "utf-8"


def test_clean_text_drops_c1_controls_and_lone_surrogates():
    assert clean_text("a\x85b\ud800c\x7fd\u200be") == "abcd\u200be"


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n\x00\xff\x10\x88", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U", "ZIP archive (also docx, xlsx, epub)"),
        (gzip.compress(b"hello " * 100), "gzip data under a name without .gz"),
    ],
)
def test_binary_formats_under_text_names_are_refused(data, kind):
    assert binary_kind(data) == kind
    with pytest.raises(Quarantined) as exc:
        decode(data)
    assert exc.value.reason == "binary"


def test_random_bytes_are_binary():
    with pytest.raises(Quarantined) as exc:
        decode(bytes(range(256)) * 20)
    assert exc.value.reason == "binary"


def test_text_that_is_mostly_replacement_characters_is_garbled():
    with pytest.raises(Quarantined) as exc:
        decode(("\ufffd\ufffd\ufffd word " * 50).encode("utf-8"))
    assert exc.value.reason == "garbled"
    text, _ = decode(("A caf\ufffd in Kyiv reopened on Monday. " * 5).encode("utf-8"))
    assert text.count("\ufffd") == 5


def test_utf8_fast_path_gives_what_the_full_decode_gives():
    import random

    from tasks.ingest.decoding import _clean_utf8, clean_text, decode_raw

    rng = random.Random(3)
    pieces = [b"plain words ", "caf\u00e9 \u201cquoted\u201d ".encode(), b"\r\n", b"\x00", b"\x07", b"\x7f", "\u0085".encode(),
              "\u00a0\u00a9".encode(), b"\xef\xbb\xbf", b"\xc2", b"\x9f", b"\t\n", "\ufffd".encode(), "\u0416".encode()]
    for _ in range(3000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        fast = _clean_utf8(data)
        if fast is not None:
            text, encoding = decode_raw(data)
            assert (fast, "utf-8") == (clean_text(text), encoding)
