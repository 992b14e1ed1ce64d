import { DecisionsChart } from './decisions-chart';
import { KillSwitch } from './kill-switch';
import { LocksTable } from './locks-table';
import { UsageCard } from './usage-card';

/** The org at a glance: its cap, its state and kill switch, its locks, and what was decided lately. */
export function OverviewPage() {
  return (
    <>
      <h1>Overview</h1>
      <div className="grid">
        <UsageCard />
        <KillSwitch />
      </div>
      <DecisionsChart />
      <LocksTable />
    </>
  );
}
