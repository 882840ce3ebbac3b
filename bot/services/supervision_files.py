"""The superior's picture and file: a PNG chart (progress per branch; members and branches by classification
level) and an Excel workbook (progress; members by level per branch; branches by level). Every word in them
comes from templates/messages/supervisor.j2. matplotlib and openpyxl are imported on first use, so the bot
starts without them."""

import io
from collections.abc import Sequence
from datetime import date

from bot.domain.review.levels import BRANCH_LEVELS, MEMBER_LEVELS
from bot.domain.supervision import BranchStatus, Totals
from bot.texts import plain

CHART_BRANCHES = 40  # bars in the per-branch panel; more would not be readable in a phone's picture
CHART_DPI = 100
NAME_CHARS = 32
# One colour per step (0: not started … 4: done), light to dark as the review advances.
STEP_COLOURS = ("#b0b0b0", "#f4a259", "#5b8def", "#8e6bd1", "#3fa34d")
LATE_COLOUR = "#d1495b"


def _text(macro: str, /, **context: object) -> str:
    return plain("supervisor", macro, **context)


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


# -- the chart ---------------------------------------------------------------------------------------------


def _progress_panel(ax, shown: Sequence[BranchStatus], total: int) -> None:
    names = [_short(s.name) for s in shown]
    values = [float(s.completion) * 100 for s in shown]
    ax.barh(range(len(shown)), values, color=[STEP_COLOURS[s.step] for s in shown],
            edgecolor=[LATE_COLOUR if s.late else "none" for s in shown], linewidth=1.5)
    ax.set_yticks(range(len(shown)), names, fontsize=8)
    ax.invert_yaxis()  # worst at the top
    ax.set_xlim(0, 100)
    ax.set_xlabel(_text("chart_progress_axis"))
    ax.set_title(_text("chart_progress_title", shown=len(shown), total=total), fontsize=11)
    for y, s in enumerate(shown):
        ax.text(1, y, _text("chart_bar_label", s=s), va="center", fontsize=7)
    handles = [ax.bar(0, 0, color=colour, label=_text("step_short", step=n)) for n, colour in enumerate(STEP_COLOURS)]
    ax.legend(handles=handles, loc="lower right", fontsize=7)


def _levels_panel(ax, title: str, labels: list[str], counts: list[int], colour: str) -> None:
    from matplotlib.ticker import MaxNLocator

    bars = ax.bar(range(len(labels)), counts, color=colour)
    ax.set_xticks(range(len(labels)), labels, fontsize=8, rotation=20, ha="right")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=11)
    ax.bar_label(bars, fontsize=8)
    ax.set_ylim(0, max([*counts, 1]) * 1.2)


def chart_png(branches: Sequence[BranchStatus], t: Totals) -> bytes:
    """Progress per branch (the worst CHART_BRANCHES, worst first) and the distribution of levels, as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown = list(branches[:CHART_BRANCHES])
    height = max(5.0, 0.26 * len(shown) + 1.8)
    figure = Figure(figsize=(11, height), dpi=CHART_DPI)
    FigureCanvasAgg(figure)
    # Fixed margins (room for the branch names on the left): a layout engine would draw the figure twice.
    margin = 0.7 / height  # inches for the titles and the axis labels, as a fraction of the height
    grid = figure.add_gridspec(2, 2, width_ratios=(3, 2), left=0.21, right=0.98, top=1 - 1.4 * margin,
                               bottom=margin, wspace=0.22, hspace=0.7)
    _progress_panel(figure.add_subplot(grid[:, 0]), shown, len(branches))
    member_counts = [t.member_levels.get(level, 0) for level in MEMBER_LEVELS]
    _levels_panel(figure.add_subplot(grid[0, 1]), _text("chart_members_title", n=sum(member_counts)),
                  [_text("member_level_short", level=level) for level in MEMBER_LEVELS], member_counts, "#5b8def")
    branch_counts = [t.branch_levels.get(level, 0) for level in BRANCH_LEVELS]
    branch_counts.append(t.branches - sum(branch_counts))
    _levels_panel(figure.add_subplot(grid[1, 1]), _text("chart_branches_title", n=t.branches),
                  [*(_text("branch_level_short", level=level) for level in BRANCH_LEVELS), _text("not_classified")],
                  branch_counts, "#3fa34d")
    figure.suptitle(_text("chart_title", t=t), fontsize=13)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


# -- the workbook ------------------------------------------------------------------------------------------

PROGRESS_COLUMNS = ("number", "branch", "secretary", "step", "self_reviews_done", "self_reviews_total",
                    "meeting_on", "meeting_held", "votes_done", "votes_total", "report_filed", "overdue_tasks",
                    "late_items")
MEMBER_COLUMNS = ("number", "branch", "classified", *(f"level_{level}" for level in MEMBER_LEVELS),
                  "not_yet_classified")
BRANCH_COLUMNS = ("number", "branch", "score", "branch_level")


def _progress_row(n: int, s: BranchStatus) -> list:
    return [n, s.name, s.secretary or "", _text("phase", phase=s.phase), *s.self_reviews, s.meeting_on,
            _text("yes_no", value=s.meeting_held), *s.votes, _text("yes_no", value=s.report_filed), s.overdue_tasks,
            "; ".join(s.late_items)]


def _member_row(n: int, s: BranchStatus) -> list:
    counts = [s.member_levels.get(level, 0) for level in MEMBER_LEVELS]
    return [n, s.name, s.votes[1], *counts, s.votes[1] - sum(counts)]


def _branch_row(n: int, s: BranchStatus) -> list:
    return [n, s.name, s.branch_score, _text("branch_level", level=s.branch_level) if s.branch_level else ""]


def _sheet(workbook, title: str, columns: Sequence[str], rows: list[list], total: list | None) -> None:
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title)
    sheet.append([_text("column", key=key) for key in columns])
    for row in rows:
        sheet.append(row)
    if total is not None:
        sheet.append(total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 36


def workbook_xlsx(branches: Sequence[BranchStatus], t: Totals) -> bytes:
    """The superior's tables, worst branch first in each."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    numbered = list(enumerate(branches, start=1))
    progress = [_progress_row(n, s) for n, s in numbered]
    total_label = _text("total_row", n=t.branches)
    _sheet(workbook, _text("sheet", key="progress"), PROGRESS_COLUMNS, progress,
           [None, total_label, None, None, *t.self_reviews, None, t.meetings_held, *t.votes, t.reports_filed,
            t.overdue_tasks, None])
    level_totals = [t.member_levels.get(level, 0) for level in MEMBER_LEVELS]
    _sheet(workbook, _text("sheet", key="members"), MEMBER_COLUMNS, [_member_row(n, s) for n, s in numbered],
           [None, total_label, t.votes[1], *level_totals, t.votes[1] - sum(level_totals)])
    _sheet(workbook, _text("sheet", key="branches"), BRANCH_COLUMNS, [_branch_row(n, s) for n, s in numbered], None)
    levels = workbook[_text("sheet", key="branches")]
    levels.append([])
    levels.append([None, _text("column", key="branch_level"), _text("column", key="branch_count")])
    for level in BRANCH_LEVELS:
        levels.append([None, _text("branch_level", level=level), t.branch_levels.get(level, 0)])
    levels.append([None, _text("not_classified"), t.branches - sum(t.branch_levels.values())])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
