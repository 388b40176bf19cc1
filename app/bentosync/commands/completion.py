"""``bentosync completion SHELL``: tab completion for bash, zsh and fish.

Generated from the command line's own parser by shtab, so a new command or
option completes without anyone editing a script. The Linux install script
writes the three files where each shell looks for them; anyone else can
``eval "$(bentosync completion bash)"`` or save the output, as each shell's
section of the README says.
"""

from __future__ import annotations

import argparse
import sys

SHELLS = ("bash", "zsh", "fish")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "completion",
        help="print a tab-completion script for bash, zsh or fish",
        description="Print the tab-completion script for SHELL on stdout. bash: "
        'eval "$(bentosync completion bash)" in ~/.bashrc; zsh: save it as _bentosync in a '
        "folder of $fpath; fish: save it as ~/.config/fish/completions/bentosync.fish.",
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete for")
    parser.set_defaults(handler=_run_completion)


def completion_script(shell: str) -> str:
    import shtab

    from bentosync.cli import build_parser

    return str(shtab.complete(build_parser(), shell=shell))


def _run_completion(args: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(args.shell))
    return 0
