/**
 * The baseline every bench figure is divided by: a bare Express 5 app with one JSON route, in a process of its own,
 * started the same way and on the same Node binary as the API server. No middleware, no auth, no I/O.
 *
 *   BASELINE_PORT=4000 node --import tsx bench/baseline-server.ts
 */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/baseline', (_req, res) => {
  res.json({ status: true, user: 'baseline', agent: false });
});

const port = Number(process.env.BASELINE_PORT ?? 0);
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`baseline listening on ${typeof address === 'object' && address ? address.port : port}\n`);
});
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => server.close(() => process.exit(0)));
