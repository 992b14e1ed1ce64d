import type { DecisionCode } from '@warden/domain';

/**
 * What the application layer reports for monitoring. The app binds it to Prometheus; libs
 * stay free of any metrics library.
 */
export abstract class EnforcementMetrics {
  abstract decisionMade(code: DecisionCode): void;
  /** One ledger append: `category` is the stream kind (`org`, `decisions`). */
  abstract ledgerAppended(category: 'org' | 'decisions', seconds: number, ok: boolean): void;
  abstract decisionBatchFlushed(size: number): void;
}

export class NoopEnforcementMetrics extends EnforcementMetrics {
  decisionMade(): void {}
  ledgerAppended(): void {}
  decisionBatchFlushed(): void {}
}
