"""The superior's picture and file: a PNG chart (progress per branch; members and branches by classification
level) and an Excel workbook (progress; members by level per branch; branches by level). Every word in them
comes from templates/messages/supervisor.j2. matplotlib and openpyxl are imported on first use, so the bot
starts without them."""

import io
from collections.abc import Sequence
from datetime import date

from bot.domain.review.levels import BRANCH_LEVELS, MEMBER_LEVELS
from bot.domain.supervision import STEP_OF, BranchStatus, Totals
from bot.texts import plain

# A phone's portrait screen: 6 × 10.67 in at 180 dpi is 1080 × 1920 px. Every label is at least 12 pt, which at
# 180 dpi is 30 px on the PNG; more branches than fit one page go on the next page (one PNG each).
CHART_SIZE = (6.0, 6.0 * 16 / 9)
CHART_DPI = 180
BRANCHES_PER_PAGE = 15
MAX_PAGES = 10  # a Telegram album's size: the overview and the 135 worst branches; the workbook has them all
LABEL_PT, TITLE_PT, HEADING_PT = 12, 15, 18
NAME_CHARS = 34
# One colour per step (0: not started … 4: done), light to dark as the review advances.
STEP_COLOURS = ("#b0b0b0", "#f4a259", "#5b8def", "#8e6bd1", "#3fa34d")
LATE_COLOUR = "#d1495b"


def _text(macro: str, /, **context: object) -> str:
    return plain("supervisor", macro, **context)


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


# -- the chart ---------------------------------------------------------------------------------------------


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=CHART_SIZE, dpi=CHART_DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")  # the figure's own size: no tight box, so every page is 1080 × 1920
    return out.getvalue()


def _levels_panel(ax, title: str, labels: list[str], counts: list[int], colour: str) -> None:
    """Horizontal bars, the labels on the left: they stay readable on a narrow screen."""
    from matplotlib.ticker import MaxNLocator

    bars = ax.barh(range(len(labels)), counts, color=colour)
    ax.set_yticks(range(len(labels)), labels, fontsize=LABEL_PT)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.tick_params(axis="x", labelsize=LABEL_PT)
    ax.set_title(title, fontsize=TITLE_PT, loc="left")
    ax.bar_label(bars, fontsize=LABEL_PT, padding=4)
    ax.set_xlim(0, max([*counts, 1]) * 1.25)


def _overview_page(t: Totals, pages: int):
    """Page 1: where the branches stand and the levels, members and branches."""
    figure = _figure()
    figure.suptitle(_text("chart_title", t=t), fontsize=HEADING_PT, x=0.05, ha="left", y=0.975)
    shown = min(t.branches, (pages - 1) * BRANCHES_PER_PAGE)
    figure.text(0.05, 0.935, _text("chart_summary", t=t, pages=pages, shown=shown), fontsize=LABEL_PT, va="top",
                linespacing=1.4)
    grid = figure.add_gridspec(3, 1, left=0.36, right=0.94, top=0.80, bottom=0.04, hspace=0.45)
    steps = [sum(n for phase, n in t.by_phase.items() if STEP_OF[phase] == step) for step in range(5)]
    _levels_panel(figure.add_subplot(grid[0]), _text("chart_steps_title", n=t.branches),
                  [_text("step_short", step=step) for step in range(5)], steps, "#8e6bd1")
    member_counts = [t.member_levels.get(level, 0) for level in MEMBER_LEVELS]
    _levels_panel(figure.add_subplot(grid[1]), _text("chart_members_title", n=sum(member_counts)),
                  [_text("member_level_short", level=level) for level in MEMBER_LEVELS], member_counts, "#5b8def")
    shown = [level for level in BRANCH_LEVELS if t.branch_levels.get(level)]
    branch_counts = [t.branch_levels[level] for level in shown] + [t.branches - sum(t.branch_levels.values())]
    _levels_panel(figure.add_subplot(grid[2]), _text("chart_branches_title", n=t.branches),
                  [*(_text("branch_level_short", level=level) for level in shown), _text("not_classified")],
                  branch_counts, "#3fa34d")
    return figure


def _progress_page(t: Totals, shown: Sequence[BranchStatus], first: int, page: int, pages: int):
    """Up to BRANCHES_PER_PAGE branches, worst first: the name above its bar (share of required items done)."""
    figure = _figure()
    figure.suptitle(_text("chart_progress_title", page=page, pages=pages, t=t), fontsize=TITLE_PT, x=0.05,
                    ha="left", y=0.975)
    ax = figure.add_axes((0.05, 0.13, 0.90, 0.80))
    for y, s in enumerate(shown):
        ax.barh(y, float(s.completion) * 100, height=0.42, color=STEP_COLOURS[s.step],
                edgecolor=LATE_COLOUR if s.late else "none", linewidth=2)
        ax.barh(y, 100, height=0.42, color="none", edgecolor="#dddddd", linewidth=1)
        ax.text(0, y - 0.36, f"{first + y}. {_short(s.name)}", fontsize=LABEL_PT, va="bottom", ha="left")
        ax.text(99, y, _text("chart_bar_label", s=s), fontsize=LABEL_PT, va="center", ha="right",
                color=LATE_COLOUR if s.late else "#222222",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    ax.set_ylim(BRANCHES_PER_PAGE - 0.4, -0.9)  # the same row height on every page, the worst at the top
    ax.set_xlim(0, 100)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=LABEL_PT)
    ax.set_xlabel(_text("chart_progress_axis"), fontsize=LABEL_PT)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles = [ax.bar(0, 0, color=colour, label=_text("step_short", step=n)) for n, colour in enumerate(STEP_COLOURS)]
    figure.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.005), ncol=3, fontsize=LABEL_PT,
                  frameon=False)
    return figure


