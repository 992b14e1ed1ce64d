import { QueryState } from '../../../components/query-state';
import { useOrg, useUsage } from '../api/overview.queries';

/** Plan and cap: seats used and devices allowed now, against the limit. */
export function UsageCard() {
  const usage = useUsage();
  const org = useOrg();
  const data = usage.data;
  return (
    <section className="card" aria-labelledby="usage-title">
      <h2 id="usage-title">Plan and cap</h2>
      <QueryState isPending={usage.isPending} error={usage.error} what="usage" />
      {data && (
        <>
          <p>
            Plan <strong>{data.planTier}</strong>, limit <strong>{data.limit}</strong> devices · {data.devicesTotal} registered, {data.devicesRevoked} revoked
          </p>
          <div className="meter-row">
            <label htmlFor="seats-used">
              Seats used: {data.devicesUsed} of {data.limit}
            </label>
            <meter id="seats-used" min={0} max={Math.max(data.limit, 1)} value={data.devicesUsed} high={Math.max(data.limit, 1) * 0.9} />
          </div>
          {org.data && (
            <div className="meter-row">
              <label htmlFor="devices-live">
                Allowed now (live): {org.data.devicesAllowed} of {data.limit}
              </label>
              <meter id="devices-live" min={0} max={Math.max(data.limit, 1)} value={org.data.devicesAllowed} />
            </div>
          )}
          {data.overLimit && <p className="notice">The org is at its cap: new registrations are refused.</p>}
        </>
      )}
    </section>
  );
}
