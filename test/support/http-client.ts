/** A small JSON-over-HTTP client for e2e tests: never throws on 4xx/5xx, returns status and body. */
export interface JsonResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export class WardenHttp {
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  withKey(key: string): WardenHttp {
    return new WardenHttp(this.baseUrl, { ...this.headers, 'x-org-key': key });
  }

  withAdminToken(token: string): WardenHttp {
    return new WardenHttp(this.baseUrl, { ...this.headers, authorization: `Bearer ${token}` });
  }

  post<T = any>(path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<JsonResponse<T>> {
    const hasBody = body !== undefined;
    return this.request('POST', path, {
      body: typeof body === 'string' ? body : hasBody ? JSON.stringify(body) : undefined,
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...extraHeaders },
    });
  }

  get<T = any>(path: string, extraHeaders: Record<string, string> = {}): Promise<JsonResponse<T>> {
    return this.request('GET', path, { headers: extraHeaders });
  }

  async request<T = any>(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<JsonResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, { method, body: init.body, headers: { ...this.headers, ...init.headers } });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text (asserted by the caller)
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }
}

/** Creates an org through the API and returns its admin key and id. */
export async function createOrg(http: WardenHttp, adminToken: string, body: Record<string, unknown> = {}) {
  const response = await http.withAdminToken(adminToken).post('/api/v1/org/create', body);
  if (response.status !== 200) throw new Error(`org/create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { orgId: response.body.orgId as string, orgKey: response.body.orgApiKey as string, keyId: response.body.keyId as string };
}
