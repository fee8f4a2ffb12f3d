/**
 * Sticky Engine.IO sessions for several processes on one port (PM2 cluster mode).
 *
 * A long-polling session lives in the process that answered its handshake, but PM2's cluster balancer hands each
 * new TCP connection to any worker, so the next poll of that session may reach a process that never heard of it
 * ("Session ID unknown"). Here every process names its sessions after itself (`<nodeId>.<random>`) and listens on a
 * private Unix socket `<dir>/<nodeId>.sock`; a request or websocket upgrade for a session of another process on the
 * same host is passed through to that process's socket unchanged. Fan-out between processes and hosts stays with the
 * Redis adapter; stickiness between hosts is the load balancer's (nginx `ip_hash`, see deploy/nginx.conf).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, unlink } from 'node:fs/promises';
import http, { type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Server as SocketServer } from 'socket.io';
import type { Logger } from '../utilities/logger.js';

const NODE_ID = /^[0-9a-f]{16}$/;
const SESSION_OF_NODE = /^([0-9a-f]{16})\./;
const UNKNOWN_SESSION_BODY = JSON.stringify({ code: 1, message: 'Session ID unknown' });

export interface EngineSessionRouting {
  nodeId: string;
  socketPath: string;
  close(): Promise<void>;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: net.Socket, head: Buffer) => void;

/** The owner node of the session named in an Engine.IO request, when it is another process. */
function foreignOwner(req: IncomingMessage, enginePath: string, nodeId: string): string | null {
  const url = req.url ?? '';
  if (!url.startsWith(enginePath)) return null;
  const query = url.indexOf('?');
  if (query < 0) return null;
  const sid = new URLSearchParams(url.slice(query + 1)).get('sid');
  const owner = sid ? SESSION_OF_NODE.exec(sid)?.[1] : undefined;
  return owner && owner !== nodeId ? owner : null;
}

function answerUnknownSession(res: ServerResponse) {
  if (res.headersSent) return res.destroy();
  res.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(UNKNOWN_SESSION_BODY) });
  res.end(UNKNOWN_SESSION_BODY);
}

/** Largest polling body passed on (Socket.io's maxHttpBufferSize is 1 MB by default). */
const MAX_FORWARDED_BODY = 2 * 1024 * 1024;

/**
 * Passes one polling request to the owner's socket. The body is read first and sent whole, so a connection the
 * owner drops before it took the whole request can be tried again (up to three times).
 */
function forwardRequest(socketPath: string, req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_FORWARDED_BODY) {
      req.destroy();
      return answerUnknownSession(res);
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const attempt = (left: number) => {
      let answered = false;
      let sent = false;
      // A connection per request (agent: false), closed after the answer.
      const upstream = http.request({ socketPath, method: req.method, path: req.url, headers: { ...req.headers, 'content-length': String(body.length) }, agent: false }, (answer) => {
        answered = true;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.once('finish', () => (sent = true));
      upstream.on('error', () => {
        if (answered) return res.destroy();
        // Tried again only when the request could not be written whole: the owner cannot have acted on it.
        if (!sent && left > 0 && !res.destroyed) return setTimeout(() => attempt(left - 1), 20);
        answerUnknownSession(res);
      });
      res.once('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      upstream.end(body);
    };
    attempt(3);
  });
}

function forwardUpgrade(socketPath: string, req: IncomingMessage, socket: net.Socket, head: Buffer) {
  const upstream = net.connect(socketPath);
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  upstream.once('connect', () => {
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.once('error', () => {
    if (socket.writable && socket.bytesWritten === 0) {
      socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(UNKNOWN_SESSION_BODY)}\r\n\r\n${UNKNOWN_SESSION_BODY}`);
    } else socket.destroy();
  });
  socket.once('error', () => upstream.destroy());
  socket.once('close', () => upstream.destroy());
  upstream.once('close', () => socket.destroy());
}

/** Removes the sockets of processes that are gone (a crash leaves its file behind). */
async function removeStaleSockets(dir: string, logger: Logger) {
  for (const file of await readdir(dir).catch(() => [] as string[])) {
    if (!file.endsWith('.sock') || !NODE_ID.test(file.slice(0, -5))) continue;
    const socketPath = path.join(dir, file);
    const alive = await new Promise<boolean>((resolve) => {
      const probe = net.connect(socketPath);
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (!alive) await unlink(socketPath).catch(() => undefined);
    else logger.debug(`engine session routing: peer ${file} is alive`);
  }
}

/**
 * Takes over the server's `request` and `upgrade` listeners (installed by Socket.io and the app) so a request for a
 * session owned by another process on this host goes there; everything else reaches the original listeners.
 */
export async function routeEngineSessions(httpServer: HttpServer, io: SocketServer, options: { dir: string; logger: Logger }): Promise<EngineSessionRouting> {
  const engine = io.engine;
  const enginePath = `${io.path().replace(/\/$/, '')}/`;
  const nodeId = randomBytes(8).toString('hex');
  const dir = options.dir;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await removeStaleSockets(dir, options.logger);
  const socketPath = path.join(dir, `${nodeId}.sock`);
  const socketOf = (owner: string) => path.join(dir, `${owner}.sock`);

  const generateId = engine.generateId.bind(engine);
  engine.generateId = async (req) => `${nodeId}.${await generateId(req)}`;

  // The private door: only Engine.IO requests of this process's own sessions arrive here.
  const internal = http.createServer((req, res) => engine.handleRequest(req, res));
  internal.on('upgrade', (req: IncomingMessage, socket: net.Socket, head: Buffer) => engine.handleUpgrade(req, socket, head));
  internal.keepAliveTimeout = 65_000;
  // exclusive: a PM2/cluster worker listens on its own socket instead of asking the primary to share one.
  await new Promise<void>((resolve, reject) => {
    internal.once('error', reject);
    internal.listen({ path: socketPath, exclusive: true }, () => {
      internal.off('error', reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600).catch(() => undefined);

  const requestListeners = httpServer.listeners('request') as RequestListener[];
  const upgradeListeners = httpServer.listeners('upgrade') as UpgradeListener[];
  httpServer.removeAllListeners('request');
  httpServer.removeAllListeners('upgrade');
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const owner = foreignOwner(req, enginePath, nodeId);
    if (owner) return forwardRequest(socketOf(owner), req, res);
    for (const listener of requestListeners) listener.call(httpServer, req, res);
  });
  httpServer.on('upgrade', (req: IncomingMessage, socket: net.Socket, head: Buffer) => {
    const owner = foreignOwner(req, enginePath, nodeId);
    if (owner) return forwardUpgrade(socketOf(owner), req, socket, head);
    for (const listener of upgradeListeners) listener.call(httpServer, req, socket, head);
  });

  let closing: Promise<void> | undefined;
  return {
    nodeId,
    socketPath,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          internal.close(() => resolve());
          internal.closeAllConnections();
        });
        await unlink(socketPath).catch(() => undefined);
      })()),
  };
}
