"""Event-stream delivery delay of the load benchmark (bench/load/run.py): SSE_SUBSCRIBERS
(1,000) subscribers of GET /api/v1/events, SSE_MESSAGES (50) customer messages pushed one at a
time every SSE_PACE_MS (20) ms.

- The server allows STREAMS_PER_TOKEN (10) streams per token and STREAMS_PER_USER (30) per user,
  so sse_step creates admin users (POST /api/v1/users), logs each in (a session) and gives it two
  API tokens (POST /api/v1/tokens): three tokens, 30 streams, a user.
- sse_reader runs in a process of its own (multiprocessing, spawn): it holds the streams with
  `selectors` (epoll) and only stamps every recv() with time.monotonic() (a clock shared with
  the parent) and keeps the bytes; _Stream decodes the chunked SSE later, on a command over the
  pipe, noting per stream when each `message.created` first arrived.
- sse_step waits for every stream's answer, posts a warm-up message (which opens the
  conversation) and waits for it on every stream, then pushes the measured messages. For every
  (stream, message) pair: delay = arrival - the POST's answer (0 when the event came first,
  counted as "early"), and arrival - just before sending.
"""

import http.client
import json
import math
import multiprocessing
import random
import socket
import time

from common import SSE_MESSAGES, SSE_PACE_MS, SSE_SUBSCRIBERS, make_text, raise_fd_limit, summary, wait_until

STREAMS_PER_TOKEN, STREAMS_PER_USER = 10, 30


class _Stream:
    __slots__ = ("sock", "status", "head", "raw", "events_buf", "chunk_left", "ended", "seen", "events", "pending")

    def __init__(self, sock):
        self.sock, self.status, self.head = sock, None, b""
        self.raw, self.events_buf, self.chunk_left = b"", b"", None
        self.ended, self.seen, self.events = False, {}, 0
        self.pending = []  # (time read, bytes) not decoded yet

    def drain(self):
        """Decodes what was read, each piece with the time it was read."""
        pending, self.pending = self.pending, []
        for at, data in pending:
            self.feed(data, at)

    def feed(self, data, at):
        if not data:
            self.ended = True  # the server closed the stream
            return
        if self.status is None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data = self.head[:end].decode("latin-1"), self.head[end + 4:]
            self.head = b""
            try:
                self.status = int(head.split(" ", 2)[1])
            except (IndexError, ValueError):
                self.status = -1
            if self.status != 200 or "transfer-encoding: chunked" not in head.lower():
                self.ended = True
                return
        self.raw += data
        # Chunked transfer decoding.
        while True:
            if self.chunk_left is None:
                nl = self.raw.find(b"\r\n")
                if nl < 0:
                    break
                size = int(self.raw[:nl].split(b";")[0], 16)
                self.raw = self.raw[nl + 2:]
                if size == 0:
                    self.ended = True
                    return
                self.chunk_left = size
            if len(self.raw) < self.chunk_left + 2:
                break
            self.events_buf += self.raw[:self.chunk_left]
            self.raw = self.raw[self.chunk_left + 2:]
            self.chunk_left = None
        # Server-sent events: blocks separated by a blank line.
        while True:
            end = self.events_buf.find(b"\n\n")
            if end < 0:
                break
            block, self.events_buf = self.events_buf[:end], self.events_buf[end + 2:]
            if block.startswith(b":") and b"\ndata" not in block:
                continue  # keep-alive comment
            self.events += 1
            if b"event: message.created" not in block and b"event:message.created" not in block:
                continue
            data = b"\n".join(line[5:].lstrip() for line in block.split(b"\n") if line.startswith(b"data:"))
            try:
                mid = json.loads(data)["message"]["id"]
            except (ValueError, KeyError, TypeError):
                continue
            self.seen.setdefault(mid, at)


def sse_reader(conn, port, tokens):
    """Opens one GET /api/v1/events per token in `tokens`, then serves commands on `conn`:
    ("stats", ids) -> counts; ("collect", ids) -> per stream, the arrival time of each id.
    While reading it only stamps each recv() with time.monotonic() and keeps the bytes: the
    decoding waits for a command, so a busy decoder never delays (or mis-stamps) a read."""
    import selectors
    raise_fd_limit()
    sel = selectors.DefaultSelector()
    streams = []
    try:
        for tok in tokens:
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall((f"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
                       f"Authorization: Bearer {tok}\r\n\r\n").encode())
            s.setblocking(False)
            st = _Stream(s)
            streams.append(st)
            sel.register(s, selectors.EVENT_READ, st)
        sel.register(conn.fileno(), selectors.EVENT_READ, None)
        conn.send(("connected", len(streams)))
        while True:
            events = sel.select(timeout=1.0)
            for key, _ in events:
                st = key.data
                if st is None:
                    cmd, ids = conn.recv()
                    for s in streams:
                        s.drain()
                    if cmd == "stats":
                        conn.send({
                            "open": sum(1 for s in streams if s.status == 200 and not s.ended),
                            "answered": sum(1 for s in streams if s.status is not None),
                            "statuses": {str(k): sum(1 for s in streams if s.status == k)
                                         for k in {s.status for s in streams}},
                            "with_all": sum(1 for s in streams if all(i in s.seen for i in ids)),
                        })
                    elif cmd == "collect":
                        conn.send({"times": [[s.seen.get(i) for i in ids] for s in streams],
                                   "events": sum(s.events for s in streams),
                                   "ended": sum(1 for s in streams if s.ended)})
                        return
                    continue
                try:
                    data = st.sock.recv(262144)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    st.pending.append((time.monotonic(), b""))
                    sel.unregister(st.sock)
                    continue
                st.pending.append((time.monotonic(), data))
    finally:
        for st in streams:
            try:
                st.sock.close()
            except OSError:
                pass


