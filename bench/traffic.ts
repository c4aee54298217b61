/**
 * Traffic for the benchmark capture (run by bench/make-capture.sh inside its network namespaces).
 *
 *   node bench/traffic.ts server SERVER_ADDR
 *   node bench/traffic.ts client SERVER_ADDR LOCAL_ADDR[,LOCAL_ADDR…] [SEED]
 *
 * Everything goes through the real Linux stack: the resets in the capture are the ones the kernel
 * sends, not crafted packets. `socket.resetAndDestroy()` is libuv's uv_tcp_close_reset(), i.e.
 * SO_LINGER {on, 0} followed by close(): the abortive close of RFC 9293 §3.10.4 ("ABORT").
 *
 * Server ports:
 *   8080  HTTP-like: `GET /<mode>/<bytes>`; mode ok (server closes first), ka (client closes
 *         first), abort (server resets after the request), err (500 then reset).
 *   8081  accepts but never reads (pauseOnConnect), closes after a few ms: Linux turns close()
 *         with unread received data into a RST (RFC 2525 §2.17, tcp_close() in net/ipv4/tcp.c).
 *   9000  bulk: `BULK <bytes> <abortAt>\n`, streams the bytes, resets after abortAt if non-zero.
 *   81    nothing listens: the kernel answers SYNs with RST/ACK (refused).
 * The client stops starting connections on SIGTERM, drains for up to 2 s and prints counts.
 */
import net from 'node:net';
import { prng } from '../test/helpers/prng.ts';

const HTTP_PORT = 8080;
const UNREAD_PORT = 8081;
const BULK_PORT = 9000;
const CLOSED_PORT = 81;

const SHORT_WORKERS = 24;
const BULK_WORKERS = 2;
const CONNECTION_TIMEOUT_MS = 5000;

/** One 1 MiB block of "payload" reused for every response (content does not matter, size does). */
const BLOCK = Buffer.alloc(1 << 20, 'abcdefghijklmnopqrstuvwxyz0123456789\n');

function responseHeader(status: number, length: number): string {
  const reason = status === 200 ? 'OK' : 'Internal Server Error';
  return `HTTP/1.1 ${status} ${reason}\r\nServer: bench\r\nContent-Length: ${length}\r\n\r\n`;
}

/** Writes `length` bytes of BLOCK, respecting back-pressure, then calls done. */
function writeBody(socket: net.Socket, length: number, done: () => void): void {
  let left = length;
  const pump = (): void => {
    while (left > 0 && !socket.destroyed) {
      const n = Math.min(left, BLOCK.length);
      left -= n;
      if (!socket.write(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) {
        socket.once('drain', pump);
        return;
      }
    }
    if (!socket.destroyed) done();
  };
  pump();
}

/** Reads bytes until `terminator` appears, then hands over the text before it (once). */
function onHead(socket: net.Socket, terminator: string, handler: (head: string) => void): void {
  let text = '';
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('latin1');
    const end = text.indexOf(terminator);
    if (end >= 0) {
      socket.off('data', onData);
      handler(text.slice(0, end));
    } else if (text.length > 8192) {
      socket.destroy();
    }
  };
  socket.on('data', onData);
}

function startServer(address: string): void {
  const http = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    onHead(socket, '\r\n\r\n', (head) => {
      const match = /^GET \/(\w+)\/(\d+) /.exec(head);
      if (!match) return void socket.destroy();
      const mode = match[1];
      const length = Number(match[2]);
      if (mode === 'abort') return void socket.resetAndDestroy();
      if (mode === 'err') {
        socket.write(responseHeader(500, 0));
        setTimeout(() => socket.resetAndDestroy(), 2);
        return;
      }
      socket.write(responseHeader(200, length));
      writeBody(socket, length, () => {
        // ok: server closes first (HTTP/1.0-style); ka: wait for the client to close first.
        if (mode === 'ok') socket.end();
        else socket.on('end', () => socket.end());
      });
    });
  });
  const unread = net.createServer({ pauseOnConnect: true }, (socket) => {
    socket.on('error', () => {});
    setTimeout(() => socket.destroy(), 3);
  });
  const bulk = net.createServer((socket) => {
    socket.on('error', () => {});
    onHead(socket, '\n', (head) => {
      const [, bytes, abortAt] = head.split(' ').map(Number);
      if (abortAt > 0) {
        writeBody(socket, abortAt, () => socket.resetAndDestroy());
      } else {
        writeBody(socket, bytes, () => socket.end());
      }
    });
  });
  for (const [server, port] of [
    [http, HTTP_PORT],
    [unread, UNREAD_PORT],
    [bulk, BULK_PORT],
  ] as const) {
    server.listen({ host: address, port, backlog: 4096 });
  }
  const stop = (): void => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  console.log(`server listening on ${address}:${HTTP_PORT},${UNREAD_PORT},${BULK_PORT}`);
}

/** The short-connection mix; weights are percentages. */
const SHORT_MIX = [
  ['ok', 40], // server closes first after the response (TIME_WAIT on the server)
  ['ka', 24], // client closes first after reading the response
  ['client-abort', 8], // client resets after the response (pool recycling with linger 0)
  ['client-abort-mid', 3], // client resets in the middle of a larger response
  ['server-abort', 7], // server resets right after reading the request
  ['server-error', 5], // server answers 500, then resets
  ['refused', 8], // SYN to a closed port
  ['unread', 5], // server closes with the request unread: kernel sends RST
] as const;
type ShortKind = (typeof SHORT_MIX)[number][0];

