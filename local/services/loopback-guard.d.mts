// Types of loopback-guard.mjs (plain JavaScript, shared with the fauxqs child process).
import type { IncomingMessage, ServerResponse } from 'node:http';

export type EmulatorRefusal = 'host' | 'origin' | 'credentials';

export declare const LOOPBACK_ADDRESS: '127.0.0.1';
export declare function isLoopbackHost(host: string | undefined, port: number | undefined): boolean;
export declare function isLoopbackHostName(host: string | undefined): boolean;
export declare function signedAccessKeyId(req: IncomingMessage): string | undefined;
export declare function emulatorRefusal(req: IncomingMessage, accessKeyId: string | undefined): EmulatorRefusal | undefined;
export declare function bindLoopbackOnly(): void;
export declare function guardHttpRequests(
  refuse: (req: IncomingMessage) => EmulatorRefusal | undefined,
  reply: (req: IncomingMessage, res: ServerResponse, reason: EmulatorRefusal) => void,
): void;
