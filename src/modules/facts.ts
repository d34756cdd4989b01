/**
 * Fact gathering for `setup`: ONE shell script per host prints raw sections (files, command
 * outputs) between markers; everything else — parsing, naming, computing — happens here on the
 * controller, in pure functions tested from captured output.
 */
import { shQuote } from '../util/shlex.js';

/** The collectors of Ansible's `min` subset (always gathered unless `!min`). */
export const MIN_SUBSET = [
  'apparmor',
  'caps',
  'cmdline',
  'date_time',
  'distribution',
  'dns',
  'env',
  'fips',
  'local',
  'lsb',
  'pkg_mgr',
  'platform',
  'python',
  'selinux',
  'service_mgr',
  'ssh_pub_keys',
  'user',
] as const;

/** Subsets beyond `min`. fleet gathers nothing for caps and selinux (see docs/modules.md). */
export const EXTRA_SUBSETS = ['hardware', 'network', 'virtual', 'loadavg'] as const;

const ALL = new Set<string>([...MIN_SUBSET, ...EXTRA_SUBSETS]);
const ALIASES: Record<string, string[]> = {
  devices: ['hardware'],
  mounts: ['hardware'],
  interfaces: ['network'],
  default_ipv4: ['network'],
};

/**
 * Ansible's gather_subset rules: the min set, plus the named ones (all when none is named), minus
 * the `!x` ones; `!all` drops everything but min, `!min` drops min; a subset named explicitly
 * stays even under `!all`/`!min` (`['!all', '!min', 'network']` gathers only network).
 */
export function resolveSubsets(gatherSubset: readonly string[]): { selected: Set<string>; unknown: string[] } {
  const explicit = new Set<string>();
  const excludeGroup = new Set<string>();
  const excludeDirect = new Set<string>();
  const unknown: string[] = [];
  let positive = false;
  let all = false;
  for (const raw of gatherSubset) {
    const item = raw.trim();
    const neg = item.startsWith('!');
    const name = neg ? item.slice(1) : item;
    if (name === 'all') {
      if (neg) [...ALL].filter((n) => !(MIN_SUBSET as readonly string[]).includes(n)).forEach((n) => excludeGroup.add(n));
      else {
        positive = true;
        all = true;
      }
      continue;
    }
    if (name === 'min') {
      if (neg) MIN_SUBSET.forEach((n) => excludeGroup.add(n));
      else positive = true;
      continue;
    }
    const names = ALIASES[name] ?? [name];
    for (const n of names) if (!ALL.has(n)) unknown.push(n);
    if (neg) names.forEach((n) => excludeDirect.add(n));
    else {
      positive = true;
      names.forEach((n) => explicit.add(n));
    }
  }
  const base = !positive || all ? [...ALL] : [...explicit];
  const selected = new Set<string>();
  for (const n of [...MIN_SUBSET, ...base]) if (!excludeGroup.has(n) && !excludeDirect.has(n)) selected.add(n);
  for (const n of explicit) if (!excludeDirect.has(n)) selected.add(n);
  return { selected, unknown };
}

export const MARK = '@@FLEET-FACTS@@';

