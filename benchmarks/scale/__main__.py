"""``python -m benchmarks.scale --units N …``: see ``benchmarks/scale/command.py``."""

from benchmarks.scale.command import main

main()
