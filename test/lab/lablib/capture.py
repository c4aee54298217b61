"""tcpdump in a namespace: started and confirmed ready before traffic, stopped with
SIGINT and waited for, so every capture file is complete and well-formed."""

import os
import signal
import subprocess
import threading
import time


class Capture:
    def __init__(self, lab, role, ifname, path):
        self.path = path
        # -s 0: whole frames; -U: write each packet as it arrives; --immediate-mode:
        # no batching in the kernel ring, so nothing is still buffered at SIGINT;
        # -Z root: keep root so tcpdump can write wherever the recorder points it.
        argv = ["tcpdump", "-i", ifname, "-s", "0", "-U", "--immediate-mode", "-n",
                "-Z", "root", "-w", path]
        self.proc = lab.spawn(role, argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
        self.stderr = []
        ready = threading.Event()

        def drain():
            for line in self.proc.stderr:
                self.stderr.append(line)
                if "listening on" in line:
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(10) or self.proc.poll() is not None:
            raise RuntimeError(f"tcpdump on {role}/{ifname} not ready: {''.join(self.stderr)}")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"tcpdump writing {self.path} did not stop") from None
        time.sleep(0.05)
