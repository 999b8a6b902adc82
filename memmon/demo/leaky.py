#!/usr/bin/python3
"""The demo's leaky program: it holds on to more memory every second.

    leaky.py [MIB_PER_SECOND]

Each run (each start by supervisord) allocates MIB_PER_SECOND (default 3)
MiB a second, writes to every page so that it is resident, and never frees
any of it. Only a restart gives the memory back, which is what memmon is
there to do. It logs what it holds on stderr every 10 MiB.
"""

import os
import sys
import time

MIB = 1024 * 1024


def main():
    rate = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    say = lambda text: print(f"leaky[{os.getpid()}]: {text}", file=sys.stderr, flush=True)
    say(f"started; leaking {rate:g} MiB a second")
    held = []
    step = 0.25
    per_step = int(rate * MIB * step)
    next_report = 10
    while True:
        held.append(b"\x5a" * per_step)  # written, so resident
        mib = len(held) * per_step // MIB
        if mib >= next_report:
            say(f"holding {mib} MiB")
            next_report += 10
        time.sleep(step)


if __name__ == "__main__":
    main()
