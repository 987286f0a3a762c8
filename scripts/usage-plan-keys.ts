// API Gateway's usage-plan membership of keys, for `keys set-plan` on a deployed stage (lives in lambdas/shared/key-gateway.ts).
export { apiGatewayUsagePlanKeys } from '../lambdas/shared/key-gateway';
