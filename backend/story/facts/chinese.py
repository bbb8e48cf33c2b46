"""Extraction rules for Chinese: eye and hair colour (眼睛, 眸子, 头发), ages (岁), family
(哥哥, 姐姐, 弟弟, 妹妹, 父亲, 母亲…), distances in 里 and 公里, deaths (死, 去世) and people
acting or speaking.

Chinese writes no spaces and jieba's tags miss many invented names, so a subject is found
by position: the words that open the clause, or those straight before 的 or the number,
with time words and adverbs stripped (那年桂花才十二岁 -> 桂花); 他 and 她 are the last
subject named before them in the scene.
"""

from __future__ import annotations

import re

from backend.story.facts.english import Found
from backend.story.facts.spans import CN_NUMBER, chinese_number
from backend.text.words import segment

_HAN = r"\u4e00-\u9fff"
_CLAUSE_MARKS = '，。；：！？、“”「」『』"（）() ,'
_LEADING = (
    "那年", "今年", "去年", "前年", "这年", "当时", "后来", "这时", "那时", "从前", "可是",
    "但是", "于是", "只是", "从", "但", "而", "那", "这",
)  # fmt: skip
_TRAILING = (
    "已经", "早已", "早就", "今年", "那年", "去年", "才", "也", "都", "就", "还", "又", "正",
    "只", "已", "便", "却", "在", "不过", "刚", "刚刚",
)  # fmt: skip
_NOT_SUBJECTS = frozenset(
    [
        "我",
        "你",
        "我们",
        "你们",
        "他们",
        "她们",
        "大家",
        "自己",
        "这",
        "那",
        "这里",
        "那里",
        "谁",
        "什么",
        "人",
        "有人",
        "母亲",
        "父亲",
        "时候",
        "我的",
        "他的",
        "她的",
        "天气",
        "样子",
    ]
)
PRONOUNS = ("他", "她")
EYE_COLOURS = {
    "蓝": "blue", "碧": "green", "绿": "green", "灰": "grey", "褐": "brown", "棕": "brown",
    "琥珀": "amber", "黑": "black", "乌黑": "black", "漆黑": "black",
}  # fmt: skip
HAIR_COLOURS = {
    "乌黑": "black", "漆黑": "black", "黑": "black", "黄": "fair", "金": "fair", "金黄": "fair",
    "红": "red", "棕": "brown", "褐": "brown", "花白": "grey", "灰白": "grey", "白": "grey",
    "灰": "grey",
}  # fmt: skip
_COLOUR = "乌黑|漆黑|金黄|花白|灰白|琥珀|蓝|碧|绿|灰|褐|棕|黑|黄|金|红|白"
_FEATURES = {"眼睛": "eyes", "眸子": "eyes", "眼珠": "eyes", "头发": "hair"}
_FEATURE = "眼睛|眸子|眼珠|头发"
_COLOUR_BEFORE = re.compile(rf"(?:一双|两只|一头|满头)?(?P<c>{_COLOUR})色?的?(?P<f>{_FEATURE})")
_COLOUR_AFTER = re.compile(
    rf"(?P<f>{_FEATURE})(?:早已|已经|全|都|是|已|也|却|有些|有点|变得|呈)*(?P<c>{_COLOUR})"
)
_AGE = re.compile(rf"(?P<n>{CN_NUMBER})(?:多)?岁(?!月)(?P<of>的)?")
# Relation words -> the English relation they are compared as.
RELATIONS = {
    "哥哥": "elder brother", "姐姐": "elder sister", "弟弟": "younger brother",
    "妹妹": "younger sister", "父亲": "father", "爸爸": "father", "母亲": "mother",
    "妈妈": "mother", "儿子": "son", "女儿": "daughter", "丈夫": "husband", "妻子": "wife",
    "叔叔": "uncle", "伯父": "uncle", "舅舅": "uncle", "姑姑": "aunt", "姨妈": "aunt",
    "侄儿": "nephew", "侄子": "nephew", "爷爷": "grandfather", "祖父": "grandfather",
    "奶奶": "grandmother", "祖母": "grandmother",
}  # fmt: skip
_REL = "|".join(sorted(RELATIONS, key=len, reverse=True))
_REL_OWNER_FIRST = re.compile(rf"的(?P<rel>{_REL})(?:是|叫|名叫|叫做)?(?P<rest>[{_HAN}]{{2,4}})")
_REL_RELATIVE_FIRST = re.compile(rf"是(?P<owner>[{_HAN}]{{2,4}}?)的(?P<rel>{_REL})")
_DISTANCE = re.compile(
    rf"(?P<a>[{_HAN}]{{2,5}}?)(?:离|距离|距|到)(?P<b>[{_HAN}]{{2,5}}?)(?:有|约|大约|不过|只有|"
    rf"足有|还有|共|足足|才|也就)?(?P<n>{CN_NUMBER})(?:多|余)?(?P<u>公里|千米|里)"
)
_DEATH = re.compile(
    r"(?:在[^，。]{0,6})?(?:去年|前年|那年|今年|早年)?(?:春天|夏天|秋天|冬天|冬|秋)?"
    r"(?:已经|早已|早就|就|也|便)?(?:病|淹|饿|冻|战|被打)?"
    r"(?:死了|死去了|死掉了|去世了|去世|过世了|过世|故去了|死在)"
)
_UNSURE = re.compile(r"没有|没|不会|差点|几乎|如果|要是|怕|假如|以为|仿佛")
_ACTS = re.compile(
    r"^(?:又|也|就|便|才|却|还|正)?(?:笑着|笑了|笑|说|问|答|走|站|坐|叫|喊|哭|拍|拿|进|出|跑|"
    r"点头|摇头|看|划|提|把|来了|回来|捧|递|推|抬)"
)
_NOT_ACTING = re.compile(r"想起|记得|梦见|怀念|纪念|坟")
_DISTANCE_UNITS = {"里": 500.0, "公里": 1000.0, "千米": 1000.0}