/** The gathering script for the selected collectors (gather_timeout bounds the slow parts). */
export function factsScript(selected: ReadonlySet<string>, options: { gatherTimeout?: number; factPath?: string } = {}): string {
  const gt = options.gatherTimeout ?? 10;
  const has = (n: string) => selected.has(n);
  const s: string[] = [
    `sec() { printf '\\n${MARK} %s\\n' "$1"; }`,
    `f() { [ -e "$1" ] && { sec "file:$1"; cat "$1" 2>/dev/null; }; }`,
    // sysfs values read with the `read` builtin: no fork per file.
    `rd() { v=; { read -r v < "$1"; } 2>/dev/null; }`,
    `hl() { h=; for x in "$1"/holders/*; do [ -e "$x" ] && h="$h \${x##*/}"; done; }`,
    `tmo() { if command -v timeout >/dev/null 2>&1; then timeout ${gt} "$@"; else "$@"; fi; }`,
  ];
  if (has('platform') || has('distribution') || has('lsb') || has('service_mgr') || has('pkg_mgr')) {
    s.push(
      `sec uname; uname -s; uname -r; uname -v; uname -m; uname -n`,
      `sec fqdn; hostname -f 2>/dev/null || uname -n`,
      `sec long_bit; getconf LONG_BIT 2>/dev/null`,
      `f /etc/machine-id || f /var/lib/dbus/machine-id`,
      `if [ -e /etc/os-release ]; then f /etc/os-release; else f /usr/lib/os-release; fi`,
      `for x in /etc/debian_version /etc/redhat-release /etc/alpine-release /etc/lsb-release /etc/arch-release /etc/gentoo-release /etc/SuSE-release /etc/slackware-version; do f $x; done`,
    );
  }
  if (has('pkg_mgr')) {
    s.push(`sec pkg_mgr; for b in apt-get dnf5 dnf yum zypper apk pacman emerge xbps-install opkg pkg swupd; do command -v $b >/dev/null 2>&1 && echo $b; done`);
  }
  if (has('service_mgr')) {
    s.push(
      `sec service_mgr; cat /proc/1/comm 2>/dev/null || echo`,
      `[ -d /run/systemd/system ] && echo run_systemd`,
      `command -v initctl >/dev/null 2>&1 && [ -d /etc/init ] && echo upstart`,
      `[ -x /sbin/openrc ] && echo openrc`,
      `[ -d /etc/init.d ] && echo initd`,
      `:`,
    );
  }
  if (has('user')) {
    s.push(`sec user; id -un; id -u; id -g; id -ru; id -rg; u=$(id -u); getent passwd "$u" 2>/dev/null || awk -F: -v u="$u" '$3==u {print; exit}' /etc/passwd`);
  }
  if (has('virtual')) {
    s.push(
      `f /proc/1/cgroup`,
      `[ -r /proc/1/environ ] && { sec environ1; tr '\\000' '\\n' < /proc/1/environ 2>/dev/null; }`,
      `sec virtflags; for x in /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit; do [ -e "$x" ] && echo "$x"; done; :`,
      `f /run/systemd/container`,
      `for x in product_name sys_vendor bios_vendor; do f /sys/devices/virtual/dmi/id/$x; done`,
    );
  }
  if (has('python')) {
    // One interpreter start without site (a few ms): the facts Ansible's python collector gives.
    s.push(
      `sec python; for p in python3 python /usr/libexec/platform-python; do if command -v $p >/dev/null 2>&1; then ` +
        `$p -S -c 'import sys, importlib.util as u; v = sys.version_info; print(sys.executable); print(" ".join(str(x) for x in v)); ` +
        `print(getattr(sys, "implementation", None) and sys.implementation.name or ""); print(u.find_spec("ssl") is not None)' 2>/dev/null; break; fi; done; :`,
    );
  }
  if (has('env')) s.push(`if env -0 >/dev/null 2>&1; then sec env0; env -0; else sec env; env; fi`);
  if (has('date_time')) s.push(`sec date; LC_ALL=C date '+%Y|%m|%d|%H|%M|%S|%w|%W|%s|%z|%Z|%A|%N'`);
  if (has('dns')) s.push(`f /etc/resolv.conf`);
  if (has('cmdline')) s.push(`f /proc/cmdline`);
  if (has('apparmor')) s.push(`sec apparmor; [ -d /sys/kernel/security/apparmor ] && echo enabled || echo disabled`);
  if (has('fips')) s.push(`f /proc/sys/crypto/fips_enabled`);
  if (has('ssh_pub_keys')) s.push(`for x in /etc/ssh/ssh_host_dsa_key.pub /etc/ssh/ssh_host_rsa_key.pub /etc/ssh/ssh_host_ecdsa_key.pub /etc/ssh/ssh_host_ed25519_key.pub; do f $x; done`);
  if (has('hardware')) s.push(`f /proc/uptime`);
  if (has('loadavg')) s.push(`f /proc/loadavg`);
  if (has('local')) {
    const dir = shQuote(options.factPath ?? '/etc/ansible/facts.d');
    s.push(
      `for x in ${dir}/*.fact; do [ -f "$x" ] || continue; if [ -x "$x" ]; then sec "localx:$x"; tmo "$x" 2>/dev/null; else sec "local:$x"; cat "$x" 2>/dev/null; fi; done`,
    );
  }
  if (has('hardware')) {
    s.push(
      `sec cpuinfo; grep -E '^(processor|vendor_id|model name|physical id|core id|cpu cores|siblings|Processor|cpu|Vendor)[[:space:]]*:' /proc/cpuinfo 2>/dev/null`,
      `sec nproc; nproc 2>/dev/null`,
      `sec meminfo; grep -E '^(MemTotal|MemFree|MemAvailable|Buffers|Cached|SwapTotal|SwapFree|SwapCached):' /proc/meminfo 2>/dev/null`,
      `f /proc/mounts`,
      `sec statfs; while read -r dev mnt fstype rest; do case $dev in /*|*:/*) ;; *) continue ;; esac; [ "$fstype" = none ] && continue; m=$(printf '%b' "$mnt"); printf '%s|%s\\n' "$mnt" "$(tmo stat -f -c '%S %s %b %f %a %c %d' -- "$m" 2>/dev/null)"; done < /proc/mounts`,
      `sec uuids; for l in /dev/disk/by-uuid/*; do [ -L "$l" ] && printf '%s %s\\n' "$(readlink -f "$l")" "\${l##*/}"; done`,
      `sec blocks; for d in /sys/block/*; do [ -e "$d/size" ] || continue; n=\${d##*/}; ` +
        `rd $d/size; size=$v; rd $d/queue/logical_block_size; ss=$v; rd $d/removable; rem=$v; rd $d/queue/rotational; rot=$v; ` +
        `rd $d/device/vendor; ven=$v; rd $d/device/model; mod=$v; hl $d; ` +
        `printf 'disk|%s|%s|%s|%s|%s|%s|%s|%s\\n' "$n" "$size" "$ss" "$rem" "$rot" "$ven" "$mod" "$h"; ` +
        `for p in $d/$n*; do [ -e "$p/partition" ] || continue; rd $p/start; st=$v; rd $p/size; sz=$v; hl $p; printf 'part|%s|%s|%s|%s|%s\\n' "$n" "\${p##*/}" "$st" "$sz" "$h"; done; done`,
    );
  }
  if (has('network')) {
    s.push(
      `if command -v ip >/dev/null 2>&1; then sec ip_link; ip -o link show 2>/dev/null; sec ip_addr; ip -o addr show 2>/dev/null; sec ip_route4; ip -4 route show default 2>/dev/null; sec ip_route6; ip -6 route show default 2>/dev/null; fi`,
      `sec sysnet; for i in /sys/class/net/*; do [ -e "$i" ] || continue; b=''; [ -d $i/bridge ] && b=bridge; [ -d $i/bonding ] && b=bonding; ` +
        `rd $i/address; mac=$v; rd $i/mtu; mtu=$v; rd $i/operstate; op=$v; rd $i/type; ty=$v; rd $i/flags; fl=$v; ` +
        `printf '%s|%s|%s|%s|%s|%s|%s\\n' "\${i##*/}" "$mac" "$mtu" "$op" "$ty" "$fl" "$b"; done`,
    );
  }
  s.push(`printf '\\n${MARK} end\\n'`);
  return s.join('\n');
}

