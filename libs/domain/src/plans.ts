/** Plan tiers and their default device caps (DESIGN section 4). `custom` marks a limit set by hand. */
export const PLAN_LIMITS = { free: 3, pro: 25, scale: 250, max: 1000 } as const;

export type StandardPlanTier = keyof typeof PLAN_LIMITS;
export type PlanTier = StandardPlanTier | 'custom';

export const PLAN_TIERS: readonly PlanTier[] = ['free', 'pro', 'scale', 'max', 'custom'];

/** Highest cap that can be set, to keep a typo from meaning "unlimited". */
export const MAX_DEVICE_LIMIT = 10_000_000;

export function isStandardPlanTier(tier: string): tier is StandardPlanTier {
  return Object.prototype.hasOwnProperty.call(PLAN_LIMITS, tier);
}
