export { parseOrgEvent, parsePermissionDecided, permissionDecidedSchema } from './org-event.schemas';
export { type AroundEvolve, foldRecordedOrgEvent, parseRecordedOrgEvent } from './recorded-org-event';
export { parsePermissionAcknowledged, type PermissionAcknowledgedData, permissionAcknowledgedSchema } from './permission-acknowledged.schema';