/** `python` and `python_version` as Ansible's python collector, from the interpreter the node has. */
export function pythonFacts(text: string | undefined): Facts {
  const [executable, info, impl, ssl] = lines(text);
  if (!executable || !info) return {};
  const parts = info.split(' ');
  const [major, minor, micro] = parts.slice(0, 3).map(Number) as [number, number, number];
  const [releaselevel, serial] = [parts[3] ?? 'final', Number(parts[4] ?? 0)];
  return {
    python: {
      executable,
      has_sslcontext: ssl === 'True',
      type: impl ?? '',
      version: { major, minor, micro, releaselevel, serial },
      version_info: [major, minor, micro, releaselevel, serial],
    },
    python_version: `${major}.${minor}.${micro}`,
  };
}

/** DMI names Ansible's Linux virtual collector maps to a virtualization type (the common ones). */
const DMI_TYPES: { file: string; values: string[]; type: string }[] = [
  { file: 'product_name', values: ['KVM', 'KVM Server', 'Bochs', 'AHV'], type: 'kvm' },
  { file: 'sys_vendor', values: ['oVirt'], type: 'oVirt' },
  { file: 'product_name', values: ['VMware Virtual Platform', 'VMware7,1'], type: 'VMware' },
  { file: 'product_name', values: ['OpenStack Compute', 'OpenStack Nova'], type: 'openstack' },
  { file: 'bios_vendor', values: ['Xen'], type: 'xen' },
  { file: 'bios_vendor', values: ['innotek GmbH'], type: 'virtualbox' },
  { file: 'bios_vendor', values: ['Amazon EC2', 'DigitalOcean', 'Hetzner'], type: 'kvm' },
  { file: 'sys_vendor', values: ['QEMU', 'Amazon EC2', 'DigitalOcean', 'Google', 'Scaleway', 'Nutanix'], type: 'kvm' },
  { file: 'sys_vendor', values: ['KubeVirt'], type: 'KubeVirt' },
  { file: 'sys_vendor', values: ['Microsoft Corporation'], type: 'VirtualPC' },
  { file: 'sys_vendor', values: ['Parallels Software International Inc.'], type: 'parallels' },
  { file: 'sys_vendor', values: ['OpenStack Foundation'], type: 'openstack' },
];

/**
 * virtualization_type/role and the guest/host technologies, as Ansible's Linux collector finds
 * them: containers first (cgroup of pid 1, its environment, openvz, systemd's container file,
 * /.dockerenv), then the DMI names of a virtual machine; `NA` when nothing says.
 */
export function virtualFacts(sec: Map<string, string>): Facts {
  const guest = new Set<string>();
  const host = new Set<string>();
  let type: string | undefined;
  let role: string | undefined;
  const found = (tech: string, as: 'guest' | 'host' = 'guest'): void => {
    (as === 'guest' ? guest : host).add(tech);
    if (type === undefined) [type, role] = [tech, as];
  };
  for (const line of lines(sec.get('file:/proc/1/cgroup'))) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) found('docker');
    if (/\/lxc\//.test(line) || /\/machine\.slice\/machine-lxc/.test(line)) found('lxc');
    if (/\/system\.slice\/containerd\.service/.test(line)) found('containerd');
  }
  for (const line of lines(sec.get('environ1'))) {
    if (/container=lxc/.test(line)) found('lxc');
    if (/container=podman/.test(line)) found('podman');
    if (/^container=./.test(line)) found('container');
  }
  const flags = new Set(lines(sec.get('virtflags')));
  if (flags.has('/proc/vz') && !flags.has('/proc/lve')) found('openvz', flags.has('/proc/bc') ? 'host' : 'guest');
  const systemdContainer = sec.get('file:/run/systemd/container')?.trim();
  if (systemdContainer) found(systemdContainer);
  if (flags.has('/.dockerenv') || flags.has('/.dockerinit')) found('docker');
  if (systemdContainer || ['docker', 'lxc', 'podman', 'openvz', 'containerd'].some((t) => guest.has(t))) guest.add('container');
  for (const { file, values, type: tech } of DMI_TYPES) {
    if (values.includes(sec.get(`file:/sys/devices/virtual/dmi/id/${file}`)?.trim() ?? '')) found(tech);
  }
  return {
    virtualization_type: type ?? 'NA',
    virtualization_role: role ?? 'NA',
    virtualization_tech_guest: [...guest].sort(),
    virtualization_tech_host: [...host].sort(),
  };
}

/** Splits the script output into sections by name. */
export function splitSections(out: string): Map<string, string> {
  const sections = new Map<string, string>();
  const re = new RegExp(`\\n${MARK} ([^\\n]+)\\n`, 'g');
  const marks: { name: string; start: number; end: number }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(out)) !== null) marks.push({ name: m[1]!, start: m.index, end: re.lastIndex });
  for (let i = 0; i < marks.length; i++) {
    const next = marks[i + 1];
    const name = marks[i]!.name;
    if (name === 'end') break;
    // The marker's own newline is re-added before the next marker, so text keeps its final newline.
    sections.set(name, out.slice(marks[i]!.end, next ? next.start : out.length));
  }
  return sections;
}

// ---------------------------------------------------------------- parsing helpers

type Facts = Record<string, unknown>;

function lines(text: string | undefined): string[] {
  if (!text) return [];
  return text.split('\n').filter((l) => l !== '');
}

