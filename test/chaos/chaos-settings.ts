/**
 * Size of the chaos suites. The reduced form runs in `npm test` (CI); the full form with
 * `npm run test:chaos` (WARDEN_CHAOS_FULL=1). WARDEN_CHAOS_SEED repeats a run's random choices.
 */
export const CHAOS_FULL = process.env.WARDEN_CHAOS_FULL === '1';

export const CHAOS_SEED = process.env.WARDEN_CHAOS_SEED ? Number(process.env.WARDEN_CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);
