// Each function's environment as the stack set it (contracts/function-env.ts), read once per execution environment
// (the first read happens at a handler's module scope, after the twin has set the variables); no SDK is loaded here.
import { type FunctionEnv, type FunctionKind, readFunctionEnvironment } from '../../contracts/function-env';

const read = new Map<FunctionKind, unknown>();

/** The variables of one kind of function, by field (the same object on every call). */
export function functionEnv<F extends FunctionKind>(kind: F): FunctionEnv<F> {
  if (!read.has(kind)) read.set(kind, readFunctionEnvironment(kind, process.env));
  return read.get(kind) as FunctionEnv<F>;
}

/** The stage this function belongs to; `dev` where nothing says (unit tests). */
export function stageName(): string {
  return functionEnv('every').stage || 'dev';
}
