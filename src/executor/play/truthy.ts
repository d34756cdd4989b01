/** Ansible's truth of a keyword value: booleans, and the words yes/on/1/true/y/t in any case. */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(value.trim().toLowerCase());
  return !!value;
}
