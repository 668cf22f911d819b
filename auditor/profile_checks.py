"""Profile answers checked against the checklist answers that state the same fact.

Some items ask what the audit profile already declares: 001 1.1 and 000 30 ask whether the service itself
is registered in ISMAP, which ``ismap=registered`` asserts. Such an item says so in the checklist data
(``answers_profile: {ismap: registered}``). When the profile declares the value but the item is not
answered "yes" (answered otherwise, not answered, or answered with an expired answer), the two
contradict each other: the reports and the run summary carry a warning. No status changes because of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auditor.attestations import ANSWER_WORDS
from auditor.checklists import Checklist
from auditor.model import RunResult
from auditor.profile_words import fact
from auditor.rollup import ATTESTATION_EXPIRED


@dataclass(frozen=True)
class ProfileConflict:
    """A declared profile value that an item's answer does not bear out."""

    checklist_id: str
    item_id: str
    number: str
    key: str
    value: str
    answer: str  # the item's answer: "no", "partial", "n/a", "expired" or "" (not answered)

    def text(self, lang: str) -> str:
        """One warning line, naming the item as ``checklist#number`` and what to do about it."""
        where = f"{self.checklist_id}#{self.number or self.item_id}"
        if lang == "ja":
            said = {"": "申告がありません", "expired": "申告が期限切れです"}.get(
                self.answer, f"申告は「{ANSWER_WORDS.get(self.answer, (self.answer,))[0]}」です")
            return (f"注意: 監査プロファイルは「{fact(self.key, self.value, 'ja')}」（{self.key}={self.value}）と"
                    f"していますが、{where} の{said}。登録を示す根拠資料を申告するか、プロファイルを見直してください"
                    "（判定は変えていません）。")
        said = {"": "is not answered", "expired": "has an expired answer"}.get(
            self.answer, f'is answered "{ANSWER_WORDS.get(self.answer, ("", self.answer))[1]}"')
        return (f"Warning: the audit profile says {fact(self.key, self.value, 'en')} ({self.key}={self.value}), "
                f"but {where} {said}. "
                "Attest the registration with its evidence or correct the profile (no status was changed).")


def profile_conflicts(result: RunResult, checklists: Mapping[str, Checklist]) -> tuple[ProfileConflict, ...]:
    """Every item whose answer contradicts what the run's profile declares, in checklist and item order."""
    profile = dict(result.run.profile)
    conflicts = []
    for checklist_result in result.checklists:
        checklist = checklists.get(checklist_result.checklist_id)
        if checklist is None:
            continue
        decided = {i.item_id: i for i in checklist_result.items}
        for item in checklist.items:
            item_result = decided.get(item.id)
            if item_result is None:
                continue
            for key, value in item.answers_profile.items():
                if profile.get(key) != value:
                    continue
                attestation = item_result.attestation
                if ATTESTATION_EXPIRED in item_result.flags:
                    answer = "expired"
                else:
                    answer = attestation.answer if attestation is not None else ""
                if answer != "yes":
                    conflicts.append(ProfileConflict(checklist.id, item.id, item.number, key, value, answer))
    return tuple(conflicts)
