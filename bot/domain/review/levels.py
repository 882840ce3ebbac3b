"""The levels of the annual classification (xếp loại chất lượng), ordered from the highest down.

Levels are StrEnums so that they store and render as their codes; they are never compared with `<`
(that would compare the strings). Use `rank`, `is_above` and `below` instead.
"""

from enum import StrEnum


class MemberLevel(StrEnum):
    HTXSNV = "htxsnv"  # Hoàn thành xuất sắc nhiệm vụ
    HTTNV = "httnv"  # Hoàn thành tốt nhiệm vụ
    HTNV = "htnv"  # Hoàn thành nhiệm vụ
    KHTNV = "khtnv"  # Không hoàn thành nhiệm vụ

    @property
    def rank(self) -> int:
        """3 for the highest level, 0 for the lowest."""
        return len(MEMBER_LEVELS) - 1 - MEMBER_LEVELS.index(self)

    def is_above(self, other: "MemberLevel") -> bool:
        return self.rank > other.rank

    def below(self) -> "MemberLevel | None":
        """The next level down, or None under the lowest."""
        index = MEMBER_LEVELS.index(self) + 1
        return MEMBER_LEVELS[index] if index < len(MEMBER_LEVELS) else None


class BranchLevel(StrEnum):
    TSVM = "tsvm"  # Trong sạch vững mạnh
    HTTNV = "httnv"  # Hoàn thành tốt nhiệm vụ
    HTNV = "htnv"  # Hoàn thành nhiệm vụ
    YEU_KEM = "yeu_kem"  # Yếu kém

    @property
    def rank(self) -> int:
        return len(BRANCH_LEVELS) - 1 - BRANCH_LEVELS.index(self)


# Highest first.
MEMBER_LEVELS: tuple[MemberLevel, ...] = tuple(MemberLevel)
BRANCH_LEVELS: tuple[BranchLevel, ...] = tuple(BranchLevel)

