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
    """The branch's (tập thể) levels. Under Quy định 366-QĐ/TW (2025) they are the members' four
    (htxsnv/httnv/htnv/khtnv); the 2014 plan named the top and bottom "Trong sạch vững mạnh" and "Yếu kém".
    A rule set uses one of the two sequences (BRANCH_LEVEL_SEQUENCES)."""

    HTXSNV = "htxsnv"  # Hoàn thành xuất sắc nhiệm vụ (QĐ 366)
    TSVM = "tsvm"  # Trong sạch vững mạnh (2014)
    HTTNV = "httnv"  # Hoàn thành tốt nhiệm vụ
    HTNV = "htnv"  # Hoàn thành nhiệm vụ
    KHTNV = "khtnv"  # Không hoàn thành nhiệm vụ (QĐ 366)
    YEU_KEM = "yeu_kem"  # Yếu kém (2014)

    @property
    def rank(self) -> int:
        """3 for the highest level, 0 for the lowest (TSVM ranks with HTXSNV, Yếu kém with KHTNV)."""
        return _BRANCH_RANK[self]


_BRANCH_RANK = {BranchLevel.HTXSNV: 3, BranchLevel.TSVM: 3, BranchLevel.HTTNV: 2, BranchLevel.HTNV: 1,
                BranchLevel.KHTNV: 0, BranchLevel.YEU_KEM: 0}

# Highest first.
MEMBER_LEVELS: tuple[MemberLevel, ...] = tuple(MemberLevel)
BRANCH_LEVELS: tuple[BranchLevel, ...] = tuple(BranchLevel)  # every branch level, highest rank first
BRANCH_LEVEL_SEQUENCES: tuple[tuple[BranchLevel, ...], ...] = (
    (BranchLevel.HTXSNV, BranchLevel.HTTNV, BranchLevel.HTNV, BranchLevel.KHTNV),  # QĐ 366 (2025)
    (BranchLevel.TSVM, BranchLevel.HTTNV, BranchLevel.HTNV, BranchLevel.YEU_KEM),  # Kế hoạch 146 (2014)
)
