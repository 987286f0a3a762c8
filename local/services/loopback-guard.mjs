// Who may reach what the twin starts: a Host header that names loopback (so a page that rebinds its DNS name to
// 127.0.0.1 is refused), no browser Origin on the emulators, and the access key id of the twin's per-start
// credentials. Plain JavaScript, so the fauxqs child process (fauxqs-server.mjs) and the twin's TypeScript share it.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
export const LOOPBACK_ADDRESS = '127.0.0.1';

/** `127.0.0.1:<port>`, `localhost:<port>` or `[::1]:<port>` (the port may be left out only on port 80). */
export function isLoopbackHost(host, port) {
  if (typeof host !== 'string') return false;
  const value = host.toLowerCase();
  return LOOPBACK_NAMES.some((name) => value === `${name}:${port}` || (port === 80 && value === name));
}

/**
 * A Host naming loopback, on any port: what a rebound DNS name can never send (its Host is the attacker's name),
 * while a proxy in front of an emulator may keep its own port in the Host it forwards.
 */
export function isLoopbackHostName(host) {
  if (typeof host !== 'string') return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_NAMES.includes(name);
}

/** The access key id a SigV4 request was signed with (Authorization header, or X-Amz-Credential when presigned). */
export function signedAccessKeyId(req) {
  const authorization = req.headers.authorization;
  const fromHeader = typeof authorization === 'string' ? /\bCredential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
  if (fromHeader) return fromHeader;
  try {
    return new URL(req.url ?? '/', 'http://emulator.local').searchParams.get('X-Amz-Credential')?.split('/')[0] || undefined;
  } catch {
    return undefined;
  }
}

function sameSecret(a, b) {
  const digest = (value) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Why an emulator refuses this request, or undefined: `host` (not a loopback name: DNS rebinding),
 * `origin` (a browser sent it), `credentials` (not signed with the twin's access key id).
 */
export function emulatorRefusal(req, accessKeyId) {
  if (!isLoopbackHostName(req.headers.host)) return 'host';
  if (req.headers.origin !== undefined) return 'origin';
  if (accessKeyId) {
    const signed = signedAccessKeyId(req);
    if (!signed || !sameSecret(signed, accessKeyId)) return 'credentials';
  }
  return undefined;
}

/**
 * Makes every TCP listener of this process bind to loopback, whatever address its code asks for (fauxqs
 * listens on 0.0.0.0 with no option to change it). Unix socket paths are left alone.
 */
export function bindLoopbackOnly() {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function loopbackListen(...args) {
    const [first, ...rest] = args;
    if (first && typeof first === 'object' && !first.path && !first._handle && first.fd === undefined) {
      return listen.call(this, { ...first, host: LOOPBACK_ADDRESS }, ...rest);
    }
    if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      // listen(port[, host][, backlog][, callback]): whatever host was given, loopback instead.
      return listen.call(this, first, LOOPBACK_ADDRESS, ...rest.filter((arg) => typeof arg !== 'string'));
    }
    return listen.apply(this, args);
  };
}

/** Answers every HTTP request of this process that `refuse(req)` names a reason for with `reply(res, reason)`, before its server sees it. */
export function guardHttpRequests(refuse, reply) {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function guardedEmit(event, ...args) {
    if (event === 'request') {
      const [req, res] = args;
      const reason = refuse(req);
      if (reason) {
        req.resume();
        reply(req, res, reason);
        return true;
      }
    }
    return emit.call(this, event, ...args);
  };
}
