import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createAccount } from '../../src/access/index.js';
import type { Role } from '../../src/db/schema.js';
import { buildApp } from '../../src/http/app.js';
import type { TestDatabase } from './test-db.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export async function buildTestApp(d: TestDatabase, today = '2026-11-23'): Promise<FastifyInstance> {
  return buildApp({
    db: d.db,
    engine: d.engine,
    config: { sessionHours: 8, secureCookies: false },
    today: () => today,
    webDist: '/nonexistent-web-dist',
  });
}

export async function createTestAccount(d: TestDatabase, username: string, role: Role): Promise<void> {
  await createAccount(d.db, { username, role, password: TEST_PASSWORD });
}

export interface Client {
  cookie: string;
  csrf: string;
  get(url: string): Promise<LightMyRequestResponse>;
  send(
    method: 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    withCsrf?: boolean,
  ): Promise<LightMyRequestResponse>;
}

/** Signs in through the API and returns a client that carries the cookie (and the CSRF token). */
export async function signInAs(
  app: FastifyInstance,
  username: string,
  password = TEST_PASSWORD,
): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'passage_session');
  if (!cookie) throw new Error('no session cookie');
  const csrf = res.json<{ csrfToken: string }>().csrfToken;
  const header = `passage_session=${cookie.value}`;
  return {
    cookie: header,
    csrf,
    get: (url) => app.inject({ method: 'GET', url, headers: { cookie: header } }),
    send: (method, url, body, withCsrf = true) =>
      app.inject({
        method,
        url,
        headers: { cookie: header, ...(withCsrf ? { 'x-csrf-token': csrf } : {}) },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
  };
}
