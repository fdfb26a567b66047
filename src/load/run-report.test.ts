import { describe, expect, test } from 'vitest';
import { asLoadReport } from './index.ts';
import { load } from './load.ts';

describe("report.json of 'fray run'", () => {
  test('asLoadReport() reads the load report inside a run report, so fray compare and --baseline take it', async () => {
    // Arrange
    const report = await load(() => Promise.resolve(), { concurrency: 1, requests: 20, warmup: 0 });
    const saved: unknown = JSON.parse(
      JSON.stringify({ format: 'fray-run-report', version: 1, load: report, races: [], routes: [] }),
    );

    // Act
    const read = asLoadReport(saved, 'report.json');

    // Assert
    expect(read).toEqual(JSON.parse(JSON.stringify(report)));
  });

  test('a run report of another version is refused with the fix, not misread', () => {
    // Act
    const read = () => asLoadReport({ format: 'fray-run-report', version: 2, load: {} }, 'main.json');

    // Assert
    expect(read).toThrow(
      expect.objectContaining({
        code: 'FRAY_LOAD_REPORT',
        message: expect.stringContaining(
          'main.json is a fray run report of version 2; this fray reads version 1.',
        ),
      }),
    );
  });
});
