import { FleetError, type ErrorContext } from '../errors.js';

/** An ansible.cfg or ANSIBLE_* value fleet cannot use (exit code 5, as Ansible's option errors). */
export class ConfigError extends FleetError {
  constructor(message: string, context: ErrorContext = {}) {
    super('CONFIG', message, context);
  }
}
