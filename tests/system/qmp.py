#!/usr/bin/env python3
# A QMP client for the system tests (as hmp.py is for the human monitor): connect to
# a unix socket, negotiate, run commands, keep the events that arrive in between,
# wait for events, run snapshot jobs to their end. The tests' drive.py scripts
# import it (PYTHONPATH=tests/system).
import json
import socket
import time


class QMPClosed(SystemExit):
    pass


class QMP:
    def __init__(self, path, timeout=120, negotiate=False):
        """Connect (retrying while the emulator starts) and read the greeting;
        negotiate=True also sends qmp_capabilities."""
        self.s = socket.socket(socket.AF_UNIX)
        for _ in range(300):
            try:
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise QMPClosed('cannot connect to QMP at %s' % path)
        self.s.settimeout(timeout)
        self.f = self.s.makefile('rb')
        self.events = []
        self.greeting = self.read()
        if negotiate:
            self.cmd('qmp_capabilities')

    def read(self):
        """The next message, event or reply."""
        line = self.f.readline()
        if not line:
            raise QMPClosed('QMP connection closed')
        return json.loads(line)

    def send_raw(self, data):
        self.s.sendall(data)

    def reply(self):
        """The next reply; events before it are kept in self.events."""
        while True:
            m = self.read()
            if 'event' in m:
                self.events.append(m)
            else:
                return m

    def cmd(self, name, **args):
        """Run a command; its reply ({'return': ...} or {'error': ...})."""
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.s.sendall(json.dumps(msg).encode() + b'\n')
        return self.reply()

    def wait_event(self, name, pred=lambda m: True):
        """The first event called name that pred accepts, kept or still to come."""
        for m in self.events:
            if m['event'] == name and pred(m):
                self.events.remove(m)
                return m
        while True:
            m = self.read()
            if m.get('event') == name and pred(m):
                return m
            self.events.append(m)

    def hmp(self, line):
        """A human monitor command through human-monitor-command: (ok, output or
        the error reply)."""
        r = self.cmd('human-monitor-command', **{'command-line': line})
        if 'return' not in r:
            return False, r
        return True, r['return']

    def job(self, kind, job_id, tag, vmstate=None, devices=()):
        """Run snapshot-save / snapshot-load / snapshot-delete as a job until it
        concludes, dismiss it, and return (job as query-jobs showed it, None) or
        (None, the refusal) when the command was not accepted."""
        args = {'job-id': job_id, 'tag': tag, 'devices': list(devices)}
        if kind != 'snapshot-delete':
            args['vmstate'] = vmstate if vmstate is not None else 'none'
        r = self.cmd(kind, **args)
        if 'return' not in r:
            return None, r
        self.wait_event('JOB_STATUS_CHANGE',
                        lambda m: m['data'] == {'status': 'concluded', 'id': job_id})
        j = [x for x in self.cmd('query-jobs')['return'] if x['id'] == job_id][0]
        self.cmd('job-dismiss', id=job_id)
        return j, None