class Speaker:
    """Who 他 and 她 are: the last subject named in the scene so far."""

    def __init__(self) -> None:
        self.last = ""

    def resolve(self, subject: str) -> str:
        """`subject`, or the last one named for a pronoun; remembered for the next ones."""
        if subject in PRONOUNS:
            return self.last
        if subject:
            self.last = subject
        return subject


def _clause_before(sentence: str, at: int) -> str:
    """The clause that ends at `at`: from the last comma, quote or stop before it."""
    start = max(sentence.rfind(mark, 0, at) for mark in _CLAUSE_MARKS) + 1
    return sentence[start:at]


def _strip(clause: str) -> str:
    changed = True
    while changed:
        changed = False
        for word in _LEADING:
            if clause.startswith(word) and len(clause) > len(word) + 1:
                clause, changed = clause[len(word) :], True
        for word in _TRAILING:
            rest = clause[: -len(word)]
            if clause.endswith(word) and (len(rest) > 1 or rest in PRONOUNS):
                clause, changed = clause[: -len(word)], True
    return clause


def lead_subject(clause: str) -> str:
    """The name that opens a clause ("秀英眨着" -> 秀英, "周掌柜走过来" -> 周掌柜)."""
    clause = _strip(clause.strip())
    if not re.match(f"[{_HAN}]", clause):
        return ""
    if clause.startswith(PRONOUNS):
        return clause[0]
    words = list(segment(re.match(f"[{_HAN}]+", clause).group()))  # type: ignore[union-attr]
    head = words[0] if words else ""
    i = 1
    while len(head) == 1 and i < len(words) and len(head + words[i]) <= 3:
        head, i = head + words[i], i + 1
    return head if 2 <= len(head) <= 4 and head not in _NOT_SUBJECTS else ""


def tail_subject(clause: str) -> str:
    """The name a clause ends with, before 的 or a number ("那年桂花才" -> 桂花)."""
    clause = _strip(clause.strip())
    if clause in PRONOUNS:
        return clause
    if 2 <= len(clause) <= 4 and re.fullmatch(f"[{_HAN}]+", clause):
        return clause if clause not in _NOT_SUBJECTS else ""
    return lead_subject(clause)


