/** An IPv4 literal (four decimal octets). */
export function isIPv4(ip: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

/** An IPv6 literal: up to 8 hex groups, at most one `::`, optionally an IPv4 tail. */
export function isIPv6(ip: string): boolean {
  if (!ip.includes(':') || ip.split('::').length > 2) return false;
  let text = ip;
  let extra = 0;
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    if (!isIPv4(v4[1]!)) return false;
    text = text.slice(0, -v4[1]!.length) + '0';
    extra = 1;
  }
  const groups = text.split(':');
  const compressed = text.includes('::');
  const named = groups.filter((g) => g !== '');
  if (!named.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  // The IPv4 tail stands for two groups (one placeholder plus `extra`).
  return compressed ? named.length + extra <= 7 : named.length === groups.length && named.length + extra === 8;
}

/**
 * Addresses as /proc/net/tcp and tcp6 print them: each 4-byte word of the address in host (little
 * endian) order, upper-case hex, tagged with its family (`4:0100007F`, `6:…`).
 */
export function procNetHex(ip: string): string | undefined {
  if (isIPv4(ip)) return `4:${wordHex(Buffer.from(ip.split('.').map(Number)))}`;
  if (isIPv6(ip)) return `6:${wordHex(ipv6Bytes(ip))}`;
  return undefined;
}

function wordHex(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) out += bytes.readUInt32LE(i).toString(16).toUpperCase().padStart(8, '0');
  return out;
}

function ipv6Bytes(ip: string): Buffer {
  let text = ip;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const buf = Buffer.alloc(16);
  groups.forEach((g, i) => buf.writeUInt16BE(parseInt(g, 16), i * 2));
  return buf;
}

/** Connection states of /proc/net/tcp by name, as Ansible's wait_for names them. */
export const TCP_STATE_IDS: Record<string, string> = {
  ESTABLISHED: '01',
  SYN_SENT: '02',
  SYN_RECV: '03',
  FIN_WAIT1: '04',
  FIN_WAIT2: '05',
  TIME_WAIT: '06',
};
