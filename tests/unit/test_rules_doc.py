"""docs/rules.md is generated from the rule sets (`chibo rules doc`) and cannot drift from them."""

import dataclasses
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.cli.rules import DOC, rules_markdown
from bot.domain.review.rules import RuleSet, Source, load_rule_set, rule_sets


def sources(value: object) -> list[Source]:
    """Every Source a rule set holds, found by walking its dataclasses and tuples (so none can be missed)."""
    if isinstance(value, Source):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in sources(getattr(value, f.name))]
    if isinstance(value, tuple | list):
        return [s for item in value for s in sources(item)]
    return []


def section(text: str, rs: RuleSet) -> str:
    start = text.index(f"## `{rs.key}`")
    end = text.find("\n## `", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_docs_rules_md_is_what_the_rule_sets_say():
    assert DOC.read_text(encoding="utf-8") == rules_markdown(rule_sets()), (
        "docs/rules.md differs from templates/rules/*.toml: run `uv run chibo rules doc`")


def test_every_rule_of_each_set_is_listed_with_its_source_sentence():
    text = DOC.read_text(encoding="utf-8")
    assert {rs.key for rs in rule_sets()} == {"kh146_2014", "qd366_2025"}
    for rs in rule_sets():
        part = section(text, rs)
        found = sources(rs)
        assert len(found) >= 20
        for source in found:
            assert f"*{source.document}, {source.article}*: “{source.quote}”" in part, (rs.key, source)
        for option in rs.options:
            assert f"- `{option.key}`: choices {', '.join(f'`{c}`' for c in option.choices)}; " \
                   f"default **`{option.default}`**" in part
        for item in rs.unsettled:
            assert f"- `{item.key}`: {item.text}" in part


def test_the_2025_set_reads_as_the_documents_say():
    part = section(DOC.read_text(encoding="utf-8"), load_rule_set("qd366_2025"))
    assert "- `htxsnv`: from 90 points, and every condition:" in part
    assert "`exceeded` (exceeded: at least 30% of the tasks assigned)" in part
    assert "- `tasks_not_done` (not_done: more than 50% of the tasks assigned)" in part
    assert "(25% for an outstanding unit); enforced as a warning with the figures" in part
    assert "a branch of fewer than" not in part  # no small-branch rule in QĐ 366


def test_the_command_writes_the_file_and_check_fails_when_it_differs(tmp_path: Path):
    out = tmp_path / "rules.md"
    runner = CliRunner()
    written = runner.invoke(main, ["rules", "doc", "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
    assert runner.invoke(main, ["rules", "doc", "--out", str(out), "--check"]).exit_code == 0
    out.write_text(out.read_text(encoding="utf-8").replace("from 90 points", "from 80 points"), encoding="utf-8")
    stale = runner.invoke(main, ["rules", "doc", "--out", str(out), "--check"])
    assert stale.exit_code == 1 and "differs" in stale.output