/** KEY=value files (os-release, lsb-release), with shell quoting removed. */
export function parseKeyValueFile(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines(text)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"') && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2)) {
      v = v.slice(1, -1);
      if (m[2]!.trim().startsWith('"')) v = v.replace(/\\(["\\$`])/g, '$1');
    }
    out[m[1]!] = v;
  }
  return out;
}

/** Ansible's bytes_to_human: "20.00 GB", "512.00 Bytes". */
export function bytesToHuman(size: number): string {
  const units: [string, number][] = [
    ['Y', 2 ** 80],
    ['Z', 2 ** 70],
    ['E', 2 ** 60],
    ['P', 2 ** 50],
    ['T', 2 ** 40],
    ['G', 2 ** 30],
    ['M', 2 ** 20],
    ['K', 2 ** 10],
    ['B', 1],
  ];
  for (const [suffix, limit] of units) {
    if (size >= limit) return `${(size / limit).toFixed(2)} ${limit === 1 ? 'Bytes' : `${suffix}B`}`;
  }
  return `${size.toFixed(2)} Bytes`;
}

// ---------------------------------------------------------------- distribution

const DISTRIBUTION_NAMES: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  raspbian: 'Debian',
  linuxmint: 'Linux Mint',
  kali: 'Kali',
  devuan: 'Devuan',
  pop: 'Pop!_OS',
  neon: 'KDE neon',
  parrot: 'Parrot',
  centos: 'CentOS',
  rhel: 'RedHat',
  fedora: 'Fedora',
  rocky: 'Rocky',
  almalinux: 'AlmaLinux',
  ol: 'OracleLinux',
  amzn: 'Amazon',
  scientific: 'Scientific',
  cloudlinux: 'CloudLinux',
  virtuozzo: 'Virtuozzo',
  eurolinux: 'EuroLinux',
  openEuler: 'openEuler',
  euleros: 'EulerOS',
  sles: 'SLES',
  sles_sap: 'SLES_SAP',
  sled: 'SLED',
  'opensuse-leap': 'openSUSE Leap',
  'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  'opensuse-microos': 'openSUSE MicroOS',
  opensuse: 'openSUSE',
  arch: 'Archlinux',
  archarm: 'Archlinux',
  manjaro: 'Manjaro',
  endeavouros: 'EndeavourOS',
  alpine: 'Alpine',
  gentoo: 'Gentoo',
  void: 'Void',
  nixos: 'NixOS',
  'clear-linux-os': 'ClearLinux',
  slackware: 'Slackware',
  mageia: 'Mageia',
  altlinux: 'Altlinux',
};

const OS_FAMILY: Record<string, string[]> = {
  RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux', 'OVS', 'OEL', 'Amazon', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali', 'Cumulus Linux', 'Pop!_OS', 'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap', 'openSUSE MicroOS'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro', 'EndeavourOS'],
  Mandrake: ['Mandrake', 'Mandriva', 'Mageia'],
  Slackware: ['Slackware'],
  Altlinux: ['Altlinux'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  ClearLinux: ['ClearLinux'],
};

export function osFamily(distribution: string, idLike = ''): string {
  for (const [family, names] of Object.entries(OS_FAMILY)) if (names.includes(distribution)) return family;
  const like = idLike.split(/\s+/);
  if (like.includes('debian') || like.includes('ubuntu')) return 'Debian';
  if (like.includes('rhel') || like.includes('fedora') || like.includes('centos')) return 'RedHat';
  if (like.includes('suse')) return 'Suse';
  if (like.includes('arch')) return 'Archlinux';
  return distribution;
}

function distributionFacts(sec: Map<string, string>): Facts {
  const osr = parseKeyValueFile(sec.get('file:/etc/os-release') ?? sec.get('file:/usr/lib/os-release'));
  const file = (name: string) => sec.get(`file:${name}`)?.trim();
  const id = osr.ID ?? '';
  let distribution = DISTRIBUTION_NAMES[id] ?? (id ? id.charAt(0).toUpperCase() + id.slice(1) : 'NA');
  let version = osr.VERSION_ID ?? 'NA';
  let release = osr.VERSION_CODENAME ?? (/\(([^)]+)\)/.exec(osr.VERSION ?? '')?.[1] ?? 'NA');
  let filePath = sec.has('file:/etc/os-release') ? '/etc/os-release' : '/usr/lib/os-release';
  let variety = distribution;
  const debianVersion = file('/etc/debian_version');
  const redhat = file('/etc/redhat-release');
  const alpine = file('/etc/alpine-release');
  if (!id && debianVersion !== undefined) distribution = 'Debian';
  if (!id && redhat !== undefined) distribution = /^CentOS/.test(redhat) ? 'CentOS' : /^Fedora/.test(redhat) ? 'Fedora' : 'RedHat';
  if (distribution === 'Debian' && debianVersion !== undefined) {
    if (/^\d+(\.\d+)*$/.test(debianVersion)) version = debianVersion;
    else if (version === 'NA') version = debianVersion;
    variety = 'Debian';
  } else if (redhat !== undefined && osFamily(distribution) === 'RedHat') {
    const m = /release\s+(\d+(?:\.\d+)?)/.exec(redhat);
    if (m && (version === 'NA' || m[1]!.startsWith(version))) version = m[1]!;
    const r = /\(([^)]+)\)/.exec(redhat);
    if (r) release = r[1]!;
    filePath = '/etc/redhat-release';
    variety = 'RedHat';
  } else if (distribution === 'Alpine' && alpine !== undefined) {
    version = alpine;
    filePath = '/etc/alpine-release';
    variety = 'Alpine';
  }
  const [major, minor] = version.split('.');
  const facts: Facts = {
    distribution,
    distribution_version: version,
    distribution_major_version: version === 'NA' ? 'NA' : (major ?? version),
    distribution_release: release,
    distribution_file_path: filePath,
    distribution_file_variety: variety,
    distribution_file_parsed: true,
    os_family: osFamily(distribution, osr.ID_LIKE),
  };
  if (minor !== undefined) facts.distribution_minor_version = minor;
  return facts;
}

