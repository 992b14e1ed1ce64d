import { z } from 'zod';
import { CliUsageError } from '../cli-config';

/** `--url` and `--key` as commander hands them over; they win over the environment. */
export interface ApiOptions {
  readonly url?: string;
  readonly key?: string;
}

export interface ApiConfig {
  /** The control plane's origin, e.g. `http://127.0.0.1:8080` (no trailing slash, no credentials). */
  readonly baseUrl: string;
  /** The org key, sent in the `x-org-key` header only; never printed, never in a URL. */
  readonly key: string;
}

const urlSchema = z
  .url({ protocol: /^https?$/, error: 'WARDEN_URL (or --url) must be an http(s) URL, e.g. http://127.0.0.1:8080' })
  .refine((text) => {
    const url = new URL(text);
    return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  }, 'WARDEN_URL (or --url) must not carry credentials, a query or a fragment: the key goes in WARDEN_ORG_KEY')
  .transform((text) => text.replace(/\/+$/, ''));

const schema = z.object({
  url: z.string({ error: 'set WARDEN_URL (or --url) to the control plane, e.g. http://127.0.0.1:8080' }).trim().min(1, 'WARDEN_URL is empty').pipe(urlSchema),
  key: z.string({ error: 'set WARDEN_ORG_KEY (or --key) to an org key' }).trim().min(1, 'WARDEN_ORG_KEY is empty'),
});

/** Where the operator commands send their requests: the options, else WARDEN_URL and WARDEN_ORG_KEY. */
export function loadApiConfig(options: ApiOptions, env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = schema.safeParse({ url: options.url ?? env.WARDEN_URL, key: options.key ?? env.WARDEN_ORG_KEY });
  if (!parsed.success) throw new CliUsageError(parsed.error.issues[0]!.message);
  return { baseUrl: parsed.data.url, key: parsed.data.key };
}
