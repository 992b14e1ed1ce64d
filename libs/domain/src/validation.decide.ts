import { DecisionCode, type Verdict } from './decision-codes';
import type { OrgState } from './org.state';

const ALLOW: Verdict = Object.freeze({ allowed: true, code: DecisionCode.Allow });
const NOT_REGISTERED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.DeviceNotRegistered });
const REVOKED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.DeviceRevoked });
const SUSPENDED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.OrgSuspended });
const LIMIT_EXCEEDED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.LimitExceeded });

/**
 * Validate: may this device work now? A pure function of the org state (DESIGN section 4).
 * Checks go from the device's identity outwards: unknown, revoked, org kill switch, cap.
 * Verdicts are shared frozen constants, so the hot path allocates nothing.
 */
export function decideValidation(state: OrgState | undefined, deviceId: string): Verdict {
  const device = state?.exists ? state.devices.get(deviceId) : undefined;
  if (!state || !device) return NOT_REGISTERED;
  if (device.status === 'revoked') return REVOKED;
  if (state.suspended) return SUSPENDED;
  if (state.activeCount > state.limit && devicesBeyondCap(state).has(deviceId)) return LIMIT_EXCEEDED;
  return ALLOW;
}

/**
 * The active devices beyond the cap: when a cap is lowered below the active count, the
 * newest registrations (by registration order) beyond it are denied, deterministically.
 * Memoized on the state until the next event that could change it.
 */
export function devicesBeyondCap(state: OrgState): ReadonlySet<string> {
  if (state.capDenied) return state.capDenied;
  const denied = new Set<string>();
  if (state.activeCount > state.limit) {
    let rank = 0;
    for (const device of state.devices.values()) {
      if (device.status !== 'active') continue;
      if (rank >= state.limit) denied.add(device.deviceId);
      rank++;
    }
  }
  state.capDenied = denied;
  return denied;
}
