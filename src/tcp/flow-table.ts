import type { PacketView } from '../decode/packet-view.ts';
import type { Connection } from './connection.ts';

/**
 * Live connections by 4-tuple: a Map from a numeric hash to a chain of connections (collisions are
 * rare and resolved by comparing addresses), plus two intrusive lists ordered by last activity —
 * open connections and ended ones — so eviction in capture time pops from the head without
 * scanning. Nothing here allocates per packet.
 */
export class FlowTable {
  private readonly buckets = new Map<number, Connection>();
  size = 0;
  readonly open = new ActivityList();
  readonly ended = new ActivityList();

  /** The live connection this packet belongs to (either direction), or null. */
  find(view: PacketView, hash: number): Connection | null {
    let c = this.buckets.get(hash) ?? null;
    while (c !== null) {
      const cl = c.client;
      const sv = c.server;
      if (
        (view.sport === cl.port &&
          view.dport === sv.port &&
          cl.hasAddress(view.src) &&
          sv.hasAddress(view.dst)) ||
        (view.sport === sv.port &&
          view.dport === cl.port &&
          sv.hasAddress(view.src) &&
          cl.hasAddress(view.dst))
      ) {
        return c;
      }
      c = c.bucketNext;
    }
    return null;
  }

  /** `hash` is flowHash() of the connection's first packet. */
  insert(c: Connection, hash: number): void {
    c.hash = hash;
    c.bucketNext = this.buckets.get(c.hash) ?? null;
    this.buckets.set(c.hash, c);
    c.inTable = true;
    this.size++;
    this.open.append(c);
  }

  remove(c: Connection): void {
    if (!c.inTable) return;
    const head = this.buckets.get(c.hash) ?? null;
    if (head === c) {
      if (c.bucketNext === null) this.buckets.delete(c.hash);
      else this.buckets.set(c.hash, c.bucketNext);
    } else {
      let p = head;
      while (p !== null && p.bucketNext !== c) p = p.bucketNext;
      if (p !== null) p.bucketNext = c.bucketNext;
    }
    c.bucketNext = null;
    c.inTable = false;
    this.size--;
    this.listOf(c).unlink(c);
  }

  /** Move to the tail of its activity list (it just saw a packet). */
  touch(c: Connection): void {
    const list = this.listOf(c);
    if (list.tail === c) return; // a run of packets of one connection: already the newest
    list.unlink(c);
    list.append(c);
  }

  /** Move a connection that just ended (FIN both ways or RST) to the ended list. */
  markEnded(c: Connection): void {
    if (!c.inTable || c.endedListed) return;
    this.open.unlink(c);
    c.endedListed = true;
    this.ended.append(c);
  }

  private listOf(c: Connection): ActivityList {
    return c.endedListed ? this.ended : this.open;
  }
}

/** Doubly linked list through Connection.lruPrev/lruNext, oldest activity first. */
export class ActivityList {
  head: Connection | null = null;
  tail: Connection | null = null;

  append(c: Connection): void {
    c.lruPrev = this.tail;
    c.lruNext = null;
    if (this.tail !== null) this.tail.lruNext = c;
    else this.head = c;
    this.tail = c;
  }

  unlink(c: Connection): void {
    if (c.lruPrev !== null) c.lruPrev.lruNext = c.lruNext;
    else if (this.head === c) this.head = c.lruNext;
    if (c.lruNext !== null) c.lruNext.lruPrev = c.lruPrev;
    else if (this.tail === c) this.tail = c.lruPrev;
    c.lruPrev = null;
    c.lruNext = null;
  }
}
