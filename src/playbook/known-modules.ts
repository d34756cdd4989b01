/**
 * Module names Ansible users write, by collection: to tell "a real Ansible module fleet does not
 * implement yet" from "a name nobody knows" (a typo, answered with the closest known name).
 */
const BUILTIN = [
  'add_host', 'apt', 'apt_key', 'apt_repository', 'assemble', 'assert', 'async_status', 'blockinfile',
  'command', 'copy', 'cron', 'deb822_repository', 'debconf', 'debug', 'dnf', 'dnf5', 'dpkg_selections',
  'expect', 'fail', 'fetch', 'file', 'find', 'gather_facts', 'get_url', 'getent', 'git', 'group',
  'group_by', 'hostname', 'include_vars', 'iptables', 'known_hosts', 'lineinfile', 'meta', 'mount_facts',
  'package', 'package_facts', 'pause', 'ping', 'pip', 'raw', 'reboot', 'replace', 'rpm_key', 'script',
  'service', 'service_facts', 'set_fact', 'set_stats', 'setup', 'shell', 'slurp', 'stat', 'subversion',
  'systemd', 'systemd_service', 'sysvinit', 'tempfile', 'template', 'unarchive', 'uri', 'user',
  'validate_argument_spec', 'wait_for', 'wait_for_connection', 'yum', 'yum_repository',
];

const POSIX = [
  'acl', 'at', 'authorized_key', 'firewalld', 'firewalld_info', 'mount', 'patch', 'rhel_facts',
  'rhel_rpm_ostree', 'rpm_ostree_upgrade', 'seboolean', 'selinux', 'synchronize', 'sysctl',
];

const COMMUNITY_GENERAL = [
  'alternatives', 'apk', 'archive', 'capabilities', 'cargo', 'cloudflare_dns', 'composer', 'copr',
  'cronvar', 'crypttab', 'dconf', 'dpkg_divert', 'filesize', 'filesystem', 'flatpak', 'flatpak_remote',
  'gem', 'git_config', 'github_release', 'gitlab_project', 'gitlab_user', 'homebrew', 'homebrew_cask',
  'htpasswd', 'ini_file', 'java_keystore', 'jenkins_plugin', 'kernel_blacklist', 'launchd', 'ldap_entry',
  'listen_ports_facts', 'locale_gen', 'lvg', 'lvol', 'lxc_container', 'mail', 'make', 'modprobe', 'nmcli',
  'npm', 'open_iscsi', 'pacman', 'pam_limits', 'pamd', 'parted', 'pids', 'pip_package_info', 'pipx',
  'pkgng', 'puppet', 'redis', 'rhsm_repository', 'redhat_subscription', 'runit', 'sefcontext', 'seport',
  'slack', 'snap', 'ssh_config', 'sudoers', 'supervisorctl', 'syspatch', 'sysrc', 'telegram', 'terraform',
  'timezone', 'ufw', 'xattr', 'xfconf', 'xml', 'yarn', 'zfs', 'zypper', 'zypper_repository',
];

const COMMUNITY_CRYPTO = [
  'acme_certificate', 'get_certificate', 'luks_device', 'openssh_cert', 'openssh_keypair',
  'openssl_csr', 'openssl_dhparam', 'openssl_pkcs12', 'openssl_privatekey', 'openssl_publickey',
  'x509_certificate', 'x509_certificate_info', 'x509_crl',
];

const OTHERS: Record<string, string[]> = {
  'community.docker': [
    'docker_compose', 'docker_compose_v2', 'docker_container', 'docker_container_exec', 'docker_image',
    'docker_login', 'docker_network', 'docker_prune', 'docker_swarm', 'docker_volume',
  ],
  'community.postgresql': ['postgresql_db', 'postgresql_privs', 'postgresql_query', 'postgresql_user'],
  'community.mysql': ['mysql_db', 'mysql_query', 'mysql_user'],
  'kubernetes.core': ['helm', 'helm_repository', 'k8s', 'k8s_info'],
  'community.rabbitmq': ['rabbitmq_user', 'rabbitmq_vhost'],
  'amazon.aws': ['ec2_instance', 's3_bucket', 's3_object'],
  'ansible.windows': [
    'win_acl', 'win_acl_inheritance', 'win_certificate_store', 'win_command', 'win_copy', 'win_dns_client',
    'win_domain', 'win_domain_controller', 'win_domain_membership', 'win_dsc', 'win_environment',
    'win_feature', 'win_file', 'win_find', 'win_get_url', 'win_group', 'win_group_membership',
    'win_hostname', 'win_optional_feature', 'win_owner', 'win_package', 'win_path', 'win_ping',
    'win_powershell', 'win_reg_stat', 'win_regedit', 'win_service', 'win_service_info', 'win_share',
    'win_shell', 'win_stat', 'win_tempfile', 'win_updates', 'win_uri', 'win_user', 'win_user_right',
    'win_wait_for', 'win_whoami',
  ],
};

/** short name -> the collection that has it. */
export const KNOWN_MODULES: ReadonlyMap<string, string> = new Map([
  ...BUILTIN.map((m) => [m, 'ansible.builtin'] as const),
  ...POSIX.map((m) => [m, 'ansible.posix'] as const),
  ...COMMUNITY_GENERAL.map((m) => [m, 'community.general'] as const),
  ...COMMUNITY_CRYPTO.map((m) => [m, 'community.crypto'] as const),
  ...Object.entries(OTHERS).flatMap(([coll, names]) => names.map((m) => [m, coll] as const)),
]);

/** Collections whose names are stripped to reach fleet's module (ansible.builtin.copy -> copy). */
export const KNOWN_COLLECTIONS = new Set(['ansible.builtin', 'ansible.legacy', ...new Set(KNOWN_MODULES.values())]);
