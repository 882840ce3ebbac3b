"""The reminder features' records and the one factory of planned reminders: what a new feature must bring."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.reminders import features
from bot.domain.reminders.features import FEATURES, OPTIONAL_KINDS, PLANNED, Kind
from bot.domain.reminders.planning import Recipient, at_once, reminder
from bot.domain.reminders.quiet import QuietHours
from bot.services.reminders import COLLECTORS
from bot.texts import plain
from storage.reminder_models import Reminder

READER = Recipient(1, 1001, ZoneInfo("Asia/Ho_Chi_Minh"), QuietHours(21 * 60, 7 * 60))


def test_a_reminder_key_starts_with_its_kind_and_the_kind_is_its_features():
    night = datetime(2026, 11, 27, 15, tzinfo=UTC)  # 22:00 in Hà Nội: quiet
    notice = reminder(feature=features.WEEKLY, kind=Kind.WEEKLY, key=(1, "2026-W48"), branch_id=7, recipient=READER,
                      when=at_once(READER, night))
    assert (notice.key, notice.source, notice.send_at, notice.late) == (
        "weekly:1:2026-W48", "weekly", datetime(2026, 11, 28, 0, tzinfo=UTC), False)
    with pytest.raises(ValueError, match="not a kind"):
        reminder(feature=features.WEEKLY, kind=Kind.DIGEST, key=(1,), branch_id=7, recipient=READER,
                 when=at_once(READER, night))


def test_every_planned_feature_has_its_collector_and_its_own_namespace():
    assert set(COLLECTORS) == set(PLANNED)
    assert len({f.namespace for f in PLANNED}) == len(PLANNED)
    # Notices share one namespace, and no planned feature uses it: a re-plan never cancels a notice.
    assert {f.namespace for f in FEATURES if not f.planned}.isdisjoint(f.namespace for f in PLANNED)


def test_namespaces_and_kinds_fit_the_outbox_and_each_switch_has_its_label():
    width = min(Reminder.__table__.c.source.type.length, Reminder.__table__.c.kind.type.length)
    assert all(len(f.namespace) <= width and all(len(k) <= width for k in f.kinds) for f in FEATURES)
    assert OPTIONAL_KINDS == (Kind.DUE_SOON, Kind.DUE_TODAY, Kind.OVERDUE, Kind.DIGEST, Kind.CLOSING)
    assert [plain("reminders", "kind_button", kind=k, on=True) for k in OPTIONAL_KINDS] == [
        "✅ Sắp đến hạn (trước 7, 3, 1 ngày)", "✅ Đúng ngày đến hạn", "✅ Khi việc bị quá hạn",
        "✅ Việc tháng này (ngày 1 hằng tháng)", "✅ Sắp hết hạn mà tôi chưa làm"]
