// The functions the twin runs, by the id it names them with (`localFunctionName(stage, id)`), each with its
// handler entry: every route of contracts/routes, the workers of contracts/workers.ts and the admin function.
import { ADMIN_FUNCTION } from '../../contracts/admin/routes';
import { ROUTES } from '../../contracts/routes';
import { WORKERS } from '../../contracts/workers';

export interface TwinFunction {
  /** `hello`, `authorizer`, `daily-job`, … */
  readonly id: string;
  /** Handler file relative to the repository root, as contracts give it (`functions/hello/handler.ts`). */
  readonly entry: string;
}

/** `dailyJob` → `daily-job`: the twin names workers by their contracts key in kebab case. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

export const TWIN_FUNCTIONS: readonly TwinFunction[] = [
  ...ROUTES.map((route) => ({ id: route.id, entry: route.entry })),
  ...Object.entries(WORKERS).map(([key, worker]) => ({ id: kebab(key), entry: worker.entry })),
  { id: ADMIN_FUNCTION.id, entry: ADMIN_FUNCTION.entry },
];
