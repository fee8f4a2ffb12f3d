/** The cost ladder's steps, in the order bench/ladder/app.ts adds them, and the key its tokens are signed with. */
export const LADDER_KEY = Buffer.alloc(32, 7);
export const STEPS = [
  'bare Express 5, one JSON route (answer after setImmediate)',
  '+ helmet (its defaults and the CSP)',
  '+ cors',
  '+ morgan access log (to a file)',
  '+ request id and AsyncLocalStorage scope',
  '+ prom-client request histogram',
  '+ passport-jwt (HS256, KeyObject, key after setImmediate)',
  '+ one auto-pipelined Redis MGET for the key instead of setImmediate',
] as const;
