import { applyDecorators, createParamDecorator, Injectable, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { AuditQueryGate, type AuditQuery } from '@warden/audit';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import type { AuthenticatedRequest } from './auth/principal';

interface AuditRequest extends AuthenticatedRequest {
  auditQuery?: AuditQuery;
}

/** Seconds a client refused with `too_many_queries` is told to wait (`retry-after`). */
const RETRY_AFTER_SECONDS = '1';

/**
 * Admits an audit read at the node's AuditQueryGate (after the key guard, so it knows the
 * org): beyond the caps, 429 `too_many_queries` with `retry-after` before the handler runs.
 * The admitted query's signal reaches the handler through {@link QuerySignal}; its place is
 * given back when the answer is finished or the connection closes (and the signal aborts, so
 * the reads of a client that went away stop at their next page), or at the deadline.
 */
@Injectable()
export class AuditQueryInterceptor implements NestInterceptor {
  constructor(private readonly gate: AuditQueryGate) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuditRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    let query: AuditQuery;
    try {
      query = this.gate.admit(request.principal!.orgId);
    } catch (error) {
      void reply.header('retry-after', RETRY_AFTER_SECONDS);
      throw error;
    }
    request.auditQuery = query;
    reply.raw.once('close', () => query.end());
    return next.handle();
  }
}

/** Marks a route as an audit read: bounded per org and per node, and given a time budget. */
export function AuditRead(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(AuditQueryInterceptor),
    ApiResponse({ status: 429, description: 'too_many_queries: the org (or the node) already runs its most audit queries at once' }),
    ApiResponse({ status: 503, description: 'query_timeout: the query ran past WARDEN_AUDIT_QUERY_TIMEOUT_MS and was stopped' }),
  );
}

/** The AbortSignal of the request's admitted audit query (see {@link AuditRead}). */
export const QuerySignal = createParamDecorator(
  (_: unknown, context: ExecutionContext): AbortSignal | undefined => context.switchToHttp().getRequest<AuditRequest>().auditQuery?.signal,
);
