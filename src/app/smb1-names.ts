/**
 * Names for SMB1 (CIFS) commands and DOS-style errors, from [MS-CIFS] §2.2.2.1 (command codes)
 * and §2.2.2.4 (SMB error classes and codes). Command names are the spec's SMB_COM_* names
 * without the prefix.
 */

import { hex } from './bytes.ts';

const COMMANDS = new Map<number, string>([
  [0x00, 'CREATE_DIRECTORY'],
  [0x01, 'DELETE_DIRECTORY'],
  [0x02, 'OPEN'],
  [0x03, 'CREATE'],
  [0x04, 'CLOSE'],
  [0x05, 'FLUSH'],
  [0x06, 'DELETE'],
  [0x07, 'RENAME'],
  [0x08, 'QUERY_INFORMATION'],
  [0x09, 'SET_INFORMATION'],
  [0x0a, 'READ'],
  [0x0b, 'WRITE'],
  [0x0c, 'LOCK_BYTE_RANGE'],
  [0x0d, 'UNLOCK_BYTE_RANGE'],
  [0x0e, 'CREATE_TEMPORARY'],
  [0x0f, 'CREATE_NEW'],
  [0x10, 'CHECK_DIRECTORY'],
  [0x11, 'PROCESS_EXIT'],
  [0x12, 'SEEK'],
  [0x13, 'LOCK_AND_READ'],
  [0x14, 'WRITE_AND_UNLOCK'],
  [0x1a, 'READ_RAW'],
  [0x1b, 'READ_MPX'],
  [0x1c, 'READ_MPX_SECONDARY'],
  [0x1d, 'WRITE_RAW'],
  [0x1e, 'WRITE_MPX'],
  [0x1f, 'WRITE_MPX_SECONDARY'],
  [0x20, 'WRITE_COMPLETE'],
  [0x21, 'QUERY_SERVER'],
  [0x22, 'SET_INFORMATION2'],
  [0x23, 'QUERY_INFORMATION2'],
  [0x24, 'LOCKING_ANDX'],
  [0x25, 'TRANSACTION'],
  [0x26, 'TRANSACTION_SECONDARY'],
  [0x27, 'IOCTL'],
  [0x28, 'IOCTL_SECONDARY'],
  [0x29, 'COPY'],
  [0x2a, 'MOVE'],
  [0x2b, 'ECHO'],
  [0x2c, 'WRITE_AND_CLOSE'],
  [0x2d, 'OPEN_ANDX'],
  [0x2e, 'READ_ANDX'],
  [0x2f, 'WRITE_ANDX'],
  [0x30, 'NEW_FILE_SIZE'],
  [0x31, 'CLOSE_AND_TREE_DISC'],
  [0x32, 'TRANSACTION2'],
  [0x33, 'TRANSACTION2_SECONDARY'],
  [0x34, 'FIND_CLOSE2'],
  [0x35, 'FIND_NOTIFY_CLOSE'],
  [0x70, 'TREE_CONNECT'],
  [0x71, 'TREE_DISCONNECT'],
  [0x72, 'NEGOTIATE'],
  [0x73, 'SESSION_SETUP_ANDX'],
  [0x74, 'LOGOFF_ANDX'],
  [0x75, 'TREE_CONNECT_ANDX'],
  [0x7e, 'SECURITY_PACKAGE_ANDX'],
  [0x80, 'QUERY_INFORMATION_DISK'],
  [0x81, 'SEARCH'],
  [0x82, 'FIND'],
  [0x83, 'FIND_UNIQUE'],
  [0x84, 'FIND_CLOSE'],
  [0xa0, 'NT_TRANSACT'],
  [0xa1, 'NT_TRANSACT_SECONDARY'],
  [0xa2, 'NT_CREATE_ANDX'],
  [0xa4, 'NT_CANCEL'],
  [0xa5, 'NT_RENAME'],
  [0xc0, 'OPEN_PRINT_FILE'],
  [0xc1, 'WRITE_PRINT_FILE'],
  [0xc2, 'CLOSE_PRINT_FILE'],
  [0xc3, 'GET_PRINT_QUEUE'],
  [0xd8, 'READ_BULK'],
  [0xd9, 'WRITE_BULK'],
  [0xda, 'WRITE_BULK_DATA'],
  [0xfe, 'INVALID'],
  [0xff, 'NO_ANDX_COMMAND'],
]);

export const Smb1Command = {
  TRANSACTION: 0x25,
  NEGOTIATE: 0x72,
  SESSION_SETUP_ANDX: 0x73,
  TREE_CONNECT_ANDX: 0x75,
  NT_CREATE_ANDX: 0xa2,
  NO_ANDX_COMMAND: 0xff,
} as const;

/** Commands whose parameter words start with AndXCommand/AndXReserved/AndXOffset (§2.2.3.4). */
const ANDX = new Set([0x24, 0x2d, 0x2e, 0x2f, 0x73, 0x74, 0x75, 0xa2]);

export function smb1CommandName(command: number): string {
  return COMMANDS.get(command) ?? hex(command, 2);
}

export function smb1IsAndX(command: number): boolean {
  return ANDX.has(command);
}

const CLASSES = new Map<number, string>([
  [0x01, 'ERRDOS'],
  [0x02, 'ERRSRV'],
  [0x03, 'ERRHRD'],
  [0xff, 'ERRCMD'],
]);

const DOS_CODES = new Map<number, string>([
  [0x0001, 'ERRbadfunc'],
  [0x0002, 'ERRbadfile'],
  [0x0003, 'ERRbadpath'],
  [0x0004, 'ERRnofids'],
  [0x0005, 'ERRnoaccess'],
  [0x0006, 'ERRbadfid'],
  [0x0008, 'ERRnomem'],
  [0x0012, 'ERRnofiles'],
  [0x0020, 'ERRbadshare'],
  [0x0021, 'ERRlock'],
  [0x0032, 'ERRunsup'],
  [0x0050, 'ERRfilexists'],
  [0x00e6, 'ERRbadpipe'],
  [0x00e7, 'ERRpipebusy'],
  [0x00e8, 'ERRpipeclosing'],
  [0x00e9, 'ERRnotconnected'],
  [0x00ea, 'ERRmoredata'],
]);

const SRV_CODES = new Map<number, string>([
  [0x0001, 'ERRerror'],
  [0x0002, 'ERRbadpw'],
  [0x0004, 'ERRaccess'],
  [0x0005, 'ERRinvtid'],
  [0x0006, 'ERRinvnetname'],
  [0x0007, 'ERRinvdevice'],
  [0x005b, 'ERRbaduid'],
  [0xffff, 'ERRnosupport'],
]);

const HRD_CODES = new Map<number, string>([
  [0x0013, 'ERRnowrite'],
  [0x0015, 'ERRnotready'],
  [0x001f, 'ERRgeneral'],
  [0x0020, 'ERRbadshare'],
  [0x0021, 'ERRlock'],
  [0x0027, 'ERRdiskfull'],
]);

/** "ERRSRV/ERRbadpw", "ERRDOS/0x0057" (class and code of an SMB1 DOS-style error). */
export function dosErrorName(errorClass: number, code: number): string {
  const cls = CLASSES.get(errorClass) ?? hex(errorClass, 2);
  const table =
    errorClass === 1 ? DOS_CODES : errorClass === 2 ? SRV_CODES : errorClass === 3 ? HRD_CODES : null;
  return `${cls}/${table?.get(code) ?? hex(code, 4)}`;
}