function lsbFacts(sec: Map<string, string>): Facts {
  const lsb = parseKeyValueFile(sec.get('file:/etc/lsb-release'));
  const osr = parseKeyValueFile(sec.get('file:/etc/os-release') ?? sec.get('file:/usr/lib/os-release'));
  const out: Record<string, string> = {};
  if (lsb.DISTRIB_ID) {
    out.id = lsb.DISTRIB_ID;
    if (lsb.DISTRIB_RELEASE) out.release = lsb.DISTRIB_RELEASE;
    if (lsb.DISTRIB_DESCRIPTION) out.description = lsb.DISTRIB_DESCRIPTION;
    if (lsb.DISTRIB_CODENAME) out.codename = lsb.DISTRIB_CODENAME;
  } else if (osr.ID) {
    out.id = DISTRIBUTION_NAMES[osr.ID] ?? osr.ID.charAt(0).toUpperCase() + osr.ID.slice(1);
    if (osr.PRETTY_NAME) out.description = osr.PRETTY_NAME;
    if (osr.VERSION_ID) out.release = osr.VERSION_ID;
    if (osr.VERSION_CODENAME) out.codename = osr.VERSION_CODENAME;
  }
  if (out.release) out.major_release = out.release.split('.')[0]!;
  return { lsb: out };
}

// ---------------------------------------------------------------- platform, user, misc

function platformFacts(sec: Map<string, string>): Facts {
  const [system = '', kernel = '', kernelVersion = '', machine = '', nodename = ''] = (sec.get('uname') ?? '').split('\n');
  const fqdn = (sec.get('fqdn') ?? '').trim() || nodename;
  const architecture = /^i[3-6]86$/.test(machine) ? 'i386' : machine;
  const bits = Number((sec.get('long_bit') ?? '').trim()) || undefined;
  const facts: Facts = {
    system,
    kernel,
    kernel_version: kernelVersion,
    machine,
    architecture,
    nodename,
    hostname: nodename.split('.')[0],
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
  };
  if (bits) {
    facts.userspace_bits = String(bits);
    facts.userspace_architecture = architecture === 'x86_64' && bits === 32 ? 'i386' : architecture;
  }
  const machineId = (sec.get('file:/etc/machine-id') ?? sec.get('file:/var/lib/dbus/machine-id'))?.trim();
  if (machineId) facts.machine_id = machineId;
  return facts;
}

const PKG_MGRS: Record<string, string> = {
  'apt-get': 'apt',
  dnf5: 'dnf5',
  dnf: 'dnf',
  yum: 'yum',
  zypper: 'zypper',
  apk: 'apk',
  pacman: 'pacman',
  emerge: 'portage',
  'xbps-install': 'xbps',
  opkg: 'opkg',
  pkg: 'pkgng',
  swupd: 'swupd',
};

function pkgMgrFacts(sec: Map<string, string>, family: string | undefined): Facts {
  const found = lines(sec.get('pkg_mgr')).map((l) => l.trim());
  // Family first, as Ansible: a Debian host with yum installed still uses apt.
  const preferred: Record<string, string[]> = { Debian: ['apt-get'], RedHat: ['dnf5', 'dnf', 'yum'], Suse: ['zypper'], Alpine: ['apk'], Archlinux: ['pacman'], Gentoo: ['emerge'] };
  for (const b of preferred[family ?? ''] ?? []) if (found.includes(b)) return { pkg_mgr: PKG_MGRS[b] };
  const first = found[0];
  return { pkg_mgr: first ? (PKG_MGRS[first] ?? first) : 'unknown' };
}

const KNOWN_INITS: Record<string, string> = {
  systemd: 'systemd',
  runit: 'runit',
  'runit-init': 'runit',
  openrc: 'openrc',
  'openrc-init': 'openrc',
  upstart: 'upstart',
  's6-svscan': 's6',
  dinit: 'dinit',
  launchd: 'launchd',
};

function serviceMgrFacts(sec: Map<string, string>): Facts {
  const [comm = '', ...flags] = (sec.get('service_mgr') ?? '').split('\n').map((l) => l.trim());
  const known = KNOWN_INITS[comm];
  if (known) return { service_mgr: known };
  if (flags.includes('run_systemd')) return { service_mgr: 'systemd' };
  if (flags.includes('upstart')) return { service_mgr: 'upstart' };
  if (flags.includes('openrc')) return { service_mgr: 'openrc' };
  if (flags.includes('initd')) return { service_mgr: 'sysvinit' };
  return { service_mgr: 'service' };
}

function userFacts(sec: Map<string, string>): Facts {
  const [name = '', uid = '', gid = '', ruid = '', rgid = '', pw = ''] = (sec.get('user') ?? '').split('\n');
  const fields = pw.split(':');
  return {
    user_id: name,
    user_uid: Number(uid),
    user_gid: Number(fields[3] ?? gid) || Number(gid),
    user_gecos: fields[4] ?? '',
    user_dir: fields[5] ?? '',
    user_shell: fields[6] ?? '',
    real_user_id: Number(ruid),
    effective_user_id: Number(uid),
    real_group_id: Number(rgid),
    effective_group_id: Number(gid),
  };
}

