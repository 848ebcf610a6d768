"""Decoding of GDB remote serial protocol packet bodies, for the system tests."""


def rsp_decode(body):
    """A packet body (bytes, between '$' and '#') with its escapes ('}' then the
    byte xor 0x20) and run-length encoding ('x*N': N - 29 more of x) undone."""
    out, i = bytearray(), 0
    while i < len(body):
        c = body[i]
        if c == ord("}"):
            out.append(body[i + 1] ^ 0x20)
            i += 2
        elif c == ord("*"):
            out += bytes([out[-1]]) * (body[i + 1] - 29)
            i += 2
        else:
            out.append(c)
            i += 1
    return out.decode("latin-1")
