import { DecisionCode as DomainDecisionCode } from '@warden/domain';
import { DecisionCode } from './warden-api.types';

/**
 * The SDK keeps its own copy of the decision codes: the published package depends on nothing
 * of this repository. This test is what keeps the copy honest.
 */
describe('the SDK decision codes', () => {
  it('are exactly the domain decision codes, under the same names', () => {
    expect(DecisionCode).toEqual(DomainDecisionCode);
  });
});
