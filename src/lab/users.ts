/** A user that exists only inside the nodes: written into the base layer's copies of the account files. */
export interface LabUser {
  name: string;
  uid: number;
  /** crypt(3) hash for /etc/shadow, or '*' for key-only. */
  hash: string;
}

export interface AccountFiles {
  passwd: string;
  group: string;
  shadow: string;
  gshadow: string;
}

function withoutNames(text: string, names: Set<string>): string[] {
  return text.split('\n').filter((l) => l !== '' && !names.has(l.split(':')[0] ?? ''));
}

/** First ids from 1000 up that are free as both uid and gid on the host. */
export function freeIds(passwd: string, group: string, count: number, skipNames: string[] = []): number[] {
  const used = new Set<number>();
  for (const text of [passwd, group]) {
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && !skipNames.includes(f[0] ?? '')) used.add(Number(f[2]));
    }
  }
  const ids: number[] = [];
  for (let id = 1000; ids.length < count && id < 60000; id++) if (!used.has(id)) ids.push(id);
  return ids;
}

/** The host's account files plus the lab users (each with a group of its own name). */
export function accountFiles(host: AccountFiles, users: LabUser[], today = Math.floor(Date.now() / 86_400_000)): AccountFiles {
  const names = new Set(users.map((u) => u.name));
  const add = (text: string, lines: string[]): string => `${[...withoutNames(text, names), ...lines].join('\n')}\n`;
  return {
    passwd: add(host.passwd, users.map((u) => `${u.name}:x:${u.uid}:${u.uid}:fleet lab user:/home/${u.name}:/bin/bash`)),
    group: add(host.group, users.map((u) => `${u.name}:x:${u.uid}:`)),
    shadow: add(host.shadow, users.map((u) => `${u.name}:${u.hash}:${today}:0:99999:7:::`)),
    gshadow: add(host.gshadow, users.map((u) => `${u.name}:!::`)),
  };
}
