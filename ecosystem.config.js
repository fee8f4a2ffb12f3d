// PM2 process file: `npm run build && pm2 start ecosystem.config.js`; `pm2 reload userstate-api` replaces the
// instances one at a time without refusing a request.
//
// This package is "type": "module", so this .js file is an ES module: `module.exports` would throw
// "module is not defined". PM2 (every version up to 7.x) loads a *.config.js/.cjs/.mjs file with a plain
// `require()` and reads `.apps` from what it gets back, without looking at `.default`. On Node >= 20.19 / 22.12
// (and 24, the Docker image), `require()` of an ES module returns its namespace, so the named export `apps` below
// is what PM2 reads; `export default` alone would load but start nothing. Older Node throws ERR_REQUIRE_ESM here:
// upgrade Node (package.json asks for >= 20), or copy this object into an ecosystem.config.cjs with module.exports.
//
// The app itself is ESM too; PM2 >= 4.5 starts such scripts with import() in cluster mode.
// Socket.io long-polling works across the instances: each instance passes requests for another instance's session
// to it over a private Unix socket (SOCKET_PEER_DIR); see README, "Deployment".
export const apps = [
  {
    name: 'userstate-api',
    script: 'dist/src/index.js',
    cwd: import.meta.dirname,
    instances: 2,
    exec_mode: 'cluster',
    env: {
      NODE_ENV: 'production',
    },
    // Online only when the process says so (process.send('ready') after migrations and listen), so `pm2 reload`
    // stops an old instance only once its replacement answers. listen_timeout bounds a slow start (migrations).
    wait_ready: true,
    listen_timeout: 60000,
    // PM2 sends SIGINT, then SIGKILL after kill_timeout: leave room for SHUTDOWN_TIMEOUT_MS (10 s) to drain requests.
    kill_timeout: 15000,
    error_file: './logs/err.log',
    out_file: './logs/out.log',
    // One file for both instances, as named above (cluster mode would otherwise write err-0.log, err-1.log).
    merge_logs: true,
    log_date_format: 'YYYY-MM-DD HH:mm:ss Z',
  },
];

export default { apps };
