"""The annual review (kiểm điểm, đánh giá, xếp loại): levels, rule sets, the classification engine,
exemptions, the meeting's order and the procedure. Pure: no database, no Telegram; the rule sets and the
procedure are data files under templates/ read on first use.
"""
