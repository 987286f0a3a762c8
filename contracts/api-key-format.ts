// The shape of a client's API key: checked by the authorizer, by the WAF's key-format rule and by the twin.

/** Every key starts with this, so leaked keys are easy to recognise (and to scan for). */
export const API_KEY_PREFIX = 'mapi';
/** 40 base62 characters ≈ 238 bits of randomness. */
export const API_KEY_SECRET_LENGTH = 40;
/** The whole key, anchored: also the WAF rule's regex (AWS WAF takes at most 512 characters). */
export const API_KEY_REGEX = `^${API_KEY_PREFIX}[A-Za-z0-9]{${API_KEY_SECRET_LENGTH}}$`;
export const API_KEY_PATTERN = new RegExp(API_KEY_REGEX);
