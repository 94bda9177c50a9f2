"""The README's Python blocks run as written, and print what their comments say.

Every ```python block of README.md runs in order in one namespace (a later block may use
what an earlier one made), in a temporary folder with a temporary data folder (the autouse
``data_dir`` fixture), on the bundled model. A top-level ``print(...)  # text`` line must
print exactly ``text``: the numbers in the README are the numbers the code gives.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)


def promised_output(code: str) -> list[str]:
    """The trailing comment of each top-level ``print(...)`` statement, in order.

    The comment may sit on the statement's last line, where a formatter that wraps a long
    call leaves it.
    """
    comments = {
        token.start[0]: token.string.removeprefix("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(code).readline)
        if token.type == tokenize.COMMENT
    }
    promised = []
    for node in ast.parse(code).body:
        call = node.value if isinstance(node, ast.Expr) else None
        is_print = isinstance(call, ast.Call) and ast.unparse(call.func) == "print"
        if is_print and node.end_lineno in comments:
            promised.append(comments[node.end_lineno])
    return promised


def test_the_reader_finds_blocks_and_promises():
    text = "x\n```python\nprint(1)  # 1\ny = 2  # not a print\n```\n```bash\nls\n```\n"
    blocks = python_blocks(text)
    assert blocks == ["print(1)  # 1\ny = 2  # not a print\n"]
    assert promised_output(blocks[0]) == ["1"]
    wrapped = (
        "print(\n    1, 2\n)  # 1 2\nfor i in []:\n    print(i)  # inside a loop: not checked\n"
    )
    assert promised_output(wrapped) == ["1 2"]


def test_the_python_blocks_run_and_print_what_they_say(tmp_path, monkeypatch, capsys):
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for number, code in enumerate(blocks, start=1):
        exec(compile(code, f"README.md python block {number}", "exec"), namespace)
        printed = capsys.readouterr().out.splitlines()
        assert printed == promised_output(code), f"block {number}"
    assert not any(tmp_path.iterdir()) or sorted(p.name for p in tmp_path.iterdir()) == ["data"]
