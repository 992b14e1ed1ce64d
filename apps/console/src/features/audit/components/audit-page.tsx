import { useState } from 'react';
import { type AuditFilters } from '../api/audit.queries';
import { AuditFiltersForm } from './audit-filters-form';
import { ControlEventsTable } from './control-events-table';
import { DecisionsTable } from './decisions-table';
import { ExportForm } from './export-form';

/** The record: decisions and control events (with who caused them), filtered and paged, and the NDJSON export. */
export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>({});
  return (
    <>
      <h1>Audit</h1>
      <AuditFiltersForm onApply={setFilters} />
      <DecisionsTable filters={filters} />
      <ControlEventsTable filters={filters} />
      <ExportForm />
    </>
  );
}
