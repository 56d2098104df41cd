"""`budgetqa chat`: a conversation in a terminal (chatbot.conversation) — follow-ups borrow what the last
question fixed, and say so. Interactive on a terminal; otherwise one turn per stdin line, one answer a
turn (`--json`: one answer object a line, with its reading and what it borrowed)."""
from __future__ import annotations

import argparse
import json
import sys

EPILOG_CHAT = """Each line is a turn: 「2023年呢？」「深圳的呢？」「其中公务接待费呢？」 complete the last question, and the
answer says what it borrowed; 「你好」 gets what the store holds and three questions that work on it.

Example:
  budgetqa chat
  printf '烟台市审计局2026年三公经费是多少\\n其中公务接待费呢\\n' | budgetqa chat --json"""


def add_chat_parser(sub: argparse._SubParsersAction, store_arg) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("chat", help="a conversation: follow-ups borrow what the last question fixed",
                       epilog=EPILOG_CHAT, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    store_arg(p)


def cmd_chat(args: argparse.Namespace) -> int:
    from chatbot.cli import open_store_service
    from chatbot.conversation import Conversation

    service = open_store_service(args.store)
    if service is None:
        return 1
    conversation = Conversation(service)
    interactive = sys.stdin.isatty()
    if interactive:
        print("请输入问题（空行或 Ctrl-D 结束）。", file=sys.stderr)
    while True:
        if interactive:
            print("问：", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line or (interactive and not line.strip()):
            return 0
        if not line.strip():
            continue
        answer = conversation.ask(line.strip())
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(answer.render_text(), flush=True)
