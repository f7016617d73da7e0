"""docs/architecture.md's worked examples run: every python block, in order, in one new process."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def test_the_doc_has_a_mermaid_diagram_and_four_worked_examples() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "```mermaid\nflowchart" in text
    for heading in ("## Add a backend", "## Add a primitive profile", "## Add a planner",
                    "## Add a perception kind"):  # fmt: skip
        assert heading in text


def test_every_python_block_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 4
    code = "import codepolicy.pipeline\n" + "\n".join(blocks) + "\nprint('doc examples ok')\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "doc examples ok" in proc.stdout


def test_the_readme_quick_start_runs() -> None:
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Python quick start.*?```python\n(.*?)```", readme, re.S)
    assert block is not None
    proc = subprocess.run(
        [sys.executable, "-c", block.group(1)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("True success")
