import crypto from 'node:crypto';
import pg from 'pg';

/**
 * A throwaway database on a PostgreSQL server, for tests and benchmarks: created empty under a
 * unique name and dropped (closing any connections left) by `drop`.
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const onServer = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  await onServer((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = () =>
    onServer(async (c) => {
      // A closed pool's connections may still be on their way out (pg-pool's end resolves before
      // the server has seen every Terminate): wait for them briefly, so that FORCE does not kill
      // one whose client has stopped listening for errors (an uncaught error in the caller).
      for (let waited = 0; waited < 5000; waited += 50) {
        const { rows } = await c.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if (!rows[0]?.n) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  return { url: url.toString(), drop };
}
