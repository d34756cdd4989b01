/** What the API hands out: one node of a lab. */
export interface LabNode {
  name: string;
  address: string;
  netns: string;
}

/** What the API hands out: a lab and the files to reach it. */
export interface LabInfo {
  name: string;
  nodes: LabNode[];
  dir: string;
  inventoryPath: string;
  privateKeyPath: string;
  knownHostsPath: string;
  subnet: string;
  bridge: string;
}

export interface LabOptions {
  name?: string;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/** One node as kept in the lab's state.json. */
export interface NodeState {
  name: string;
  index: number;
  address: string;
  netns: string;
  /** Host end of the node's veth pair (the node's end is eth0). */
  veth: string;
  /** known_hosts key parts ("ssh-ed25519 AAAA…") of the host keys generated for the node. */
  hostKeys: string[];
}

/** Everything status/down/exec need to find a lab again, kept in <dir>/state.json. */
export interface LabState {
  version: 1;
  name: string;
  tag: string;
  bridge: string;
  /** First three octets of the lab's /24, e.g. "10.213.42". */
  prefix: string;
  subnet: string;
  gateway: string;
  nodes: NodeState[];
  /** Data volumes attached with labAttachVolume (src/lab/volume.ts), detached at down. */
  volumes?: VolumeState[];
}

/** One loop device attached to a node as a data volume. */
export interface VolumeState {
  node: string;
  /** /dev/loopN, on the host and in the node. */
  device: string;
  /** The backing image file on the host. */
  image: string;
}
