"""The audit profile as the plain questions a vendor answers, and the answers given, for the top of a sheet.

Each profile key decides which items apply or which level column is met; the sheet says which question
was answered how, in Japanese or English, with the option that sets it (``--profile-option role=both``).
"""

from __future__ import annotations

from collections.abc import Mapping

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


def profile_answers(profile: Mapping[str, str], lang: str) -> list[str]:
    """One line per profile question: ``question: answer（key=value）``; unknown keys keep their own words."""
    en = lang != "ja"
    ordered = [k for k in QUESTIONS if k in profile] + [k for k in profile if k not in QUESTIONS]
    lines = []
    for key in ordered:
        value = profile[key]
        question = QUESTIONS.get(key, (key, key))[en]
        answer = ANSWERS.get((key, value), (value, value))[en]
        lines.append(f"{question}: {answer} ({key}={value})" if en else f"{question}: {answer}（{key}={value}）")
    return lines
