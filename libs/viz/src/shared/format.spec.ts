import { REASON_TEXT, reasonText } from './format';

describe('reasonText', () => {
  it('says every reason in plain words', () => {
    expect(reasonText('exit_code')).toBe('exited with a non-zero code');
    expect(reasonText('upstream_failed')).toBe('skipped: a step it needs failed');
    for (const reason of [
      'timeout',
      'cancelled',
      'worker_lost',
      'server_lost',
      'spawn_error',
      'invalid_outputs',
      'outputs_too_large',
      'condition_error',
      'invalid_foreach',
      'signal',
      'error',
      'condition_false',
      'upstream_skipped',
    ]) {
      const text = reasonText(reason);
      expect(text).toBe(REASON_TEXT[reason]);
      // No machine words left.
      expect(text).not.toMatch(/_/);
    }
  });

  it('keeps an unknown reason readable and gives nothing for none', () => {
    expect(reasonText('quota_exceeded')).toBe('quota exceeded');
    expect(reasonText(null)).toBe('');
    expect(reasonText(undefined)).toBe('');
  });
});
