"""The audit profile in plain words: each key as the question a vendor answers, each value as its answer
and as the fact it states, in Japanese and English.

The sheets ask the questions at their top; a reason that an item does not apply states the profile's
fact and the one the item needs (「インターネットに接続したパソコンから利用しないため対象外（…）」) instead of
``internet_pc=no``. A key or value without words here keeps its own spelling.
"""

from __future__ import annotations

from dataclasses import dataclass

#: key → (question in Japanese, in English), in the order a vendor thinks about them.
QUESTIONS: dict[str, tuple[str, str]] = {
    "ismap": ("利用する外部サービスは ISMAP に登録されていますか",
              "Is the external service registered in ISMAP?"),
    "role": ("貴社の立場は（導入事業者＝構築、外部サービス提供者＝運用・提供）",
             "Your role (implementer = builds it, service provider = operates and provides it)"),
    "confidentiality": ("取扱情報は自治体機密性2以上ですか",
                        "Is the information handled of municipal confidentiality class 2 or above?"),
    "internet_pc": ("インターネットに接続したパソコンから利用しますか（インターネットパソコン方式）",
                    "Is the service used from internet-connected PCs (internet PC method)?"),
    "usage": ("利用形態", "How the service is used"),
}

#: (key, value) → (answer in Japanese, in English).
ANSWERS: dict[tuple[str, str], tuple[str, str]] = {
    ("ismap", "registered"): ("はい（登録されている）", "yes (registered)"),
    ("ismap", "unregistered"): ("いいえ（登録されていない）", "no (not registered)"),
    ("role", "provider"): ("外部サービス提供者", "service provider"),
    ("role", "implementer"): ("導入事業者", "implementer"),
    ("role", "both"): ("導入事業者と外部サービス提供者の両方", "both implementer and service provider"),
    ("confidentiality", "2plus"): ("はい（自治体機密性2以上）", "yes (class 2 or above)"),
    ("confidentiality", "below"): ("いいえ（自治体機密性2未満）", "no (below class 2)"),
    ("internet_pc", "yes"): ("はい（②インターネットパソコン方式も適用）", "yes (② internet PC method applies)"),
    ("internet_pc", "no"): ("いいえ", "no"),
    ("usage", "cloud"): ("クラウドサービス", "cloud service"),
    ("usage", "datacenter"): ("データセンター", "data centre"),
    ("usage", "remote"): ("リモート保守", "remote maintenance"),
}

#: (key, value) → the fact it states, (Japanese that ends before 「ため」「場合」, English clause).
FACTS: dict[tuple[str, str], tuple[str, str]] = {
    ("ismap", "registered"): ("利用する外部サービスが ISMAP に登録されている",
                              "the external service is registered in ISMAP"),
    ("ismap", "unregistered"): ("利用する外部サービスが ISMAP に登録されていない",
                                "the external service is not registered in ISMAP"),
    ("role", "provider"): ("貴社の立場が外部サービス提供者である", "your role is service provider"),
    ("role", "implementer"): ("貴社の立場が導入事業者である", "your role is implementer"),
    ("role", "both"): ("貴社の立場が導入事業者と外部サービス提供者の両方である",
                       "your role is both implementer and service provider"),
    ("confidentiality", "2plus"): ("取扱情報が自治体機密性2以上である",
                                   "the information handled is of municipal confidentiality class 2 or above"),
    ("confidentiality", "below"): ("取扱情報が自治体機密性2未満である",
                                   "the information handled is below municipal confidentiality class 2"),
    ("internet_pc", "yes"): ("インターネットに接続したパソコンから利用する",
                             "the service is used from internet-connected PCs"),
    ("internet_pc", "no"): ("インターネットに接続したパソコンから利用しない",
                            "the service is not used from internet-connected PCs"),
    ("usage", "cloud"): ("利用形態がクラウドサービスである", "the service is used as a cloud service"),
    ("usage", "datacenter"): ("利用形態がデータセンターである", "the service is used as a data centre"),
    ("usage", "remote"): ("利用形態がリモート保守である", "the service is used for remote maintenance"),
}


def fact(key: str, value: str, lang: str) -> str:
    """What ``key=value`` states, in ``lang``; ``key=value`` itself where no words are known."""
    words = FACTS.get((key, value))
    return f"{key}={value}" if words is None else words[lang == "en"]


@dataclass(frozen=True)
class ProfileCondition:
    """An item (or a whole checklist) that applies only when ``key`` is ``wanted``; the profile says ``actual``."""

    key: str
    wanted: str
    actual: str
    whole_checklist: bool = False

    def not_applicable(self, lang: str) -> str:
        """Why the item does not apply, as a reason in ``lang``: the profile's fact, then the one it needs."""
        actual, wanted = fact(self.key, self.actual, lang), fact(self.key, self.wanted, lang)
        if lang == "en":
            scope = "this checklist" if self.whole_checklist else "this item"
            return f"Not applicable: {actual} ({scope} applies only when {wanted})"
        scope = "このチェックリスト" if self.whole_checklist else "この項目"
        known = (self.key, self.actual) in FACTS and (self.key, self.wanted) in FACTS
        if not known:
            return f"対象外（{self.key}={self.actual}; {scope}は {self.key}={self.wanted} の場合のみ）"
        return f"{actual}ため対象外（{scope}は{wanted}場合のみ）"

