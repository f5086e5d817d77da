"""Run the installed Speculos unchanged, except that every socket it listens on is bound to
127.0.0.1 instead of all interfaces.

Speculos 0.27.1 hard-codes "0.0.0.0" for its APDU server and its REST API (speculos/main.py:
ApduServer(host="0.0.0.0"), speculos/api/api.py: app.run(host="0.0.0.0")) and has no option to
change it. Tests here must only ever listen on the loopback interface, so this wrapper rewrites
the wildcard address in socket.bind before handing over to speculos.main.main with the same
command line. Nothing else about Speculos is altered.
"""
import socket
import sys

_WILDCARDS = {"0.0.0.0", ""}  # Speculos uses IPv4 sockets only
_original_bind = socket.socket.bind


def _loopback_bind(self, address):
    if isinstance(address, tuple) and address and address[0] in _WILDCARDS:
        address = ("127.0.0.1",) + tuple(address[1:2])
    return _original_bind(self, address)


socket.socket.bind = _loopback_bind

from speculos.main import main  # noqa: E402  (import after the patch on purpose)

if __name__ == "__main__":
    sys.argv[0] = "speculos"
    sys.exit(main())
