import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type DecisionCode, type Schemas } from '../../../api/client';

export type DecisionRecord = Schemas['DecisionRecord_Output'];
export type ControlEvent = Schemas['ControlEvent_Output'];

/** What the audit screen asks for; times are ISO 8601 (UTC). */
export interface AuditFilters {
  readonly deviceId?: string;
  readonly code?: DecisionCode;
  readonly allowed?: 'true' | 'false';
  readonly from?: string;
  readonly to?: string;
}

export const PAGE_SIZE = 50;

/** One page of recorded decisions (GET /api/v1/audit/decisions), in ledger order. */
export function useDecisionPage(filters: AuditFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: ['audit', 'decisions', filters, cursor],
    queryFn: () => unwrap(api.GET('/api/v1/audit/decisions', { params: { query: { ...filters, cursor, limit: PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });
}

/** One page of control events with their actors (GET /api/v1/audit/events), in ledger order. */
export function useControlEventPage(filters: AuditFilters, cursor: string | undefined) {
  const { deviceId, from, to } = filters;
  return useQuery({
    queryKey: ['audit', 'events', { deviceId, from, to }, cursor],
    queryFn: () => unwrap(api.GET('/api/v1/audit/events', { params: { query: { deviceId, from, to, cursor, limit: PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });
}

/**
 * Downloads the org's NDJSON export for a range (GET /api/v1/audit/export): fetched with the
 * key in its header (a link could not carry it), then saved through a short-lived Blob URL.
 */
export async function downloadExport(range: { from?: string; to?: string }): Promise<void> {
  const { data, error, response } = await api.GET('/api/v1/audit/export', { params: { query: range }, parseAs: 'blob' });
  if (!response.ok || !(data instanceof Blob)) await unwrap(Promise.resolve({ data: undefined, error, response }));
  const url = URL.createObjectURL(data as Blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = `warden-export-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The click has handed the Blob to the download already.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
