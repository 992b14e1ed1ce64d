/**
 * Generated from the control plane's OpenAPI document by scripts/console-api.ts: do not edit.
 * Run `npm run console:api` after changing the API.
 */

export interface paths {
    "/api/v1/org": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org: its name, plan and cap, whether it is suspended (and why), how many devices validate would allow now */
        get: operations["OrgController_org"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org's active keys: id, scope and when issued (never the key nor its hash) */
        get: operations["OrgController_keys"];
        put?: never;
        /** Issue a key (runtime scope: register, validate, watch only); shown once */
        post: operations["OrgController_issue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org/create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an org; answers its admin-scoped org key (shown once) */
        post: operations["OrgController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org/suspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Org-wide kill switch: every validation of the org is denied with ORG_SUSPENDED; with awaitAcks, answered once the live runtimes acknowledged (or the timeout passed) */
        post: operations["OrgController_suspend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Release the org-wide kill switch */
        post: operations["OrgController_resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org/limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set the device cap and/or plan tier */
        post: operations["OrgController_setLimits"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Leases on (leaseTtlSeconds 5..86400) or off (null): a device that shows no sign of life for the TTL is expired and its seat released */
        post: operations["OrgController_setPolicy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org/keys/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke a key; the last admin key cannot be revoked */
        post: operations["OrgController_revokeKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Register a device (idempotent); refused at the cap, when revoked or when the org is suspended */
        post: operations["DevicesController_register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Legacy validate (MachineID GET form), with valid/revoked fields */
        get: operations["DevicesController_validateLegacy"];
        put?: never;
        /** May this device work now? Binary answer, recorded before it is given */
        post: operations["DevicesController_validate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every device of the org with its current permission */
        get: operations["DevicesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke a device; idempotent (result already_revoked); 404 device_not_found for an unknown one; with awaitAcks, answered once the runtime acknowledged (or the timeout passed) */
        post: operations["DevicesController_revoke"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/unrevoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restore a revoked device; 403 device_limit_reached at the cap */
        post: operations["DevicesController_unrevoke"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/remove": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Forget a device (it may register again, as a new registration) */
        post: operations["DevicesController_remove"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/revoke_batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke up to 1000 devices in one atomic append; with awaitAcks, answered once the runtimes acknowledged (or the timeout passed) */
        post: operations["DevicesController_revokeBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/unrevoke_batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restore devices in request order while the cap allows */
        post: operations["DevicesController_unrevokeBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A device's control events, recorded decisions and acks, in ledger order */
        get: operations["DevicesController_deviceHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/locks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The active locks of the org (timed locks past their time are gone), with how many devices each denies now */
        get: operations["LocksController_list"];
        put?: never;
        /** Place a lock on a device and/or labels (every label must match); answers its lockId and how many devices it denies now; with awaitAcks, once the locked runtimes acknowledged (or the timeout passed) */
        post: operations["LocksController_place"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/locks/remove": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Lift a lock; an unknown lock (or a timed one already past its time) is 404 lock_not_found */
        post: operations["LocksController_remove"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/watch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** SSE: current permission, then changes (`permission` events), then `heartbeat` events */
        get: operations["WatchController_watch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org/watch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** SSE for operators: the org's current state (deviceId null), then every permission change of the org's devices (`permission` events), then `heartbeat` events */
        get: operations["WatchController_watchOrg"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org's plan, cap and device counts */
        get: operations["UsageController_usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/decisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recorded decisions of the org (optionally one device, a code, allowed or denied, a time range), paged by ledger position */
        get: operations["AuditController_listDecisions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/decisions/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org's recorded decisions per minute and code over the last minutes (default 15, at most 60), as this node has read them */
        get: operations["AuditController_summary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org's control events (optionally those about one device, a time range) with the actor of each, paged by revision */
        get: operations["AuditController_listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every device's permission at a time or a ledger position */
        get: operations["AuditController_state"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** NDJSON stream of the org's control events and decisions, in ledger order */
        get: operations["AuditController_export"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/ack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge a permission change the runtime applied; answered once durable, stored once per device and position */
        post: operations["PropagationController_ack"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/propagation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Which live devices acknowledged the permission change committed at a position */
        get: operations["PropagationController_propagation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A runtime's sign of life: renews its lease (leases on) and answers its current verdict; recorded like a validation */
        post: operations["DevicesController_heartbeat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ErrorBodyDto_Output: {
            /** @enum {string} */
            status: "error";
            error: string;
            message: string;
        };
        /** @enum {string} */
        PlanTier_Output: "free" | "pro" | "scale" | "max" | "custom";
        OrgResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "org";
            orgId: string;
            name: string;
            planTier: components["schemas"]["PlanTier_Output"];
            /** @enum {string} */
            planState: "active" | "suspended";
            accessUntil: null;
            limit: number;
            /** @description active devices: the seats taken */
            devicesUsed: number;
            remaining: number;
            /** @description true when no further device fits (at or over the cap) */
            overLimit: boolean;
            softGraceWindow: boolean;
            /** @description the reason given when the org was suspended; null while active */
            suspendedReason: string | null;
            /** @description devices that validate would allow now (active, not locked, within the cap, org not suspended) */
            devicesAllowed: number;
            /** @description a ledger position, as a decimal string */
            position: string;
        };
        KeyView_Output: {
            keyId: string;
            /** @enum {string} */
            scope: "admin" | "runtime";
            issuedAt: string;
            /** @description true for the key this request was made with */
            current: boolean;
        };
        KeyListResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "org/keys/list";
            orgId: string;
            count: number;
            keys: components["schemas"]["KeyView_Output"][];
        };
        CreateOrgDto: {
            name?: string;
            /** @enum {string} */
            planTier?: "free" | "pro" | "scale" | "max";
        };
        CreateOrgResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            orgApiKey: string;
            orgId: string;
            keyId: string;
            /** @enum {string} */
            handler: "org_create";
            planTier: components["schemas"]["PlanTier_Output"];
            /** @enum {string} */
            planState: "active" | "suspended";
            accessUntil: null;
            limit: number;
            /** @description active devices: the seats taken */
            devicesUsed: number;
            remaining: number;
            /** @description true when no further device fits (at or over the cap) */
            overLimit: boolean;
            softGraceWindow: boolean;
        };
        SuspendOrgDto: {
            reason?: string;
            /** @description hold the answer until every target acknowledged the change, at most timeoutMs (1..30000); the answer then carries `propagation` */
            awaitAcks?: {
                timeoutMs: number;
            };
        };
        Propagation_Output: {
            /** @description a ledger position, as a decimal string */
            position: string;
            /** @description the event committed at the position; none when the command changed nothing */
            eventType: string;
            committedAt: string;
            /** @description devices the event changed that were live when it was pushed */
            targets: number;
            /** @description targets that acknowledged it */
            acked: number;
            /** @description targets with no ack yet */
            pending: string[];
            /** @description pending targets past WARDEN_ACK_DEADLINE_MS */
            lagging: string[];
            complete: boolean;
            ackLatencyMs: {
                p50: number | null;
                p90: number | null;
                p99: number | null;
                max: number | null;
            };
        };
        OrgChangeResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "org/suspend" | "org/resume" | "org/limits";
            orgId: string;
            /** @description a ledger position, as a decimal string */
            position: string;
            planTier: components["schemas"]["PlanTier_Output"];
            /** @enum {string} */
            planState: "active" | "suspended";
            accessUntil: null;
            limit: number;
            /** @description active devices: the seats taken */
            devicesUsed: number;
            remaining: number;
            /** @description true when no further device fits (at or over the cap) */
            overLimit: boolean;
            softGraceWindow: boolean;
            /** @description with awaitAcks only: the report once every target acked, or when the timeout passed */
            propagation?: components["schemas"]["Propagation_Output"];
        };
        SetLimitsDto: {
            limit?: number;
            /** @enum {string} */
            planTier?: "free" | "pro" | "scale" | "max" | "custom";
        };
        SetPolicyDto: {
            leaseTtlSeconds: number[];
        };
        PolicyResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "org/policy";
            orgId: string;
            leaseTtlSeconds: number | null;
            /** @description a ledger position, as a decimal string */
            position: string;
            planTier: components["schemas"]["PlanTier_Output"];
            /** @enum {string} */
            planState: "active" | "suspended";
            accessUntil: null;
            limit: number;
            /** @description active devices: the seats taken */
            devicesUsed: number;
            remaining: number;
            /** @description true when no further device fits (at or over the cap) */
            overLimit: boolean;
            softGraceWindow: boolean;
        };
        IssueKeyDto: {
            /** @enum {string} */
            scope: "runtime" | "admin";
        };
        IssueKeyResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "org/keys";
            /** @description shown once */
            key: string;
            keyId: string;
            /** @enum {string} */
            scope: "admin" | "runtime";
        };
        RevokeKeyDto: {
            keyId: string;
        };
        RevokeKeyResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "org/keys/revoke";
            keyId: string;
        };
        RegisterDeviceDto: {
            deviceId: string;
            labels?: {
                [key: string]: string;
            };
        };
        RegisterResponseDto_Output: {
            /** @enum {string} */
            status: "ok" | "exists" | "limit_reached" | "revoked" | "suspended";
            /** @enum {string} */
            handler: "devices/register";
            deviceId: string;
            orgId: string;
            /** @description a ledger position, as a decimal string */
            position: string;
            planTier: components["schemas"]["PlanTier_Output"];
            /** @enum {string} */
            planState: "active" | "suspended";
            accessUntil: null;
            limit: number;
            /** @description active devices: the seats taken */
            devicesUsed: number;
            remaining: number;
            /** @description true when no further device fits (at or over the cap) */
            overLimit: boolean;
            softGraceWindow: boolean;
            /** @description the org lease TTL, only when leases are on */
            leaseTtlSeconds?: number;
            /** @description on a refusal (403): device_limit_reached, device_revoked, org_suspended */
            error?: string;
            request_id?: string;
        };
        /** @enum {string} */
        DecisionCode_Output: "ALLOW" | "DEVICE_NOT_REGISTERED" | "DEVICE_REVOKED" | "ORG_SUSPENDED" | "LIMIT_EXCEEDED" | "LEDGER_UNAVAILABLE" | "LEASE_EXPIRED" | "DEVICE_LOCKED";
        LegacyValidateResponseDto_Output: {
            orgId: string;
            allowed: boolean;
            code: components["schemas"]["DecisionCode_Output"];
            request_id: string;
            /** @description legacy MachineID status: ok, revoked, suspended, … */
            status: string;
            reason: string;
            deviceId: string;
            /** @description a ledger position, as a decimal string */
            position: string;
            /** @enum {string} */
            handler: "devices/validate";
            /** @description the org lease TTL, only when leases are on (the SDK heartbeats at a third of it) */
            leaseTtlSeconds?: number;
            valid: boolean;
            revoked: boolean;
        };
        DeviceView_Output: {
            deviceId: string;
            /** @enum {string} */
            status: "active" | "revoked" | "expired";
            allowed: boolean;
            /** @description what validate would answer now */
            code: components["schemas"]["DecisionCode_Output"];
            labels: {
                [key: string]: string;
            };
            registeredAt: string;
            /** @description when it was revoked; null unless revoked */
            revokedAt: string | null;
            /** @description the reason given with the revoke; null unless revoked */
            revokedReason: string | null;
            /** @description the device's last sign of life this node knows of; null with leases off */
            lastSeenAt: string | null;
            /** @description when its lease lapses unless it shows life again; null with leases off */
            leaseExpiresAt: string | null;
        };
        DeviceListResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "devices/list";
            orgId: string;
            count: number;
            devices: components["schemas"]["DeviceView_Output"][];
            planTier: components["schemas"]["PlanTier_Output"];
            /** @enum {string} */
            planState: "active" | "suspended";
            accessUntil: null;
            limit: number;
            /** @description active devices: the seats taken */
            devicesUsed: number;
            remaining: number;
            /** @description true when no further device fits (at or over the cap) */
            overLimit: boolean;
            softGraceWindow: boolean;
        };
        RevokeDeviceDto: {
            deviceId: string;
            reason?: string;
            /** @description hold the answer until every target acknowledged the change, at most timeoutMs (1..30000); the answer then carries `propagation` */
            awaitAcks?: {
                timeoutMs: number;
            };
        };
        DeviceCommandResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "devices/revoke" | "devices/unrevoke" | "devices/remove";
            deviceId: string;
            /** @enum {string} */
            result: "registered" | "exists" | "limit_reached" | "suspended" | "revoked" | "already_revoked" | "restored" | "not_revoked" | "removed" | "not_found";
            request_id: string;
            /** @description a ledger position, as a decimal string */
            position: string;
            planTier: components["schemas"]["PlanTier_Output"];
            /** @enum {string} */
            planState: "active" | "suspended";
            accessUntil: null;
            limit: number;
            /** @description active devices: the seats taken */
            devicesUsed: number;
            remaining: number;
            /** @description true when no further device fits (at or over the cap) */
            overLimit: boolean;
            softGraceWindow: boolean;
            /** @description with awaitAcks only: the report once every target acked, or when the timeout passed */
            propagation?: components["schemas"]["Propagation_Output"];
        };
        DeviceIdDto: {
            deviceId: string;
        };
        RevokeBatchDto: {
            deviceIds: string[];
            reason?: string;
            /** @description hold the answer until every target acknowledged the change, at most timeoutMs (1..30000); the answer then carries `propagation` */
            awaitAcks?: {
                timeoutMs: number;
            };
        };
        DeviceBatchResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "devices/revoke_batch" | "devices/unrevoke_batch";
            results: {
                deviceId: string;
                /** @enum {string} */
                result: "registered" | "exists" | "limit_reached" | "suspended" | "revoked" | "already_revoked" | "restored" | "not_revoked" | "removed" | "not_found";
                ok: boolean;
            }[];
            request_id: string;
            /** @description a ledger position, as a decimal string */
            position: string;
            planTier: components["schemas"]["PlanTier_Output"];
            /** @enum {string} */
            planState: "active" | "suspended";
            accessUntil: null;
            limit: number;
            /** @description active devices: the seats taken */
            devicesUsed: number;
            remaining: number;
            /** @description true when no further device fits (at or over the cap) */
            overLimit: boolean;
            softGraceWindow: boolean;
            /** @description with awaitAcks only: the report once every target acked, or when the timeout passed */
            propagation?: components["schemas"]["Propagation_Output"];
        };
        DeviceBatchDto: {
            deviceIds: string[];
            reason?: string;
        };
        HistoryEntry_Output: {
            /** @description a ledger position, as a decimal string */
            position: string;
            /** @description org-<orgId> for a control event, decisions-<nodeId> for a decision record, acks-<nodeId> for an ack */
            streamId: string;
            revision: string;
            /** @description the control event type, PermissionDecided, or PermissionAcknowledged */
            type: string;
            /** @description the event's at, the decision's decidedAt, or the ack's recordedAt */
            at: string;
            /** @description who wrote it: a key id, admin or system */
            actor: string;
            /** @description the record as stored; an ack (PermissionAcknowledged) has position (the change it acknowledges), receivedAt, stoppedAt (null unless it stopped), transport (null when not said) and recordedAt */
            data: {
                [key: string]: unknown;
            };
        };
        DeviceHistoryResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "devices/history";
            deviceId: string;
            events: components["schemas"]["HistoryEntry_Output"][];
        };
        PlaceLockDto: {
            /** @description the devices to stop: a deviceId, labels (a device must carry every one), or both; not empty */
            selector: {
                deviceId?: string;
                labels?: {
                    [key: string]: string;
                };
            };
            /** @description why: shown in the lock list */
            reason: string;
            /**
             * Format: date-time
             * @description when the lock lifts by itself (in the future, at most a year ahead); absent or null: until removed
             */
            expiresAt?: string | null;
            /** @description hold the answer until every target acknowledged the change, at most timeoutMs (1..30000); the answer then carries `propagation` */
            awaitAcks?: {
                timeoutMs: number;
            };
        };
        LockSelector_Output: {
            deviceId?: string;
            labels?: {
                [key: string]: string;
            };
        };
        PlaceLockResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "locks";
            orgId: string;
            lockId: string;
            selector: components["schemas"]["LockSelector_Output"];
            reason: string;
            /** @description when it lifts by itself; null: until lifted */
            expiresAt: string | null;
            placedAt: string;
            /** @description the key id that placed it */
            actor: string;
            /** @description the active devices it denies now */
            matched: number;
            /** @description a ledger position, as a decimal string */
            position: string;
            /** @description with awaitAcks only: the report once every target acked, or when the timeout passed */
            propagation?: components["schemas"]["Propagation_Output"];
        };
        LockView_Output: {
            lockId: string;
            selector: components["schemas"]["LockSelector_Output"];
            reason: string;
            /** @description when it lifts by itself; null: until lifted */
            expiresAt: string | null;
            placedAt: string;
            /** @description the key id that placed it */
            actor: string;
            /** @description the active devices it denies now */
            matched: number;
        };
        LockListResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "locks";
            orgId: string;
            count: number;
            locks: components["schemas"]["LockView_Output"][];
            /** @description a ledger position, as a decimal string */
            position: string;
        };
        LockIdDto: {
            /** @description the lockId POST locks answered */
            lockId: string;
        };
        LiftLockResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "locks/remove";
            orgId: string;
            lockId: string;
            /** @description a ledger position, as a decimal string */
            position: string;
        };
        PermissionMessageDto_Output: {
            orgId: string;
            /** @description the device; null for an org-level message (suspend, resume) */
            deviceId: string | null;
            allowed: boolean;
            code: components["schemas"]["DecisionCode_Output"];
            /** @description a ledger position, as a decimal string */
            position: string;
            eventId: string;
            at: string;
        };
        UsageResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "usage";
            orgId: string;
            planTier: components["schemas"]["PlanTier_Output"];
            /** @enum {string} */
            planState: "active" | "suspended";
            accessUntil: null;
            limit: number;
            /** @description active devices: the seats taken */
            devicesUsed: number;
            remaining: number;
            /** @description true when no further device fits (at or over the cap) */
            overLimit: boolean;
            softGraceWindow: boolean;
            devicesRevoked: number;
            devicesTotal: number;
            /** @description the lease TTL of the org; null with leases off */
            leaseTtlSeconds: number | null;
            /** @description active devices whose lease has not lapsed, as this node sees them; null with leases off */
            devicesLive: number | null;
        };
        DecisionRecord_Output: {
            /** @description a ledger position, as a decimal string */
            position: string;
            /** @description the node that recorded it (its decisions-<nodeId> stream) */
            node: string;
            decisionId: string;
            orgId: string;
            deviceId: string;
            /** @enum {string} */
            action: "validate" | "register" | "heartbeat";
            allowed: boolean;
            code: components["schemas"]["DecisionCode_Output"];
            orgRevision: number;
            decidedAt: string;
        };
        DecisionPageResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "audit/decisions";
            decisions: components["schemas"]["DecisionRecord_Output"][];
            /** @description pass as cursor for the next page; null when the end of the ledger was reached */
            nextCursor: string | null;
        };
        DecisionMinute_Output: {
            /** @description start of the minute */
            at: string;
            /** @description decision code → decisions recorded in that minute */
            counts: {
                [key: string]: number;
            };
        };
        DecisionSummaryResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "audit/decisions/summary";
            minutes: number;
            /** @description start of the first minute (inclusive) */
            from: string;
            /** @description end of the last minute (exclusive) */
            to: string;
            buckets: components["schemas"]["DecisionMinute_Output"][];
            /** @description false when this node has not read the decision streams up to the ledger head yet (a bounded read per request): ask again */
            complete: boolean;
        };
        ControlEvent_Output: {
            /** @description a ledger position, as a decimal string */
            position: string;
            revision: string;
            /** @description OrgCreated, DeviceRevoked, LockPlaced, … */
            type: string;
            at: string;
            /** @description the key id that caused it, admin (the admin token) or system */
            actor: string;
            /** @description the device it concerns, if one */
            deviceId: string | null;
            /** @description the event as stored (key hashes left out) */
            data: {
                [key: string]: unknown;
            };
        };
        ControlEventPageResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            handler: "audit/events";
            events: components["schemas"]["ControlEvent_Output"][];
            /** @description pass as cursor for the next page (a revision of the org stream); null at the end */
            nextCursor: string | null;
        };
        AckDto: {
            deviceId: string;
            position: string;
            /** Format: date-time */
            receivedAt: string;
            /** Format: date-time */
            stoppedAt?: string;
            /** @enum {string} */
            transport?: "nats" | "sse";
        };
        AckResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            deviceId: string;
            /** @description a ledger position, as a decimal string */
            position: string;
            /** @description already acknowledged (not stored again) */
            duplicate: boolean;
        };
        PropagationResponseDto_Output: {
            /** @enum {string} */
            status: "ok";
            propagation: components["schemas"]["Propagation_Output"];
        };
        ValidateResponseDto_Output: {
            orgId: string;
            allowed: boolean;
            code: components["schemas"]["DecisionCode_Output"];
            request_id: string;
            /** @description legacy MachineID status: ok, revoked, suspended, … */
            status: string;
            reason: string;
            deviceId: string;
            /** @description a ledger position, as a decimal string */
            position: string;
            /** @enum {string} */
            handler: "devices/validate";
            /** @description the org lease TTL, only when leases are on (the SDK heartbeats at a third of it) */
            leaseTtlSeconds?: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    OrgController_org: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    OrgController_keys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyListResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    OrgController_issue: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IssueKeyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssueKeyResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    OrgController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOrgDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreateOrgResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    OrgController_suspend: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SuspendOrgDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgChangeResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    OrgController_resume: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgChangeResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    OrgController_setLimits: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetLimitsDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgChangeResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    OrgController_setPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetPolicyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    OrgController_revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RevokeKeyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevokeKeyResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterDeviceDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegisterResponseDto_Output"];
                };
            };
            /** @description refused (cap reached, revoked, org suspended), with `error`; also 403 forbidden_scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegisterResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_validateLegacy: {
        parameters: {
            query: {
                deviceId: string;
                consistencyToken?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LegacyValidateResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_validate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    deviceId: string;
                    consistencyToken?: string;
                };
            };
        };
        responses: {
            /** @description the verdict (allowed or not, with its code), on the record */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidateResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceListResponseDto_Output"];
                };
            };
            /** @description too_many_queries: the org (or the node) already runs its most audit queries at once */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description query_timeout: the query ran past WARDEN_AUDIT_QUERY_TIMEOUT_MS and was stopped */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RevokeDeviceDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceCommandResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_unrevoke: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceIdDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceCommandResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceIdDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceCommandResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_revokeBatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RevokeBatchDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceBatchResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_unrevokeBatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceBatchDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceBatchResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_deviceHistory: {
        parameters: {
            query: {
                deviceId: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceHistoryResponseDto_Output"];
                };
            };
            /** @description too_many_queries: the org (or the node) already runs its most audit queries at once */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description query_timeout: the query ran past WARDEN_AUDIT_QUERY_TIMEOUT_MS and was stopped */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    LocksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LockListResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    LocksController_place: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlaceLockDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlaceLockResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    LocksController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LockIdDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LiftLockResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    WatchController_watch: {
        parameters: {
            query: {
                deviceId: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description an event stream: `permission` events (each data is one PermissionMessage, JSON), `heartbeat` events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["PermissionMessageDto_Output"];
                };
            };
        };
    };
    WatchController_watchOrg: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description an event stream: `permission` events (each data is one PermissionMessage, JSON), `heartbeat` events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["PermissionMessageDto_Output"];
                };
            };
        };
    };
    UsageController_usage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    AuditController_listDecisions: {
        parameters: {
            query?: {
                deviceId?: string;
                from?: string;
                to?: string;
                /** @description only decisions with this code */
                code?: "ALLOW" | "DEVICE_NOT_REGISTERED" | "DEVICE_REVOKED" | "ORG_SUSPENDED" | "LIMIT_EXCEEDED" | "LEDGER_UNAVAILABLE" | "LEASE_EXPIRED" | "DEVICE_LOCKED";
                /** @description only allowed (true) or denied (false) decisions */
                allowed?: "true" | "false";
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DecisionPageResponseDto_Output"];
                };
            };
            /** @description too_many_queries: the org (or the node) already runs its most audit queries at once */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description query_timeout: the query ran past WARDEN_AUDIT_QUERY_TIMEOUT_MS and was stopped */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    AuditController_summary: {
        parameters: {
            query?: {
                /** @description 1 to 60 */
                minutes?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DecisionSummaryResponseDto_Output"];
                };
            };
            /** @description too_many_queries: the org (or the node) already runs its most audit queries at once */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description query_timeout: the query ran past WARDEN_AUDIT_QUERY_TIMEOUT_MS and was stopped */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    AuditController_listEvents: {
        parameters: {
            query?: {
                /** @description only events about this device */
                deviceId?: string;
                from?: string;
                to?: string;
                /** @description the nextCursor of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ControlEventPageResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    AuditController_state: {
        parameters: {
            query: {
                at: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description too_many_queries: the org (or the node) already runs its most audit queries at once */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description query_timeout: the query ran past WARDEN_AUDIT_QUERY_TIMEOUT_MS and was stopped */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    AuditController_export: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description one JSON record per line */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                };
            };
            /** @description too_many_queries: the org (or the node) already runs its most audit queries at once */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description query_timeout: the query ran past WARDEN_AUDIT_QUERY_TIMEOUT_MS and was stopped */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    PropagationController_ack: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AckDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AckResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    PropagationController_propagation: {
        parameters: {
            query: {
                position: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PropagationResponseDto_Output"];
                };
            };
            /** @description an error: `error` is a stable code */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto_Output"];
                };
            };
        };
    };
    DevicesController_heartbeat: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    deviceId: string;
                };
            };
        };
        responses: {
            /** @description {status, deviceId, expiresAt, leaseTtlSeconds, allowed, code, request_id, position} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the device is unknown, removed or expired: `error` is DEVICE_NOT_REGISTERED or LEASE_EXPIRED; nothing renewed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description ledger_unavailable: the heartbeat could not be recorded; nothing renewed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
