"""Mail import speed (issue 20): how fast `switchboard import mbox` reads a large archive.

Writes an mbox of THREADS (25,000) threads of four mails (100,000 mails: the customer, an
agent's reply from a user's address, the customer again, a reply from the shop's address given
with --desk-address), each with a few lines of text, one mail in 50 with a small PDF
attachment and one in 20 as HTML only. Then, into a data folder where `serve --demo` ran once,
times `switchboard import mbox FILE --data DIR --inbox "Web chat" --desk-address help@shop.example`
(which includes indexing for search) and a second run of the same command (nothing is imported
twice: it only reads). Prints mails/s and what the command said; writes target/figures/mbox.json.

Never builds: SWITCHBOARD_BINARY or target/release/switchboard. THREADS overrides 25,000.
Run: `python3 bench/load/mbox_speed.py`.
"""

import base64
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from common import FIGURES, make_text
from server import Server, pick_binary

THREADS = int(os.environ.get("THREADS", "25000"))
PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n").decode()


def mail(f, rng, mid, parents, sender, to, subject, day, minute, t):
    f.write(f"From {sender.split('<')[-1].rstrip('>')} Mon Mar  3 10:00:00 2025\n")
    f.write(f"Message-ID: <{mid}>\nFrom: {sender}\nTo: {to}\nSubject: {subject}\n")
    f.write(f"Date: {day:02d} Mar 2025 {10 + minute // 60:02d}:{minute % 60:02d}:00 +0000\n")
    if parents:
        f.write(f"In-Reply-To: <{parents[0]}>\nReferences: {' '.join(f'<{p}>' for p in reversed(parents))}\n")
    text = make_text(rng)
    if t % 20 == 0:
        f.write(f"Content-Type: text/html; charset=utf-8\n\n<html><body><p>{text}</p></body></html>\n\n")
    elif t % 50 == 0:
        f.write('MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
                f'Content-Type: text/plain; charset=utf-8\n\n{text}\n--b1\n'
                'Content-Type: application/pdf; name="receipt.pdf"\n'
                'Content-Disposition: attachment; filename="receipt.pdf"\n'
                f'Content-Transfer-Encoding: base64\n\n{PDF}\n--b1--\n\n')
    else:
        f.write(f"Content-Type: text/plain; charset=utf-8\n\n{text}\n\n")


def write_mbox(path, threads):
    rng = random.Random(7)
    with open(path, "w") as f:
        for t in range(threads):
            customer = f"Customer {t} <c{t}@example.net>"
            subject = f"Order {t}"
            ids = [f"t{t}{k}@archive" for k in "abcd"]
            day = 1 + t % 28
            mail(f, rng, ids[0], [], customer, "help@shop.example", subject, day, 0, t)
            mail(f, rng, ids[1], ids[:1], "Ana <ana@example.com>", customer, f"Re: {subject}", day, 5, t + 1)
            mail(f, rng, ids[2], ids[1::-1], customer, "help@shop.example", f"Re: {subject}", day, 9, t + 2)
            mail(f, rng, ids[3], ids[2::-1], "Shop <help@shop.example>", customer, f"Re: {subject}", day, 12, t + 3)
    return threads * 4


def main():
    binary = pick_binary()
    tmp = Path(tempfile.mkdtemp(prefix="mbox-speed-"))
    try:
        data, mbox = tmp / "data", tmp / "archive.mbox"
        srv = Server(binary, data, demo=True, log_path=tmp / "server.log")
        try:
            srv.wait_ready(120)
        finally:
            srv.stop()
        mails = write_mbox(mbox, THREADS)
        size = mbox.stat().st_size
        print(f"{mails:,} mails, {size / 1e6:.0f} MB mbox", flush=True)
        args = [str(binary), "import", "mbox", str(mbox), "--data", str(data), "--inbox", "Web chat",
                "--desk-address", "help@shop.example"]
        runs = []
        for label in ("first", "again"):
            t0 = time.monotonic()
            out = subprocess.run(args, capture_output=True, text=True)
            secs = time.monotonic() - t0
            said = (out.stdout + out.stderr).strip().splitlines()
            runs.append({"run": label, "secs": secs, "mails_per_sec": mails / secs, "exit": out.returncode,
                         "said": said[:3]})
            print(f"{label}: {secs:.1f} s, {mails / secs:,.0f} mails/s; {said[0] if said else ''}", flush=True)
        FIGURES.mkdir(parents=True, exist_ok=True)
        (FIGURES / "mbox.json").write_text(json.dumps({"mails": mails, "mbox_bytes": size, "runs": runs}, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
