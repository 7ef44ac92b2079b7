import { DOMMatrix as NativeMatrix } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { AffineMatrix } from '../../../functions/shared/dom-matrix-shim.ts';

type Six = [number, number, number, number, number, number];

function six(matrix: { a: number; b: number; c: number; d: number; e: number; f: number }): number[] {
  return [matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f];
}

// The reference is the native canvas DOMMatrix that pdf.js uses when it can load it (locally, in the tests).
const cases: { name: string; init: Six; other: Six }[] = [
  { name: 'identity and a translation', init: [1, 0, 0, 1, 0, 0], other: [1, 0, 0, 1, 12.5, -3] },
  { name: 'a pdf text matrix and a page viewport', init: [12, 0, 0, 12, 72, 770], other: [1.5, 0, 0, -1.5, 0, 1263] },
  { name: 'a rotated, skewed matrix', init: [0.8, 0.6, -0.6, 0.8, 10, 20], other: [2, 0.5, 0.25, 3, -7, 4] },
];

describe('DOMMatrix shim', () => {
  it.each(cases)('multiplies, translates, scales and inverts like the native one: $name', ({ init, other }) => {
    // Prepare
    const shim = new AffineMatrix(init);
    const native = new NativeMatrix(init);

    // Act
    const results = [
      [shim.multiply(new AffineMatrix(other)), native.multiply(new NativeMatrix(other))],
      [shim.translate(3, -4), native.translate(3, -4)],
      [shim.scale(2, 0.5), native.scale(2, 0.5)],
      [shim.inverse(), native.inverse()],
      [
        new AffineMatrix(init).preMultiplySelf(new AffineMatrix(other)),
        new NativeMatrix(init).preMultiplySelf(new NativeMatrix(other)),
      ],
    ] as const;

    // Assess
    for (const [fromShim, fromNative] of results) {
      six(fromShim).forEach((value, i) => {
        expect(value).toBeCloseTo(six(fromNative)[i]!, 9);
      });
    }
    expect(shim.transformPoint({ x: 5, y: 7 })).toMatchObject(native.transformPoint({ x: 5, y: 7 }));
  });

  it('starts as the identity and installs itself where no DOMMatrix exists', () => {
    // Act
    const matrix = new AffineMatrix();

    // Assess
    expect(matrix.isIdentity).toBe(true);
    expect(typeof (globalThis as { DOMMatrix?: unknown }).DOMMatrix).toBe('function');
  });

  it('keeps the 2D part of a 4x4 init', () => {
    // Prepare
    const init = [2, 0.5, 0, 0, 0.25, 3, 0, 0, 0, 0, 1, 0, -7, 4, 0, 1];

    // Act
    const shim = new AffineMatrix(init);

    // Assess
    expect(six(shim)).toEqual(six(new NativeMatrix(init)));
  });

  it('refuses an init it does not understand rather than guessing', () => {
    // Act / Assess
    expect(() => new AffineMatrix([1, 2, 3])).toThrow(TypeError);
  });
});