function pickKind(random: () => number): ShortKind {
  let r = random() * 100;
  for (const [kind, weight] of SHORT_MIX) {
    r -= weight;
    if (r < 0) return kind;
  }
  return 'ok';
}

function runShort(server: string, local: string, kind: ShortKind, random: () => number): Promise<string> {
  const port = kind === 'refused' ? CLOSED_PORT : kind === 'unread' ? UNREAD_PORT : HTTP_PORT;
  const mode =
    kind === 'server-abort' ? 'abort' : kind === 'server-error' ? 'err' : kind === 'ok' ? 'ok' : 'ka';
  const length =
    kind === 'client-abort-mid' ? 200_000 + Math.floor(random() * 300_000) : Math.floor(random() * 24_000);
  const expected = Buffer.byteLength(responseHeader(200, length)) + length;
  return new Promise((resolve) => {
    let outcome = 'closed';
    let received = 0;
    const socket = net.connect({ host: server, port, localAddress: local });
    socket.setNoDelay(true);
    socket.setTimeout(CONNECTION_TIMEOUT_MS, () => {
      outcome = 'timeout';
      socket.destroy();
    });
    socket.on('connect', () => {
      socket.write(
        `GET /${mode}/${length} HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: rstscope-bench\r\n` +
          `Accept: */*\r\n${mode === 'ok' ? 'Connection: close\r\n' : ''}\r\n`,
      );
    });
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (kind === 'client-abort-mid' && received > 20_000) {
        outcome = 'client-reset';
        socket.resetAndDestroy();
      } else if (received >= expected && kind !== 'ok') {
        if (kind === 'client-abort') {
          outcome = 'client-reset';
          socket.resetAndDestroy();
        } else {
          socket.end();
        }
      }
    });
    socket.on('end', () => socket.end());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      outcome = error.code ?? 'error';
    });
    socket.on('close', () => resolve(outcome));
  });
}

function runBulk(server: string, local: string, random: () => number): Promise<string> {
  const bytes = (4 + Math.floor(random() * 28)) << 20;
  const r = random();
  // 20 % aborted by the client mid-transfer (unread data in its receive queue), 10 % by the server.
  const clientAbortAt = r < 0.2 ? Math.floor(bytes * random()) : 0;
  const serverAbortAt = r >= 0.2 && r < 0.3 ? Math.floor(bytes * random()) : 0;
  return new Promise((resolve) => {
    let outcome = 'closed';
    let received = 0;
    const socket = net.connect({ host: server, port: BULK_PORT, localAddress: local });
    socket.setTimeout(CONNECTION_TIMEOUT_MS * 4, () => {
      outcome = 'timeout';
      socket.destroy();
    });
    socket.on('connect', () => socket.write(`BULK ${bytes} ${serverAbortAt}\n`));
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (clientAbortAt > 0 && received >= clientAbortAt && !socket.destroyed) {
        outcome = 'client-reset';
        socket.resetAndDestroy();
      }
    });
    socket.on('end', () => socket.end());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      outcome = error.code ?? 'error';
    });
    socket.on('close', () => resolve(outcome));
  });
}

async function startClient(server: string, locals: string[], seed: number): Promise<void> {
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
  });
  const counts = new Map<string, number>();
  const count = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  let next = 0;
  const local = (): string => locals[next++ % locals.length];
  const shortWorker = async (id: number): Promise<void> => {
    const random = prng(seed * 1000 + id);
    while (!stopping) {
      const kind = pickKind(random);
      count(`${kind}:${await runShort(server, local(), kind, random)}`);
    }
  };
  const bulkWorker = async (id: number): Promise<void> => {
    const random = prng(seed * 1000 + 500 + id);
    while (!stopping) count(`bulk:${await runBulk(server, local(), random)}`);
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < SHORT_WORKERS; i++) workers.push(shortWorker(i));
  for (let i = 0; i < BULK_WORKERS; i++) workers.push(bulkWorker(i));
  // After SIGTERM, in-flight connections get 2 s to finish; then we leave regardless.
  const drained = Promise.all(workers);
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (!stopping) return;
      clearInterval(poll);
      Promise.race([drained, new Promise((r) => setTimeout(r, 2000))]).then(() => resolve());
    }, 50);
  });
  let total = 0;
  for (const value of counts.values()) total += value;
  const lines = [...counts.entries()].sort().map(([key, value]) => `  ${key.padEnd(28)} ${value}`);
  console.log(`client connections: ${total}\n${lines.join('\n')}`);
  process.exit(0);
}

const [mode, server, locals, seed] = process.argv.slice(2);
if (mode === 'server' && server) {
  startServer(server);
} else if (mode === 'client' && server && locals) {
  void startClient(server, locals.split(','), Number(seed ?? 1));
} else {
  console.error('usage: traffic.ts server ADDR | traffic.ts client SERVER LOCAL[,LOCAL…] [SEED]');
  process.exit(2);
}
