/**
 * A hash table of groups of sketch rows (all connections on one 4-tuple, between two hosts, to one
 * service) that keeps no keys: each slot holds one number, the caller's value for the group (a row,
 * or an index into the caller's lists), and the caller tells whether a value is the group it looks
 * for by comparing its query with that row's own fields. A string key per connection
 * (`capture|client|port|server|port`) cost more than the rest of the sketch; this costs 4 bytes per
 * slot, at most two slots per group.
 *
 * Open addressing with linear probing over a power-of-two Int32Array, kept at most half full;
 * groups are never removed (sketches stay until the end of the run).
 */
export class RowTable {
  /** −1 for an empty slot, else the caller's value. */
  private slots = new Int32Array(16).fill(-1);
  private used = 0;
  /** The hash of a stored value's group, to place it again when the table grows. */
  private readonly hashOf: (value: number) => number;

  constructor(hashOf: (value: number) => number) {
    this.hashOf = hashOf;
  }

  /**
   * The slot of the group that `same` recognises, or the empty slot where it would go (read it
   * with `value`, fill it with `set` before the next `find`, which may move every slot).
   */
  find(hash: number, same: (value: number) => boolean): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const v = slots[i];
      if (v < 0 || same(v)) return i;
    }
  }

  /** The value in a slot, −1 when empty. */
  value(slot: number): number {
    return this.slots[slot];
  }

  /** Stores a group's value (non-negative) in the slot `find` gave: a new group or a new value. */
  set(slot: number, value: number): void {
    const fresh = this.slots[slot] < 0;
    this.slots[slot] = value;
    if (fresh && ++this.used * 2 > this.slots.length) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (const v of old) {
      if (v < 0) continue;
      let i = this.hashOf(v) & mask;
      while (slots[i] >= 0) i = (i + 1) & mask;
      slots[i] = v;
    }
    this.slots = slots;
  }
}