function envFacts(sec: Map<string, string>): Facts {
  const env: Record<string, string> = {};
  const nul = sec.get('env0');
  const entries = nul !== undefined ? nul.split('\0') : (sec.get('env') ?? '').split('\n');
  for (const entry of entries) {
    const i = entry.indexOf('=');
    if (i <= 0) continue;
    const key = entry.slice(0, i).replace(/^\n/, '');
    if (key.startsWith('__fleet')) continue;
    env[key] = entry.slice(i + 1);
  }
  return { env };
}

function dateTimeFacts(sec: Map<string, string>): Facts {
  const parts = (sec.get('date') ?? '').trim().split('|');
  if (parts.length < 13) return {};
  const [year, month, day, hour, minute, second, weekdayNumber, weeknumber, epoch, tzOffset, tz, weekday, nanos] = parts as [string, string, string, string, string, string, string, string, string, string, string, string, string];
  const micro = /^\d{9}$/.test(nanos) ? nanos.slice(0, 6) : '000000';
  const utc = new Date(Number(epoch) * 1000);
  const iso = utc.toISOString().slice(0, 19);
  return {
    date_time: {
      year,
      month,
      weekday,
      weekday_number: weekdayNumber,
      weeknumber,
      day,
      hour,
      minute,
      second,
      epoch,
      epoch_int: String(parseInt(epoch, 10)),
      date: `${year}-${month}-${day}`,
      time: `${hour}:${minute}:${second}`,
      iso8601_micro: `${iso}.${micro}Z`,
      iso8601: `${iso}Z`,
      iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
      iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
      tz,
      tz_offset: tzOffset,
    },
  };
}

function dnsFacts(sec: Map<string, string>): Facts {
  const text = sec.get('file:/etc/resolv.conf');
  if (text === undefined) return {};
  const dns: Record<string, unknown> = {};
  for (const line of lines(text)) {
    const words = line.replace(/[#;].*$/, '').trim().split(/\s+/);
    const [key, ...rest] = words;
    if (!key) continue;
    if (key === 'nameserver' && rest[0]) ((dns.nameservers ??= []) as string[]).push(rest[0]);
    else if (key === 'domain' && rest[0]) dns.domain = rest[0];
    else if (key === 'search') dns.search = rest;
    else if (key === 'sortlist') dns.sortlist = rest;
    else if (key === 'options') {
      const options = (dns.options ??= {}) as Record<string, unknown>;
      for (const o of rest) {
        const [k, v] = o.split(':');
        if (k) options[k] = v ?? true;
      }
    }
  }
  return { dns };
}

function cmdlineFacts(sec: Map<string, string>): Facts {
  const text = sec.get('file:/proc/cmdline');
  if (text === undefined) return {};
  const cmdline: Record<string, unknown> = {};
  const proc: Record<string, unknown> = {};
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const i = word.indexOf('=');
    const key = i < 0 ? word : word.slice(0, i);
    const value: unknown = i < 0 ? true : word.slice(i + 1);
    cmdline[key] = value;
    if (key in proc) proc[key] = Array.isArray(proc[key]) ? [...(proc[key] as unknown[]), value] : [proc[key], value];
    else proc[key] = value;
  }
  return { cmdline, proc_cmdline: proc };
}

function sshKeyFacts(sec: Map<string, string>): Facts {
  const facts: Facts = {};
  for (const type of ['dsa', 'rsa', 'ecdsa', 'ed25519']) {
    const text = sec.get(`file:/etc/ssh/ssh_host_${type}_key.pub`);
    if (!text) continue;
    const [keytype, key] = text.trim().split(/\s+/);
    if (!keytype || !key) continue;
    facts[`ssh_host_key_${type}_public`] = key;
    facts[`ssh_host_key_${type}_public_keytype`] = keytype;
  }
  return facts;
}

/** INI-style local facts: sections of k=v. */
function parseIni(text: string): Record<string, Record<string, string>> | undefined {
  const out: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = out[section[1]!] = {};
      continue;
    }
    const kv = /^([^=:]+)[=:](.*)$/.exec(line);
    if (!kv || !current) return undefined;
    current[kv[1]!.trim()] = kv[2]!.trim();
  }
  return Object.keys(out).length ? out : undefined;
}

function localFacts(sec: Map<string, string>): Facts {
  const local: Record<string, unknown> = {};
  for (const [name, text] of sec) {
    const m = /^local(x?):(.*)$/.exec(name);
    if (!m) continue;
    const key = m[2]!.replace(/^.*\//, '').replace(/\.fact$/, '');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = parseIni(text) ?? `error loading facts as JSON or ini - please check content: ${m[2]}`;
    }
    local[key] = value;
  }
  return { local };
}

// ---------------------------------------------------------------- hardware

function processorFacts(sec: Map<string, string>): Facts {
  const processor: string[] = [];
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let physid = '';
  let coreid = '';
  let count = 0;
  let vendorCount = 0;
  let modelCount = 0;
  for (const line of lines(sec.get('cpuinfo'))) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim();
    const data = line.slice(i + 1).trim();
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(data);
      if (key === 'processor') count++;
      if (key === 'vendor_id') vendorCount++;
      if (key === 'model name') modelCount++;
    } else if (key === 'physical id') {
      physid = data;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = data;
      if (!cores.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number(data));
    else if (key === 'siblings') cores.set(coreid, Number(data));
  }
  if (vendorCount > 0 && vendorCount === modelCount) count = vendorCount;
  const processorCount = sockets.size || count;
  const processorCores = sockets.size ? [...sockets.values()][0]! : 1;
  const siblings = cores.size ? [...cores.values()][0]! : 1;
  const threadsPerCore = Math.max(1, Math.floor(siblings / processorCores));
  const nproc = Number((sec.get('nproc') ?? '').trim()) || count;
  return {
    processor,
    processor_count: processorCount,
    processor_cores: processorCores,
    processor_threads_per_core: threadsPerCore,
    processor_vcpus: threadsPerCore * processorCount * processorCores,
    processor_nproc: nproc,
  };
}

