import { describe, expect, it } from 'vitest';
import { clipAnnotation, MAX_ANNOTATION_LENGTH } from '../../functions/shared/core/compliance';
import { clipText } from '../../functions/shared/core/text';

describe('clipText', () => {
  it('leaves text that fits exactly as it is', () => {
    expect(clipText('abcde', 5)).toBe('abcde');
    expect(clipText('', 5)).toBe('');
  });

  it('cuts longer text to the limit, marking the cut with an ellipsis', () => {
    expect(clipText('abcdef', 5)).toBe('abcd…');
    expect(clipText('abcdef', 5)).toHaveLength(5);
  });
});

describe('clipAnnotation', () => {
  it('clips to the characters AWS Config accepts in an annotation', () => {
    const finding = `Role app-server ${'x'.repeat(400)}`;
    expect(clipAnnotation(finding)).toHaveLength(MAX_ANNOTATION_LENGTH);
    expect(clipAnnotation(finding)).toBe(`${finding.slice(0, MAX_ANNOTATION_LENGTH - 1)}…`);
    expect(clipAnnotation('Role app-server has the instance policy attached.')).toBe(
      'Role app-server has the instance policy attached.',
    );
  });
});
