import type { LabState, NodeState } from './types.js';

/** /etc/hosts of every node: there is no DNS in a node, and sudo looks its own name up. */
export function hostsFile(nodes: readonly NodeState[]): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    '',
    ...nodes.map((n) => `${n.address}\t${n.name}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** known_hosts with each node's keys under its name and its address. */
export function knownHostsFile(nodes: readonly NodeState[]): string {
  return nodes.flatMap((n) => n.hostKeys.map((k) => `${n.name},${n.address} ${k}`)).map((l) => `${l}\n`).join('');
}

/** The seed project's inventory shape: node1 in [host], the rest in [clients]. */
export function inventoryFile(state: LabState, privateKeyPath: string, knownHostsPath: string): string {
  // A node's first data volume (labAttachVolume) is its fleet_data_device, as mount_file_system.yaml takes it.
  const device = (n: NodeState): string => {
    const v = state.volumes?.find((x) => x.node === n.name);
    return v ? ` fleet_data_device=${v.device}` : '';
  };
  const line = (n: NodeState): string => `${n.name} ansible_host=${n.address}${device(n)}`;
  const [first, ...rest] = state.nodes;
  return [
    `# fleet lab "${state.name}" (${state.subnet}); written by labUp, rewritten on every up`,
    '[host]',
    ...(first ? [line(first)] : []),
    '',
    '[clients]',
    ...rest.map(line),
    '',
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${privateKeyPath}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHostsPath} -o StrictHostKeyChecking=yes'`,
    '',
  ].join('\n');
}

/** One sshd_config for every node; host keys are the node's own, in its upper layer. */
export const SSHD_CONFIG = `# fleet lab node sshd (the host's /etc/ssh/sshd_config is hidden by the lab's base layer)
Port 22
AddressFamily any
HostKey /etc/ssh/ssh_host_ed25519_key
HostKey /etc/ssh/ssh_host_ecdsa_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM yes
UseDNS no
PidFile /run/sshd.pid
PrintMotd no
X11Forwarding no
AcceptEnv LANG LC_*
# tests open many connections at once; the defaults (10:30:100, 10) drop some of them
MaxStartups 200:30:400
MaxSessions 100
Subsystem sftp /usr/lib/openssh/sftp-server
`;

export const SUDOERS = `# fleet lab users: fleet gives its password on every sudo (no cached credentials), deploy never
Defaults:fleet timestamp_timeout=0
fleet ALL=(ALL:ALL) ALL
deploy ALL=(ALL:ALL) NOPASSWD: ALL
`;

/** How to start sshd in a node (again), with the log where the lab looks for it. */
export const SSHD_START = ['/usr/sbin/sshd', '-E', '/var/log/sshd.log'] as const;
export const SSHD_LOG = '/var/log/sshd.log';