function memoryFacts(sec: Map<string, string>): Facts {
  const mem: Record<string, number> = {};
  for (const line of lines(sec.get('meminfo'))) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) mem[m[1]!] = Math.floor(Number(m[2]) / 1024);
  }
  if (mem.MemTotal === undefined) return {};
  const total = mem.MemTotal;
  const free = mem.MemFree ?? 0;
  const nocacheFree = free + (mem.Buffers ?? 0) + (mem.Cached ?? 0);
  const swapTotal = mem.SwapTotal ?? 0;
  const swapFree = mem.SwapFree ?? 0;
  return {
    memtotal_mb: total,
    memfree_mb: free,
    swaptotal_mb: swapTotal,
    swapfree_mb: swapFree,
    memory_mb: {
      real: { total, used: total - free, free },
      nocache: { free: nocacheFree, used: total - nocacheFree },
      swap: { total: swapTotal, free: swapFree, used: swapTotal - swapFree, cached: mem.SwapCached ?? 0 },
    },
  };
}

/** /proc/mounts escapes (\040 for a space, ...). */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function mountFacts(sec: Map<string, string>): Facts {
  const sizes = new Map<string, string>();
  for (const line of lines(sec.get('statfs'))) {
    const i = line.lastIndexOf('|');
    if (i > 0) sizes.set(line.slice(0, i), line.slice(i + 1));
  }
  const uuids = new Map<string, string>();
  for (const line of lines(sec.get('uuids'))) {
    const [dev, uuid] = line.split(' ');
    if (dev && uuid) uuids.set(dev, uuid);
  }
  const mounts: Facts[] = [];
  for (const line of lines(sec.get('file:/proc/mounts'))) {
    const [device = '', mount = '', fstype = '', options = ''] = line.split(' ');
    if ((!device.startsWith('/') && !device.includes(':/')) || fstype === 'none') continue;
    const entry: Facts = { mount: unescapeMount(mount), device: unescapeMount(device), fstype, options, uuid: uuids.get(unescapeMount(device)) ?? 'N/A' };
    const st = sizes.get(mount)?.trim().split(' ').map(Number);
    if (st && st.length === 7 && st.every((n) => Number.isFinite(n))) {
      const [frsize, bsize, blocks, bfree, bavail, files, ffree] = st as [number, number, number, number, number, number, number];
      Object.assign(entry, {
        size_total: frsize * blocks,
        size_available: frsize * bavail,
        block_size: bsize,
        block_total: blocks,
        block_available: bavail,
        block_used: blocks - bfree,
        inode_total: files,
        inode_available: ffree,
        inode_used: files - ffree,
      });
    }
    mounts.push(entry);
  }
  return { mounts };
}

function deviceFacts(sec: Map<string, string>): Facts {
  const devices: Record<string, Record<string, unknown>> = {};
  for (const line of lines(sec.get('blocks'))) {
    const f = line.split('|');
    if (f[0] === 'disk') {
      const [, name = '', size = '0', sectorsize = '512', removable = '0', rotational = '0', vendor = '', model = '', holders = ''] = f;
      const ss = Number(sectorsize) || 512;
      devices[name] = {
        vendor: vendor.trim() || null,
        model: model.trim() || null,
        removable,
        rotational,
        sectors: size,
        sectorsize: String(ss),
        size: bytesToHuman(Number(size) * ss),
        holders: holders.trim() ? holders.trim().split(/\s+/) : [],
        partitions: {},
      };
    } else if (f[0] === 'part') {
      const [, disk = '', name = '', start = '0', size = '0', holders = ''] = f;
      const d = devices[disk];
      if (!d) continue;
      const ss = Number(d.sectorsize) || 512;
      (d.partitions as Record<string, unknown>)[name] = {
        start,
        sectors: size,
        sectorsize: ss,
        size: bytesToHuman(Number(size) * ss),
        holders: holders.trim() ? holders.trim().split(/\s+/) : [],
      };
    }
  }
  return { devices };
}

// ---------------------------------------------------------------- network

function ipv4Mask(prefix: number): string {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.');
}