def chinese_facts(sentence: str, speaker: Speaker) -> list[Found]:
    """Every fact one Chinese sentence states."""
    out: list[Found] = []
    out += _colours(sentence, speaker)
    out += _ages(sentence, speaker)
    out += _relations(sentence, speaker)
    out += _distances(sentence)
    out += _endings(sentence, speaker)
    opener = lead_subject(_clause_before(sentence, len(sentence)).strip() or sentence)
    speaker.resolve(lead_subject(sentence) or opener)
    return list(dict.fromkeys(out))


def _colours(sentence: str, speaker: Speaker) -> list[Found]:
    out: list[Found] = []
    for pattern in (_COLOUR_AFTER, _COLOUR_BEFORE):
        for m in pattern.finditer(sentence):
            feature = _FEATURES[m.group("f")]
            table = EYE_COLOURS if feature == "eyes" else HAIR_COLOURS
            colour = table.get(m.group("c"), "")
            clause = _clause_before(sentence, m.start())
            if clause.endswith("的"):
                who = tail_subject(clause[:-1])
            else:
                who = lead_subject(clause) or tail_subject(clause)
            # A clause that opens with the feature (眼睛是黑色的) is about the last person named.
            who = speaker.resolve(who) if clause.strip() else speaker.last
            if colour and who:
                out.append(("attribute", who, feature, colour, 0.0))
    return out


def _ages(sentence: str, speaker: Speaker) -> list[Found]:
    out: list[Found] = []
    for m in _AGE.finditer(sentence):
        age = chinese_number(m.group("n"))
        if age is None or not 1 <= age <= 120:
            continue
        if m.group("of"):
            rest = re.sub(f"^(?:{_REL})", "", sentence[m.end() :])
            who = lead_subject(rest)
        else:
            who = tail_subject(_clause_before(sentence, m.start()))
        who = speaker.resolve(who)
        if who:
            out.append(("age", who, "age", str(int(age)), age))
    return out


def _relations(sentence: str, speaker: Speaker) -> list[Found]:
    out: list[Found] = []
    for m in _REL_OWNER_FIRST.finditer(sentence):
        owner = speaker.resolve(tail_subject(_clause_before(sentence, m.start())))
        relative = lead_subject(m.group("rest"))
        if owner and relative and owner != relative:
            out.append(("relationship", owner, RELATIONS[m.group("rel")], relative, 0.0))
    for m in _REL_RELATIVE_FIRST.finditer(sentence):
        relative = speaker.resolve(tail_subject(_clause_before(sentence, m.start())))
        owner = tail_subject(m.group("owner"))
        if owner and relative and owner != relative:
            out.append(("relationship", owner, RELATIONS[m.group("rel")], relative, 0.0))
    return out


def _distances(sentence: str) -> list[Found]:
    out: list[Found] = []
    for m in _DISTANCE.finditer(sentence):
        value = chinese_number(m.group("n"))
        first = tail_subject(m.group("a"))
        second = _strip(m.group("b"))
        if value and first and second and first != second:
            a, b = sorted((first, second))
            metres = value * _DISTANCE_UNITS[m.group("u")]
            out.append(("distance", a, b, m.group("n") + m.group("u"), metres))
    return out


def _endings(sentence: str, speaker: Speaker) -> list[Found]:
    out: list[Found] = []
    for m in _DEATH.finditer(sentence):
        clause = _clause_before(sentence, m.start())
        if _UNSURE.search(clause + m.group()):
            continue
        who = speaker.resolve(tail_subject(clause))
        if who:
            out.append(("death", who, "death", clause[-12:] + m.group(), 0.0))
    if _NOT_ACTING.search(sentence):
        return out
    for clause in re.split(f"[{re.escape(_CLAUSE_MARKS)}]", sentence):
        who = lead_subject(clause)
        if who and who not in PRONOUNS and _ACTS.match(_strip(clause)[len(who) :]):
            out.append(("appearance", who, "appearance", clause.strip(), 0.0))
    return out