def sse_step(server, inbox_id, api_token, log):
    """Opens SSE_SUBSCRIBERS streams as admins, pushes SSE_MESSAGES messages one at a time."""
    subs = SSE_SUBSCRIBERS
    per_user = STREAMS_PER_USER
    tokens_needed = math.ceil(subs / STREAMS_PER_TOKEN)
    users_needed = math.ceil(subs / per_user)
    creds = []  # tokens, each used for at most STREAMS_PER_TOKEN streams
    t0 = time.monotonic()
    for u in range(users_needed):
        if u == 0:
            session = server.admin
        else:
            email = f"sse-bench-{u}@example.com"
            server.call("POST", "/api/v1/users", {"email": email, "name": f"SSE bench {u}", "role": "admin",
                                                  "password": "bench-password"}, want=201)
            session = server.login(email, "bench-password")
        mine = [session] + [server.call("POST", "/api/v1/tokens", {"name": f"sse-{u}-{k}"}, token=session)["token"]
                            for k in range(per_user // STREAMS_PER_TOKEN - 1)]
        creds.extend(mine)
        if len(creds) >= tokens_needed:
            break
    setup_secs = time.monotonic() - t0
    stream_tokens = [creds[i // STREAMS_PER_TOKEN] for i in range(subs)]
    log(f"  {users_needed} admin users, {len(creds)} tokens in {setup_secs:.1f} s; opening {subs} streams")

    mp = multiprocessing.get_context("spawn")
    parent, child = mp.Pipe()
    reader = mp.Process(target=sse_reader, args=(child, server.port, stream_tokens), daemon=True)
    reader.start()
    result = {"subscribers": subs, "users": users_needed, "tokens": len(creds), "messages": SSE_MESSAGES,
              "pace_ms": SSE_PACE_MS}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        if not parent.poll(120):
            raise RuntimeError("the SSE reader did not connect its streams")
        parent.recv()

        def stats(ids=()):
            parent.send(("stats", list(ids)))
            return parent.recv()
        t_open = time.monotonic()
        st = wait_until(lambda: (s := stats())["answered"] == subs and s, 60, "every stream's answer", every=0.1)
        result["open_secs"] = time.monotonic() - t_open
        result["streams_open"] = st["open"]
        result["stream_statuses"] = st["statuses"]
        headers = {"Authorization": "Bearer " + api_token, "Content-Type": "application/json"}
        path = f"/api/v1/channels/api/{inbox_id}/messages"

        def push(text):
            body = json.dumps({"contact": {"external_id": "sse-bench", "name": "SSE bench"}, "text": text})
            sent = time.monotonic()
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            payload = r.read()
            answered = time.monotonic()
            if r.status != 201:
                raise RuntimeError(f"push: {r.status} {payload[:300]!r}")
            return json.loads(payload)["message_id"], sent, answered

        # Warm-up: opens the conversation; every open stream is live once it has it.
        warm, _, _ = push("warm-up before the measured messages")
        try:
            wait_until(lambda: stats([warm])["with_all"] >= st["open"], 30, "the warm-up message on every stream", 0.05)
        except RuntimeError as e:
            log(f"  {e}")
        time.sleep(0.2)
        rng = random.Random(5)
        sent = []
        due = time.monotonic()
        for i in range(SSE_MESSAGES):
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)  # the pace between messages, not a wait for a condition
            sent.append(push(f"sse {i}: " + make_text(rng)))
            due += SSE_PACE_MS / 1000
        ids = [m for m, _, _ in sent]
        try:
            wait_until(lambda: stats(ids)["with_all"] >= st["open"], 30, "every message on every stream", 0.1)
        except RuntimeError as e:
            log(f"  {e}")
        parent.send(("collect", ids))
        got = parent.recv()
    finally:
        conn.close()
        reader.join(timeout=15)
        if reader.is_alive():
            reader.terminate()
            reader.join(timeout=5)
    from_answer, from_send, early, missing = [], [], 0, 0
    complete = 0
    for times in got["times"]:
        if all(t is not None for t in times):
            complete += 1
        for t, (_, t_send, t_answer) in zip(times, sent):
            if t is None:
                missing += 1
                continue
            if t < t_answer:
                early += 1
            from_answer.append(max(0.0, t - t_answer) * 1000)
            from_send.append((t - t_send) * 1000)
    result.update({
        "streams_with_every_message": complete, "pairs": subs * len(sent), "missing": missing,
        "early_before_answer": early,
        "delay_from_answer_ms": summary(from_answer), "delay_from_send_ms": summary(from_send),
        "post_ms": summary([(a - s) * 1000 for _, s, a in sent]), "events_read": got["events"],
    })
    return result
