import type { Schemas } from '../../../api/client';

export type Propagation = Schemas['Propagation_Output'];

/**
 * Final: every target acknowledged, or the ack deadline passed (lagging is then every pending
 * target, and stays so). Before that the report is still moving and is asked again.
 */
export function isFinal(report: Propagation): boolean {
  return report.complete || report.lagging.length > 0;
}
