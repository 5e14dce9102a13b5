"""A picture for a title: the icon a household word calls for (歯みがき → toothbrush).

A routine's step is read by a child who cannot read yet, so every step has a
picture; choosing one is three taps on a phone (open the grid, find it, tap).
When the parent leaves it to the title, the first word below found in the
Japanese or English title gives it. The words are the ones families write on
their routines and plans, in the spellings they use (kanji, kana, English);
the first match in this order wins, so the more particular words come first
(お風呂の掃除 is cleaning before it is a bath).
"""

from __future__ import annotations

from schedule.common import icons

# (icon, words): a word matches anywhere in the Japanese title, or as a word's
# start in the English one ("brush" matches "Brush teeth", not "Hairbrush").
WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cleaning", ("掃除", "そうじ", "clean", "vacuum")),
    ("tidy", ("片付", "片づ", "かたづけ", "おかたづけ", "tidy", "put away")),
    ("toothbrush", ("歯", "はみがき", "はをみがく", "teeth", "tooth", "brush")),
    ("wash-face", ("顔", "かお", "face")),
    ("toilet", ("トイレ", "といれ", "toilet", "potty", "pee")),
    (
        "clothes",
        (
            "着替",
            "着が",
            "きがえ",
            "ふく",
            "服",
            "パジャマ",
            "dress",
            "pajamas",
            "pyjamas",
            "clothes",
            "change",
        ),
    ),
    ("backpack", ("ランドセル", "らんどせる", "かばん", "鞄", "リュック", "bag", "backpack")),
    ("breakfast", ("朝ごはん", "朝ご飯", "朝食", "あさごはん", "breakfast")),
    ("lunch", ("昼ごはん", "昼食", "ひるごはん", "お弁当", "おべんとう", "lunch")),
    ("dinner", ("晩ごはん", "夕ごはん", "夕食", "ばんごはん", "夜ごはん", "dinner", "supper")),
    ("snack", ("おやつ", "snack")),
    ("bath", ("風呂", "ふろ", "bath", "shower")),
    ("medicine", ("薬", "くすり", "medicine")),
    ("homework", ("宿題", "しゅくだい", "homework")),
    ("book", ("本", "読書", "えほん", "絵本", "read", "book", "story")),
    ("bed", ("寝る", "ねる", "おやすみ", "就寝", "bed", "sleep")),
    ("nap", ("昼寝", "ひるね", "nap")),
    ("laundry", ("洗濯", "せんたく", "laundry")),
    ("indoor-shoes", ("上履き", "上靴", "うわばき", "indoor shoes")),
    ("school", ("学校", "がっこう", "保育園", "幼稚園", "school", "daycare", "nursery")),
    ("walk", ("散歩", "さんぽ", "walk")),
    ("piano", ("ピアノ", "piano")),
    ("swimming", ("水泳", "プール", "swim")),
    ("trash", ("ごみ", "ゴミ", "trash", "garbage", "rubbish")),
    ("cooking", ("料理", "りょうり", "cook")),
    ("shopping", ("買い物", "かいもの", "shop")),
    ("pet", ("ペット", "犬", "猫", "いぬ", "ねこ", "pet", "dog", "cat")),
    ("plant", ("水やり", "みずやり", "plant", "water the")),
    ("play", ("遊", "あそ", "play")),
)


def icon_for(*titles: str) -> str | None:
    """The bundled icon the titles call for (Japanese first, then English), else None."""
    for icon, words in WORDS:
        if not icons.is_icon(icon):
            continue
        for title in titles:
            lowered = f" {title.lower()}"
            for word in words:
                if word.isascii():
                    if f" {word}" in lowered:
                        return icon
                elif word in title:
                    return icon
    return None
