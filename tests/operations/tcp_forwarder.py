"""A TCP forwarder on 127.0.0.1 that a test can cut and restore, to take a real server away.

`cut("refused")` closes the listening port and every open connection (a server that went down);
`cut("silent")` closes open connections and accepts new ones without ever answering (a host
that swallows packets). `cut("hold")` keeps every connection open, accepts new ones, and
forwards nothing any more, either way (a server that stops answering: its host still
acknowledges every packet). `restore()` closes what it held and forwards again, on the same port.
"""

import contextlib
import socket
import threading


class TcpForwarder:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = 0
        self.mode = "open"
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def __enter__(self):
        self._listen()
        return self

    def __exit__(self, *exc):
        self.mode = "closed"
        self._close_listener()
        self._close_connections()

    def cut(self, mode: str = "refused") -> None:
        assert mode in ("refused", "silent", "hold")
        self.mode = mode
        if mode == "refused":
            self._close_listener()
        if mode != "hold":
            self._close_connections()

    def restore(self) -> None:
        self._close_connections()  # silent and held ones never reached the server
        self.mode = "open"
        if self._listener is None:
            self._listen()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()

    def _close_connections(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            self._track(client)
            if self.mode != "open":
                continue  # held open, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._track(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if self.mode == "open":  # held: read and dropped, never reaching the other side
                    sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
