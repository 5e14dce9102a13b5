"""Readings for kanji titles: proposed in a helper process, kept when a parent typed one."""

import logging

import pytest

from schedule.common import readings


def test_only_titles_with_kanji_need_a_reading():
    assert readings.has_kanji("保育園・学校")
    assert not readings.has_kanji("おやつ・あそび")
    assert not readings.has_kanji("Roomba ルンバ")


@pytest.mark.slow  # loads pykakasi's dictionaries in a process of its own
def test_a_reading_is_proposed_in_hiragana_by_a_helper_process():
    import sys

    assert readings.propose(["保育園・学校", "ルンバ", "植物に水やり"]) == [
        "ほいくえん・がっこう",
        "",
        "しょくぶつにみずやり",
    ]
    assert "pykakasi" not in sys.modules  # the server's own process never loads it


@pytest.mark.slow  # starts the helper process
def test_a_helper_that_fails_proposes_nothing_and_the_log_says_so(monkeypatch, caplog):
    monkeypatch.setattr(readings.sys, "executable", "/bin/false")
    with caplog.at_level(logging.WARNING, logger="schedule.common.readings"):
        assert readings.propose(["保育園"]) == [""]
    assert "No readings proposed" in caplog.text


class FakeForm:
    def __init__(self, title, reading=""):
        self.cleaned_data = {"title_ja": title, "title_reading": reading}
        self.instance = type("Row", (), {"title_reading": reading})()


def test_only_the_missing_readings_are_asked_for_in_one_go(monkeypatch):
    asked = []

    def propose(titles):
        asked.append(list(titles))
        return ["よみ"] * len(titles)

    monkeypatch.setattr(readings, "propose", propose)
    typed, missing, kana = FakeForm("お風呂", "おふろ"), FakeForm("夜ごはん"), FakeForm("おやつ")
    readings.fill_missing([typed, missing, kana])
    assert asked == [["夜ごはん"]]
    assert missing.cleaned_data["title_reading"] == missing.instance.title_reading == "よみ"
    assert typed.cleaned_data["title_reading"] == "おふろ"
    assert kana.cleaned_data["title_reading"] == ""