def chart_figures(branches: Sequence[BranchStatus], t: Totals) -> list:
    """The chart's pages (matplotlib figures): the overview, then the branches worst first, 15 to a page."""
    shown = branches[:(MAX_PAGES - 1) * BRANCHES_PER_PAGE]
    chunks = [shown[n:n + BRANCHES_PER_PAGE] for n in range(0, len(shown), BRANCHES_PER_PAGE)]
    pages = 1 + len(chunks)
    return [_overview_page(t, pages), *(_progress_page(t, chunk, 1 + n * BRANCHES_PER_PAGE, n + 2, pages)
                                        for n, chunk in enumerate(chunks))]


def chart_pages(branches: Sequence[BranchStatus], t: Totals) -> list[bytes]:
    """The chart for a phone, one PNG per page (1080 × 1920 px)."""
    return [_png(figure) for figure in chart_figures(branches, t)]


# -- the workbook ------------------------------------------------------------------------------------------

PROGRESS_COLUMNS = ("number", "branch", "secretary", "step", "self_reviews_done", "self_reviews_total",
                    "meeting_on", "meeting_held", "votes_done", "votes_total", "report_filed", "overdue_tasks",
                    "late_items", "awaiting")
MEMBER_COLUMNS = ("number", "branch", "classified", *(f"level_{level}" for level in MEMBER_LEVELS),
                  "not_yet_classified")
BRANCH_COLUMNS = ("number", "branch", "score", "branch_level")


def _progress_row(n: int, s: BranchStatus) -> list:
    return [n, s.name, s.secretary or "", _text("phase", phase=s.phase), *s.self_reviews, s.meeting_on,
            _text("yes_no", value=s.meeting_held), *s.votes, _text("yes_no", value=s.report_filed), s.overdue_tasks,
            "; ".join(s.late_items), s.awaiting_members]


def _member_row(n: int, s: BranchStatus) -> list:
    counts = [s.member_levels.get(level, 0) for level in MEMBER_LEVELS]
    return [n, s.name, s.votes[1], *counts, s.votes[1] - sum(counts)]


def _branch_row(n: int, s: BranchStatus) -> list:
    return [n, s.name, s.branch_score, _text("branch_level", level=s.branch_level) if s.branch_level else ""]


# Column widths (characters) by column key; A4 with the columns fitted to the page's width, repeated header.
WIDTHS = {"number": 5, "branch": 32, "secretary": 22, "step": 18, "meeting_on": 12, "late_items": 40,
          "branch_level": 26, "score": 10, "awaiting": 14}
DEFAULT_WIDTH = 12
LANDSCAPE_FROM = 7  # columns: a sheet this wide prints in landscape
HEADER_FILL = "DDE6F5"


def _sheet(workbook, title: str, columns: Sequence[str], rows: list[list], total: list | None):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

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
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    sheet.row_dimensions[1].height = 48  # three lines of a wrapped header
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    for n, key in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = WIDTHS.get(key, DEFAULT_WIDTH)
    sheet.freeze_panes = "C2"  # the header row and the branch's number and name stay in view
    sheet.print_title_rows = "1:1"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if len(columns) >= LANDSCAPE_FROM else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    return sheet


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
            t.overdue_tasks, t.late_items, t.awaiting[0]])
    level_totals = [t.member_levels.get(level, 0) for level in MEMBER_LEVELS]
    _sheet(workbook, _text("sheet", key="members"), MEMBER_COLUMNS, [_member_row(n, s) for n, s in numbered],
           [None, total_label, t.votes[1], *level_totals, t.votes[1] - sum(level_totals)])
    classified = sum(t.branch_levels.values())
    _sheet(workbook, _text("sheet", key="branches"), BRANCH_COLUMNS, [_branch_row(n, s) for n, s in numbered],
           [None, total_label, None, _text("branches_classified", n=classified, total=t.branches)])
    levels = workbook[_text("sheet", key="branches")]
    levels.append([])
    levels.append([None, _text("column", key="branch_level"), _text("column", key="branch_count")])
    for level in BRANCH_LEVELS:
        levels.append([None, _text("branch_level", level=level), t.branch_levels.get(level, 0)])
    levels.append([None, _text("not_classified"), t.branches - classified])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
