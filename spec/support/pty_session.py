#!/usr/bin/env python3
"""pty_session.py: runs a command in a pseudo-terminal and types into it, as a person would.

usage: python3 spec/support/pty_session.py STEPS_FILE COMMAND [ARG...]

Each line of STEPS_FILE is one step:
  expect TEXT   wait (20 s at most) until TEXT appears in the output after the last match
  send KEYS     type KEYS: \\t Tab, \\r Enter, \\x03 Ctrl-C, \\x04 Ctrl-D, \\e Escape (\\e[A is Up),
                \\\\ a backslash; everything else as it is (UTF-8)
  sleep SECONDS
Then it waits for the command to end (20 s at most) and prints the terminal's output with
escape sequences removed, then a last line "exit N" (N the exit status, or "timeout"). A
step that timed out adds a line "TIMEOUT expecting TEXT" and ends the steps.
"""
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time

TIMEOUT = 20.0
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
KEYS = re.compile(r"\\(x[0-9a-fA-F]{2}|[trne\\])")


def keys(text):
    def one(m):
        k = m.group(1)
        if k[0] == "x":
            return chr(int(k[1:], 16))
        return {"t": "\t", "r": "\r", "n": "\n", "e": "\x1b", "\\": "\\"}[k]
    return KEYS.sub(one, text).encode("utf-8")


def clean(raw):
    """The output as the terminal's lines show it: a carriage return, a backspace and cursor moves
    along the line move the column and later characters overwrite earlier ones; erase-line (ESC [ K)
    cuts the line; other escape sequences are dropped. Lines are never moved between."""
    text = raw.decode("utf-8", "replace")
    lines, line, col, i = [], [], 0, 0
    while i < len(text):
        ch = text[i]
        m = ESCAPES.match(text, i)
        if m:
            seq = m.group(0)
            n = int(re.sub(r"\D", "", seq[2:-1]) or 1) if seq[1] == "[" else 0
            if seq.endswith("K") and seq[1] == "[":
                del line[col:]
            elif seq.endswith("C") and seq[1] == "[":
                col += n
            elif seq.endswith("D") and seq[1] == "[":
                col = max(0, col - n)
            i = m.end()
            continue
        if ch == "\n":
            lines.append("".join(line).rstrip())
            line, col = [], 0
        elif ch == "\r":
            col = 0
        elif ch == "\b":
            col = max(0, col - 1)
        elif ch == "\a":
            pass
        else:
            while len(line) < col:
                line.append(" ")
            if col < len(line):
                line[col] = ch
            else:
                line.append(ch)
            col += 1
        i += 1
    lines.append("".join(line))  # the cursor's line keeps its spaces: "samtal> " is a prompt
    return "\n".join(lines)


def main():
    steps_path, command = sys.argv[1], sys.argv[2:]
    with open(steps_path, encoding="utf-8") as f:
        steps = [line.rstrip("\n") for line in f if line.strip()]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    raw = bytearray()
    done = False

    def read(timeout):
        nonlocal done
        if done:
            time.sleep(timeout)
            return
        ready, _, _ = select.select([fd], [], [], timeout)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the command ended
                data = b""
            if data:
                raw.extend(data)
            else:
                done = True

    searched_from = 0
    notes = []
    for step in steps:
        verb, _, arg = step.partition(" ")
        if verb == "expect":
            deadline = time.time() + TIMEOUT
            while True:
                text = clean(bytes(raw))
                at = text.find(arg, searched_from)
                if at >= 0:
                    searched_from = at + len(arg)
                    break
                if time.time() > deadline or done:
                    notes.append("TIMEOUT expecting " + arg)
                    break
                read(0.05)
            if notes:
                break
        elif verb == "send":
            os.write(fd, keys(arg))
            read(0.05)
        elif verb == "sleep":
            deadline = time.time() + float(arg)
            while time.time() < deadline:
                read(0.05)
        else:
            notes.append("bad step: " + step)
            break
    deadline = time.time() + TIMEOUT
    status = None
    while time.time() < deadline:
        read(0.05)
        wpid, wstatus = os.waitpid(pid, os.WNOHANG)
        if wpid == pid:
            status = os.waitstatus_to_exitcode(wstatus)
            while not done:
                read(0.05)
            break
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    sys.stdout.write(clean(bytes(raw)))
    for note in notes:
        sys.stdout.write("\n" + note)
    sys.stdout.write("\nexit %s\n" % ("timeout" if status is None else status))


if __name__ == "__main__":
    main()
