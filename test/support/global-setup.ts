// Once per test run: a real PostgreSQL server and a real Temporal dev server. CI starts both in .ci/run
// and passes their addresses; a developer's plain `npm test` gets them started here.
import type { TestProject } from 'vitest/node';
import { startTemporalDevServer } from '../../workflows/dev-server.ts';
import { startPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject) {
  const stops: (() => unknown)[] = [];
  let databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startPostgres();
    stops.push(() => pg.stop());
    databaseUrl = pg.url;
  }
  let temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const server = await startTemporalDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH });
    stops.push(() => server.stop());
    temporalAddress = server.address;
  }
  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', temporalAddress);
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
