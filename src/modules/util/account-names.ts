/**
 * Values that become a field of /etc/passwd, /etc/group or /etc/shadow (and of chpasswd's
 * `name:hash` line): a newline, NUL or ':' would end the field or the line and write another
 * account's entry; a leading '-' would reach useradd/groupadd and friends as an option.
 */
export function accountNameProblem(kind: 'user' | 'group', name: string): string | undefined {
  if (name === '') return `the ${kind} name is empty`;
  if (/[\n\r\0:]/.test(name)) return `the ${kind} name ${JSON.stringify(name)} contains a newline, NUL or ':', which would split its line in /etc/${kind === 'user' ? 'passwd' : 'group'}: give a plain name`;
  if (name.startsWith('-')) return `the ${kind} name ${JSON.stringify(name)} starts with "-", which the account tools would read as an option (and refuse as a name): give a name starting with a letter or "_"`;
  return undefined;
}

/** A password hash for /etc/shadow: its text is never shown (it is a secret). */
export function passwordProblem(password: string): string | undefined {
  if (/[\n\r\0:]/.test(password)) return "password contains a newline, NUL or ':', which would split its line in /etc/shadow (and could write another account's entry): give a crypt hash such as the one password_hash produces";
  return undefined;
}
