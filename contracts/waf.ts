// The stage's web application firewall (AWS WAFv2) as data: read by the CDK web ACL
// (lib/constructs/web-acl.ts) and emulated, for its two custom rules, by the twin's gateway.
import { API_KEY_HEADER } from './deployment';
import { PLANS } from './plans';

export interface WafSettings {
  /** Attach a web ACL to the stage (it costs about $10/month plus $0.60 per million requests). */
  readonly enabled: boolean;
  /** Per-source-IP rate rule: at most `limit` requests per `windowSeconds`, then 403 until the rate drops. */
  readonly ipRate: { readonly limit: number; readonly windowSeconds: 60 | 120 | 300 | 600 };
  /**
   * Which requests WAF logs (CloudWatch Logs, credentials redacted): `all` it inspects, or only those a rule `blocked`
   * (a logging filter; allowed ones are in the stage's access log, counts by rule in WAF's metrics). @default 'all'
   */
  readonly logging?: 'all' | 'blocked';
}

/** WAF's per-IP window (its default); AWS evaluates the rate over the trailing window. */
const WINDOW_SECONDS = 300;

/**
 * Twice the largest plan's rate over the window, so one client at full rate (or two behind one NAT)
 * is never blocked: the rule is for floods of unauthenticated or random-key traffic, not for metering.
 */
export const DEFAULT_IP_RATE_LIMIT = 2 * Math.max(...Object.values(PLANS).map((p) => p.ratePerMinute)) * (WINDOW_SECONDS / 60);

export const WAF_DEFAULTS: WafSettings = {
  enabled: false,
  ipRate: { limit: DEFAULT_IP_RATE_LIMIT, windowSeconds: WINDOW_SECONDS },
  logging: 'all',
};

/** The rules, in evaluation order (priority = index); metric names are the rule names. */
export const WAF_RULES = {
  ipReputation: { name: 'AmazonIpReputationList', managedGroup: 'AWSManagedRulesAmazonIpReputationList' },
  ipRate: { name: 'PerIpRateLimit' },
  keyFormat: { name: 'ApiKeyFormat', header: API_KEY_HEADER },
  knownBadInputs: { name: 'KnownBadInputs', managedGroup: 'AWSManagedRulesKnownBadInputsRuleSet' },
  common: {
    name: 'CommonRuleSet',
    managedGroup: 'AWSManagedRulesCommonRuleSet',
    /**
     * Rules of the common set that only count, each for a reason: machine clients often send no
     * User-Agent, and request bodies are bounded by the API itself (MAX_BODY_BYTES → 413 problem+json),
     * where the set's 8 KB body rule would answer a valid larger body with 403.
     */
    countOnly: ['NoUserAgent_HEADER', 'SizeRestrictions_BODY'],
  },
} as const;

/**
 * Request parts WAF's logs never show: the API key and any other credential a client may send (lower-case header
 * names; WAF matches them case-insensitively), and query strings, which may carry anything.
 */
export const WAF_LOG_REDACTED = {
  headers: [API_KEY_HEADER, 'authorization', 'cookie'],
  queryString: true,
} as const;

/** The ACL's own metric name (CloudWatch AWS/WAFV2, dimension Rule=ALL for every rule). */
export const WAF_METRIC_NAME = 'MeteredApiWebAcl';
