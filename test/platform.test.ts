import { describe, expect, it } from 'vitest';
import { ARCH_PATTERN_WORDS, ARCH_SPELLINGS, canonicalArch, OS_PATTERN_WORDS, OS_SPELLINGS } from '../src/platform.js';
import { archesIn, osesIn } from '../src/select/asset-name.js';

// The pattern words are a subset of the one spellings table: every word `{os}`/`{arch}` expands to
// is read by automatic selection as that same platform and no other.
describe('platform spellings', () => {
  it('every {arch} pattern word names exactly its architecture in automatic selection', () => {
    for (const [arch, words] of Object.entries(ARCH_PATTERN_WORDS)) {
      expect(ARCH_SPELLINGS[arch], arch).toBeDefined();
      for (const word of words) {
        expect([...archesIn(word)], word).toEqual([arch]);
        expect([...archesIn(`tool-${word.toUpperCase()}.tar.gz`)], word).toEqual([arch]);
        expect(canonicalArch(word.toUpperCase())).toBe(arch);
      }
    }
  });

  it('every {os} pattern word names exactly its OS in automatic selection', () => {
    for (const [os, words] of Object.entries(OS_PATTERN_WORDS)) {
      expect(OS_SPELLINGS[os], os).toBeDefined();
      for (const word of words) {
        expect([...osesIn(word)], word).toEqual([os]);
        expect([...osesIn(`tool_1.0_${word}.zip`)], word).toEqual([os]);
      }
    }
  });

  it('a spelling outside the pattern subset is recognised by selection but is not an arch-table key', () => {
    expect([...archesIn('tool-armv6.tar.gz')]).toEqual(['arm']);
    expect(canonicalArch('armv6')).toBeUndefined();
  });
});
