import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { LabError } from '../errors.js';

export const DEFAULT_LAB = 'fleet';
export const MAX_NODES = 200;

/** Parent of every lab's state dir; each lab's dir is a tmpfs mounted there. */
export function labRoot(): string {
  return process.env.FLEET_LAB_ROOT ?? '/run/fleet-lab';
}

export function labName(name: string | undefined): string {
  const n = name ?? DEFAULT_LAB;
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(n) || n.endsWith('-')) {
    throw new LabError(`invalid lab name "${n}"`, {
      hint: 'use 1-32 characters: lower-case letters, digits and "-", starting with a letter',
    });
  }
  return n;
}

export function stateDir(name: string): string {
  return join(labRoot(), name);
}

/**
 * Interface names are limited to 15 characters, so links are named after a short hash of the lab
 * name: "fl" + 6 hex digits, then "br" for the bridge or "n<index>" for a node's veth.
 */
export function labTag(name: string): string {
  return `fl${createHash('sha256').update(name).digest('hex').slice(0, 6)}`;
}

export function bridgeName(tag: string): string {
  return `${tag}br`;
}

export function vethName(tag: string, index: number): string {
  return `${tag}n${index}`;
}

export function isLabLink(tag: string, link: string): boolean {
  return link === bridgeName(tag) || new RegExp(`^${tag}n\\d+$`).test(link);
}

/**
 * A fixed MAC per node (locally administered, from the tag and index): a rebuilt node keeps its
 * address and MAC, so the host's and other nodes' ARP caches stay right.
 */
export function nodeMac(tag: string, index: number): string {
  const hex = `${tag.slice(2, 8)}${index.toString(16).padStart(4, '0')}`;
  return `02:${hex.match(/../g)?.join(':')}`;
}

export function nodeName(index: number): string {
  return `node${index}`;
}

export function netnsName(lab: string, index: number): string {
  return `fleetlab-${lab}-node${index}`;
}

/** Matches exactly this lab's netns names: the "-node<N>" suffix keeps lab "a" from matching "a-b". */
export function isLabNetns(lab: string, netns: string): boolean {
  return netns.startsWith(`fleetlab-${lab}-node`) && /^\d+$/.test(netns.slice(`fleetlab-${lab}-node`.length));
}

export function nodeAddress(prefix: string, index: number): string {
  return `${prefix}.${10 + index}`;
}

/** The comment that tags this lab's iptables rules so down finds them without any state. */
export function ruleComment(lab: string): string {
  return `fleet-lab:${lab}`;
}
