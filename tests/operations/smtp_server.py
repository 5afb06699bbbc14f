"""SMTP servers on 127.0.0.1 for tests: one that accepts and never answers, one that takes mail
(and can be told to refuse it for a while, or to be slow, or to hang up after taking it)."""

import email
import socket
import threading
from collections import Counter


class _Listener:
    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections.append(conn)
            self.serve(conn)

    def serve(self, conn):
        """Never answer: the client waits for a greeting that does not come."""

    def mailer(self, *, timeout: float) -> dict:
        """A MAILERS setting that sends through this server."""
        options = {"host": "127.0.0.1", "port": self.port, "timeout": timeout}
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": options,
            }
        }

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        for conn in self.connections:
            conn.close()
        self.sock.close()


class SilentSMTPServer(_Listener):
    """Accepts connections and never says a word, like a mail server that hangs."""


class SMTPServer(_Listener):
    """Speaks just enough SMTP to take messages; `messages` holds each one's DATA.

    `refusing`: answer every MAIL with `refusal` (451: try again later). `after_data(message)`:
    called once a message is taken, before the server says so (to be slow, hang, or cut the
    database).
    `hang_up_after_data`: take the message, then close the connection without a word (the client
    cannot know whether it was taken).
    """

    def __init__(self):
        super().__init__()
        self.messages: list[str] = []
        self.refusing = False
        self.refusal = "451 4.3.0 mail server busy, try again later"
        self.refused = 0
        self.after_data = None
        self.hang_up_after_data = False

    def message_ids(self) -> Counter:
        """How many times each Message-ID arrived."""
        return Counter(email.message_from_string(data)["Message-ID"] for data in self.messages)

    def serve(self, conn):
        threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        stream = conn.makefile("rwb")

        def say(line):
            stream.write(line.encode() + b"\r\n")
            stream.flush()

        say("220 localhost ESMTP test")
        while line := stream.readline().decode().strip():
            verb = line.split(" ", 1)[0].upper()
            if verb == "DATA":
                say("354 go ahead")
                data = []
                while (part := stream.readline().decode()).rstrip("\r\n") != ".":
                    data.append(part)
                self.messages.append("".join(data))
                if self.after_data is not None:
                    self.after_data(self.messages[-1])
                if self.hang_up_after_data:
                    conn.shutdown(socket.SHUT_RDWR)
                    break
                say("250 queued")
            elif verb == "MAIL" and self.refusing:
                self.refused += 1
                say(self.refusal)
            elif verb == "QUIT":
                say("221 bye")
                break
            else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                say("250 ok")
        stream.close()
