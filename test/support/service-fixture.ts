// One service process per spec file, on the spec's own database and Redis prefix.
import { startApp, type AppProcess } from './app-process';
import { HttpClient } from './http-client';
import { createTestEnv, type TestEnv } from './test-env';

export interface ServiceFixture {
  env: TestEnv;
  app: AppProcess;
  /** Client carrying the bootstrap admin token. */
  http: HttpClient;
}

/** Registers beforeAll/afterAll hooks; read the fields inside tests, once beforeAll has run. */
export function useService(extraEnv: Record<string, string> = {}): ServiceFixture {
  const fixture = {} as ServiceFixture;
  beforeAll(async () => {
    fixture.env = await createTestEnv();
    fixture.app = await startApp(fixture.env, extraEnv);
    fixture.http = new HttpClient(fixture.app.url, fixture.env.adminToken);
  });
  afterAll(async () => {
    await fixture.app?.stop();
    await fixture.env?.close();
  });
  return fixture;
}
