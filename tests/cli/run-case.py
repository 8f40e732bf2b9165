#!/usr/bin/env python3
"""Runs one CLI case file (tests/cli/cases/*.test) against the kkr binary.

A case file is a few header lines, then sections (bytes kept exactly):

    # comment
    args: report wb --format csv     arguments, split like a shell; @SRC@ = source root
    before: lock wb                  a command run first, must exit 0, output ignored
                                     (repeatable, in order; e.g. lock, then report --compare)
    workbook: budgets/smedjebacken-2020   copied (from the source root) to ./wb first
    exit: 0                          expected exit status
    absent: out.csv                  a file that must not exist afterwards (repeatable)
    --- file wb/budget.csv           creates a file in the temporary working folder
    --- stdin                        standard input
    --- stdout                       expected standard output, exactly
    --- stdout-file tests/golden/x   expected standard output from a file (source root)
    --- stderr                       expected standard error, exactly
    --- expect-file out.csv          expected contents of a file written by the command

A section marker may end in ' noeol' to drop the section's final newline. The command runs in
a new temporary folder with LC_ALL=C, TZ=UTC and SOURCE_DATE_EPOCH=0. With KKR_VALGRIND=1 in the
environment it runs under valgrind and fails on any error or definite leak.
"""
import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse(path):
    with open(path, 'rb') as f:
        lines = f.read().splitlines(keepends=True)
    head = {'args': [], 'before': [], 'workbook': None, 'exit': 0, 'absent': []}
    sections = []
    cur = None
    for line in lines:
        if line.startswith(b'--- '):
            words = line[4:].decode().split()
            noeol = words[-1] == 'noeol'
            if noeol:
                words = words[:-1]
            cur = [words[0], words[1] if len(words) > 1 else None, noeol, []]
            sections.append(cur)
        elif cur is not None:
            cur[3].append(line)
        else:
            text = line.decode().strip()
            if not text or text.startswith('#'):
                continue
            key, _, value = text.partition(':')
            value = value.strip()
            if key == 'args':
                head['args'] = shlex.split(value.replace('@SRC@', SRC))
            elif key == 'before':
                head['before'].append(shlex.split(value.replace('@SRC@', SRC)))
            elif key == 'workbook':
                head['workbook'] = value
            elif key == 'exit':
                head['exit'] = int(value)
            elif key == 'absent':
                head['absent'].append(value)
            else:
                sys.exit(f'{path}: unknown header {key!r}')
    out = []
    for kind, arg, noeol, body in sections:
        data = b''.join(body)
        if noeol and data.endswith(b'\n'):
            data = data[:-1]
        out.append((kind, arg, data))
    return head, out


def show_diff(what, expected, actual):
    exp = expected.decode(errors='replace').splitlines(keepends=True)
    act = actual.decode(errors='replace').splitlines(keepends=True)
    sys.stdout.write(f'--- {what} differs:\n')
    sys.stdout.writelines(difflib.unified_diff(exp, act, 'expected', 'actual'))
    sys.stdout.write('\n')


def main():
    kkr, case = sys.argv[1], sys.argv[2]
    head, sections = parse(case)
    ok = True
    with tempfile.TemporaryDirectory(prefix='kkr-case-') as tmp:
        if head['workbook']:
            shutil.copytree(os.path.join(SRC, head['workbook']), os.path.join(tmp, 'wb'))
        stdin = b''
        expect = {}
        expect_files = []
        for kind, arg, data in sections:
            if kind == 'file':
                p = os.path.join(tmp, arg)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, 'wb') as f:
                    f.write(data)
            elif kind == 'stdin':
                stdin = data
            elif kind in ('stdout', 'stderr'):
                expect[kind] = data
            elif kind == 'stdout-file':
                with open(os.path.join(SRC, arg), 'rb') as f:
                    expect['stdout'] = f.read()
            elif kind == 'expect-file':
                expect_files.append((arg, data))
            else:
                sys.exit(f'{case}: unknown section {kind!r}')
        env = dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0', KKR_SOURCE_ROOT=SRC)
        cmd = [kkr] + head['args']
        valgrind = os.environ.get('KKR_VALGRIND') == '1'
        if valgrind:
            cmd = ['valgrind', '--quiet', '--error-exitcode=99', '--leak-check=full',
                   '--errors-for-leak-kinds=definite,indirect',
                   '--suppressions=' + os.path.join(SRC, 'tests', 'valgrind.supp')] + cmd
        for before in head['before']:
            pre = subprocess.run(cmd[:len(cmd) - len(head['args'])] + before, cwd=tmp,
                                 capture_output=True, env=env)
            if pre.returncode != 0:
                print(f'before: {shlex.join(before)}: exit status {pre.returncode}')
                sys.stdout.write(pre.stderr.decode(errors='replace'))
                ok = False
        proc = subprocess.run(cmd, cwd=tmp, input=stdin, capture_output=True, env=env)
        if proc.returncode != head['exit']:
            print(f'exit status {proc.returncode}, expected {head["exit"]}')
            ok = False
        for stream in ('stdout', 'stderr'):
            actual = getattr(proc, stream)
            if valgrind and stream == 'stderr':
                continue
            if stream in expect and actual != expect[stream]:
                show_diff(stream, expect[stream], actual)
                ok = False
        for name, data in expect_files:
            p = os.path.join(tmp, name)
            if not os.path.exists(p):
                print(f'file {name} was not written')
                ok = False
                continue
            with open(p, 'rb') as f:
                actual = f.read()
            if actual != data:
                show_diff(name, data, actual)
                ok = False
        for name in head['absent']:
            if os.path.exists(os.path.join(tmp, name)):
                print(f'file {name} exists but must not')
                ok = False
        leftovers = [f for d, _, fs in os.walk(tmp) for f in fs if '.tmp' in f]
        if leftovers:
            print(f'temporary files left behind: {leftovers}')
            ok = False
        if not ok:
            print('command:', ' '.join(shlex.quote(a) for a in cmd))
            print('stderr was:')
            sys.stdout.write(proc.stderr.decode(errors='replace'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
