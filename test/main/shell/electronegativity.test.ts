import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface Verdict {
  ok: boolean;
  error?: string;
  severe: Array<{ id: string; severity: string; file: string; location: string }>;
  unexplained: Array<{ file: string; line: number; checks: string }>;
  accepted: Array<{ checks: string; reason: string }>;
}

async function electronegativity(input: string): Promise<{ code: number; verdict: Verdict }> {
  try {
    const { stdout } = await run(process.execPath, ['scripts/electronegativity.mjs', '--input', input, '--json'], { maxBuffer: 10_000_000 });
    return { code: 0, verdict: JSON.parse(stdout) as Verdict };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, verdict: JSON.parse(failed.stdout) as Verdict };
  }
}

describe('electronegativity', () => {
  it("finds no HIGH or MEDIUM issue in Outbox's sources that is not annotated with its reason", async () => {
    const { code, verdict } = await electronegativity('src');
    expect(verdict.error).toBeUndefined();
    expect(verdict.severe).toEqual([]);
    expect(verdict.unexplained).toEqual([]);
    expect(code).toBe(0);
    // The accepted ones are few and each says why.
    for (const note of verdict.accepted) expect(note.reason.length).toBeGreaterThan(20);
  }, 120_000);

  it('bites: an insecure window fails the check, and an annotation without a reason is refused', async () => {
    const { code, verdict } = await electronegativity('test/main/shell/fixtures/insecure');
    expect(code).toBe(1);
    const ids = verdict.severe.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', 'CSP_GLOBAL_CHECK']));
    expect(verdict.unexplained).toMatchObject([{ file: 'main.js', line: 6, checks: 'OPEN_EXTERNAL_JS_CHECK' }]);
  }, 120_000);
});