function ipv4Network(address: string, prefix: number): string {
  const n = address.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (n & mask) >>> 0;
  return [24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.');
}

const LINK_TYPES: Record<string, string> = { '1': 'ether', '512': 'ppp', '772': 'loopback', '65534': 'tunnel' };

export interface InterfaceFacts {
  device: string;
  active?: boolean;
  mtu?: number;
  macaddress?: string;
  type?: string;
  promisc?: boolean;
  ipv4?: Record<string, string>;
  ipv4_secondaries?: Record<string, string>[];
  ipv6?: Record<string, string>[];
  [key: string]: unknown;
}

function networkFacts(sec: Map<string, string>): Facts {
  const ifaces = new Map<string, InterfaceFacts>();
  const get = (name: string) => {
    let i = ifaces.get(name);
    if (!i) ifaces.set(name, (i = { device: name }));
    return i;
  };
  for (const line of lines(sec.get('sysnet'))) {
    const [name = '', mac = '', mtu = '', operstate = '', type = '', flags = '', kind = ''] = line.split('|');
    if (!name) continue;
    const i = get(name);
    i.active = operstate.trim() !== 'down';
    if (mtu) i.mtu = Number(mtu);
    if (mac) i.macaddress = mac;
    i.type = kind || LINK_TYPES[type] || 'unknown';
    if (flags) i.promisc = (parseInt(flags, 16) & 0x100) !== 0;
  }
  for (const line of lines(sec.get('ip_link'))) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>.*?\bmtu (\d+)/.exec(line);
    if (!m) continue;
    const i = get(m[1]!);
    if (i.mtu === undefined) i.mtu = Number(m[3]);
    const mac = /link\/\S+ ([0-9a-f:]{17})/.exec(line);
    if (mac && !i.macaddress) i.macaddress = mac[1];
    if (i.active === undefined) i.active = m[2]!.split(',').includes('UP');
  }
  const all4: string[] = [];
  const all6: string[] = [];
  for (const line of lines(sec.get('ip_addr'))) {
    const m = /^\d+:\s+(\S+)\s+(inet6?)\s+([0-9a-fA-F.:]+)\/(\d+)(.*)$/.exec(line);
    if (!m) continue;
    const [, name, family, address, prefixText, rest] = m as unknown as [string, string, string, string, string, string];
    const i = get(name.replace(/@.*$/, ''));
    const prefix = Number(prefixText);
    if (family === 'inet') {
      const brd = /\bbrd (\S+)/.exec(rest)?.[1] ?? '';
      const label = /scope \S+ (?:\w+ )*?(\S+)\\/.exec(rest)?.[1];
      const entry: Record<string, string> = { address, broadcast: brd, netmask: ipv4Mask(prefix), network: ipv4Network(address, prefix), prefix: String(prefix) };
      if (label && label !== name && label.startsWith(`${name}:`)) entry.alias = label;
      if (!i.ipv4 && !/\bsecondary\b/.test(rest)) i.ipv4 = entry;
      else (i.ipv4_secondaries ??= []).push(entry);
      if (!address.startsWith('127.')) all4.push(address);
    } else {
      const scope = /\bscope (\S+)/.exec(rest)?.[1] ?? '';
      (i.ipv6 ??= []).push({ address, prefix: String(prefix), scope });
      if (address !== '::1') all6.push(address);
    }
  }
  const facts: Facts = { interfaces: [...ifaces.keys()], all_ipv4_addresses: all4, all_ipv6_addresses: all6 };
  for (const [name, i] of ifaces) facts[name] = i;
  const defaults = (text: string | undefined, family: 4 | 6): Record<string, unknown> => {
    const line = lines(text).find((l) => l.startsWith('default'));
    if (!line) return {};
    const dev = /\bdev (\S+)/.exec(line)?.[1];
    const gateway = /\bvia (\S+)/.exec(line)?.[1];
    const i = dev ? ifaces.get(dev) : undefined;
    const out: Record<string, unknown> = { ...(gateway ? { gateway } : {}), ...(dev ? { interface: dev } : {}) };
    if (i) {
      if (family === 4 && i.ipv4) Object.assign(out, i.ipv4, { alias: i.ipv4.alias ?? dev });
      if (family === 6 && i.ipv6?.length) Object.assign(out, i.ipv6.find((a) => a.scope === 'global') ?? i.ipv6[0]);
      Object.assign(out, { macaddress: i.macaddress ?? 'unknown', mtu: i.mtu, type: i.type ?? 'unknown' });
    }
    return out;
  };
  facts.default_ipv4 = defaults(sec.get('ip_route4'), 4);
  facts.default_ipv6 = defaults(sec.get('ip_route6'), 6);
  return facts;
}

// ---------------------------------------------------------------- all together

/**
 * The facts, unprefixed (`hostname`, `eth0`, ...), from the sections the script printed. The setup
 * module adds the `ansible_` prefix.
 */
export function parseFacts(out: string, selected: ReadonlySet<string>): Facts {
  const sec = splitSections(out);
  const has = (n: string) => selected.has(n);
  const facts: Facts = {};
  if (has('platform')) Object.assign(facts, platformFacts(sec));
  if (has('distribution')) Object.assign(facts, distributionFacts(sec));
  if (has('lsb')) Object.assign(facts, lsbFacts(sec));
  if (has('pkg_mgr')) Object.assign(facts, pkgMgrFacts(sec, has('distribution') ? (facts.os_family as string) : osFamily(distributionFacts(sec).distribution as string)));
  if (has('service_mgr')) Object.assign(facts, serviceMgrFacts(sec));
  if (has('user')) Object.assign(facts, userFacts(sec));
  if (has('python')) Object.assign(facts, pythonFacts(sec.get('python')));
  if (has('virtual')) Object.assign(facts, virtualFacts(sec));
  if (has('env')) Object.assign(facts, envFacts(sec));
  if (has('date_time')) Object.assign(facts, dateTimeFacts(sec));
  if (has('dns')) Object.assign(facts, dnsFacts(sec));
  if (has('cmdline')) Object.assign(facts, cmdlineFacts(sec));
  if (has('apparmor') && sec.has('apparmor')) facts.apparmor = { status: sec.get('apparmor')!.trim() };
  if (has('fips')) facts.fips = sec.get('file:/proc/sys/crypto/fips_enabled')?.trim() === '1';
  if (has('ssh_pub_keys')) Object.assign(facts, sshKeyFacts(sec));
  if (has('local')) Object.assign(facts, localFacts(sec));
  if (has('hardware') && sec.has('file:/proc/uptime')) facts.uptime_seconds = Math.floor(Number(sec.get('file:/proc/uptime')!.trim().split(/\s+/)[0]));
  if (has('loadavg') && sec.has('file:/proc/loadavg')) {
    const [a, b, c] = sec.get('file:/proc/loadavg')!.trim().split(/\s+/).map(Number);
    facts.loadavg = { '1m': a, '5m': b, '15m': c };
  }
  if (has('hardware')) Object.assign(facts, processorFacts(sec), memoryFacts(sec), mountFacts(sec), deviceFacts(sec));
  if (has('network')) Object.assign(facts, networkFacts(sec));
  return facts;
}
