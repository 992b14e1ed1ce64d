export * from './audit';
export * from './export';
export { ExpiryCheck, type UnjustifiedExpiry } from './expiry-check';
