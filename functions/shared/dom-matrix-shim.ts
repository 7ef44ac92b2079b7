/**
 * A 2D `DOMMatrix` for pdf.js in Lambda. pdf.js (pdf-parse) builds a DOMMatrix when its module loads and, in Node,
 * borrows one from the native @napi-rs/canvas, which the bundle cannot carry (its binary is per platform; ours
 * build on x64 and run on arm64). Text extraction needs no more than this affine subset; rendering (which would
 * need Path2D and ImageData too) is not used. Injected into the PDF-parsing bundles before any other module runs.
 */

type Init = readonly number[] | undefined;

class AffineMatrix {
  a = 1;
  b = 0;
  c = 0;
  d = 1;
  e = 0;
  f = 0;

  constructor(init?: Init) {
    if (init === undefined) return;
    // A 4x4 init keeps its 2D part: m11 m12 (0, 1), m21 m22 (4, 5), m41 m42 (12, 13).
    const at = init.length === 6 ? [0, 1, 2, 3, 4, 5] : init.length === 16 ? [0, 1, 4, 5, 12, 13] : null;
    if (!at) throw new TypeError('DOMMatrix shim: only 6- or 16-element arrays are supported');
    const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = at.map((index) => init[index] ?? 0);
    Object.assign(this, { a, b, c, d, e, f });
  }

  get m11() {
    return this.a;
  }
  get m12() {
    return this.b;
  }
  get m21() {
    return this.c;
  }
  get m22() {
    return this.d;
  }
  get m41() {
    return this.e;
  }
  get m42() {
    return this.f;
  }
  get is2D() {
    return true;
  }
  get isIdentity() {
    return this.a === 1 && this.b === 0 && this.c === 0 && this.d === 1 && this.e === 0 && this.f === 0;
  }

  multiplySelf(other: AffineMatrix): this {
    const { a, b, c, d, e, f } = this;
    this.a = a * other.a + c * other.b;
    this.b = b * other.a + d * other.b;
    this.c = a * other.c + c * other.d;
    this.d = b * other.c + d * other.d;
    this.e = a * other.e + c * other.f + e;
    this.f = b * other.e + d * other.f + f;
    return this;
  }
  preMultiplySelf(other: AffineMatrix): this {
    const product = new AffineMatrix([other.a, other.b, other.c, other.d, other.e, other.f]).multiplySelf(this);
    return this.setFrom(product);
  }
  multiply(other: AffineMatrix): AffineMatrix {
    return this.clone().multiplySelf(other);
  }
  translateSelf(tx = 0, ty = 0): this {
    return this.multiplySelf(new AffineMatrix([1, 0, 0, 1, tx, ty]));
  }
  translate(tx = 0, ty = 0): AffineMatrix {
    return this.clone().translateSelf(tx, ty);
  }
  scaleSelf(sx = 1, sy = sx): this {
    return this.multiplySelf(new AffineMatrix([sx, 0, 0, sy, 0, 0]));
  }
  scale(sx = 1, sy = sx): AffineMatrix {
    return this.clone().scaleSelf(sx, sy);
  }
  invertSelf(): this {
    const det = this.a * this.d - this.b * this.c;
    if (det === 0)
      return this.setFrom(new AffineMatrix([Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN]));
    const { a, b, c, d, e, f } = this;
    return this.setFrom(
      new AffineMatrix([d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det]),
    );
  }
  inverse(): AffineMatrix {
    return this.clone().invertSelf();
  }
  transformPoint(point: { x?: number; y?: number } = {}): { x: number; y: number; z: number; w: number } {
    const x = point.x ?? 0;
    const y = point.y ?? 0;
    return { x: this.a * x + this.c * y + this.e, y: this.b * x + this.d * y + this.f, z: 0, w: 1 };
  }

  private clone(): AffineMatrix {
    return new AffineMatrix([this.a, this.b, this.c, this.d, this.e, this.f]);
  }
  private setFrom(other: AffineMatrix): this {
    [this.a, this.b, this.c, this.d, this.e, this.f] = [other.a, other.b, other.c, other.d, other.e, other.f];
    return this;
  }
}

const scope = globalThis as { DOMMatrix?: unknown };
scope.DOMMatrix ??= AffineMatrix;

/** The shim's class, exported for its tests. */
export { AffineMatrix };