# A family's words, as a child reads them (issue 27: 着がえ was read ちゃくがえ).
# Katakana, digits and Latin letters stay as written; only kanji get kana.
HOUSEHOLD_WORDS = {
    "朝ごはん": "あさごはん", "昼ごはん": "ひるごはん", "夜ごはん": "よるごはん",
    "晩ごはん": "ばんごはん", "夕ごはん": "ゆうごはん", "着がえ": "きがえ", "着替え": "きがえ",
    "お着替え": "おきがえ", "おはよう・着がえ": "おはよう・きがえ", "歯みがき": "はみがき",
    "歯磨き": "はみがき", "お風呂": "おふろ", "お風呂掃除": "おふろそうじ", "宿題": "しゅくだい",
    "保育園": "ほいくえん", "保育園・学校": "ほいくえん・がっこう", "幼稚園": "ようちえん",
    "小学校": "しょうがっこう", "燃やすごみ": "もやすごみ", "燃えるごみ": "もえるごみ",
    "燃えないごみ": "もえないごみ", "燃やさないごみ": "もやさないごみ", "資源ごみ": "しげんごみ",
    "粗大ごみ": "そだいごみ", "古紙・古布": "こし・こふ", "瓶・缶": "びん・かん",
    "ごみ出し": "ごみだし", "お片付け": "おかたづけ", "片付け": "かたづけ", "大掃除": "おおそうじ",
    "習い事": "ならいごと", "体操服": "たいそうふく", "上履き": "うわばき", "上靴": "うわぐつ",
    "上着": "うわぎ", "靴下": "くつした", "帽子": "ぼうし", "お昼寝": "おひるね",
    "お昼休み": "おひるやすみ", "寝る準備": "ねるじゅんび", "寝る時間": "ねるじかん",
    "おでかけの準備": "おでかけのじゅんび", "お仕事": "おしごと", "家事": "かじ",
    "お弁当": "おべんとう", "水筒": "すいとう", "給食": "きゅうしょく",
    "給食当番": "きゅうしょくとうばん", "手洗い": "てあらい", "手を洗う": "てをあらう",
    "顔をあらう": "かおをあらう", "顔を洗う": "かおをあらう", "洗濯": "せんたく",
    "洗濯物": "せんたくもの", "掃除機": "そうじき", "皿洗い": "さらあらい",
    "食器洗い": "しょっきあらい", "買い物": "かいもの", "お買い物": "おかいもの",
    "散歩": "さんぽ", "犬の散歩": "いぬのさんぽ", "公園": "こうえん",
    "おでかけ・公園": "おでかけ・こうえん", "図書館": "としょかん", "習字": "しゅうじ",
    "水泳": "すいえい", "英語": "えいご", "塾": "じゅく", "お迎え": "おむかえ",
    "登校": "とうこう", "下校": "げこう", "登園": "とうえん", "連絡帳": "れんらくちょう",
    "家族の時間": "かぞくのじかん", "家族であそぶ": "かぞくであそぶ", "お手伝い": "おてつだい",
    "植物に水やり": "しょくぶつにみずやり", "水やり": "みずやり", "お布団": "おふとん",
    "布団を敷く": "ふとんをしく", "朝の支度": "あさのしたく", "身支度": "みじたく",
    "検温": "けんおん", "爪切り": "つめきり", "読書": "どくしょ", "絵本": "えほん",
    "音読": "おんどく", "宿題・音読": "しゅくだい・おんどく", "お薬": "おくすり",
    "歯医者": "はいしゃ", "病院": "びょういん", "誕生日": "たんじょうび",
    "お留守番": "おるすばん", "運動会": "うんどうかい", "遠足": "えんそく",
    "休み時間": "やすみじかん", "起きる": "おきる", "金魚のえさ": "きんぎょのえさ",
    "算数": "さんすう", "国語": "こくご", "髪を乾かす": "かみをかわかす",
    "お祖母ちゃん": "おばあちゃん", "年末年始": "ねんまつねんし", "お正月": "おしょうがつ",
    "お絵かき": "おえかき", "ピアノの練習": "ピアノのれんしゅう", "トイレ掃除": "トイレそうじ",
    "3時のおやつ": "3じのおやつ",
}  # fmt: skip


@pytest.mark.slow  # one helper process for the whole list
def test_household_words_are_read_as_a_family_reads_them():
    import sys

    assert len(HOUSEHOLD_WORDS) >= 50
    found = dict(zip(HOUSEHOLD_WORDS, readings.propose(list(HOUSEHOLD_WORDS)), strict=True))
    wrong = {word: found[word] for word, kana in HOUSEHOLD_WORDS.items() if found[word] != kana}
    assert wrong == {}, f"{len(HOUSEHOLD_WORDS) - len(wrong)}/{len(HOUSEHOLD_WORDS)} right"
    assert "sudachipy" not in sys.modules  # the server's own process never loads it


def test_a_title_changed_under_a_proposed_reading_is_read_again(monkeypatch):
    monkeypatch.setattr(readings, "propose", lambda titles: ["しゅくだい" for _t in titles])
    renamed = FakeForm("宿題", "おふろ")
    renamed.changed_data = ["title_ja"]
    renamed.instance.title_reading_by_hand = False
    by_hand = FakeForm("宿題", "おふろだよ")
    by_hand.changed_data = ["title_ja"]
    by_hand.instance.title_reading_by_hand = True
    typed = FakeForm("宿題", "しゅくだいだよ")
    typed.changed_data = ["title_ja", "title_reading"]
    readings.fill_missing([renamed, by_hand, typed])
    assert renamed.cleaned_data["title_reading"] == "しゅくだい"
    assert by_hand.cleaned_data["title_reading"] == "おふろだよ"
    assert typed.cleaned_data["title_reading"] == "しゅくだいだよ"
    assert typed.instance.title_reading_by_hand
