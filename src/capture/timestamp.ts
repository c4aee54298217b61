/**
 * pcapng timestamps are 64-bit counts of an interface-defined unit (`if_tsresol`, pcapng spec
 * section 4.2): 10^-e seconds, or 2^-p seconds when the option's high bit is set; the default is
 * microseconds. rstscope keeps integer microseconds since 1970 (exact in a float64 up to 2^53 µs,
 * i.e. year 2255) plus the sub-microsecond nanoseconds, so the conversion must not go through a
 * float64 of the raw count: nanoseconds since 1970 (~1.7e18) already exceed 2^53.
 *
 * Everything here works on the two 32-bit halves with exact integer arithmetic on plain numbers
 * (no BigInt, no allocation): this runs once per packet.
 */

const TWO_32 = 4294967296;
const LIMB = 65536;
/** 6 limbs of 16 bits: a 64-bit count times 10^9 fits in 94 bits. */
const LIMBS = 6;

const Mode = {
  /** The unit is the microsecond (if_tsresol 6, the default): no arithmetic at all. */
  micro: 0,
  /** 10^-e with 7 <= e <= 12: divide by 10^(e-6) <= 2^20 using the two halves directly. */
  divideSmall: 1,
  /** Anything else (2^-p, 10^-e with e < 6 or e > 12): 16-bit limb arithmetic. */
  generic: 2,
} as const;
type ModeValue = (typeof Mode)[keyof typeof Mode];

/** The if_tsresol value of a microsecond clock (and the pcapng default when the option is absent). */
export const TSRESOL_MICRO = 6;
export const TSRESOL_NANO = 9;

export class TimestampScale {
  /** Output of the last `convert`: integer microseconds since 1970. */
  micros = 0;
  /** Output of the last `convert`: 0..999 nanoseconds beyond `micros`. */
  nanos = 0;
  /** Digits after the second that this unit resolves (6 for µs, 9 for ns, 7 for 2^-20 s). */
  readonly precision: number;
  /** The raw if_tsresol byte this scale was built from. */
  readonly tsresol: number;

  private readonly mode: ModeValue;
  private readonly offsetMicros: number;
  /** divideSmall: 10^(e-6). */
  private readonly divisor: number;
  /** generic: multiply the count by this (<= 10^9) to get nanoseconds times 2^shift / 10^divExp. */
  private readonly multiplier: number;
  private readonly shift: number;
  private readonly divExp: number;
  private readonly limbs = new Float64Array(LIMBS);

  /**
   * @param tsresol the if_tsresol option byte (bit 7 set: 2^-(low 7 bits) s, else 10^-value s)
   * @param offsetSeconds if_tsoffset: seconds to add to every timestamp (pcapng spec 4.2)
   */
  constructor(tsresol = TSRESOL_MICRO, offsetSeconds = 0) {
    this.tsresol = tsresol & 0xff;
    this.offsetMicros = offsetSeconds * 1_000_000;
    const exponent = tsresol & 0x7f;
    let mode: ModeValue = Mode.generic;
    let divisor = 1;
    let multiplier = 1;
    let shift = 0;
    let divExp = 0;
    if ((tsresol & 0x80) !== 0) {
      // count / 2^p seconds = count * 10^9 / 2^p nanoseconds.
      multiplier = 1e9;
      shift = exponent;
      this.precision = Math.ceil(exponent * Math.log10(2));
    } else {
      this.precision = exponent;
      if (exponent === 6) {
        mode = Mode.micro;
      } else if (exponent > 6 && exponent <= 12) {
        mode = Mode.divideSmall;
        divisor = 10 ** (exponent - 6);
      } else if (exponent < 9) {
        multiplier = 10 ** (9 - exponent);
      } else {
        divExp = exponent - 9;
      }
    }
    this.mode = mode;
    this.divisor = divisor;
    this.multiplier = multiplier;
    this.shift = shift;
    this.divExp = divExp;
  }

  /** Converts the count `high * 2^32 + low` (both unsigned 32-bit) into `micros` and `nanos`. */
  convert(high: number, low: number): void {
    if (this.mode === Mode.micro) {
      this.micros = high * TWO_32 + low + this.offsetMicros;
      this.nanos = 0;
    } else if (this.mode === Mode.divideSmall) {
      // (high * 2^32 + low) / d = floor(high / d) * 2^32 + (rest * 2^32 + low) / d, where
      // rest = high mod d < 2^20, so rest * 2^32 + low < 2^52 stays exact.
      const d = this.divisor;
      const highQuotient = Math.floor(high / d);
      const middle = (high - highQuotient * d) * TWO_32 + low;
      const lowQuotient = Math.floor(middle / d);
      const remainder = middle - lowQuotient * d;
      this.micros = highQuotient * TWO_32 + lowQuotient + this.offsetMicros;
      this.nanos = Math.floor((remainder * 1000) / d);
    } else {
      this.convertGeneric(high, low);
    }
  }

  /** Exact `count * multiplier / 2^shift / 10^divExp` in nanoseconds, on 16-bit limbs. */
  private convertGeneric(high: number, low: number): void {
    const l = this.limbs;
    const m = this.multiplier;
    // Multiply: each limb * m < 2^16 * 2^30, plus carry, stays far below 2^53.
    let carry = 0;
    let v = (low & 0xffff) * m;
    l[0] = v % LIMB;
    carry = Math.floor(v / LIMB);
    v = (low >>> 16) * m + carry;
    l[1] = v % LIMB;
    carry = Math.floor(v / LIMB);
    v = (high & 0xffff) * m + carry;
    l[2] = v % LIMB;
    carry = Math.floor(v / LIMB);
    v = (high >>> 16) * m + carry;
    l[3] = v % LIMB;
    carry = Math.floor(v / LIMB);
    l[4] = carry % LIMB;
    l[5] = Math.floor(carry / LIMB);

    if (this.shift > 0) shiftRight(l, this.shift);
    // Divide by 10^divExp in steps of at most 10^9 (remainder * 2^16 stays below 2^46).
    let exp = this.divExp;
    while (exp > 0) {
      const step = Math.min(exp, 9);
      divideLimbs(l, 10 ** step);
      exp -= step;
    }
    // Now l holds nanoseconds: split into microseconds and the nanosecond remainder.
    const nanos = divideLimbs(l, 1000);
    let micros = 0;
    for (let i = LIMBS - 1; i >= 0; i--) micros = micros * LIMB + l[i];
    this.micros = micros + this.offsetMicros;
    this.nanos = nanos;
  }
}

/** l = floor(l / divisor), returns the remainder. divisor <= 10^9. */
function divideLimbs(l: Float64Array, divisor: number): number {
  let remainder = 0;
  for (let i = LIMBS - 1; i >= 0; i--) {
    const current = remainder * LIMB + l[i];
    const q = Math.floor(current / divisor);
    l[i] = q;
    remainder = current - q * divisor;
  }
  return remainder;
}

/** l = floor(l / 2^bits). */
function shiftRight(l: Float64Array, bits: number): void {
  const whole = Math.floor(bits / 16);
  const part = bits % 16;
  const low = 2 ** part;
  const high = 2 ** (16 - part);
  for (let i = 0; i < LIMBS; i++) {
    const a = i + whole < LIMBS ? l[i + whole] : 0;
    const b = i + whole + 1 < LIMBS ? l[i + whole + 1] : 0;
    // Bits [part, 16) of a become the low bits; bits [0, part) of b become the high bits.
    l[i] = Math.floor(a / low) + (b % low) * high;
  }
}
