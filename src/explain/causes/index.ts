import { appAbortRule } from './app-abort.ts';
import { appErrorRule } from './app-error.ts';
import { appTimeoutRule } from './app-timeout.ts';
import { closeWithUnreadDataRule } from './close-with-unread-data.ts';
import { dataAfterCloseRule } from './data-after-close.ts';
import { firewallRejectRule } from './firewall-reject.ts';
import { handshakeAbortRule } from './handshake-abort.ts';
import { keepaliveTimeoutRule } from './keepalive-timeout.ts';
import { listenOverflowRule } from './listen-overflow.ts';
import { middleboxIdleTimeoutRule } from './middlebox-idle-timeout.ts';
import { middleboxInjectedRule } from './middlebox-injected.ts';
import { outOfWindowRule } from './out-of-window.ts';
import { refusedRule } from './refused.ts';
import { retransmissionExhaustedRule } from './retransmission-exhausted.ts';
import { rstAfterFinRule } from './rst-after-fin.ts';
import type { CauseRule } from './rule.ts';
import { smbPortRaceRule } from './smb-port-race.ts';
import { timeWaitReuseRule } from './time-wait-reuse.ts';
import { unknownConnectionRule } from './unknown-connection.ts';
import { zeroWindowTimeoutRule } from './zero-window-timeout.ts';

/** Every reset cause rule; the engine runs them all and keeps the most confident proposal. */
export const RESET_RULES: readonly CauseRule[] = [
  refusedRule,
  firewallRejectRule,
  handshakeAbortRule,
  smbPortRaceRule,
  listenOverflowRule,
  timeWaitReuseRule,
  unknownConnectionRule,
  middleboxIdleTimeoutRule,
  appAbortRule,
  closeWithUnreadDataRule,
  dataAfterCloseRule,
  rstAfterFinRule,
  retransmissionExhaustedRule,
  keepaliveTimeoutRule,
  zeroWindowTimeoutRule,
  appTimeoutRule,
  appErrorRule,
  middleboxInjectedRule,
  outOfWindowRule,
];

export type { Candidate, CauseRule } from './rule.ts';
