/**
 * Names for SMB2/3 header and body fields, from [MS-SMB2] §2.2.1 (commands), §2.2.3 (dialects)
 * and §2.2.31 / [MS-FSCC] §2.3 (IOCTL/FSCTL codes). Command names are the spec's, without the
 * SMB2_ prefix, so they read like the spec and like Zeek's smb2 logs.
 */

import { hex } from './bytes.ts';

/** All 19 commands, indexed by their number. */
const COMMANDS = [
  'NEGOTIATE',
  'SESSION_SETUP',
  'LOGOFF',
  'TREE_CONNECT',
  'TREE_DISCONNECT',
  'CREATE',
  'CLOSE',
  'FLUSH',
  'READ',
  'WRITE',
  'LOCK',
  'IOCTL',
  'CANCEL',
  'ECHO',
  'QUERY_DIRECTORY',
  'CHANGE_NOTIFY',
  'QUERY_INFO',
  'SET_INFO',
  'OPLOCK_BREAK',
] as const;

export const Smb2Command = {
  NEGOTIATE: 0,
  SESSION_SETUP: 1,
  TREE_CONNECT: 3,
  CREATE: 5,
  READ: 8,
  WRITE: 9,
  IOCTL: 11,
  QUERY_DIRECTORY: 14,
} as const;

export function smb2CommandName(command: number): string {
  return command >= 0 && command < COMMANDS.length ? COMMANDS[command] : hex(command, 4);
}

const DIALECTS = new Map<number, string>([
  [0x0202, '2.0.2'],
  [0x0210, '2.1'],
  [0x0222, '2.2.2'],
  [0x0224, '2.2.4'],
  [0x02ff, '2.???'], // wildcard: "SMB2 or later", sent after an SMB1 multi-protocol negotiate
  [0x0300, '3.0'],
  [0x0302, '3.0.2'],
  [0x0310, '3.1.0'],
  [0x0311, '3.1.1'],
]);

export function smb2DialectName(dialect: number): string {
  return DIALECTS.get(dialect) ?? hex(dialect, 4);
}

const FSCTLS = new Map<number, string>([
  [0x00060194, 'FSCTL_DFS_GET_REFERRALS'],
  [0x000601b0, 'FSCTL_DFS_GET_REFERRALS_EX'],
  [0x000900a8, 'FSCTL_GET_REPARSE_POINT'],
  [0x000940cf, 'FSCTL_QUERY_ALLOCATED_RANGES'],
  [0x00110018, 'FSCTL_PIPE_WAIT'],
  [0x0011400c, 'FSCTL_PIPE_PEEK'],
  [0x0011c017, 'FSCTL_PIPE_TRANSCEIVE'],
  [0x00140078, 'FSCTL_SRV_REQUEST_RESUME_KEY'],
  [0x001401d4, 'FSCTL_LMR_REQUEST_RESILIENCY'],
  [0x001401fc, 'FSCTL_QUERY_NETWORK_INTERFACE_INFO'],
  [0x00140204, 'FSCTL_VALIDATE_NEGOTIATE_INFO'],
  [0x00144064, 'FSCTL_SRV_ENUMERATE_SNAPSHOTS'],
  [0x001440f2, 'FSCTL_SRV_COPYCHUNK'],
  [0x001441bb, 'FSCTL_SRV_READ_HASH'],
  [0x001480f2, 'FSCTL_SRV_COPYCHUNK_WRITE'],
]);

export function fsctlName(code: number): string {
  return FSCTLS.get(code >>> 0) ?? hex(code >>> 0, 8);
}
