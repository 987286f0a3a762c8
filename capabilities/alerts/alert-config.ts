// The alert settings a Lambda reads from its environment (set by the stack, or by the local twin).

export interface AlertEnvironment {
  /** The EventBridge bus the events go to; without it the function sends no alerts. */
  readonly busName?: string;
}

/** `ALERT_BUS_NAME`. The quota an alert is measured against is the one in force (override-quotas.ts). */
export function alertEnvironment(env: NodeJS.ProcessEnv): AlertEnvironment {
  return { busName: env.ALERT_BUS_NAME || undefined };
}
